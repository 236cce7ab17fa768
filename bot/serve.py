"""`mockroom serve`: run chat platforms and the interview clock in one process."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import signal
from collections.abc import Sequence
from typing import Protocol

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
) -> None:
    """Tick due interviews every `interval` seconds and deliver what they say."""
    by_platform = {r.platform: r for r in runners}
    while not stop.is_set():
        try:
            for reply in await service.tick_due():
                runner = by_platform.get(reply.platform)
                if runner is None:
                    continue
                try:
                    await runner.deliver(reply)
                except Exception:
                    log.exception("could not deliver a clock message to %s", reply.platform)
        except Exception:
            log.exception("the interview clock failed; trying again")
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(stop.wait(), interval)


async def serve(
    service: InterviewService,
    runners: Sequence[PlatformRunner],
    interval: float,
    stop: asyncio.Event | None = None,
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
        await run_clock(service, started, interval, stop)
    finally:
        for runner in reversed(started):
            with contextlib.suppress(Exception):
                await runner.stop()
