"""The worst a member can send within the limits, and what it costs: an 8,000-character answer
built against each pattern that reads members' text, a 40-box diagram, a 5 MB transcript file,
and how long another member's command waits while ten such answers are in flight.

Targets: an answer handled in 50 ms or less, the file scored in 5 s or less, another member's
command answered in 100 ms or less (p99). Run: uv run python -m bench.adversarial
"""

from __future__ import annotations

import asyncio
import json
import random
import statistics
import tempfile
import time
from pathlib import Path

from bench.diagrams import biggest
from bot.bootstrap import Container, build
from bot.chat.controller import ChatController, Place, PlaceKind
from bot.settings import Settings
from interviewer.core.stages import Format
from interviewer.replies import Who
from interviewer.transcript_file import (
    MAX_CANDIDATE_CHARS,
    MAX_TRANSCRIPT_BYTES,
    read_transcript,
)

SIZE = 8000
IN_FLIGHT = 10


def _fill(head: str, unit: str, tail: str = "") -> str:
    """`head`, then `unit` repeated, then `tail`: exactly SIZE characters."""
    body = (unit * (SIZE // max(1, len(unit)) + 1))[: SIZE - len(head) - len(tail)]
    return head + body + tail


# One answer per pattern that reads a member's words, built to make that pattern backtrack.
ANSWERS: dict[str, str] = {
    "arrow line, a run of spaces": _fill("a -> b", " ", "c"),
    "arrow label, spaces before ':'": _fill("a -> b: c", " ", ":x"),
    "arrow line, spaces and arrows": _fill("", "a ->  "),
    "mermaid header, spaces": _fill("flowchart", " ", "x"),
    "fence, spaces after ```": _fill("```", " ", "x!"),
    "mermaid text link, spaces": _fill("flowchart LR\nA -- x", " ", "y"),
    "mermaid subgraph title": _fill("flowchart LR\nsubgraph a[", " ", "x"),
    "mermaid node ids and &": _fill("flowchart LR\nA", " & A", " --> B"),
    "bullets of digits": _fill("", "1" * 50 + "\n"),
    "quantity, 1,1,1,...": _fill("", "1,"),
    "quantity, 1.1.1....": _fill("", "1."),
    "clause ends, spaces": _fill("x", " ", "- y"),
    "reasons, 'because of'": _fill("", "because of "),
    "reasons, ', so'": _fill("", "x, so "),
    "reasons, 'if a ...'": _fill("", "if a "),
    "hyphenated words": _fill("", "a-"),
    "grader words": _fill("", "ignore the "),
    "forged speaker lines": _fill("", "interviewer \u200b"),
    "brackets": _fill("", "["),
    "one long word": _fill("", "w"),
    "ordinary prose (for comparison)": _fill(
        "", "We put a load balancer in front of stateless servers, because reads dominate. "
    ),
}


def _answer_figures(parts: Container, loop_runs: int = 3) -> list[tuple[str, float, float]]:
    """Handle each answer in its own interview; the median of a few runs, in ms: wall time,
    and the whole process's CPU time (steadier than the wall on a busy machine)."""

    async def run() -> list[tuple[str, float, float]]:
        service = parts.service
        out = []
        answers = {**ANSWERS, "a 40-box diagram": "Here is my design.\n" + biggest()}
        for n, (name, text) in enumerate(answers.items()):
            samples, cpu = [], []
            for k in range(loop_runs):
                who = Who("slack", f"U{n}x{k}", "Bench")
                channel = f"D{n}x{k}"
                await service.start(who, channel, "model-serving", Format.ASYNC)
                started, used = time.perf_counter(), time.process_time()
                await service.answer(who, channel, text)
                samples.append((time.perf_counter() - started) * 1000)
                cpu.append((time.process_time() - used) * 1000)
            out.append((name, statistics.median(samples), statistics.median(cpu)))
        return out

    return asyncio.run(run())


def _acks(parts: Container) -> list[float]:
    """Another member's `help`, every 10 ms, while IN_FLIGHT worst answers are handled (ms)."""

    async def run() -> list[float]:
        service = parts.service
        chat = ChatController(service, parts.bank, rng=random.Random(1))
        worst = list(ANSWERS.values())
        senders = []
        for n in range(IN_FLIGHT):
            who, channel = Who("slack", f"UF{n}", "Flood"), f"DF{n}"
            await service.start(who, channel, "model-serving", Format.ASYNC)
            senders.append(service.answer(who, channel, worst[n % len(worst)]))
        other = Who("slack", "UOTHER", "Other")
        place = Place(PlaceKind.CHANNEL, "C-other")
        waits: list[float] = []
        flood = asyncio.gather(*senders)
        due = time.perf_counter()
        while not flood.done():
            # The command arrives when it is due; a loop busy elsewhere makes it wait.
            due += 0.01
            await asyncio.sleep(max(0.0, due - time.perf_counter()))
            arrived = due
            await chat.command(other, place, "help")
            waits.append((time.perf_counter() - arrived) * 1000)
        await flood
        return waits

    return asyncio.run(run())


def transcript_file(path: Path) -> int:
    """A transcript at the limits: the candidate's words up to their limit, every answer above
    over and over, and interviewer turns of the longest length filling the file; its size."""
    turns: list[dict[str, str]] = []
    size, said = 200, 0
    texts = [*ANSWERS.values(), "Here is my design.\n" + biggest()]
    asked = _fill("", "What breaks first when traffic grows tenfold overnight? ")
    n = 0
    while True:
        text = texts[n % len(texts)] if said + SIZE <= MAX_CANDIDATE_CHARS else ""
        pair = [{"role": "interviewer", "stage": "deep_dive", "text": asked}]
        if text:
            pair.append({"role": "candidate", "stage": "deep_dive", "text": text})
        grown = size + len(json.dumps(pair, ensure_ascii=False).encode()) + 2
        if grown > MAX_TRANSCRIPT_BYTES:
            break
        turns += pair
        size, said, n = grown, said + len(text), n + 1
    data = {"question_id": "model-serving", "format": "standard", "turns": turns}
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    return path.stat().st_size


def percentile(samples: list[float], q: float) -> float:
    """The q-th percentile (0-100) of the samples, interpolated between the two nearest ranks,
    so it never lies outside the samples (statistics.quantiles' default, the "exclusive"
    method, extrapolates past the largest sample when there are fewer than 100)."""
    if not samples:
        raise ValueError("no samples")
    if not 0 <= q <= 100:
        raise ValueError(f"q must be within 0-100, not {q}")
    ordered = sorted(samples)
    rank = (len(ordered) - 1) * q / 100
    low = int(rank)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (rank - low)


def main() -> None:
    """Print the figures."""
    with tempfile.TemporaryDirectory() as tmp:
        url = f"sqlite:///{Path(tmp) / 'bench.db'}"
        parts = build(Settings(database_url=url, auto_migrate=True))
        try:
            print(f"Each answer: {SIZE:,} characters, handled end to end (target ≤ 50 ms)")
            for name, ms, cpu in _answer_figures(parts):
                print(f"  {name:<36} {ms:8.1f} ms  (CPU {cpu:6.1f} ms)")
            waits = _acks(parts)
            p99 = percentile(waits, 99)
            print(
                f"Another member's help while {IN_FLIGHT} answers are in flight "
                f"(target p99 ≤ 100 ms): {len(waits)} commands, median "
                f"{statistics.median(waits):.1f} ms, p99 {p99:.1f} ms, max {max(waits):.1f} ms"
            )
            path = Path(tmp) / "transcript.json"
            size = transcript_file(path)
            started = time.perf_counter()
            transcript = read_transcript(path)
            read = time.perf_counter() - started
            card = asyncio.run(parts.service.grade_transcript(transcript))
            total = time.perf_counter() - started
            print(
                f"A {size / 1e6:.2f} MB transcript ({len(transcript.turns):,} turns, target "
                f"≤ 5 s): read {read:.2f} s, read and scored {total:.2f} s "
                f"(overall {card.overall})"
            )
        finally:
            parts.close()


if __name__ == "__main__":
    main()
