"""This process's CPU per candidate answer on PostgreSQL, and the share of it the storage takes.

Run: uv run python -m bench.db_cpu [--members 100] [--answers 200]

It makes a scratch schema on the PostgreSQL server bench.load uses (bench.load_parts.database:
MOCKROOM_BENCH_POSTGRES_URL, else the local `test` database; dropped at the end), builds the
application as `serve` does (bot.bootstrap.build: the offline interviewer, the default quotas),
and gives `--members` members an interview each. Then, one after another (no load: the figure
is CPU, not latency), two loops, three rounds of `--answers` each, interleaved, the best kept:

- whole answers through InterviewService.answer (a Slack message with its event key): the
  conversation read and the event's claim, the rate limit, the answer stored, the offline
  interviewer's reply, its turn stored;
- the storage alone, as an answer calls it: the service's read-and-claim, then save_step twice
  (the answer, the reply) on top of the version read.

CPU is time.process_time (every thread of the process, the database worker threads included).
The clock is a fake one, one second per answer, so the interviews stay mid-way.
"""

from __future__ import annotations

import argparse
import asyncio
import random
import tempfile
import time
import uuid
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

from bench.engine import ANSWERS
from bench.load_parts import database
from bot.bootstrap import Container, build
from bot.settings import Settings
from interviewer.core.transcript import Role, Turn
from interviewer.service import Who
from storage.migrate import upgrade


class Clock:
    """A clock that moves only when told."""

    def __init__(self) -> None:
        self.now = datetime(2026, 11, 25, 9, 0, tzinfo=UTC)

    def __call__(self) -> datetime:
        return self.now


def members(count: int) -> list[tuple[Who, str]]:
    return [(Who("slack", f"U{n:05d}", f"Member {n}"), f"D{n:05d}") for n in range(count)]


async def whole_answers(
    parts: Container, clock: Clock, people: list[tuple[Who, str]], n: int
) -> float:
    """CPU milliseconds per answer through the service."""
    started = time.process_time()
    for i in range(n):
        who, channel = people[i % len(people)]
        clock.now += timedelta(seconds=1)
        key = uuid.uuid4().hex
        reply = await parts.service.answer(who, channel, ANSWERS[i % len(ANSWERS)], event_key=key)
        assert reply is not None and reply.messages
    return (time.process_time() - started) * 1000 / n


def storage_only(parts: Container, clock: Clock, people: list[tuple[Who, str]], n: int) -> float:
    """CPU milliseconds per answer's storage calls, made as the service makes them."""
    service, repo = parts.service, parts.repo
    started = time.process_time()
    for i in range(n):
        who, channel = people[i % len(people)]
        clock.now += timedelta(seconds=1)
        stored, first = service._read_and_claim(who, channel, uuid.uuid4().hex, True)
        assert stored is not None and first
        state = replace(stored.state, last_event_at=clock.now)
        answer = Turn(Role.CANDIDATE, state.stage, ANSWERS[i % len(ANSWERS)], at=clock.now)
        version = repo.save_step(stored.id, state, [answer], expected_version=stored.version)
        said = Turn(Role.INTERVIEWER, state.stage, "And how would you shard it?", at=clock.now)
        repo.save_step(stored.id, state, [said], expected_version=version)
    return (time.process_time() - started) * 1000 / n


async def run(url: str, count: int, answers: int) -> None:
    clock = Clock()
    parts = build(Settings(database_url=url, auto_migrate=False), clock=clock, rng=random.Random(7))
    try:
        people = members(count)
        for who, channel in people:
            await parts.service.start(who, channel, "model-serving")
        await whole_answers(parts, clock, people, count)  # warm: compiled statements, caches
        whole: list[float] = []
        alone: list[float] = []
        for _ in range(3):  # interleaved: the transcripts grow alike under both
            whole.append(await whole_answers(parts, clock, people, answers))
            alone.append(await asyncio.to_thread(storage_only, parts, clock, people, answers))
    finally:
        parts.close()
    print(f"CPU per answer, PostgreSQL, {count} interviews, best of 3 x {answers} answers:")
    print(f"  whole answer (service.answer, offline interviewer): {min(whole):.2f} ms")
    print(f"  storage alone (read and claim, save_step twice):    {min(alone):.2f} ms")
    print(
        "  rounds: whole "
        + " ".join(f"{v:.2f}" for v in whole)
        + "; storage "
        + " ".join(f"{v:.2f}" for v in alone)
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--members", type=int, default=100)
    parser.add_argument("--answers", type=int, default=200)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp, database("postgres", Path(tmp)) as url:
        if url is None:
            raise SystemExit(1)
        upgrade(url)
        asyncio.run(run(url, args.members, args.answers))


if __name__ == "__main__":
    main()
