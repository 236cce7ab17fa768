"""Two `mockroom serve` processes over one database: every drill, answer, recap, board and
deadline happens once, while both fire at the same moment (threads, real concurrency)."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Callable, Coroutine, Iterator
from typing import Any

import pytest

from interviewer.bank import QuestionBank
from interviewer.core.stages import Format
from interviewer.service import Who
from tests.clock import FakeClock
from tests.interviewer.drills.harness import (
    ADMIN,
    SLACK,
    TEAM,
    FixedGrader,
    Replica,
    count,
    replica,
    utc,
)

CHANNELS = [f"C{i}" for i in range(8)]
MEMBERS = [Who(SLACK, f"U{i}", f"Member {i}") for i in range(6)]
ANSWER = "A gateway, stateless servers, a cache, sharded storage with replicas, autoscaling."


@pytest.fixture
def shared_url(migrated_url: str) -> str:
    """One migrated database that both replicas use."""
    return migrated_url


@pytest.fixture
def pair(shared_url: str, bank: QuestionBank, clock: FakeClock) -> Iterator[list[Replica]]:
    replicas = [replica(shared_url, bank, clock, FixedGrader(3.0)) for _ in range(2)]
    yield replicas
    for r in replicas:
        r.close()


def race(*jobs: Callable[[], Coroutine[Any, Any, object]]) -> list[object]:
    """Run each coroutine in its own thread and event loop, all released at the same instant."""
    barrier = threading.Barrier(len(jobs))
    results: list[object] = [None] * len(jobs)
    errors: list[BaseException] = []

    def run(i: int) -> None:
        barrier.wait()
        try:
            results[i] = asyncio.run(jobs[i]())
        except BaseException as exc:  # surfaced below, in the test's thread
            errors.append(exc)

    threads = [threading.Thread(target=run, args=(i,)) for i in range(len(jobs))]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    if errors:
        raise errors[0]
    return results


def graders(pair: list[Replica]) -> int:
    return sum(r.drills.grade.calls for r in pair)  # type: ignore[attr-defined]


def test_two_processes_post_grade_recap_and_board_exactly_once(
    pair: list[Replica], clock: FakeClock
) -> None:
    a, b = pair
    clock.now = utc(2026, 11, 22, 12, 0)  # a Sunday
    for channel in CHANNELS:
        a.drills.subscribe(SLACK, TEAM, channel, ADMIN, True, "09:00 UTC")
    answered: set[str] = set()
    for day in (23, 24):  # two drill days, both processes sweeping at the same instant
        clock.now = utc(2026, 11, day, 9, 0)
        race(a.scheduler.sweep_drills, b.scheduler.sweep_drills)
        race(a.scheduler.sweep_drills, b.scheduler.sweep_drills)
        posted = a.poster.drills + b.poster.drills
        assert len(posted) == len(CHANNELS) * (day - 22)
        clock.now = utc(2026, 11, day, 9, 30)
        threads = [key for _, key, _ in posted if key not in answered]
        answered.update(threads)
        # every member answers in every thread; each message reaches both processes at once
        for key in threads:
            for n, who in enumerate(MEMBERS):
                event = f"{key}:{n}"
                race(
                    lambda k=key, w=who, e=event: a.drills.answer(SLACK, k, w, ANSWER, e),
                    lambda k=key, w=who, e=event: b.drills.answer(SLACK, k, w, ANSWER, e),
                )
    answers = len(CHANNELS) * len(MEMBERS) * 2
    assert graders(pair) == answers
    assert count(a.engine, "drill_post") == len(CHANNELS) * 2
    assert count(a.engine, "drill_answer") == answers
    assert count(a.engine, "points_ledger") == answers
    assert len({c for c, _, _ in a.poster.drills + b.poster.drills}) == len(CHANNELS)

    clock.now = utc(2026, 11, 25, 9, 0)  # both windows have ended; the next drills are due
    race(a.scheduler.sweep_drills, b.scheduler.sweep_drills)
    recaps = a.poster.thread + b.poster.thread
    assert len(recaps) == len(CHANNELS) * 2
    assert len({key for key, _ in recaps}) == len(recaps)

    clock.now = utc(2026, 11, 30, 9, 0)  # Monday morning: last week's board, once a channel
    race(a.scheduler.post_boards, b.scheduler.post_boards)
    race(a.scheduler.post_boards, b.scheduler.post_boards)
    boards = a.poster.boards + b.poster.boards
    assert sorted(c for c, _, _ in boards) == CHANNELS


def test_two_processes_fire_an_interview_deadline_once(
    pair: list[Replica], clock: FakeClock
) -> None:
    a, b = pair
    who = Who(SLACK, "U1", "Ana")
    asyncio.run(a.service.start(who, "D1", "model-serving", Format.DRILL))
    asyncio.run(b.service.start(Who(SLACK, "U2"), "D2", "chatbot-api", Format.DRILL))
    clock.advance(minutes=3)
    race(a.scheduler.tick_interviews, b.scheduler.tick_interviews)
    race(a.scheduler.tick_interviews, b.scheduler.tick_interviews)
    delivered = a.poster.delivered + b.poster.delivered
    assert sorted(r.channel for r in delivered) == ["D1", "D2"]
