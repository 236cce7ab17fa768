"""`bench.load --compare-replicas`: two processes on one database against one, at the same p99.

Issue 25's target is "two processes on one database against one: at least 1.8 times the replies
per second at the same p99". Members wait for each reply before they think and answer again, so
below saturation a run's replies per second are what its members ask for, whatever serves them:
one load cannot show the ratio. What is compared is capacity: each configuration runs a ladder of
loads, from the lightest up, and holds a step when its added p99 (the direct members' wall time
minus the model's fixed delays) stays within `--p99-bound` with no failure and no admission
refusal. Its capacity lies between the replies per second of the last step it held before the
first it did not (`best`) and those served at that first one (`past`): so the ratio of the two
capacities lies between best(2)/past(1) and past(2)/best(1), and the verdict says "met" or
"missed" only when that whole range is on one side of 1.8 ("undecided" otherwise: add steps
between). A step held after one missed does not count (a noisy machine can make a heavier run
look better; every run is printed, so the lead sees it).

The load is `--steady` (the clock at real speed, interviews seeded across their 45 minutes, so
stage moves, curveballs and endings come at the rate N interviews make them) with the members'
think time as the ladder's step: N members answering every `think` s offer about N / think
replies a second. The 30x-pace run is not used: it packs every interview's ending into the same
half minute, so its p99 measures that pile-up, not a process's capacity. Runs interleave (at each
step one process then two, the order swapped from step to step) so that the machine's drift
falls on both. Every run is `bench.load` itself in a subprocess: its report is printed as it
comes and its SUMMARY line read. Each run's warm-up is at least its think time, so that every
member has started acting before measuring begins.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

DEFAULT_STEPS = "90,30,20,15,10"
DEFAULT_BOUND_MS = 500.0  # the 30-s-pace stress target's added p99
TARGET_RATIO = 1.8


@dataclass(frozen=True)
class Point:
    """One run of the ladder: its configuration and what its SUMMARY line said."""

    replicas: int
    think: float
    replies_per_s: float
    added_p99: float | None
    ack_p99: float | None = None
    failures: int = 0
    refused: int = 0
    cpu_ms: float | None = None
    load: tuple[str, ...] = ()

    @classmethod
    def of(cls, replicas: int, think: float, summary: dict[str, Any]) -> Point:
        """The point a run's SUMMARY (bench/load_report.py `summary`) describes."""
        return cls(
            replicas,
            think,
            float(summary["answers_per_s"]),
            summary.get("added_p99"),
            summary.get("ack_p99"),
            int(summary.get("failures", 0)),
            int(summary.get("refused", 0)),
            summary.get("cpu_ms_per_answer"),
            tuple(summary.get("load", ())),
        )

    def within(self, bound_ms: float) -> bool:
        """Added p99 within the bound, every reply served (no failure, nothing refused)."""
        return (
            self.added_p99 is not None
            and self.added_p99 <= bound_ms
            and self.failures == 0
            and self.refused == 0
        )


@dataclass(frozen=True)
class Capacity:
    """One configuration's capacity at a p99 bound, from its points of the ladder."""

    replicas: int
    best: Point | None  # the heaviest step held, every lighter one held too
    past: Point | None  # the first step not held (None: never past the bound)

    @classmethod
    def of(cls, replicas: int, points: list[Point], bound_ms: float) -> Capacity:
        """The configuration's capacity among `points` (those of other configurations are
        ignored), from the lightest load up."""
        mine = sorted((p for p in points if p.replicas == replicas), key=lambda p: -p.think)
        best: Point | None = None
        for point in mine:
            if not point.within(bound_ms):
                return cls(replicas, best, point)
            best = point
        return cls(replicas, best, None)

    def says(self) -> str:
        """The capacity in words."""
        name = f"{self.replicas} process{'es' if self.replicas > 1 else ''}"
        if self.best is None:
            return f"{name}: the lightest step was past the bound (start the ladder lighter)"
        text = (
            f"{name}: held {self.best.replies_per_s:.1f} replies/s "
            f"(think {self.best.think:g} s, added p99 {self.best.added_p99:,.0f} ms)"
        )
        if self.past is None:
            return text + "; never past it: not saturated, so at least this (add heavier steps)"
        return text + (
            f"; past it at think {self.past.think:g} s ({self.past.replies_per_s:.1f} replies/s, "
            f"added p99 {_ms(self.past.added_p99)}, {self.past.failures} failures, "
            f"{self.past.refused} refused)"
        )


def _ms(value: float | None) -> str:
    return "none" if value is None else f"{value:,.0f} ms"


def verdict(points: list[Point], bound_ms: float, target: float = TARGET_RATIO) -> list[str]:
    """What the ladder says about two processes against one, line by line."""
    one, two = Capacity.of(1, points, bound_ms), Capacity.of(2, points, bound_ms)
    lines = [f"capacity at added p99 <= {bound_ms:g} ms, no failures:", one.says(), two.says()]
    if one.best is None or two.best is None or one.best.replies_per_s <= 0:
        lines.append(f"ratio: not measured (target >= {target:g}x)")
        return lines
    ratio = two.best.replies_per_s / one.best.replies_per_s
    if one.past is None:
        lines.append(
            f"ratio: {ratio:.2f}x of the steps held, not a capacity ratio: one process never "
            f"passed the bound (add heavier steps; target >= {target:g}x)"
        )
        return lines
    low = two.best.replies_per_s / one.past.replies_per_s
    high = two.past.replies_per_s / one.best.replies_per_s if two.past is not None else float("inf")
    if low >= target:
        met = "met"
    elif high < target:
        met = "missed"
    else:
        met = "undecided: add steps between those held and those past"
    top = (
        "no upper bound (two processes never passed it)" if high == float("inf") else f"{high:.2f}x"
    )
    lines.append(
        f"ratio: {ratio:.2f}x of the steps held; the capacities' ratio is between {low:.2f}x "
        f"and {top} (target >= {target:g}x: {met})"
    )
    return lines


def table(points: list[Point]) -> list[str]:
    """Every run of the ladder, one line each."""
    lines = [
        "replicas | think s | replies/s | added p99 | ack p99 | failures | refused | CPU/reply "
        "| load average"
    ]
    for p in points:
        cpu = "none" if p.cpu_ms is None else f"{p.cpu_ms:.1f} ms"
        lines.append(
            f"{p.replicas} | {p.think:g} | {p.replies_per_s:.1f} | {_ms(p.added_p99)} | "
            f"{_ms(p.ack_p99)} | {p.failures} | {p.refused} | {cpu} | {' -> '.join(p.load)}"
        )
    return lines


def ladder(steps: list[float]) -> list[tuple[float, int]]:
    """(think, replicas) in run order: from the lightest load up, one and two processes at each
    step, which goes first swapped from step to step."""
    order: list[tuple[float, int]] = []
    for i, think in enumerate(sorted(steps, reverse=True)):
        order += [(think, 1), (think, 2)] if i % 2 == 0 else [(think, 2), (think, 1)]
    return order


def command(args: argparse.Namespace, think: float, replicas: int) -> list[str]:
    """The `bench.load` run of one rung: the steady load at `think`, on `replicas` processes."""
    run = [
        *(sys.executable, "-m", "bench.load", "--steady", "--backend", "postgres"),
        *("--interviews", str(args.interviews), "--slack", str(args.slack)),
        *("--discord", str(args.discord), "--delay", str(args.delay)),
        *("--think", f"{think:g}", "--replicas", str(replicas)),
        *("--warmup", f"{max(args.warmup, think):g}", "--seconds", f"{args.seconds or 90:g}"),
    ]
    if args.spread is not None:
        run += ["--spread", f"{args.spread:g}"]
    return run


def steps_of(text: str) -> list[float]:
    """`--steps`: think times in seconds, comma-separated."""
    steps = [float(part) for part in text.split(",") if part.strip()]
    if not steps or any(s <= 0 for s in steps):
        raise ValueError(f"--steps wants positive think times, got {text!r}")
    return steps


def one_run(run: list[str]) -> dict[str, Any]:
    """Run `bench.load`, printing its report as it comes; its SUMMARY."""
    print("\n$ " + " ".join(run[1:]), flush=True)
    proc = subprocess.Popen(
        run, stdout=subprocess.PIPE, text=True, cwd=Path(__file__).resolve().parent.parent
    )
    assert proc.stdout is not None
    summary: dict[str, Any] | None = None
    for line in proc.stdout:
        print(line, end="", flush=True)
        if line.startswith("SUMMARY "):
            summary = json.loads(line.removeprefix("SUMMARY "))
    if proc.wait() != 0 or summary is None:
        raise RuntimeError(f"the run ended without its SUMMARY (exit {proc.returncode})")
    return summary


def compare(args: argparse.Namespace) -> None:
    """Run the ladder and print every run, then the capacities and their ratio."""
    points = [
        Point.of(replicas, think, one_run(command(args, think, replicas)))
        for think, replicas in ladder(steps_of(args.steps))
    ]
    print("\ntwo processes against one on one PostgreSQL database, steady load by think time:")
    for line in [*table(points), *verdict(points, args.p99_bound)]:
        print("  " + line)
    print("COMPARE " + json.dumps([p.__dict__ for p in points]), flush=True)
