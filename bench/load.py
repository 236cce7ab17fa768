"""Load: hundreds to thousands of whole interviews at once, timed as their members see them.

Run: make bench   (or: uv run python -m bench.load --interviews 500 --backend postgres)

Every member walks a whole interview (standard format: all stages, curveballs, the scorecard
at the end) on an interview clock running `--speed` times faster than the wall clock, so a
45-minute interview takes about 45/speed minutes; members start at random within the first
`--think` seconds and answer every `--think` seconds (give or take half). The fake
OpenAI-compatible model (bench/fake_model.py, its own process, real HTTP on loopback) answers
every request after a fixed `--delay` (a valid scorecard when the grader asks).

- `--interviews` members call InterviewService directly: each reply is timed from the call to
  its first streamed words and to its return; *added* = that wall time minus the fake's fixed
  delay times the model calls it made (what mockroom adds, its own queueing and loop delays
  included). Their clock messages and scorecards come from the benchmark's clock, which ticks
  due interviews every second as `mockroom serve` does and times each ending tick (grading).
- `--slack` members run in the fake Slack's process (bench/slack_api.py) against the real
  Slack app in HTTP mode: each signed request is timed to its ack and to the reply's first
  and last post arriving at the fake Slack.
- `--discord` members run in the fake Discord's process (bench/discord_api.py) against the
  real Discord client: each interaction to its callback, each answer from the gateway to the
  reply's first and last message at the fake REST.

Failures (an error said to the member, no reply within 30 s, an ack past 3 s, a missed
Discord window) are counted beside the percentiles, never dropped. Also printed: replies per
second, the whole process's CPU per reply, the event loop's lateness, full GC pauses, the
Python heap per interview (tracemalloc, 50 interviews), admission control's refusals and the
machine's load average (other work on the machine shows there).
With `--replicas`, every replica's clock ticks whatever is due in the shared database, and only
the first replica runs the Discord client: a direct member whose interview another replica ended
learns it at its next answer (the service says no interview is running), but a Discord member's
scorecard made by another replica is never delivered, so the Discord scorecard counts are low
there (the timings are not affected). `--steady` runs with `--replicas` too, each replica seeding
its own members; `--burst` runs one process. `--compare-replicas` measures one process against two
at a ladder of loads (bench/load_compare.py).
Targets (issue 16): 2,000 whole interviews, added p99 < 100 ms, ack p99 < 100 ms, no missed
Discord window.

`--steady` (issue 25): the clock at real speed and every member's interview already under way
at a uniform offset of its 45 minutes, its transcript holding the earlier turns, so endings come
every 2,700/N s as N real interviews make them; members answer every 60-120 s and start the next
interview after their scorecard. Interviews are seeded, not replayed: a few template interviews
are walked once through the real service on a throwaway clock and their stored state at the
offset is cloned through the repository with shifted timestamps (bench/load_seed.py). Figures are
those after `--warmup` s, over `--seconds` (300 by default). `--burst K` adds K direct members
whose interviews all end within 10 s after the warm-up and prints each one's time from its end to
its graded scorecard and the acks past 1 s meanwhile (bench/load_steady.py). Targets (issue 25):
steady 2,000 and 5,000, added and ack p99 < 100 ms, 0 failures; burst 200, every scorecard
within 60 s and acks p99 < 250 ms.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import gc
import json
import random
import resource
import subprocess
import sys
import tempfile
import time
import tracemalloc
from collections import Counter
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bench.engine import ANSWERS, pause
from bench.load_compare import DEFAULT_BOUND_MS, DEFAULT_STEPS, compare, steps_of
from bench.load_discord import DiscordMembers
from bench.load_members import REPLY_WAIT, Pace, Tally, run_members
from bench.load_parts import Accelerated, database, helper, model_calls, wire
from bench.load_report import Figures, as_json, merge, show
from bench.load_seed import Seeder
from bench.load_steady import Seeding, discord_dms, seed_all
from bench.sampler import Sampler
from bench.stalls import StallWatch
from bot.bootstrap import Container
from bot.serve import SWITCH_INTERVAL, freeze_startup_heap, prefer_the_loop
from bot.slack.runner import EVENTS_PATH, build_slack_runner
from interviewer.core.stages import Format, format_spec
from interviewer.service import InterviewError, InterviewService, NoInterview, Reply, Who
from storage import migrate as storage_migrate

TRACED_SAMPLE = 50  # interviews started under tracemalloc (it slows everything down)
BATCH = 50  # interviews started at once before the timed load
FORMAT = Format.STANDARD
TICK_LIMIT = 100  # due interviews per sweep, as `mockroom serve`


def loadavg() -> str:
    """The machine's 1-, 5- and 15-minute load averages."""
    try:
        return " ".join(Path("/proc/loadavg").read_text().split()[:3])
    except OSError:
        return "?"


class Run:
    """One process's load: its service, its members' figures, the ended conversations."""

    def __init__(self, container: Container, args: argparse.Namespace) -> None:
        self.container = container
        self.service: InterviewService = container.service
        self.delay = args.delay
        self.out = Figures(delay_ms=args.delay * 1000)
        self.ended: set[str] = set()
        self.news = asyncio.Event()  # set whenever an interview ends
        self.steady = bool(args.steady or args.burst)
        self.pace = Pace(args.think, args.spread, self.steady)
        self.burst = range(args.interviews, args.interviews + args.burst)
        self.seeding: Seeding | None = None

    async def timed(
        self,
        call: Callable[[Callable[[str], Awaitable[None]]], Awaitable[Reply | None]],
        channel: str | None = None,
    ) -> bool:
        """One reply to a direct member, timed; False when the member should stop."""
        t = self.out.direct
        token = model_calls.set([])
        t.replies += 1
        started = time.perf_counter()
        first: list[float] = []

        async def words(_piece: str) -> None:
            if not first:
                first.append(time.perf_counter())

        try:
            reply = await asyncio.wait_for(call(words), REPLY_WAIT)
        except NoInterview:
            t.replies -= 1  # ended under the member's feet: their scorecard is on its way
            if channel is not None:
                # With --replicas another process's clock may have ended it, and only that
                # one's tick says so: the member sees it here, as a member would.
                self.end(channel)
            return False
        except InterviewError as exc:
            t.failures.append(f"service: {str(exc)[:60]}")
            return True
        except TimeoutError:
            t.failures.append(f"no reply within {REPLY_WAIT:g} s")
            return False
        finally:
            wall = time.perf_counter() - started
            calls = model_calls.get() or []
            model_calls.reset(token)
        t.last_ms.append(wall * 1000)
        t.first_ms.append(((first[0] if first else started + wall) - started) * 1000)
        self.out.added_ms.append((wall - len(calls) * self.delay) * 1000)
        self.out.span_added_ms.append((wall - sum(calls)) * 1000)
        if reply is not None and reply.scorecard is not None:
            # An answer that came after the interview's time was up, before the clock ticked
            # it, ends it (the machine applies the clock first) and is graded on the answer's
            # path: a burst interview's scorecard, made here rather than by a tick.
            self.note_burst(reply.interview_id, "answer")
        if reply is not None and reply.ended:
            self.end(reply.channel)
        return True

    def note_burst(self, interview_id: int, by: str) -> None:
        """A scorecard was just made (`by` the clock or an answer): a burst interview's time
        from its end to its scorecard, when it is one."""
        late = None if self.seeding is None else self.seeding.burst_lateness(interview_id)
        if late is not None:
            self.out.burst_ms.append(late * 1000)
            self.out.burst_by[by] = self.out.burst_by.get(by, 0) + 1

    async def answer(self, who: Who, channel: str, text: str) -> bool:
        """A direct member's answer, timed (see `timed`)."""
        return await self.timed(
            lambda words: self.service.answer(who, channel, text, on_delta=words), channel
        )

    def end(self, channel: str | None) -> None:
        """A direct member's interview ended (its scorecard came)."""
        self.ended.add(channel or "")
        self.news.set()

    async def candidate(self, n: int, think: float, until: float) -> None:
        """A direct member: start (or, in a steady run, find its seeded interview under way),
        then answer every `think` seconds (±spread) until the end; in a steady run, start the
        next interview after a pause, until the run ends."""
        rng = random.Random(n)
        who, channel = Who("bench", f"member-{n}"), f"dm-{n}"
        seeded = self.steady or n in self.burst
        if not await pause(rng.uniform(0, think), until):
            return
        self.out.direct.started += 1
        going = seeded or await self.timed(
            lambda _words: self.service.start(who, channel, None, FORMAT)
        )
        i = 1
        while True:
            while going and channel not in self.ended:
                wait, seeded = (0.0 if seeded else self.pace.next(rng)), False
                if not await pause(wait, until) or channel in self.ended:
                    break
                going = await self.answer(who, channel, ANSWERS[i % len(ANSWERS)])
                i += 1
            if not await self.wait_ended(channel, until):
                return
            self.out.direct.scorecards += 1
            self.ended.discard(channel)
            if not self.steady or n in self.burst:
                return
            if not await pause(self.pace.next(rng), until):
                return
            self.ended.discard(channel)  # the ending tick's word, if it came after the member's
            self.out.direct.started += 1
            going = await self.timed(lambda _words: self.service.start(who, channel, None, FORMAT))

    async def wait_ended(self, channel: str, until: float) -> bool:
        """Wait (to the end of the run) for the interview's scorecard."""
        while channel not in self.ended and time.monotonic() < until:
            self.news.clear()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self.news.wait(), max(0.0, until - time.monotonic()))
        return channel in self.ended

    async def clock(self, runners: dict[str, Any]) -> None:
        """Tick due interviews every second, together, as `mockroom serve` does; time each
        ending tick (its closing words and the grade) and deliver what the ticks say."""
        while True:
            began = time.monotonic()
            due = await self.service.db.run(
                self.service.repo.due_interviews, self.service.clock(), TICK_LIMIT
            )
            await asyncio.gather(*(self.tick(i, runners) for i in due))
            await asyncio.sleep(max(0.0, 1.0 - (time.monotonic() - began)))

    async def tick(self, interview_id: int, runners: dict[str, Any]) -> None:
        token = model_calls.set([])
        started = time.perf_counter()
        try:
            reply = await self.service.tick(interview_id)
            wall = time.perf_counter() - started
            calls = model_calls.get() or []
            if any(m.scorecard is not None for m in reply.messages):
                self.out.grade_ms.append(wall * 1000)
                self.note_burst(interview_id, "clock")
                self.out.grade_added_ms.append((wall - len(calls) * self.delay) * 1000)
            if reply.ended and reply.platform == "bench":
                self.end(reply.channel)
            runner = runners.get(reply.platform or "")
            if reply.messages and runner is not None:
                await runner.deliver(reply)
        except Exception as exc:
            self.out.clock_failures.append(f"clock: {type(exc).__name__}: {str(exc)[:60]}")
        finally:
            model_calls.reset(token)


async def start_many(service: InterviewService, first: int, count: int) -> None:
    """Start `count` interviews (not timed: warm-up and memory), `BATCH` at a time."""

    async def one(n: int) -> None:
        await service.start(Who("bench", f"idle-{n}"), f"idle-{n}", None, FORMAT)

    for batch in range(first, first + count, BATCH):
        await asyncio.gather(*(one(n) for n in range(batch, min(batch + BATCH, first + count))))


async def lag(out: Figures) -> None:
    """Sample the event loop's lateness: how much later than asked a 100 ms sleep wakes."""
    while True:
        asked = time.perf_counter()
        await asyncio.sleep(0.1)
        out.lag_ms.append((time.perf_counter() - asked - 0.1) * 1000)


def watch_gc(out: Figures) -> Callable[[str, dict[str, int]], None]:
    """A gc callback noting each full collection's pause."""
    began: list[float] = []

    def note(phase: str, info: dict[str, int]) -> None:
        if info.get("generation") != 2:
            return
        if phase == "start":
            began[:] = [time.perf_counter()]
        elif began:
            out.gc_ms.append((time.perf_counter() - began[0]) * 1000)

    return note


@dataclass(frozen=True)
class Share:
    """This process's part of the load: replica `index` of `of`, each with its own members."""

    index: int = 0
    of: int = 1

    def part(self, total: int) -> range:
        """Member numbers of this replica out of `total`."""
        per = total // self.of + (self.index < total % self.of)
        first = self.index * (total // self.of) + min(self.index, total % self.of)
        return range(first, first + per)


def run_seconds(args: argparse.Namespace) -> float:
    """How long members may take: the latest start, the interview on the fast clock, grace;
    in a steady or burst run, the warm-up and the measured seconds."""
    if args.steady or args.burst:
        return float(args.warmup + (args.seconds or (120.0 if args.burst else 300.0)))
    total = format_spec(FORMAT).total_seconds or 2700
    return float(args.seconds or args.think + total / args.speed + 30)


async def seed(
    load: Run, args: argparse.Namespace, discord: DiscordMembers | None, share: Share
) -> int:
    """A steady or burst run's members find their interviews under way (bench/load_seed.py):
    this process's share of them (the Discord members are the first replica's); how many."""
    load.seeding = Seeding(load.service, await Seeder.made())
    dms = await discord_dms(discord.port, args.discord) if discord and args.discord else []
    direct, slack = share.part(args.interviews), share.part(args.slack)
    took = await seed_all(load.seeding, direct, slack, dms, load.burst, args.warmup + 5)
    members = len(direct) + len(slack) + len(dms)
    due = await asyncio.to_thread(load.service.repo.due_interviews, load.service.clock(), 10**6)
    print(
        f"seeded {members} interviews (and {args.burst} to end together) in {took:.1f} s; "
        f"{len(due)} in the database due already (deadlines passed while seeding: they tick "
        "as the warm-up starts, which must outlast them)",
        file=sys.stderr,  # a replica's stdout is its parent's protocol
        flush=True,
    )
    return members


async def measured_from(
    out: Figures,
    seconds: float,
    llm: Any,
    service: InterviewService,
    sampler: Sampler | None,
    stalls: StallWatch | None = None,
) -> None:
    """After the warm-up, forget what was measured so far: the figures are the steady part's
    (and the profile, with `--profile`, and the stall watch, with `--stalls`, begin)."""
    await asyncio.sleep(seconds)
    if sampler is not None:
        sampler.start()
    if stalls is not None:
        stalls.start()
    out.reset()
    out.fallbacks = -llm.meter.total.fallbacks
    out.model_failures = -llm.meter.total.failures
    llm.brain.rejections.clear()
    out.refused = -service.admission.refused
    out.marks = [time.monotonic(), time.process_time()]
    out.load.append(loadavg())


async def run(
    url: str,
    args: argparse.Namespace,
    model_port: int,
    slack_port: int,
    share: Share = Share(),
    ready: Callable[[], Awaitable[None]] | None = None,
) -> Figures:
    """One backend (or one replica's share of it): warm up, measure memory, then the timed
    load; `ready` is awaited between the two, so that replicas start their loads together."""
    container = wire(url, model_port, slack_port, Accelerated(args.speed))
    load = Run(container, args)
    out = load.out
    runner = build_slack_runner(container, 0, host="127.0.0.1")
    await runner.start()
    discord = DiscordMembers(container) if share.index == 0 else None
    note_gc = watch_gc(out)
    sampler = Sampler() if args.profile else None
    stalls = StallWatch(args.stalls / 1000) if args.stalls else None
    switch = sys.getswitchinterval()
    assert container.llm is not None
    try:
        if discord is not None:
            await discord.start()
        await start_many(load.service, args.interviews + 5 * share.index, 5)  # warm-up
        gc.collect()
        tracemalloc.start()
        base = tracemalloc.get_traced_memory()[0]
        await start_many(load.service, 10_000_000 + 100 * share.index, TRACED_SAMPLE)
        gc.collect()
        out.traced_kb = (tracemalloc.get_traced_memory()[0] - base) / 1024 / TRACED_SAMPLE
        tracemalloc.stop()
        members = await seed(load, args, discord, share) if load.steady else 0
        freeze_startup_heap()  # as `mockroom serve` does once its platforms are connected
        prefer_the_loop(args.switch_interval / 1000)  # ... and this, unless told otherwise
        if ready is not None:
            await ready()
        out.load.append(loadavg())
        gc.callbacks.append(note_gc)
        out.marks = [time.monotonic(), time.process_time()]
        until = out.marks[0] + run_seconds(args)
        runners: dict[str, Any] = {"slack": runner}
        if discord is not None and discord.runner is not None:
            runners["discord"] = discord.runner
        tasks = [asyncio.create_task(load.clock(runners)), asyncio.create_task(lag(out))]
        if load.steady:
            tasks.append(
                asyncio.create_task(
                    measured_from(out, args.warmup, container.llm, load.service, sampler, stalls)
                )
            )
        else:
            if sampler is not None:
                sampler.start()
            if stalls is not None:
                stalls.start()
        slack_url = f"http://127.0.0.1:{runner.port}{EVENTS_PATH}"
        slack = share.part(args.slack)
        spec = {
            "first": slack.start,
            "count": len(slack),
            "think": args.think,
            "url": slack_url,
            "spread": args.spread,
            "steady": load.steady,
            "warmup": args.warmup if load.steady else 0.0,
        }
        direct = [*share.part(args.interviews), *load.burst]
        groups = await asyncio.gather(
            *(load.candidate(i, args.think, until) for i in direct),
            run_members(slack_port, spec, until) if slack else asyncio.sleep(0, Tally()),
            # Discord's gateway sends an interaction to one process (its shard's): all
            # Discord members are the first replica's.
            discord.members(args.discord, spec, until)
            if discord is not None
            else asyncio.sleep(0, Tally()),
        )
        slack_tally, discord_tally = groups[-2], groups[-1]
        assert isinstance(slack_tally, Tally) and isinstance(discord_tally, Tally)
        out.slack, out.discord = slack_tally, discord_tally
        out.seconds = time.monotonic() - out.marks[0]
        out.cpu_seconds = time.process_time() - out.marks[1]
        if sampler is not None:
            sampler.stop()
            out.profile = sampler.report()
        if stalls is not None:
            stalls.stop()
            out.profile = "\n".join(p for p in (out.profile, stalls.report()) if p)
        out.load.append(loadavg())
        for task in tasks:
            task.cancel()
        await runner.drain()
        if discord is not None:
            await discord.drain()
        out.fallbacks += container.llm.meter.total.fallbacks
        out.model_failures += container.llm.meter.total.failures
        out.drafts_refused = dict(Counter(container.llm.brain.rejections).most_common(3))
        out.refused += load.service.admission.refused
        out.max_rss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        if load.steady:
            total = format_spec(FORMAT).total_seconds or 2700
            out.expected_endings = members * out.seconds / total + args.burst
            out.burst = args.burst
    finally:
        sys.setswitchinterval(switch)
        if sampler is not None:
            sampler.stop()
        if stalls is not None:
            stalls.stop()
        if note_gc in gc.callbacks:
            gc.callbacks.remove(note_gc)
        gc.unfreeze()
        if discord is not None:
            await discord.stop()
        await runner.stop()
        container.close()
    return out


def title(backend: str, args: argparse.Namespace, processes: int = 1) -> str:
    """What a run was."""
    if args.steady or args.burst:
        shape = (
            f"steady: {args.interviews} direct + {args.slack} Slack + {args.discord} Discord "
            f"{FORMAT.value} interviews seeded over their 45 min, clock x1"
            + (f", + a burst of {args.burst} ending within 10 s" if args.burst else "")
            + f", warm-up {args.warmup:g} s"
        )
    else:
        shape = (
            f"{args.interviews} direct + {args.slack} Slack + {args.discord} Discord whole "
            f"{FORMAT.value} interviews on a clock x{args.speed:g}"
        )
    return (
        f"{backend}: {shape}, answers every {args.think:g} s (±{args.spread * 100:.0f}%), "
        f"model delay {args.delay * 1000:.0f} ms"
        + (f", {processes} processes" if processes > 1 else "")
    )


def replicas(url: str, args: argparse.Namespace, model_port: int, slack_port: int) -> Figures:
    """`--replicas` processes on one database, each with its share of the members (as
    behind a load balancer); their timed loads start together."""
    storage_migrate.upgrade(url)  # once, as `mockroom db upgrade` before a rollout
    command = [sys.executable, "-m", "bench.load", *sys.argv[1:]]
    wiring = ["--url", url, "--model-port", str(model_port), "--slack-port", str(slack_port)]
    procs = [
        subprocess.Popen(
            [*command, *wiring, "--worker", str(i)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
            cwd=Path(__file__).resolve().parent.parent,
        )
        for i in range(args.replicas)
    ]

    def line_starting(proc: subprocess.Popen[str], mark: str) -> str:
        assert proc.stdout is not None
        for line in proc.stdout:
            if line.startswith(mark):
                return line.removeprefix(mark)
        raise RuntimeError(f"a replica ended before {mark.strip()}: exit {proc.wait()}")

    try:
        for proc in procs:
            line_starting(proc, "READY")
        for proc in procs:
            assert proc.stdin is not None
            proc.stdin.write("GO\n")
            proc.stdin.flush()
        parts = [Figures.of(json.loads(line_starting(proc, "FIGURES "))) for proc in procs]
    finally:
        for proc in procs:
            if proc.poll() is None:
                proc.terminate()
            proc.wait(30)
    return merge(parts)


def worker(args: argparse.Namespace) -> None:
    """One replica of `replicas`: set up, say READY, load on GO, print its FIGURES."""

    async def go() -> None:
        print("READY", flush=True)
        await asyncio.to_thread(sys.stdin.readline)

    share = Share(args.worker, args.replicas)
    out = asyncio.run(run(args.url, args, args.model_port, args.slack_port, share, go))
    print("FIGURES " + as_json(out), flush=True)


def main() -> None:
    """Parse the arguments, start the fakes, run each backend and print."""
    parser = argparse.ArgumentParser(description="mockroom under load")
    parser.add_argument("--interviews", type=int, default=500)
    parser.add_argument("--backend", choices=["sqlite", "postgres", "both"], default="both")
    parser.add_argument(
        "--seconds", type=float, default=0.0, help="cap on the load (default: whole interviews)"
    )
    parser.add_argument(
        "--speed", type=float, default=20.0, help="the interview clock's speed-up (x wall time)"
    )
    parser.add_argument(
        "--think", type=float, default=None, help="mean seconds between answers (30; steady 90)"
    )
    parser.add_argument(
        "--spread", type=float, default=None, help="answers every think x (1 ± spread) (0.5; 1/3)"
    )
    parser.add_argument(
        "--steady",
        action="store_true",
        help="real-pace clock, every interview seeded at a random point of its 45 minutes",
    )
    parser.add_argument(
        "--burst", type=int, default=0, help="K more interviews that all end within 10 s"
    )
    parser.add_argument(
        "--warmup", type=float, default=60.0, help="steady/burst: seconds before measuring"
    )
    parser.add_argument("--slack", type=int, default=50, help="members through Slack HTTP")
    parser.add_argument("--discord", type=int, default=50, help="members through Discord")
    parser.add_argument("--delay", type=float, default=0.3, help="the fake model's delay (s)")
    parser.add_argument(
        "--replicas", type=int, default=1, help="processes sharing PostgreSQL (SQLite runs one)"
    )
    parser.add_argument(
        "--profile",
        action="store_true",
        help="sample every thread's stack over the measured window (bench/sampler.py) and "
        "print the busiest functions after the figures",
    )
    parser.add_argument(
        "--stalls",
        type=float,
        default=0.0,
        metavar="MS",
        help="sample the event loop's stack whenever it answers nothing for MS ms "
        "(bench/stalls.py) and print the stalls and what held the loop",
    )
    parser.add_argument(
        "--switch-interval",
        type=float,
        default=SWITCH_INTERVAL * 1000,
        metavar="MS",
        help="the interpreter's switch interval during the load (serve's: "
        f"{SWITCH_INTERVAL * 1000:g} ms; Python's default 5)",
    )
    parser.add_argument(
        "--compare-replicas",
        action="store_true",
        help="one process against two: a ladder of steady loads by think time (PostgreSQL)",
    )
    parser.add_argument(
        "--steps", default=DEFAULT_STEPS, help="--compare-replicas: think times, comma-separated"
    )
    parser.add_argument(
        "--p99-bound",
        type=float,
        default=DEFAULT_BOUND_MS,
        help="--compare-replicas: the added p99 (ms) within which capacity counts",
    )
    parser.add_argument("--worker", type=int, default=None, help=argparse.SUPPRESS)
    parser.add_argument("--url", help=argparse.SUPPRESS)
    parser.add_argument("--model-port", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--slack-port", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.compare_replicas:
        if args.backend == "sqlite" or args.burst or args.replicas != 1:
            parser.error("--compare-replicas runs --steady on PostgreSQL, 1 and 2 processes")
        try:
            steps_of(args.steps)
        except ValueError as exc:
            parser.error(str(exc))
        compare(args)
        return
    paced = args.steady or args.burst
    if paced:
        args.speed = 1.0
    if args.burst and args.replicas > 1:
        # each process knows only its own burst's end times, and any clock may grade them
        parser.error("--burst runs one process")
    args.think = args.think or (90.0 if paced else 30.0)
    args.spread = args.spread if args.spread is not None else (1 / 3 if paced else 0.5)
    if args.worker is not None:
        worker(args)
        return
    backends = ["sqlite", "postgres"] if args.backend == "both" else [args.backend]
    with (
        tempfile.TemporaryDirectory() as tmp,
        helper("bench.fake_model", "--delay", str(args.delay)) as model_port,
        helper("bench.slack_api") as slack_port,
    ):
        for backend in backends:
            with database(backend, Path(tmp)) as url:
                if url is None:
                    print(f"\n{backend}: skipped")
                    continue
                if backend == "postgres" and args.replicas > 1:
                    figures = replicas(url, args, model_port, slack_port)
                else:
                    figures = asyncio.run(run(url, args, model_port, slack_port))
                show(title(backend, args, 1 if backend == "sqlite" else args.replicas), figures)
                if figures.profile:
                    print(figures.profile, flush=True)


if __name__ == "__main__":
    main()
