"""`bench.load --steady` and `--burst`: who is seeded where, and the burst's figures.

Every member of a steady run (direct, Slack, Discord) finds its interview already under
way at an offset drawn uniformly over the 45 minutes (bench/load_seed.py writes it), so
with the clock at real speed an interview ends every 2,700/N s on average; a member whose
interview ended starts the next one after a pause, so N interviews keep running. A burst
adds K direct members whose interviews all end within `BURST_WINDOW` seconds of the end of
the warm-up; each one's scorecard time is the wall time from its interview's end to the
ending tick's return (scorecard graded and stored).

Seeding alone, to check its time and memory at a size before a long run (a fresh database,
dropped afterwards; nothing else runs):
`uv run python -m bench.load_steady --count 5000 --backend postgres`.
"""

from __future__ import annotations

import argparse
import asyncio
import random
import resource
import tempfile
import time
from datetime import datetime
from pathlib import Path

import aiohttp

from bench.load_parts import database, rss_kb
from bench.load_seed import Seeder, burst_offsets, steady_offsets, total_seconds
from bot.bootstrap import build
from bot.settings import Settings
from interviewer.ports import Repository
from interviewer.service import InterviewService, Who

WRITERS = 4  # threads writing the seeded interviews
BURST_WINDOW = 10.0  # seconds within which a burst's interviews end
DISCORD_FIRST_USER = 1_200_000_000_000_000_000  # bench/discord_api.py's member k is this + k


def slack_member(k: int) -> tuple[Who, str]:
    """Slack member k of bench/slack_api.py: who, and its DM's conversation key."""
    user = f"U0BENCH{k:05d}"
    return Who("slack", user, None), "D" + user.removeprefix("U")


async def discord_dms(port: int, count: int) -> list[str]:
    """The fake Discord's DM channel ids of members 0..count-1 (opened there)."""
    async with (
        aiohttp.ClientSession() as session,
        session.post(f"http://127.0.0.1:{port}/bench/dms", json={"count": count}) as response,
    ):
        response.raise_for_status()
        return [str(c) for c in (await response.json())["channels"]]


def write_order(offsets: list[float], writers: int) -> list[list[int]]:
    """Which members (by index) each writer writes, in order: the youngest interviews first,
    dealt round robin, so that every writer goes from the youngest to the oldest.

    An interview written `a` seconds before the seeding ends is `a` seconds older when the run
    starts (its timestamps are set at its write). Written in that order, the one at offset `o`
    ages about D x (1 - o / total) in a seeding of D seconds, so at the end they lie uniformly
    over [D, total) and none has ended yet: written in any other order, about N x D / total of
    them would be past their end, all to be graded at once when the clock starts.
    """
    ranked = sorted(range(len(offsets)), key=offsets.__getitem__)
    return [part for part in (ranked[w::writers] for w in range(writers)) if part]


class Seeding:
    """Writes every member's interview under way; remembers the burst's end times."""

    def __init__(self, service: InterviewService, seeder: Seeder, seed: int = 25) -> None:
        self.service = service
        self.seeder = seeder
        self.rng = random.Random(seed)
        self.total = total_seconds()
        self.burst_ends: dict[int, datetime] = {}  # interview id -> when it ends

    def _write(self, members: list[tuple[Who, str]], offsets: list[float]) -> list[int]:
        repo, brain = self.service.repo, self.service.brain.name
        return [
            self.seeder.seed(repo, who, channel, offset, self.service.clock(), brain, which=i)
            for i, ((who, channel), offset) in enumerate(zip(members, offsets, strict=True))
        ]

    async def steady(self, members: list[tuple[Who, str]]) -> float:
        """Seed `members` uniformly over the interview; the seconds it took."""
        began = time.perf_counter()
        offsets = steady_offsets(len(members), self.total, self.rng)
        await self._write_all(members, offsets)
        return time.perf_counter() - began

    async def _write_all(self, members: list[tuple[Who, str]], offsets: list[float]) -> list[int]:
        """Write in `WRITERS` threads at once (setup, not the service's timed work: no
        deadline of the service's database pool applies), in the order `write_order` gives."""
        parts = await asyncio.gather(
            *(
                asyncio.to_thread(
                    self._write, [members[i] for i in part], [offsets[i] for i in part]
                )
                for part in write_order(offsets, WRITERS)
            )
        )
        return [interview_id for part in parts for interview_id in part]

    async def burst(self, members: list[tuple[Who, str]], after: float) -> None:
        """Seed `members` so that all end within BURST_WINDOW s, `after` seconds from now."""
        offsets = burst_offsets(len(members), after, BURST_WINDOW, self.total, self.rng)
        ids = await self._write_all(members, offsets)
        for interview_id in ids:
            stored = await asyncio.to_thread(self.service.repo.load, interview_id)
            assert stored is not None
            end = stored.state.started_at.timestamp() + self.total
            self.burst_ends[interview_id] = datetime.fromtimestamp(
                end, stored.state.started_at.tzinfo
            )

    def burst_lateness(self, interview_id: int) -> float | None:
        """Seconds from a burst interview's end to now (its scorecard just made); else None."""
        end = self.burst_ends.get(interview_id)
        return None if end is None else (self.service.clock() - end).total_seconds()


async def seed_all(
    seeding: Seeding,
    direct: range,
    slack: range,
    discord: list[str],
    burst: range,
    after: float,
) -> float:
    """Seed every member's interview (direct, Slack, Discord DMs) and the burst's; seconds."""
    members = [(Who("bench", f"member-{n}"), f"dm-{n}") for n in direct]
    members += [slack_member(k) for k in slack]
    members += [
        (Who("discord", str(DISCORD_FIRST_USER + k), None), channel)
        for k, channel in enumerate(discord)
    ]
    seconds = await seeding.steady(members)
    if burst:
        await seeding.burst([(Who("bench", f"member-{n}"), f"dm-{n}") for n in burst], after)
    return seconds


def past_end(repo: Repository, interview_id: int, now: datetime, total: float) -> bool:
    """Whether the interview's time is up at `now` (its ending tick is due)."""
    stored = repo.load(interview_id)
    return stored is not None and (now - stored.state.started_at).total_seconds() >= total


async def seed_only(url: str, count: int) -> None:
    """Make the templates and seed `count` direct members' interviews, as a steady run does;
    print the time each took and the process's memory."""
    container = build(Settings(_env_file=None, database_url=url, auto_migrate=True))
    try:
        began = time.perf_counter()
        seeder = await Seeder.made()
        made = time.perf_counter() - began
        before = rss_kb()
        seeding = Seeding(container.service, seeder)
        took = await seed_all(seeding, range(count), range(0), [], range(0), 0.0)
        repo, now = container.service.repo, container.service.clock()
        due = repo.due_interviews(now, 10**6)
        ended = sum(past_end(repo, interview_id, now, seeding.total) for interview_id in due)
        print(
            f"templates walked in {made:.1f} s; {count} interviews seeded in {took:.1f} s "
            f"({count / took:.0f} a second), {len(due)} of them already due by the end "
            f"({ended} past their end); "
            f"RSS {before / 1024:.0f} -> {rss_kb() / 1024:.0f} MB, "
            f"max RSS {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB"
        )
    finally:
        container.close()


def main() -> None:
    """Seed only (see the module's doc)."""
    parser = argparse.ArgumentParser(description="bench.load --steady's seeding alone, timed")
    parser.add_argument("--count", type=int, default=5000)
    parser.add_argument("--backend", choices=["sqlite", "postgres"], default="postgres")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp, database(args.backend, Path(tmp)) as url:
        if url is None:
            raise SystemExit(f"{args.backend}: unreachable")
        asyncio.run(seed_only(url, args.count))


if __name__ == "__main__":
    main()
