"""forget-me: every row about the member goes, in every table, and nobody else's data does."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest
from sqlalchemy import select as sa_select
from sqlalchemy.exc import DBAPIError
from sqlmodel import Session, col, select

from interviewer.outbox import Kind, Post
from interviewer.privacy.ports import REMOVED
from interviewer.service import Who
from storage.models import (
    DrillSubscription,
    Interview,
    InterviewTurn,
    ScheduledPost,
    ScorecardRow,
    User,
    metadata,
)
from storage.repositories.outbox import SqlOutboxRepository
from tests.interviewer.privacy.world import (
    ANA,
    ANA_ASKS,
    ANA_DRILL,
    ANA_PEER,
    BEN,
    BEN_DRILL,
    BEN_PEER,
    BEN_SAYS,
    SLACK,
    World,
    rows,
    traces,
)

ANA_TRACES = (ANA.user_id, "Ana-zephyr", "Zephyrine")
BEN_TRACES = (BEN.user_id, "Ben-quasar", "Quasarton")


# Tables that never name a member: a new table must be added here, or to the world.
MEMBER_FREE = {"processed_event", "drill_post"}


def test_the_world_holds_both_members_everywhere(world: World) -> None:
    # Without this, a scan that finds nothing after forgetting would prove nothing; and a
    # table added to the models later fails here until the world puts her in it.
    tables = {table for table, _, _ in traces(world.engine, *ANA_TRACES)}
    assert tables == set(metadata.tables) - MEMBER_FREE
    assert {t for t, _, _ in traces(world.engine, *BEN_TRACES)} == tables - {
        "drill_subscription",
        "channel_setting",  # who changed the channel's settings last
        "peer_schedule",  # who set up the weekly pairing
        "reminder_pref",
        "scheduler_claim",  # her streak reminder's claim
    }


def test_forget_leaves_no_trace_of_the_member_in_any_table_or_column(world: World) -> None:
    # Every role she played: candidate, co-designer, peer interviewer and peer candidate,
    # the one who changed settings, set up the drill and the pairing, turned reminders on.
    with Session(world.engine) as session:
        [pk] = session.exec(select(User.id).where(User.external_id == ANA.user_id)).all()
    counts = world.privacy.forget(ANA)
    assert traces(world.engine, *ANA_TRACES, ANA_ASKS, ANA_PEER) == []
    assert _referring_to_user(world, pk) == []
    assert counts["user"] == 1
    assert counts["interview"] == 3  # her solo interview, her design-along, her peer mock
    assert counts["scorecard"] == 3
    assert counts["drill_answer"] == 1
    assert counts["points_ledger"] == 5  # three interviews, a drill, a peer mock she scored
    assert counts["leaderboard_pref"] == 1
    # Her two messages in Ben's design-along, her question in Ben's peer mock.
    assert counts["interview_turn_redacted"] == 3
    assert counts["drill_subscription_anonymised"] == 1
    assert counts["channel_setting_anonymised"] == 1
    assert counts["peer_schedule_anonymised"] == 1
    assert counts["peer_member"] == counts["reminder_pref"] == counts["scheduler_claim"] == 1
    assert counts["peer_session"] == 2


def test_her_questions_in_his_peer_mock_are_replaced_and_his_answer_stays(world: World) -> None:
    world.privacy.forget(ANA)
    with Session(world.engine) as session:
        turns = session.exec(
            select(InterviewTurn).where(col(InterviewTurn.author).is_not(None))
        ).all()
        removed = session.exec(select(InterviewTurn).where(InterviewTurn.text == REMOVED)).all()
    assert BEN_PEER in {t.text for t in turns}
    assert {(t.role, t.author) for t in removed} == {("candidate", None), ("interviewer", None)}


def _referring_to_user(world: World, pk: int | None) -> list[tuple[str, str]]:
    """(table, column) of every integer column pointing at the user table that holds `pk`."""
    found = []
    with world.engine.connect() as connection:
        for table in metadata.sorted_tables:
            for column in table.columns:
                if any(fk.column.table.name == "user" for fk in column.foreign_keys):
                    hits = connection.execute(sa_select(column).where(column == pk)).all()
                    found += [(table.name, column.name)] * len(hits)
    return found


def test_the_other_members_data_is_intact(world: World) -> None:
    before = world.privacy.export(BEN)
    world.privacy.forget(ANA)
    after = world.privacy.export(BEN)
    assert after["user"] == before["user"]
    assert after["points"] == before["points"]
    assert after["drill_answers"] == before["drill_answers"]
    assert after["leaderboard_preferences"] == before["leaderboard_preferences"]
    assert [i["id"] for i in after["interviews"]] == [i["id"] for i in before["interviews"]]
    solo = world.interviews["ben-solo"]
    assert _find(after, solo) == _find(before, solo)  # untouched, transcript and card
    stored = "\n".join(value for _, _, value in traces(world.engine, *BEN_TRACES))
    for text in [*BEN_SAYS, BEN_DRILL]:
        assert text in stored
    assert ANA_DRILL not in stored and rows(world.engine, "drill_post") == 1


def test_her_messages_in_his_design_along_are_replaced_and_his_card_stays(world: World) -> None:
    group = world.interviews["ben-group"]
    overall = _card(world, group).overall
    world.privacy.forget(ANA)
    with Session(world.engine) as session:
        turns = session.exec(
            select(InterviewTurn)
            .where(InterviewTurn.interview_id == group, InterviewTurn.role == "candidate")
            .order_by(col(InterviewTurn.seq))
        ).all()
    assert [(t.text, t.author) for t in turns] == [
        (REMOVED, None),
        (BEN_SAYS[1], BEN.user_id),
        (REMOVED, None),
        (BEN_SAYS[2], BEN.user_id),
    ]
    row = _card(world, group)
    card = json.loads(row.card_json)
    assert row.overall == overall
    assert [c["author"] for c in card["contributors"]] == [BEN.user_id]
    evidence = [q for c in card["criteria"].values() for q in c["evidence"]]
    assert evidence and all("Ben-quasar" in q for q in evidence)  # his quotes stay


def test_her_own_design_along_goes_with_everyone_in_it(world: World) -> None:
    group = world.interviews["ana-group"]
    world.privacy.forget(ANA)
    with Session(world.engine) as session:
        assert session.get(Interview, group) is None
        turns = session.exec(select(InterviewTurn).where(InterviewTurn.interview_id == group))
        assert turns.all() == []


def test_subscriptions_she_set_up_keep_running_unattributed(world: World) -> None:
    world.privacy.forget(ANA)
    with Session(world.engine) as session:
        [sub] = session.exec(select(DrillSubscription)).all()
    assert sub.active and sub.created_by == ""


def test_forgetting_twice_or_a_stranger_changes_nothing(world: World) -> None:
    world.privacy.forget(ANA)
    before = traces(world.engine, *BEN_TRACES)
    again = world.privacy.forget(ANA)
    stranger = world.privacy.forget(Who("slack", "UNOBODY"))
    assert not any(again.values()) and not any(stranger.values())
    assert traces(world.engine, *BEN_TRACES) == before


def test_the_same_id_on_another_platform_is_another_person(world: World) -> None:
    counts = world.privacy.forget(Who("discord", ANA.user_id))
    assert not any(counts.values())
    assert {t for t, _, _ in traces(world.engine, *ANA_TRACES)} >= {"user", "interview_turn"}


def test_forget_is_one_transaction(world: World) -> None:
    # A trigger refuses the last step (deleting her user row): everything before it, the
    # interviews, answers, points and redactions, must be rolled back with it.
    before = traces(world.engine, *ANA_TRACES)
    with world.engine.begin() as connection:
        for statement in _KEEP_USERS[world.engine.dialect.name]:
            connection.exec_driver_sql(statement)
    with pytest.raises(DBAPIError, match="users are kept"):
        world.privacy.forget(ANA)
    assert traces(world.engine, *ANA_TRACES) == before


_KEEP_USERS = {
    "sqlite": [
        'CREATE TRIGGER keep_users BEFORE DELETE ON "user" '
        "BEGIN SELECT RAISE(ABORT, 'users are kept'); END"
    ],
    "postgresql": [
        "CREATE FUNCTION keep_users() RETURNS trigger LANGUAGE plpgsql AS "
        "$$ BEGIN RAISE EXCEPTION 'users are kept'; END $$",
        'CREATE TRIGGER keep_users BEFORE DELETE ON "user" '
        "FOR EACH ROW EXECUTE FUNCTION keep_users()",
    ],
}


def _card(world: World, interview_id: int) -> ScorecardRow:
    with Session(world.engine) as session:
        return session.exec(
            select(ScorecardRow).where(ScorecardRow.interview_id == interview_id)
        ).one()


def _find(export: dict[str, object], interview_id: int) -> object:
    interviews = export["interviews"]
    assert isinstance(interviews, list)
    return next(i for i in interviews if i["id"] == interview_id)


def test_a_waiting_post_goes_by_her_name_as_a_word_not_as_part_of_another(world: World) -> None:
    # Others' waiting posts are not lost to a name that only appears inside a longer word.
    outbox = SqlOutboxRepository(world.engine)
    name = ANA.display_name
    assert name is not None
    theirs = Post("recap:team", Kind.THREAD, SLACK, "C1:t", f"Standings: {name}ville league leads")
    hers = Post("recap:hers", Kind.THREAD, SLACK, "C1:u", f"Recap: {name} answered first.")
    outbox.enqueue([theirs, hers], datetime(2026, 12, 7, tzinfo=UTC))
    world.privacy.forget(ANA)
    with Session(world.engine) as session:
        keys = set(session.exec(select(ScheduledPost.key)))
    assert "recap:team" in keys and "recap:hers" not in keys
