"""The engine's own cost per candidate turn and the offline grading time; prints its figures.

Run: make bench   (or: uv run python -m bench.engine)
Targets (issue 2): p99 per turn under 20 ms; grading a 40-turn transcript under 200 ms.
"""

from __future__ import annotations

import asyncio
import random
import statistics
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

from bot.bootstrap import build
from bot.settings import Settings
from interviewer.core.stages import Format
from interviewer.core.transcript import Transcript
from interviewer.service import Who

ANSWERS = [
    "How many users do we expect, and what is the peak QPS?",
    "What latency target do we have for the first token, and which regions?",
    "Clients call an API gateway that authenticates API keys and rate limits because abuse burns GPUs.",
    "A router load balances requests over GPU model servers, each holding one model replica.",
    "When all GPUs are busy requests wait in a bounded queue with admission control.",
    "Tokens stream back over server-sent events so the user sees output quickly.",
    "Continuous batching raises throughput without making short requests wait for long ones.",
    "We autoscale on queue depth with a warm pool because loading weights takes minutes.",
    "New versions roll out as a canary to 1% of traffic with automatic rollback on error rate.",
    "Prefix caching of the KV cache saves GPU time for shared system prompts.",
    "Bigger batches cut cost per token but add latency, so we cap batch size for the p95 target.",
    "Each region serves its users; if one fails, DNS fails over to the nearest healthy region.",
    "To summarise: gateway, router, batched GPU servers, autoscaling; next I would add monitoring.",
]
TURNS = 40


async def pause(seconds: float, until: float) -> bool:
    """Sleep `seconds`; False (at once) when that would end after `until`."""
    if time.monotonic() + seconds >= until:
        return False
    await asyncio.sleep(seconds)
    return True


def percentile(values: list[float], q: float) -> float:
    """The q-th percentile (0-100) by nearest rank."""
    ordered = sorted(values)
    index = max(0, min(len(ordered) - 1, round(q / 100 * len(ordered) + 0.5) - 1))
    return ordered[index]


async def interviews(db: Path, count: int) -> tuple[list[list[float]], Transcript]:
    """`count` 40-turn interviews through one service on SQLite; each candidate turn's time."""
    clock_now = [time.time()]

    def clock() -> datetime:
        return datetime.fromtimestamp(clock_now[0], UTC)

    parts = build(Settings(database_url=f"sqlite:///{db}"), clock=clock, rng=random.Random(7))
    runs: list[list[float]] = []
    transcript: Transcript | None = None
    for n in range(count):
        who = Who("bench", f"user-{n}")
        reply = await parts.service.start(who, f"bench-{n}", "model-serving", Format.EXTENDED)
        timings: list[float] = []
        for i in range(TURNS):
            clock_now[0] += 80  # 40 turns × 80 s ≈ the 60-minute format: every stage is walked
            started = time.perf_counter()
            await parts.service.tick(reply.interview_id)
            await parts.service.answer(who, f"bench-{n}", ANSWERS[i % len(ANSWERS)])
            timings.append((time.perf_counter() - started) * 1000)
        runs.append(timings)
        stored = parts.repo.load(reply.interview_id)
        assert stored is not None
        transcript = Transcript(stored.state.question_id, stored.state.format, tuple(stored.turns))
    parts.close()
    assert transcript is not None
    return runs, transcript


def main() -> None:
    """Print the figures."""
    with tempfile.TemporaryDirectory() as tmp:
        runs, transcript = asyncio.run(interviews(Path(tmp) / "bench.db", 6))
        # the first interview pays the process's one-time costs (regex and SQL compilation)
        timings = [t for run in runs[1:] for t in run]
        parts = build(Settings(database_url=f"sqlite:///{Path(tmp) / 'grade.db'}"))
        problem = parts.bank.problem(transcript.question_id)
        grade_ms = []
        for _ in range(20):
            started = time.perf_counter()
            parts.grader.score(transcript, problem)
            grade_ms.append((time.perf_counter() - started) * 1000)
        parts.close()
    candidate_turns = sum(1 for t in transcript.turns if t.role.value == "candidate")
    print(f"engine per candidate turn (offline brain, SQLite), {len(timings)} turns:")
    print(
        f"  median {statistics.median(timings):.2f} ms   p99 {percentile(timings, 99):.2f} ms"
        f"   max {max(timings):.2f} ms   (target: p99 < 20 ms)"
    )
    print(
        f"offline grading of a {len(transcript.turns)}-turn transcript "
        f"({candidate_turns} candidate turns):"
    )
    print(
        f"  first {grade_ms[0]:.2f} ms (a new grader)   median {statistics.median(grade_ms):.2f} ms"
        f"   max {max(grade_ms):.2f} ms   (target: first < 200 ms, median < 100 ms)"
    )


if __name__ == "__main__":
    main()
