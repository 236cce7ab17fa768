"""export: all of the member's own data, JSON-ready, and nothing of anyone else's."""

from __future__ import annotations

import json
from datetime import datetime

from storage.repositories.export import OTHERS_MESSAGE
from tests.interviewer.privacy.world import (
    ANA,
    ANA_ASKS,
    ANA_DRILL,
    ANA_PEER,
    ANA_SAYS,
    BEN,
    BEN_ASKS,
    BEN_DRILL,
    BEN_SAYS,
    PEERS,
    World,
)


def test_the_export_holds_all_of_her_words_and_records(world: World) -> None:
    data = world.privacy.export(ANA)
    text = json.dumps(data, ensure_ascii=False)
    for said in [*ANA_SAYS, ANA_DRILL]:
        assert said in text
    assert data["user"]["external_id"] == ANA.user_id
    assert data["user"]["display_name"] == ANA.display_name
    assert [i["id"] for i in data["interviews"]] == [
        world.interviews["ana-solo"],
        world.interviews["ana-group"],
        world.interviews["ana-peer"],
    ]
    solo = data["interviews"][0]
    assert [t["text"] for t in solo["turns"] if t["role"] == "candidate"] == ANA_SAYS
    assert solo["scorecard"]["overall"] == solo["overall"] is not None
    assert any(c["evidence"] for c in solo["scorecard"]["criteria"].values())
    # Her messages in Ben's design-along, with the curveball she answered there.
    elsewhere = data["messages_in_others_design_alongs"]
    assert [m["text"] for m in elsewhere] == [ANA_SAYS[0], ANA_SAYS[2]]
    assert {m["interview_id"] for m in elsewhere} == {world.interviews["ben-group"]}
    [answer] = data["drill_answers"]
    assert answer["text"] == ANA_DRILL and answer["scorecard"]["overall"] == answer["overall"]
    assert len(data["points"]) == 5 and all(p["user_id"] == ANA.user_id for p in data["points"])
    assert [p["show_name"] for p in data["leaderboard_preferences"]] == [True]
    assert [s["channel"] for s in data["drill_subscriptions_created"]] == ["C1"]


def test_the_export_holds_every_role_she_played(world: World) -> None:
    data = world.privacy.export(ANA)
    # The question she asked as Ben's peer interviewer, kept in his interview.
    [asked] = data["questions_asked_as_peer_interviewer"]
    assert asked["text"] == ANA_ASKS and asked["interview_id"] == world.interviews["ben-peer"]
    assert [s["channel"] for s in data["channel_settings_changed"]] == ["C1"]
    assert [p["channel"] for p in data["pairings_set_up"]] == [PEERS]
    assert [m["channel"] for m in data["peer_memberships"]] == [PEERS]
    assert sorted(s["role"] for s in data["peer_sessions"]) == ["candidate", "interviewer"]
    assert all(s["scores"] for s in data["peer_sessions"])
    assert [r["enabled"] for r in data["reminder_preferences"]] == [True]
    # Her own peer mock: her answer; Ben's question to her is his, so it is not in it.
    peer = next(i for i in data["interviews"] if i["id"] == world.interviews["ana-peer"])
    said = {t["text"] for t in peer["turns"]}
    assert ANA_PEER in said and BEN_ASKS not in said and OTHERS_MESSAGE in said


def test_the_export_holds_nothing_of_the_other_member(world: World) -> None:
    text = json.dumps(world.privacy.export(ANA), ensure_ascii=False)
    for trace in (BEN.user_id, "Ben-quasar", "Quasarton", BEN_DRILL, BEN_ASKS, *BEN_SAYS):
        assert trace not in text
    # ...while the design-along she ran still shows that others spoke, and when.
    group = next(
        i
        for i in world.privacy.export(ANA)["interviews"]
        if i["id"] == world.interviews["ana-group"]
    )
    candidate = [(t["text"], t["author"]) for t in group["turns"] if t["role"] == "candidate"]
    assert candidate == [
        (ANA_SAYS[0], ANA.user_id),
        ("[another participant's message]", None),
        (ANA_SAYS[2], ANA.user_id),
        ("[another participant's message]", None),
    ]
    assert [c["author"] for c in group["scorecard"]["contributors"]] == [ANA.user_id]


def test_each_member_gets_only_their_own_export(world: World) -> None:
    ana = json.dumps(world.privacy.export(ANA), ensure_ascii=False)
    ben = json.dumps(world.privacy.export(BEN), ensure_ascii=False)
    assert "Ana-zephyr" not in ben and "Ben-quasar" not in ana
    for said in BEN_SAYS:
        assert said in ben


def test_the_export_is_json_with_iso_datetimes(world: World) -> None:
    exported = world.privacy.export_file(ANA)
    data = json.loads(exported.content)
    assert exported.filename == f"mockroom-export-slack-{world.clock().date()}.json"
    assert data["format"] == "mockroom-export/1"
    assert datetime.fromisoformat(data["exported_at"]) == world.clock()
    assert datetime.fromisoformat(data["interviews"][0]["created_at"]).tzinfo is not None
    assert datetime.fromisoformat(data["interviews"][0]["turns"][0]["created_at"]).tzinfo
    assert "3 interviews, 1 drill answer, 5 points entries" in exported.summary


def test_a_stranger_gets_an_empty_export(world: World) -> None:
    data = world.privacy.export(type(ANA)("slack", "UNOBODY"))
    assert data["user"] is None
    assert all(data[k] == [] for k in ("interviews", "drill_answers", "points"))
