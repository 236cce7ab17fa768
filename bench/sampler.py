"""A thread-aware sampling profiler (no dependency): where every thread's CPU goes.

cProfile sees only the thread that enabled it; the service's brain, grader and database calls
run in worker threads. `Sampler` is a daemon thread that, every `interval` seconds, reads every
other thread's stack (`sys._current_frames()`) and counts

- *self*: the function the thread is in (its innermost frame),
- *inclusive*: every distinct function on its stack (once per sample, however deep it recurses),
- the working samples and the CPU (from each thread's CPU clock, every round) per thread group
  (the thread's name with its trailing number dropped, so a pool's workers count together).

A sample is *waiting*, not work, when its innermost frame is one where a thread blocks (the
event loop's selector, a lock, a condition, a queue, an executor's idle worker, psycopg
waiting for the server): those are tallied apart, by where they wait, and never enter the
tables. On Linux a sample also counts as work only if the thread used CPU since the previous
round (`time.pthread_getcpuclockid`; at least `AT_WORK` of a CPU): a thread standing at a
Python line that used next to none waits for the interpreter lock or sleeps in C. The inclusive table leaves out the frames on every stack of a kind
(thread start, the event loop's run). The sampler's own CPU is printed: it is in the
process's CPU figures (about 5-25% of them at 5 ms, by how many threads there are).

Use:  with Sampler() as s: ...;  print(s.report())
"""

from __future__ import annotations

import re
import sys
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from types import FrameType

INTERVAL = 0.005  # seconds between samples
AT_WORK = 0.02  # a thread at work used at least this share of a CPU since the previous round
TOP = 30  # rows per table

# Innermost frames where a thread blocks: (file name ending, function name or "*").
WAITING: tuple[tuple[str, str], ...] = (
    ("selectors.py", "select"),
    ("threading.py", "wait"),
    ("threading.py", "_wait_for_tstate_lock"),
    ("threading.py", "join"),
    ("queue.py", "get"),
    ("concurrent/futures/thread.py", "_worker"),  # idle in the work queue's C get
    ("psycopg/waiting.py", "*"),  # waiting for the PostgreSQL server
    ("psycopg/connection.py", "wait"),  # the same, through psycopg's C wait
    ("psycopg_pool/pool.py", "wait"),
    ("socket.py", "accept"),
    ("socketserver.py", "serve_forever"),
)

Where = tuple[str, int, str]  # file, first line, function


def where(frame: FrameType) -> Where:
    """A frame's function, as file, first line and name."""
    code = frame.f_code
    return code.co_filename, code.co_firstlineno, code.co_name


def waiting(frame: FrameType) -> bool:
    """Whether a thread standing in `frame` is blocked rather than working."""
    filename = frame.f_code.co_filename.replace("\\", "/")
    name = frame.f_code.co_name
    return any(filename.endswith(f) and fn in ("*", name) for f, fn in WAITING)


def group(name: str) -> str:
    """A thread's group: its name with a trailing number dropped (pool workers together)."""
    return re.sub(r"[_-]?\d+$", "", name) or name


def short(w: Where) -> str:
    """`package/module.py:line function`, the file shortened to its last two parts."""
    filename, line, name = w
    parts = filename.replace("\\", "/").split("/")
    return f"{'/'.join(parts[-2:])}:{line} {name}"


def _cpu_clock(ident: int) -> int | None:
    """The thread's CPU clock id, where the platform has one."""
    try:
        return time.pthread_getcpuclockid(ident)
    except (AttributeError, OSError):
        return None


# Frames every stack of a kind holds (a thread's start, the event loop's run, the benchmark's
# main): left out of the inclusive table so that its rows name work.
PLUMBING: tuple[tuple[str, str], ...] = (
    ("threading.py", "*"),
    ("concurrent/futures/thread.py", "*"),
    ("asyncio/base_events.py", "run_forever"),
    ("asyncio/base_events.py", "run_until_complete"),
    ("asyncio/base_events.py", "_run_once"),
    ("asyncio/runners.py", "*"),
    ("asyncio/events.py", "_run"),
    ("<frozen runpy>", "*"),
    ("bench/load.py", "main"),
    ("bench/load.py", "<module>"),
)


def plumbing(w: Where) -> bool:
    """Whether a function is on every stack of its kind (see PLUMBING)."""
    filename = w[0].replace("\\", "/")
    return any(filename.endswith(f) and fn in ("*", w[2]) for f, fn in PLUMBING)


@dataclass
class Tally:
    """What the sampler counted: working samples per function and per thread group."""

    samples: int = 0  # sampling rounds
    skipped: int = 0  # rounds given up (a stack changed under the walk)
    work: int = 0  # thread-samples at work
    self_n: Counter[Where] = field(default_factory=Counter)
    incl_n: Counter[Where] = field(default_factory=Counter)
    threads_n: Counter[str] = field(default_factory=Counter)
    threads_cpu: dict[str, float] = field(default_factory=dict)  # every round's CPU, summed
    waits: Counter[tuple[str, Where]] = field(default_factory=Counter)  # group, where


class Sampler:
    """Samples every other thread's stack every `interval` s while running (see module)."""

    def __init__(self, interval: float = INTERVAL, use_cpu_clocks: bool = True) -> None:
        self.interval = interval
        self.use_cpu_clocks = use_cpu_clocks
        self.tally = Tally()
        self.seconds = 0.0
        self.own_cpu = 0.0
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._clocks: dict[int, int | None] = {}
        self._last_cpu: dict[int, float] = {}
        self._groups: dict[int, str] = {}
        self._last_round = 0.0

    def __enter__(self) -> Sampler:
        self.start()
        return self

    def __exit__(self, *_exc: object) -> None:
        self.stop()

    def start(self) -> None:
        """Begin sampling (a daemon thread)."""
        self._stop.clear()
        self._thread = threading.Thread(target=self._run, name="sampler", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        """Stop sampling and wait for the sampler's thread."""
        self._stop.set()
        if self._thread is not None:
            self._thread.join()
            self._thread = None

    def _run(self) -> None:
        began, cpu_began = time.monotonic(), time.thread_time()
        me = threading.get_ident()
        while not self._stop.wait(self.interval):
            try:
                self.sample(me)
            except Exception:  # a stack changing under the walk: skip the round
                self.tally.skipped += 1
        self.seconds += time.monotonic() - began
        self.own_cpu += time.thread_time() - cpu_began

    def _cpu_since(self, ident: int) -> float | None:
        """CPU seconds the thread used since the previous round (None: not measurable)."""
        if not self.use_cpu_clocks:
            return None
        if ident not in self._clocks:
            self._clocks[ident] = _cpu_clock(ident)
        clock = self._clocks[ident]
        if clock is None:
            return None
        try:
            now = time.clock_gettime(clock)
        except OSError:  # the thread ended
            return None
        before = self._last_cpu.get(ident)
        self._last_cpu[ident] = now
        return None if before is None else now - before

    def _group(self, ident: int) -> str:
        if ident not in self._groups:
            names = {th.ident: th.name for th in threading.enumerate()}
            self._groups[ident] = group(names.get(ident, f"thread-{ident}"))
        return self._groups[ident]

    def sample(self, skip: int | None = None) -> None:
        """One sampling round over every thread but `skip` (the sampler's own): a thread is at
        work when it stands outside a waiting frame and (where measurable) used CPU since the
        previous round; a thread at a Python line using none waits for the interpreter lock."""
        t = self.tally
        t.samples += 1
        now = time.monotonic()
        least = AT_WORK * (now - self._last_round) if self._last_round else 0.0
        self._last_round = now
        for ident, frame in sys._current_frames().items():
            if ident == skip:
                continue
            thread = self._group(ident)
            cpu = self._cpu_since(ident)
            if cpu:
                t.threads_cpu[thread] = t.threads_cpu.get(thread, 0.0) + cpu
            if waiting(frame):
                t.waits[(thread, where(frame))] += 1
                continue
            if cpu is not None and cpu <= least:
                continue
            t.work += 1
            t.self_n[where(frame)] += 1
            t.threads_n[thread] += 1
            seen: set[Where] = set()
            f: FrameType | None = frame
            # The thread runs on while this one walks (the interpreter lock switches), so a
            # frame may have returned: its f_back is then not a frame; the walk stops there.
            while isinstance(f, FrameType):
                seen.add(where(f))
                f = f.f_back
            t.incl_n.update(seen)

    def busiest(self, inclusive: bool = True, top: int = TOP) -> list[tuple[Where, int]]:
        """The functions with the most working samples, inclusive (the plumbing left out) or
        self."""
        if not inclusive:
            return self.tally.self_n.most_common(top)
        rows = (row for row in self.tally.incl_n.most_common() if not plumbing(row[0]))
        return [row for _, row in zip(range(top), rows, strict=False)]

    def report(self, top: int = TOP) -> str:
        """The tables: threads, top `top` inclusive and self, and where threads waited."""
        t = self.tally
        lines = [
            f"profile (bench/sampler.py): {t.samples} rounds over {self.seconds:.0f} s, "
            f"{t.work} thread-samples at work ({t.skipped} rounds skipped); the sampler's own CPU {self.own_cpu:.1f} s "
            "(in the process's CPU above)",
            "  threads: working samples (% of all), CPU s (every round's, from thread clocks)",
        ]
        for name in sorted(set(t.threads_n) | set(t.threads_cpu), key=lambda n: -t.threads_n[n]):
            n = t.threads_n[name]
            cpu = t.threads_cpu.get(name, 0.0)
            lines.append(f"    {name}: {n} ({pct(n, t.work)}), {cpu:.1f} s")
        for inclusive in (True, False):
            lines.append(
                f"  top {top} {'inclusive (thread and loop plumbing left out)' if inclusive else 'self'}"
                ": % of working samples, function"
            )
            for w, n in self.busiest(inclusive, top):
                lines.append(f"    {pct(n, t.work):>6}  {short(w)}")
        lines.append("  waiting (not in the tables): thread group, where, samples")
        for (g, at), n in t.waits.most_common(8):
            lines.append(f"    {g}: {short(at)}: {n}")
        return "\n".join(lines)


def pct(part: float, whole: float) -> str:
    """`part` as a percentage of `whole`."""
    return f"{100 * part / whole:.1f}%" if whole else "-"
