"""`mockroom serve`: run chat platforms and the clock (deadlines, drills, boards) in one process."""

from __future__ import annotations

import asyncio
import contextlib
import gc
import logging
import signal
import sys
from collections.abc import Sequence
from datetime import timedelta
from typing import Protocol

from bot.delivery import DeliveryRouter
from bot.scheduler import ClockScheduler
from interviewer.drills.reminders import ReminderService
from interviewer.drills.service import DrillService
from interviewer.outbox import POSTS_KEPT
from interviewer.peers.service import PeerService
from interviewer.privacy.service import PrivacyService
from interviewer.service import InterviewService, Reply

log = logging.getLogger(__name__)


class PlatformConfigError(ValueError):
    """A platform's settings cannot work; the message says which variable to set."""


class PlatformRunner(Protocol):
    """One chat platform, connected: it handles events and can post to a conversation."""

    platform: str

    async def start(self) -> None:
        """Connect or listen; return once events are being handled."""
        ...

    async def stop(self) -> None:
        """Disconnect cleanly."""
        ...

    async def deliver(self, reply: Reply) -> None:
        """Post what the clock made the interviewer say into the reply's conversation."""
        ...


async def run_clock(
    service: InterviewService,
    runners: Sequence[PlatformRunner],
    interval: float,
    stop: asyncio.Event,
    *,
    drills: DrillService | None = None,
    drill_interval: float = 30.0,
    privacy: PrivacyService | None = None,
    peers: PeerService | None = None,
    reminders: ReminderService | None = None,
    posts_kept: timedelta | None = POSTS_KEPT,
) -> None:
    """Run the scheduler's sweeps (deadlines every `interval` seconds, drills) until stopped."""
    scheduler = ClockScheduler(
        service,
        runners,
        drills=drills,
        interval=interval,
        drill_interval=drill_interval,
        privacy=privacy,
        peers=peers,
        reminders=reminders,
        posts_kept=posts_kept,
    )
    scheduler.start()
    try:
        await stop.wait()
    finally:
        scheduler.shutdown()


async def recover(
    service: InterviewService,
    runners: Sequence[PlatformRunner],
    peers: PeerService | None = None,
) -> None:
    """Grade interviews a crash left without a scorecard and post each to its conversation
    (a peer session's goes as its end: the interviewer's form, the card kept for the pair)."""
    try:
        replies = await service.recover()
    except Exception:
        log.exception("could not look for interviews left without a scorecard")
        return
    router = DeliveryRouter(runners, peers)
    for reply in replies:
        try:
            await router.deliver(reply)
        except Exception:
            log.exception("could not post the recovered scorecard of %s", reply.interview_id)


SWITCH_INTERVAL = 0.001
"""Seconds a thread may hold the interpreter lock while another waits for it (Python's default
is 0.005). The event loop gives the lock up at every socket call; with the grading and database
threads busy (a burst of endings) it then waited up to 5 ms to get it back, many times per turn
of the loop: 1 ms lets acks and replies through sooner (docs/performance.md, round 3 session 5)."""


def prefer_the_loop(interval: float = SWITCH_INTERVAL) -> None:
    """Let a thread waiting for the interpreter lock (the event loop, back from a socket call)
    have it after `interval` s instead of Python's 5 ms."""
    sys.setswitchinterval(interval)


def freeze_startup_heap() -> None:
    """Move what start-up built (modules, the app, the model client) out of the garbage
    collector's scans, so that its full collections stay short: under load each one paused
    every conversation for about 170 ms (bench/load.py)."""
    gc.collect()
    gc.freeze()


async def serve(
    service: InterviewService,
    runners: Sequence[PlatformRunner],
    interval: float,
    stop: asyncio.Event | None = None,
    *,
    drills: DrillService | None = None,
    drill_interval: float = 30.0,
    privacy: PrivacyService | None = None,
    peers: PeerService | None = None,
    reminders: ReminderService | None = None,
    posts_kept: timedelta | None = POSTS_KEPT,
) -> None:
    """Start every runner, run the clock until stopped (SIGINT/SIGTERM), then stop them."""
    stop = stop or asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        with contextlib.suppress(NotImplementedError, RuntimeError):
            loop.add_signal_handler(sig, stop.set)
    started: list[PlatformRunner] = []
    try:
        for runner in runners:
            await runner.start()
            started.append(runner)
            log.warning("%s is connected", runner.platform)
        await recover(service, started, peers)
        freeze_startup_heap()
        prefer_the_loop()
        await run_clock(
            service,
            started,
            interval,
            stop,
            drills=drills,
            drill_interval=drill_interval,
            privacy=privacy,
            peers=peers,
            reminders=reminders,
            posts_kept=posts_kept,
        )
    finally:
        gc.unfreeze()
        for runner in reversed(started):
            with contextlib.suppress(Exception):
                await runner.stop()
