"""A peer session owns its group DM on Slack: however it ends (`peer end`, a plain `end`, an
End button, the clock), the AI's card is never posted there, the form goes to the interviewer
alone, and the candidate sees both scorecards privately after Submit; `time`, `hint` and `next`
go the peer way too."""

from __future__ import annotations

import json

import pytest

from bot.slack.render import ACTION_IDS
from interviewer.core.rubric import Criterion
from interviewer.core.stages import Stage
from interviewer.core.transcript import Role
from tests.bot.slack import payloads
from tests.bot.slack.conftest import ADA, BOB, Harness, dm_of
from tests.bot.slack.test_diagrams import MERMAID
from tests.bot.slack.test_drills import ANSWER, DRILL_AT, last_note
from tests.bot.slack.test_peer_sessions import form_of, in_pair, select, submit
from tests.bot.slack.test_peers import PAIR_DM, clock_of, opted_in_and_weekly

PEER_POSTS = ("⏱ ", "🎯 Curveball: ", "Peer mock this week", "The AI has graded")
"""Everything the bot may post in a pair's conversation."""
MPIM = {"channel_type": "mpim"}


async def started(slack: Harness) -> tuple[str, str]:
    """Ada and Bob paired and their session started; (interviewer, candidate)."""
    await opted_in_and_weekly(slack)
    slack.clock.now = DRILL_AT
    assert await clock_of(slack).pair_rounds() == 1
    [intro] = slack.fake.conversation(PAIR_DM)
    interviewer = ADA if f"<@{ADA}> interviews" in intro.shown else BOB
    candidate = BOB if interviewer == ADA else ADA
    await slack.command(candidate, PAIR_DM, "peer start")
    await slack.say(interviewer, PAIR_DM, "What would you clarify first?", **MPIM)
    await slack.say(candidate, PAIR_DM, ANSWER, **MPIM)
    return interviewer, candidate


def interview_id(slack: Harness) -> int:
    sessions = slack.container.peers.sessions  # type: ignore[union-attr]
    found = sessions.repo.in_thread("slack", PAIR_DM)
    assert found is not None and found.interview_id is not None
    return found.interview_id


def only_peer_posts(slack: Harness) -> None:
    """The pair's conversation holds the clock's posts and nothing of the AI's card."""
    shown = slack.fake.conversation(PAIR_DM)
    assert [m.text for m in shown if not m.text.startswith(PEER_POSTS)] == []
    assert not any(m.action_ids() for m in shown)  # no Hint / Next stage / End buttons
    uploads = slack.fake.calls_to("files.completeUploadExternal")
    assert [c for c in uploads if c.args.get("channel_id") == PAIR_DM] == []  # no radar chart


@pytest.mark.parametrize("way", ["peer end", "end", "button", "clock"])
async def test_a_peer_mock_ended_any_way_keeps_the_ai_card_private_until_submit(
    slack: Harness, way: str
) -> None:
    interviewer, candidate = await started(slack)
    if way == "peer end":
        await slack.command(interviewer, PAIR_DM, "peer end")
    elif way == "end":
        await slack.command(candidate, PAIR_DM, "end")
    elif way == "button":  # an End button naming the peer interview (an old message's)
        press = payloads.button(
            candidate, PAIR_DM, "1.1", None, ACTION_IDS["end"], str(interview_id(slack))
        )
        await slack.send("interactive", press)
    else:
        for _ in range(12):  # every stage's budget spent, tick by tick
            slack.clock.advance(minutes=10)
            await clock_of(slack).tick_interviews()
    stored = slack.container.service.repo.load(interview_id(slack))
    assert stored is not None and stored.scorecard is not None  # graded
    assert f"The AI has graded <@{candidate}>" in slack.fake.conversation(PAIR_DM)[-1].text
    only_peer_posts(slack)
    form = form_of(slack, interviewer)
    assert in_pair(slack, candidate) == []  # the candidate waits for both scorecards
    for criterion in Criterion:
        await slack.send(
            "interactive",
            payloads.form_press(interviewer, PAIR_DM, select(form, criterion, 3)),
        )
    await slack.send("interactive", payloads.form_press(interviewer, PAIR_DM, submit(form)))
    [card] = [e for e in in_pair(slack, candidate) if "AI overall" in str(e["text"])]
    assert "your interviewer 3/4" in str(card["text"])
    assert "/mockroom review" in str(card["text"])  # the review page, with both scores
    only_peer_posts(slack)
    if way == "end":  # the page the note names: the whole mock, AI and human side by side
        uploads = len(slack.fake.calls_to("files.completeUploadExternal"))
        await slack.command(candidate, PAIR_DM, "review")
        [complete] = slack.fake.calls_to("files.completeUploadExternal")[uploads:]
        [upload] = json.loads(complete.args["files"])
        html = slack.fake.uploads[upload["id"]].decode("utf-8")
        assert "Human interviewer" in html and "(human)" in html


async def test_time_hint_and_next_go_the_peer_way(slack: Harness) -> None:
    interviewer, candidate = await started(slack)
    slack.clock.advance(minutes=2)
    posted = len(slack.fake.conversation(PAIR_DM))

    await slack.command(candidate, PAIR_DM, "time")
    assert last_note(slack, candidate) == (
        "⏱ *Clarify requirements*: 3 min left in this stage, 43 min in the session."
    )
    await slack.command(interviewer, PAIR_DM, "time")
    assert "3 min left in this stage" in last_note(slack, interviewer)
    await slack.command(candidate, PAIR_DM, "hint")
    assert last_note(slack, candidate).startswith("In a peer mock the hints are your interviewer's")
    await slack.command(candidate, PAIR_DM, "next")
    assert last_note(slack, candidate).startswith("In a peer mock your interviewer moves the stage")
    assert len(slack.fake.conversation(PAIR_DM)) == posted  # nothing public, still clarifying

    await slack.command(interviewer, PAIR_DM, "next")
    assert "Now *High-level design* (12 min)" in slack.fake.conversation(PAIR_DM)[-1].text
    stored = slack.container.service.repo.load(interview_id(slack))
    assert stored is not None and stored.state.active and stored.state.stage is Stage.HIGH_LEVEL
    assert not stored.scorecard
    only_peer_posts(slack)


async def test_diagrams_in_a_peer_mock_are_drawn_and_refused_as_in_an_interview(
    slack: Harness,
) -> None:
    _, candidate = await started(slack)
    await slack.say(candidate, PAIR_DM, MERMAID, **MPIM)
    [complete] = slack.fake.calls_to("files.completeUploadExternal")
    assert complete.args["channel_id"] == PAIR_DM
    [upload] = json.loads(complete.args["files"])
    assert upload["title"] == "Your design, version 1: 4 components, 3 arrows"
    assert slack.fake.uploads[upload["id"]].startswith(b"\x89PNG")

    await slack.say(candidate, PAIR_DM, "We shard by user id.\nclient -> -> gateway", **MPIM)
    assert "Your diagram was not taken: line 2" in last_note(slack, candidate)
    assert len(slack.fake.calls_to("files.completeUploadExternal")) == 1
    stored = slack.container.service.repo.load(interview_id(slack))
    assert stored is not None
    said = [t.text for t in stored.turns if t.role is Role.CANDIDATE]
    assert said[-1] == "We shard by user id.\nclient -> -> gateway"  # the answer is kept


async def test_a_peer_mock_is_graded_at_its_briefs_level_and_listed_as_one(
    slack: Harness,
) -> None:
    interviewer, candidate = await started(slack)
    await slack.command(interviewer, PAIR_DM, "peer end")
    stored = slack.container.service.repo.load(interview_id(slack))
    assert stored is not None and stored.scorecard is not None
    problem = slack.container.bank.problems[stored.state.question_id]
    [brief] = slack.fake.conversation(dm_of(interviewer))
    assert f"({problem.level})" in brief.shown  # the level the interviewer was told
    assert stored.state.level.value == (problem.level if problem.level != "junior" else "mid")
    await slack.command(candidate, dm_of(candidate), "history")
    assert " · peer mock · " in slack.fake.conversation(dm_of(candidate))[-1].shown
