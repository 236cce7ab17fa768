"""Boards count every member with points in the workspace, however they earned them: an
interview, a drill answer, a peer mock as candidate or as interviewer; a member who never ran a
board command or answered a drill is on `leaderboard` and `leaderboard share` all the same."""

from __future__ import annotations

from interviewer.core.rubric import Criterion
from tests.bot.slack import payloads
from tests.bot.slack.conftest import ADA, BOB, CAROL, CHANNEL, Harness, dm_of
from tests.bot.slack.test_drills import (
    ANSWER,
    DRILL_AT,
    SUBSCRIBE,
    clock_of,
    last_note,
    make_admin,
    top_level,
)
from tests.bot.slack.test_peer_commands import interview_id, started
from tests.bot.slack.test_peer_sessions import form_of, select, submit
from tests.bot.slack.test_peers import PAIR_DM


def points(slack: Harness, user: str, kind: str) -> int:
    """The member's points from one source, as the ledger holds them."""
    ledger = slack.container.drills.repo.ledger("slack")  # type: ignore[union-attr]
    return sum(e.points for e in ledger if e.user_id == user and e.source_kind == kind)


def rows(text: str) -> list[str]:
    """The ranked lines of a board."""
    return [line for line in text.splitlines() if line[:1].isdigit() and " pts" in line]


async def peer_mock_scored(slack: Harness) -> tuple[str, str]:
    """Ada and Bob's peer mock, ended and scored by its interviewer as the AI scored it."""
    interviewer, candidate = await started(slack)
    await slack.command(interviewer, PAIR_DM, "peer end")
    form = form_of(slack, interviewer)
    stored = slack.container.service.repo.load(interview_id(slack))
    assert stored is not None and stored.scorecard is not None
    for criterion in Criterion:
        chosen = select(form, criterion, stored.scorecard.criteria[criterion].score)
        await slack.send("interactive", payloads.form_press(interviewer, PAIR_DM, chosen))
    await slack.send("interactive", payloads.form_press(interviewer, PAIR_DM, submit(form)))
    return interviewer, candidate


async def test_peer_points_put_both_members_on_the_board_and_the_shared_board(
    slack: Harness,
) -> None:
    interviewer, candidate = await peer_mock_scored(slack)
    assert points(slack, candidate, "peer") > 0 and points(slack, interviewer, "peer") > 0
    slack.fake.users[CAROL] = {"is_admin": True, "profile": {"display_name": "Carol"}}

    await slack.command(CAROL, CHANNEL, "leaderboard")
    assert len(rows(last_note(slack, CAROL))) == 2  # the candidate and the interviewer
    await slack.command(CAROL, CHANNEL, "leaderboard share all")
    [board] = top_level(slack, "Leaderboard, all time")
    assert len(rows(board.shown)) == 2
    assert all(". a member: " in line for line in rows(board.shown))


async def test_interview_points_count_where_the_member_started_it(slack: Harness) -> None:
    await slack.command(ADA, dm_of(ADA), "start chatbot-api drill")
    await slack.say(ADA, dm_of(ADA), ANSWER, channel_type="im")
    await slack.command(ADA, dm_of(ADA), "end")
    assert points(slack, ADA, "interview") > 0

    await slack.command(BOB, CHANNEL, "leaderboard")
    [row] = rows(last_note(slack, BOB))
    assert row.startswith("1. a member: ")


async def test_drill_points_count_for_a_member_who_only_answered(slack: Harness) -> None:
    make_admin(slack, ADA, "Ada")
    await slack.command(ADA, CHANNEL, SUBSCRIBE)
    slack.clock.now = DRILL_AT
    assert await clock_of(slack).sweep_drills() == 1
    [drill] = top_level(slack, "Daily design drill")
    await slack.say(BOB, CHANNEL, ANSWER, thread_ts=drill.ts)
    assert points(slack, BOB, "drill") > 0

    await slack.command(CAROL, CHANNEL, "leaderboard")
    [row] = rows(last_note(slack, CAROL))
    assert row.startswith("1. a member: ")
