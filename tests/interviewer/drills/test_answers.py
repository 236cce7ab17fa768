"""Answers in a drill's thread: graded once in the async format, a short private scorecard."""

from __future__ import annotations

import pytest

from interviewer.bank import QuestionBank
from interviewer.core.rubric import Scorecard
from interviewer.core.stages import Format
from interviewer.core.transcript import Role, Transcript
from interviewer.service import Who
from tests.clock import FakeClock
from tests.interviewer.drills.harness import (
    ADMIN,
    SLACK,
    TEAM,
    FixedGrader,
    Replica,
    count,
    minutes,
    replica,
    utc,
)

ANA = Who(SLACK, "UANA", "Ana")
BEN = Who(SLACK, "UBEN", "Ben")
ANSWER = (
    "Clients hit a gateway with auth and rate limits; stateless API servers behind a load "
    "balancer, a Redis cache, sharded Postgres with replicas; autoscale on queue depth."
)


async def post_drill(world: Replica, clock: FakeClock) -> str:
    """Subscribe C1 at 09:00 UTC and post today's drill; its thread key."""
    clock.now = utc(2026, 11, 24, 12, 0)
    world.drills.subscribe(SLACK, TEAM, "C1", ADMIN, True, "09:00 UTC")
    clock.now = utc(2026, 11, 25, 9, 0)
    await world.scheduler.run_once()
    [(_, key, _)] = world.poster.drills
    clock.advance(minutes=5)
    return key


async def test_an_answer_is_graded_once_even_when_delivered_twice(
    world: Replica, clock: FakeClock, grader: FixedGrader
) -> None:
    key = await post_drill(world, clock)
    first = await world.drills.answer(SLACK, key, ANA, ANSWER, event_key="C1:1700.1")
    again = await world.drills.answer(SLACK, key, ANA, ANSWER, event_key="C1:1700.1")
    assert first is not None and first.private is not None and first.scorecard is not None
    assert again is not None and again.private is None  # a redelivery: nothing to say
    assert grader.calls == 1
    assert count(world.engine, "drill_answer") == 1
    assert count(world.engine, "points_ledger") == 1


async def test_a_second_answer_by_the_same_member_does_not_count(
    world: Replica, clock: FakeClock, grader: FixedGrader
) -> None:
    key = await post_drill(world, clock)
    await world.drills.answer(SLACK, key, ANA, ANSWER, event_key="e1")
    later = await world.drills.answer(SLACK, key, ANA, "And add a CDN.", event_key="e2")
    assert later is not None and later.private is not None
    assert "already answered this drill (3.0/4)" in later.private
    assert grader.calls == 1


async def test_the_member_gets_a_short_private_scorecard(world: Replica, clock: FakeClock) -> None:
    key = await post_drill(world, clock)
    reply = await world.drills.answer(SLACK, key, ANA, ANSWER)
    assert reply is not None and reply.private is not None
    lines = reply.private.splitlines()
    assert lines[0].startswith("*Drill scored: 3.0/4* (hire) on ")
    assert f"+{reply.points} points · drill streak 1 day." in lines[0]
    assert reply.points == 27  # (3.0 - 1) / 3 * 4 * 10, rounded
    assert lines[1].startswith("Strongest: ") and "weakest: " in lines[1]
    assert lines[2] == "Next: Practise sharding."
    assert len(reply.private) < 400


async def test_answers_are_graded_in_the_async_format_with_the_drill_s_question(
    sqlite_url: str, bank: QuestionBank, clock: FakeClock
) -> None:
    seen: list[Transcript] = []
    inner = FixedGrader(2.5)

    async def grade(transcript: Transcript) -> Scorecard:
        seen.append(transcript)
        return await inner(transcript)

    world = replica(sqlite_url, bank, clock, grade)
    key = await post_drill(world, clock)
    await world.drills.answer(SLACK, key, ANA, ANSWER)
    post = world.drills.repo.post_by_thread(SLACK, key)
    [transcript] = seen
    assert post is not None and transcript.question_id == post.question_id
    assert transcript.format is Format.ASYNC
    assert [t.role for t in transcript.turns] == [Role.INTERVIEWER, Role.CANDIDATE]
    assert transcript.turns[1].text == ANSWER
    world.close()


async def test_the_offline_grader_grades_a_real_answer(
    sqlite_url: str, bank: QuestionBank, clock: FakeClock
) -> None:
    world = replica(sqlite_url, bank, clock)  # the service's own grader, with its fallback
    key = await post_drill(world, clock)
    reply = await world.drills.answer(SLACK, key, ANA, ANSWER)
    assert reply is not None and reply.scorecard is not None
    assert reply.scorecard.grader == "offline" and 1.0 <= reply.scorecard.overall <= 4.0
    world.close()


async def test_messages_outside_drill_threads_and_after_the_window(
    world: Replica, clock: FakeClock, grader: FixedGrader
) -> None:
    key = await post_drill(world, clock)
    assert await world.drills.answer(SLACK, "C1:not-a-drill", ANA, ANSWER) is None
    assert await world.drills.answer("discord", key, ANA, ANSWER) is None
    assert world.drills.is_drill_thread(SLACK, key)
    empty = await world.drills.answer(SLACK, key, ANA, "   ")
    assert empty is not None and "nothing was recorded" in (empty.private or "")
    clock.now = utc(2026, 11, 26, 9, 0)  # the 24-hour window has closed
    closed = await world.drills.answer(SLACK, key, BEN, ANSWER)
    assert closed is not None and closed.private is not None
    assert closed.private == "This drill has closed. The next one: Fri 27 Nov 09:00 UTC."
    assert grader.calls == 0


async def test_a_grader_failure_releases_the_claim_so_a_redelivery_grades(
    sqlite_url: str, bank: QuestionBank, clock: FakeClock
) -> None:
    calls = 0

    async def flaky(transcript: Transcript) -> Scorecard:
        nonlocal calls
        calls += 1
        if calls == 1:
            raise ConnectionError("the grader is down")
        return await FixedGrader(3.5)(transcript)

    world = replica(sqlite_url, bank, clock, flaky)
    key = await post_drill(world, clock)
    with pytest.raises(ConnectionError):
        await world.drills.answer(SLACK, key, ANA, ANSWER, event_key="e1")
    assert count(world.engine, "drill_answer") == 0
    retried = await world.drills.answer(SLACK, key, ANA, ANSWER, event_key="e1")
    assert retried is not None and retried.scorecard is not None
    assert retried.scorecard.overall == 3.5
    world.close()


async def test_recap_at_window_end_names_only_members_who_opted_in(
    world: Replica, clock: FakeClock, grader: FixedGrader
) -> None:
    grader.scores = [2.0, 3.5, 3.0]
    key = await post_drill(world, clock)
    cara = Who(SLACK, "UCARA", "Cara")
    world.drills.show_me(SLACK, TEAM, BEN)
    for who in (ANA, BEN, cara):
        await world.drills.answer(SLACK, key, who, f"{who.display_name}: {ANSWER}")
    clock.now = utc(2026, 11, 26, 9, 0) - minutes(0.01)
    await world.scheduler.sweep_drills()
    assert world.poster.thread == []
    clock.now = utc(2026, 11, 26, 9, 0)
    await world.scheduler.sweep_drills()
    await world.scheduler.sweep_drills()
    [(thread, recap)] = world.poster.thread
    assert thread == key
    assert "3 answers, average 2.8/4" in recap
    assert "1. Ben, 3.5/4: “Ben: Clients hit a gateway" in recap
    assert "Ana" not in recap and "Cara" not in recap
    assert "2 other members answered; names stay hidden" in recap
    assert recap.endswith("The next drill: Fri 27 Nov 09:00 UTC.")  # not the one just posted
