"""A peer session owns its private thread on Discord: however it ends (`peer end`, a plain
`end`, an End button, the clock), the AI's card is never posted there, the form goes to the
interviewer alone by DM, and the candidate sees both scorecards privately after Submit; `time`,
`hint` and `next` go the peer way too."""

from __future__ import annotations

import pytest

from bot.bootstrap import Container
from interviewer.core.stages import Stage
from tests.bot.discord.conftest import StartBot
from tests.bot.discord.fake_discord import FakeDiscord, Interaction
from tests.bot.discord.test_diagrams import MERMAID, diagram_posts, png_uploads
from tests.bot.discord.test_dm import custom_ids
from tests.bot.discord.test_drills import private_note
from tests.bot.discord.test_peer_sessions import ANSWER, Paired, ephemeral, paired, turns
from tests.clock import FakeClock
from tests.support import wait_until

PEER_POSTS = ("⏱ ", "🎯 Curveball: ", "Peer mock this week", "The AI has graded")
"""Everything the bot may post in a pair's thread."""
END_BUTTON = {"type": 2, "style": 4, "label": "End"}


async def started(
    fake: FakeDiscord, start_bot: StartBot, container: Container, clock: FakeClock
) -> Paired:
    """The pair's session started, one question asked and answered."""
    pair = await paired(fake, start_bot, container, clock)
    await private_note(await fake.slash(pair.candidate, pair.key, "peer", action="start"))
    await fake.say(pair.key, pair.interviewer, "What would you clarify first?")
    await fake.say(pair.key, pair.candidate, ANSWER)
    await wait_until(lambda: len(turns(container, pair.key)) == 2, "both turns")
    return pair


def interview_id(container: Container, key: str) -> int:
    assert container.peers is not None and container.peers.sessions is not None
    found = container.peers.sessions.repo.in_thread("discord", key)
    assert found is not None and found.interview_id is not None
    return found.interview_id


def only_peer_posts(fake: FakeDiscord, key: str) -> None:
    """The pair's thread holds the clock's posts and nothing of the AI's card."""
    shown = fake.by_bot(key)
    assert [m for m in shown if not m["content"].startswith(PEER_POSTS)] == []
    assert not any(m.get("embeds") or m.get("attachments") for m in shown)  # no card, no chart
    assert not any(m.get("components") for m in shown)  # no Hint / Next stage / End buttons


async def answered(record: Interaction) -> str:
    """The ephemeral answer to a public-deferred command (`time`, `hint`, `next`)."""
    await wait_until(lambda: record.followups, "the private answer")
    return str(record.followups[-1]["content"])


@pytest.mark.parametrize("way", ["peer end", "end", "button", "clock"])
async def test_a_peer_mock_ended_any_way_keeps_the_ai_card_private_until_submit(
    fake: FakeDiscord, start_bot: StartBot, container: Container, clock: FakeClock, way: str
) -> None:
    pair = await started(fake, start_bot, container, clock)
    key, interviewer, candidate = pair.key, pair.interviewer, pair.candidate
    if way == "peer end":
        await private_note(await fake.slash(interviewer, key, "peer", action="end"))
    elif way == "end":
        await answered(await fake.slash(candidate, key, "end"))
    elif way == "button":  # an End button naming the peer interview, as an older release
        intro = fake.messages[fake.by_bot(key)[0]["id"]]  # showed on a `time` reply
        end = f"mockroom:end:{interview_id(container, key)}"
        intro["components"] = [{"type": 1, "components": [END_BUTTON | {"custom_id": end}]}]
        await fake.press(candidate, intro["id"], end)
        await wait_until(lambda: "The AI has graded" in fake.by_bot(key)[-1]["content"])
        intro["components"] = []
    else:
        for _ in range(12):  # every stage's budget spent, tick by tick
            clock.advance(minutes=10)
            await pair.scheduler.tick_interviews()

    def graded() -> bool:
        return f"The AI has graded <@{candidate['id']}>" in fake.by_bot(key)[-1]["content"]

    await wait_until(graded, "the end of the session")
    await wait_until(lambda: len([m for m in fake.dms_to(interviewer) if m.get("components")]) == 2)
    only_peer_posts(fake, key)
    forms = [m for m in fake.dms_to(interviewer) if m.get("components")]
    assert not [m for m in fake.dms_to(candidate) if m.get("components")]  # the form is not theirs
    assert not [m for m in fake.dms_to(candidate) if "Your peer mock" in m["content"]]

    ids = [i for m in forms for i in custom_ids(m)]
    where = {i: m["id"] for m in forms for i in custom_ids(m)}
    for custom_id in ids[:-1]:
        await ephemeral(await fake.choose(interviewer, where[custom_id], custom_id, "3"))
    await ephemeral(await fake.press(interviewer, where[ids[-1]], ids[-1]))

    def side_by_side() -> list[str]:
        return [m["content"] for m in fake.dms_to(candidate) if "Your peer mock" in m["content"]]

    await wait_until(side_by_side, "the candidate's side-by-side")
    assert "your interviewer 3/4" in side_by_side()[0]
    only_peer_posts(fake, key)


async def test_time_hint_and_next_go_the_peer_way(
    fake: FakeDiscord, start_bot: StartBot, container: Container, clock: FakeClock
) -> None:
    pair = await started(fake, start_bot, container, clock)
    key, interviewer, candidate = pair.key, pair.interviewer, pair.candidate
    clock.advance(minutes=2)
    posted = len(fake.by_bot(key))

    said = await answered(await fake.slash(candidate, key, "time"))
    assert said == "⏱ **Clarify requirements**: 3 min left in this stage, 43 min in the session."
    assert "3 min left in this stage" in await answered(await fake.slash(interviewer, key, "time"))
    hint = await answered(await fake.slash(candidate, key, "hint"))
    assert hint.startswith("In a peer mock the hints are your interviewer's")
    moved = await answered(await fake.slash(candidate, key, "next"))
    assert moved.startswith("In a peer mock your interviewer moves the stage on")
    assert len(fake.by_bot(key)) == posted  # nothing public, still clarifying

    await answered(await fake.slash(interviewer, key, "next"))
    assert "Now **High-level design** (12 min)" in fake.by_bot(key)[-1]["content"]
    stored = container.service.repo.load(interview_id(container, key))
    assert stored is not None and stored.state.active and stored.state.stage is Stage.HIGH_LEVEL
    assert stored.scorecard is None
    only_peer_posts(fake, key)


async def test_diagrams_in_a_peer_mock_are_drawn_and_refused_as_in_an_interview(
    fake: FakeDiscord, start_bot: StartBot, container: Container, clock: FakeClock
) -> None:
    pair = await started(fake, start_bot, container, clock)
    key = pair.key
    await fake.say(key, pair.candidate, MERMAID)
    [shown] = await wait_until(lambda: diagram_posts(fake, key), "the diagram")
    assert shown["embeds"][0]["title"] == "Your design, version 1: 4 components, 3 arrows"
    assert png_uploads(fake, key)[0].startswith(b"\x89PNG")

    await fake.say(key, pair.candidate, "We shard by user id.\nclient -> -> gateway")
    note = await wait_until(
        lambda: [m for m in fake.by_bot(key) if "Your diagram was not taken" in m["content"]],
        "the note",
    )
    assert "line 2: expected a component after `->`" in note[0]["content"]
    await wait_until(lambda: len(turns(container, key)) == 4, "the answer, kept")
    assert len(diagram_posts(fake, key)) == 1
