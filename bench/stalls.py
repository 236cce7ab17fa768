"""Event-loop stalls, caught in the act: what the loop's thread ran while it answered nothing.

The loop lateness `bench.load` samples says *that* the loop was held, not by what. `StallWatch`
keeps a heartbeat on the loop (a callback every `BEAT` s) and a daemon thread that, whenever
the heartbeat is more than `threshold` s old, reads the loop thread's stack every `interval` s
(`sys._current_frames()`, as bench/sampler.py) until the heartbeat comes again. Each stall is
kept with its length and the stacks seen during it; a full garbage collection running at a
sample is noted (gc's callbacks). The report prints the longest stalls with their commonest
stacks, and over every stall sample the functions on the loop's stack (inclusive, the loop's
own plumbing left out) and innermost (self).

A held loop is one long callback (a synchronous call, a big JSON or chart, a collection) or
many callbacks made ready together, each doing some CPU work, run one after the other in one
turn of the loop (a gather of a hundred tasks): the stacks tell which.

Use (on the loop):  watch = StallWatch(); watch.start();  ...;  watch.stop(); print(watch.report())
"""

from __future__ import annotations

import asyncio
import gc
import sys
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from types import FrameType

from bench.sampler import Where, plumbing, short, where

BEAT = 0.01  # seconds between the loop's heartbeats
THRESHOLD = 0.2  # a heartbeat older than this is a stall
INTERVAL = 0.005  # seconds between samples of the loop's stack during a stall
DEPTH = 40  # frames of a stack kept (innermost first)

Stack = tuple[Where, ...]  # innermost first


@dataclass
class Stall:
    """One stall: when (monotonic), how long, the stacks seen (innermost first), in GC."""

    began: float
    seconds: float = 0.0
    stacks: Counter[Stack] = field(default_factory=Counter)
    in_gc: int = 0  # samples taken while a full collection ran

    @property
    def samples(self) -> int:
        return sum(self.stacks.values())


class StallWatch:
    """Samples the loop's thread while its heartbeat is late (see the module's doc)."""

    def __init__(self, threshold: float = THRESHOLD, interval: float = INTERVAL) -> None:
        self.threshold = threshold
        self.interval = interval
        self.stalls: list[Stall] = []
        self._beat = time.monotonic()
        self._loop_thread: int | None = None
        self._handle: asyncio.TimerHandle | None = None
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._gc_full = False

    def start(self) -> None:
        """Begin watching the running loop (call it on the loop's thread)."""
        loop = asyncio.get_running_loop()
        self._loop_thread = threading.get_ident()
        self._beat = time.monotonic()
        self._stop.clear()

        def beat() -> None:
            self._beat = time.monotonic()
            self._handle = loop.call_later(BEAT, beat)

        self._handle = loop.call_later(BEAT, beat)
        gc.callbacks.append(self._note_gc)
        self._thread = threading.Thread(target=self._run, name="stallwatch", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        """Stop watching (on the loop's thread)."""
        self._stop.set()
        if self._handle is not None:
            self._handle.cancel()
            self._handle = None
        if self._thread is not None:
            self._thread.join()
            self._thread = None
        if self._note_gc in gc.callbacks:
            gc.callbacks.remove(self._note_gc)

    def _note_gc(self, phase: str, info: dict[str, int]) -> None:
        if info.get("generation") == 2:
            self._gc_full = phase == "start"

    def _run(self) -> None:
        current: Stall | None = None
        while not self._stop.wait(self.interval):
            beat = self._beat
            late = time.monotonic() - beat
            if current is not None and current.began != beat:
                # the loop beat again: the stall is over
                current.seconds = self._beat - current.began
                self.stalls.append(current)
                current = None
            if late <= self.threshold:
                continue
            if current is None:
                current = Stall(beat)
            frame = sys._current_frames().get(self._loop_thread or 0)
            if frame is None:
                continue
            current.stacks[stack_of(frame)] += 1
            current.in_gc += self._gc_full
        if current is not None:
            current.seconds = time.monotonic() - current.began
            self.stalls.append(current)

    def report(self, longest: int = 6, top: int = 25) -> str:
        """The stalls: how many and how long, the longest with their commonest stacks, and
        the functions on the loop's stack over every stall sample."""
        stalls = sorted(self.stalls, key=lambda s: -s.seconds)
        total = sum(s.seconds for s in stalls)
        samples = sum(s.samples for s in stalls)
        lines = [
            f"loop stalls over {self.threshold * 1000:.0f} ms (bench/stalls.py): {len(stalls)}, "
            f"{total:.1f} s in all, longest "
            + (", ".join(f"{s.seconds * 1000:.0f}" for s in stalls[:10]) or "none")
            + f" ms; {samples} samples of the loop's stack, "
            f"{sum(s.in_gc for s in stalls)} in a full collection"
        ]
        for s in stalls[:longest]:
            lines.append(
                f"  stall of {s.seconds * 1000:.0f} ms ({s.samples} samples, {s.in_gc} in GC):"
            )
            for st, n in s.stacks.most_common(3):
                lines.append(f"    {n} x " + " <- ".join(short(w) for w in ours_first(st)))
        incl: Counter[Where] = Counter()
        own: Counter[Where] = Counter()
        for s in stalls:
            for st, n in s.stacks.items():
                own[st[0]] += n
                for w in set(st):
                    if not plumbing(w):
                        incl[w] += n
        lines.append(f"  over every stall sample, inclusive (top {top}): % of samples, function")
        lines += [f"    {100 * n / samples:5.1f}%  {short(w)}" for w, n in incl.most_common(top)]
        lines.append("  innermost (top 12):")
        lines += [f"    {100 * n / samples:5.1f}%  {short(w)}" for w, n in own.most_common(12)]
        return "\n".join(lines)


def stack_of(frame: FrameType) -> Stack:
    """The frame's stack, innermost first, at most DEPTH frames (a frame that returned under
    the walk ends it)."""
    out: list[Where] = []
    f: FrameType | None = frame
    while isinstance(f, FrameType) and len(out) < DEPTH:
        out.append(where(f))
        f = f.f_back
    return tuple(out)


def ours_first(st: Stack, keep: int = 7) -> list[Where]:
    """A stack shortened for reading: the innermost frame, then mockroom's own frames (the
    repository's packages), up to `keep` in all."""
    mine = [w for w in st[1:] if is_ours(w)]
    return [st[0], *mine][:keep]


def is_ours(w: Where) -> bool:
    """Whether a frame is mockroom's code (not the standard library or a dependency)."""
    path = w[0].replace("\\", "/")
    return "site-packages" not in path and any(
        f"/{p}/" in path for p in ("interviewer", "bot", "storage", "bench", "core")
    )
