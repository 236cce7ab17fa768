"""The interview clock loop of `mockroom serve`, with a hand-written platform runner."""

from __future__ import annotations

import asyncio
import random
import sys

import pytest

from bot.serve import SWITCH_INTERVAL, run_clock, serve
from interviewer.bank import load_bank
from interviewer.core.stages import Format
from interviewer.core.transcript import TurnKind
from interviewer.offline.brain import OfflineBrain
from interviewer.offline.scorer import OfflineGrader
from interviewer.service import InterviewService, Reply, Who
from tests.clock import FakeClock
from tests.fakes import InMemoryRepository


class RecordingRunner:
    """A platform that records what it is asked to post."""

    def __init__(self, platform: str, fail: bool = False) -> None:
        self.platform = platform
        self.fail = fail
        self.delivered: list[Reply] = []
        self.started = self.stopped = False

    async def start(self) -> None:
        self.started = True

    async def stop(self) -> None:
        self.stopped = True

    async def deliver(self, reply: Reply) -> None:
        if self.fail:
            raise ConnectionError("platform down")
        self.delivered.append(reply)


def make_service(clock: FakeClock) -> InterviewService:
    bank = load_bank()
    return InterviewService(
        InMemoryRepository(),
        bank,
        OfflineBrain(bank),
        OfflineGrader(bank),
        clock,
        rng=random.Random(2),
    )


async def test_the_clock_delivers_to_the_interviews_platform() -> None:
    clock = FakeClock()
    service = make_service(clock)
    await service.start(Who("slack", "U1"), "D1", "model-serving", Format.DRILL)
    await service.start(Who("discord", "7"), "555", "chatbot-api", Format.DRILL)
    slack, discord = RecordingRunner("slack"), RecordingRunner("discord", fail=True)
    clock.advance(120)
    stop = asyncio.Event()
    task = asyncio.create_task(run_clock(service, [slack, discord], 0.01, stop))
    for _ in range(100):
        if slack.delivered:
            break
        await asyncio.sleep(0.01)
    stop.set()
    await task
    assert [(r.channel, r.messages[0].kind) for r in slack.delivered] == [
        ("D1", TurnKind.STAGE_INTRO)
    ]
    # a platform that fails to post does not stop the clock, and the move is not repeated
    assert await service.tick_due() == []


async def test_serve_starts_and_stops_every_runner() -> None:
    service = make_service(FakeClock())
    runner = RecordingRunner("slack")
    stop = asyncio.Event()
    stop.set()
    await serve(service, [runner], 0.01, stop)
    assert runner.started and runner.stopped


async def test_serve_lets_the_loop_have_the_interpreter_lock_back_sooner() -> None:
    """Back from a socket call, the event loop waits for the interpreter lock at most the
    switch interval while grading threads run: serve sets it below Python's 5 ms."""
    before = sys.getswitchinterval()
    sys.setswitchinterval(0.005)
    try:
        stop = asyncio.Event()
        stop.set()
        await serve(make_service(FakeClock()), [RecordingRunner("slack")], 0.01, stop)
        assert sys.getswitchinterval() == pytest.approx(SWITCH_INTERVAL)
        assert SWITCH_INTERVAL < 0.005
    finally:
        sys.setswitchinterval(before)
