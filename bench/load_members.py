"""What a member of the load benchmark sees, on the fake platform's side: its replies, timed.

The fake Slack and fake Discord (bench/slack_api.py, bench/discord_api.py, each its own
process) note every message the bot posts or edits in a member's conversation as it arrives
(`Inbox.note`). A member sends something (a signed request, a gateway event) and waits for
the reply: its first post (a streamed draft, or the whole reply) and its last (the finished
reply, with its buttons, or the scorecard). A notice instead (an apology, "busy, send it
again"), or no finished reply within `REPLY_WAIT`, is a failure. Times are
`time.perf_counter()`, one clock for every process on the machine (Linux CLOCK_MONOTONIC).
"""

from __future__ import annotations

import asyncio
import contextlib
import random
import time
from collections import defaultdict
from dataclasses import asdict, dataclass, field
from typing import Any

import aiohttp

TROUBLE = ("Sorry", "mockroom is very busy")
"""How an apology and admission control's "send it again" begin (Slack's and Discord's)."""

OVER = ("No interview is running", "That interview has already ended")
"""What an answer that crossed the interview's end is told: the scorecard is on its way."""

REPLY_WAIT = 30.0
"""Seconds a member waits for a finished reply before calling it a failure."""


@dataclass(frozen=True)
class Seen:
    """One post or edit in a conversation: when it arrived and what it was."""

    at: float
    final: bool = False  # the finished interviewer message (its buttons are on)
    ended: bool = False  # the scorecard
    notice: str | None = None  # an apology or "busy": the member is told to try again
    over: bool = False  # the answer came after the interview's end


@dataclass
class Tally:
    """What a group of members measured (as JSON between the processes)."""

    acks_ms: list[float] = field(default_factory=list)
    first_ms: list[float] = field(default_factory=list)
    last_ms: list[float] = field(default_factory=list)
    failures: list[str] = field(default_factory=list)
    replies: int = 0  # replies waited for (each a success or a failure)
    acked: int = 0  # requests or interactions sent (each acked in time, or a failure)
    started: int = 0
    scorecards: int = 0

    def reset(self) -> None:
        """Forget what was measured (the warm-up's figures)."""
        for name, value in asdict(Tally()).items():
            setattr(self, name, value)

    def add(self, other: Tally) -> None:
        """Take another tally's figures in."""
        for name, value in asdict(other).items():
            setattr(self, name, getattr(self, name) + value)

    @classmethod
    def of(cls, data: dict[str, Any]) -> Tally:
        """A tally from its JSON."""
        return cls(**data)


class Inbox:
    """Every member conversation's posts and edits, as they arrived."""

    def __init__(self) -> None:
        self.seen: dict[str, list[Seen]] = defaultdict(list)
        self.ended: set[str] = set()
        self._news: dict[str, asyncio.Event] = {}

    def note(self, channel: str, seen: Seen) -> None:
        """A post or edit arrived in a conversation."""
        self.seen[channel].append(seen)
        if seen.ended:
            self.ended.add(channel)
        news = self._news.get(channel)
        if news is not None:
            news.set()

    async def reply(self, channel: str, since: float, tally: Tally) -> bool:
        """Wait for the reply to what was sent at `since`; note its times or its failure.
        False when the member should stop (the interview ended, or the reply never came)."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + REPLY_WAIT
        tally.replies += 1
        while True:
            items = [s for s in self.seen[channel] if s.at >= since]
            for item in items:
                if item.notice is not None:
                    tally.failures.append(item.notice)
                    self._forget(channel, item.at)
                    return True
                if item.over:
                    tally.replies -= 1  # crossed the end: not a reply, and not a failure
                    self._forget(channel, item.at)
                    return False
                if item.final or item.ended:
                    tally.first_ms.append((items[0].at - since) * 1000)
                    tally.last_ms.append((item.at - since) * 1000)
                    self._forget(channel, item.at)
                    return not item.ended
            news = self._news.setdefault(channel, asyncio.Event())
            news.clear()
            try:
                await asyncio.wait_for(news.wait(), max(0.0, deadline - loop.time()))
            except TimeoutError:
                tally.failures.append(f"no finished reply within {REPLY_WAIT:g} s")
                return False

    async def wait_ended(self, channel: str, until: float) -> bool:
        """Wait until the conversation's scorecard arrives or `until` (time.monotonic())."""
        while channel not in self.ended and time.monotonic() < until:
            news = self._news.setdefault(channel, asyncio.Event())
            news.clear()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(news.wait(), max(0.0, until - time.monotonic()))
        return channel in self.ended

    def _forget(self, channel: str, upto: float) -> None:
        self.seen[channel] = [s for s in self.seen[channel] if s.at > upto]


@dataclass(frozen=True)
class Pace:
    """How a group of members acts: every `think` s (± `spread` of it); `steady`, their
    interviews are seeded under way and each starts the next one after its scorecard."""

    think: float
    spread: float = 0.5
    steady: bool = False

    @classmethod
    def of(cls, spec: dict[str, Any]) -> Pace:
        """The pace a /bench/members request asks for."""
        return cls(float(spec["think"]), float(spec.get("spread", 0.5)), bool(spec.get("steady")))

    def next(self, rng: random.Random) -> float:
        """Seconds until the member's next action."""
        return self.think * rng.uniform(1 - self.spread, 1 + self.spread)


async def run_members(port: int, spec: dict[str, Any], until: float) -> Tally:
    """Have a fake platform's process (on `port`) run members until `until`
    (time.monotonic()) and answer what they measured."""
    seconds = max(0.0, until - time.monotonic())
    # Members still waiting for a reply at the deadline wait up to REPLY_WAIT.
    timeout = aiohttp.ClientTimeout(total=seconds + REPLY_WAIT + 120)
    url = f"http://127.0.0.1:{port}/bench/members"
    async with (
        aiohttp.ClientSession(timeout=timeout) as session,
        session.post(url, json={**spec, "seconds": seconds}) as response,
    ):
        response.raise_for_status()
        return Tally.of(await response.json())
