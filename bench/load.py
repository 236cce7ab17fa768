"""Load: hundreds of concurrent interviews with the LLM brain on a fake model; prints figures.

Run: make bench   (or: uv run python -m bench.load --interviews 500 --backend both)

Each simulated candidate has an interview running and answers every `--think` seconds
(give or take half); the fake OpenAI-compatible model (bench/fake_model.py, its own
process, real HTTP on loopback) answers each request after a fixed `--delay`. Meanwhile
`--slack` more members run interviews through the real Slack app in HTTP mode (signed
requests to its aiohttp endpoint; the tests' fake Slack Web API in its own process), and
the interview clock ticks every second, as in `mockroom serve`. And `--discord` members
run interviews through the real Discord client on the tests' fake Discord (its own process,
bench/discord_api.py; see bench/load_discord.py).

Figures: per answered turn, the wall time of InterviewService.answer minus the model's time
(each model request from sending it to its answer's headers) = the time mockroom adds;
answers per second; memory per active interview (Python heap traced by tracemalloc, and
RSS growth); and the time from a Slack request reaching the app to its acknowledgement,
and from a Discord INTERACTION_CREATE leaving the gateway to its interaction callback.
Targets (issue 7): added p99 < 50 ms on SQLite, < 30 ms on PostgreSQL; < 200 KB per active
interview; Slack and Discord ack p99 < 100 ms.
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import json
import random
import statistics
import subprocess
import sys
import tempfile
import time
import tracemalloc
from collections.abc import Awaitable, Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from urllib.parse import urlencode

import aiohttp

from bench.engine import ANSWERS, pause, percentile
from bench.load_discord import DiscordMembers
from bench.load_parts import database, helper, model_calls, rss_kb, slack_signature, wire
from bot.serve import freeze_startup_heap
from bot.slack.runner import EVENTS_PATH, build_slack_runner
from interviewer.core.stages import Format
from interviewer.service import InterviewError, InterviewService, Who
from storage import migrate as storage_migrate
from tests.bot.slack import payloads

TRACED_SAMPLE = 50  # interviews started under tracemalloc (it slows everything down)
BATCH = 50  # interviews started at once before the timed load


@dataclass
class Figures:
    """What one backend's run measured."""

    added_ms: list[float] = field(default_factory=list)
    model_ms: list[float] = field(default_factory=list)
    acks_ms: list[float] = field(default_factory=list)
    discord_acks_ms: list[float] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    seconds: float = 0.0
    traced_kb: float = 0.0
    rss_kb: float = 0.0
    fallbacks: int = 0


async def turn(service: InterviewService, who: Who, channel: str, text: str, out: Figures) -> None:
    """One answer, timed; the model's share is taken out."""
    token = model_calls.set([])
    started = time.perf_counter()
    try:
        await service.answer(who, channel, text)
    except InterviewError as exc:
        out.errors.append(str(exc))
        return
    finally:
        wall = time.perf_counter() - started
        calls = model_calls.get() or []
        model_calls.reset(token)
    out.model_ms.append(sum(calls) * 1000)
    out.added_ms.append((wall - sum(calls)) * 1000)


async def start_many(service: InterviewService, first: int, count: int) -> None:
    """Start `count` interviews and answer each once, `BATCH` at a time."""

    async def one(n: int) -> None:
        who, channel = Who("bench", f"member-{n}"), f"dm-{n}"
        await service.start(who, channel, "model-serving", Format.EXTENDED)
        await turn(service, who, channel, ANSWERS[0], Figures())

    for batch in range(first, first + count, BATCH):
        await asyncio.gather(*(one(n) for n in range(batch, min(batch + BATCH, first + count))))


async def candidate(
    service: InterviewService, n: int, think: float, until: float, out: Figures
) -> None:
    """Answer every `think` seconds (±50%) until the end of the run."""
    rng = random.Random(n)
    who, channel = Who("bench", f"member-{n}"), f"dm-{n}"
    i = 1
    while await pause(rng.uniform(0, think) if i == 1 else think * rng.uniform(0.5, 1.5), until):
        await turn(service, who, channel, ANSWERS[i % len(ANSWERS)], out)
        i += 1


async def slack_member(
    session: aiohttp.ClientSession, url: str, k: int, think: float, until: float, out: Figures
) -> None:
    """A Slack member: `/mockroom start` in a DM, then answers; every ack timed."""
    rng = random.Random(10_000 + k)
    user = f"U0BENCH{k:05d}"
    channel = "D" + user.removeprefix("U")

    async def post(body: str, content_type: str) -> None:
        headers = {"Content-Type": content_type, **slack_signature(body)}
        started = time.perf_counter()
        async with session.post(url, data=body, headers=headers) as response:
            await response.read()
            out.acks_ms.append((time.perf_counter() - started) * 1000)
            if response.status != 200:
                out.errors.append(f"Slack answered {response.status}")

    await asyncio.sleep(rng.uniform(0, think))
    slash = urlencode(payloads.slash(user, channel, "start model-serving extended"))
    await post(slash, "application/x-www-form-urlencoded")
    i = 1
    while await pause(think * rng.uniform(0.5, 1.5), until):
        event = payloads.message(user, channel, ANSWERS[i % len(ANSWERS)], f"{time.time():.6f}")
        await post(json.dumps(payloads.event_callback(event)), "application/json")
        i += 1


async def clock(service: InterviewService, until: float) -> None:
    """The interview clock, as `mockroom serve` runs it: every second."""
    while time.monotonic() < until:
        await service.tick_due()
        await asyncio.sleep(1.0)


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
    out = Figures()
    container = wire(url, model_port, slack_port)
    service = container.service
    runner = build_slack_runner(container, 0, host="127.0.0.1")
    await runner.start()
    discord = DiscordMembers(container) if share.index == 0 else None
    try:
        if discord is not None:
            await discord.start()
        mine = share.part(args.interviews)
        first, n = mine.start, len(mine)
        # warm-up (SQL compiled, connections open) on members past everyone's share
        await start_many(service, args.interviews + 5 * share.index, 5)
        sample = min(TRACED_SAMPLE, n)
        gc.collect()
        tracemalloc.start()
        base = tracemalloc.get_traced_memory()[0]
        await start_many(service, first, sample)
        gc.collect()
        out.traced_kb = (tracemalloc.get_traced_memory()[0] - base) / 1024 / sample
        tracemalloc.stop()
        if n > sample:
            gc.collect()
            before = rss_kb()
            await start_many(service, first + sample, n - sample)
            gc.collect()
            out.rss_kb = (rss_kb() - before) / (n - sample)
        freeze_startup_heap()  # as `mockroom serve` does once its platforms are connected
        if ready is not None:
            await ready()
        began = time.monotonic()
        until = began + args.seconds
        slack_url = f"http://127.0.0.1:{runner.port}{EVENTS_PATH}"
        async with aiohttp.ClientSession() as session:
            await asyncio.gather(
                clock(service, until),
                *(candidate(service, i, args.think, until, out) for i in mine),
                *(
                    slack_member(session, slack_url, k, args.think, until, out)
                    for k in share.part(args.slack)
                ),
                # Discord's gateway sends an interaction to one process (its shard's): all
                # Discord members are the first replica's.
                *(
                    [
                        discord.members(
                            args.discord, args.think, until, out.discord_acks_ms, out.errors
                        )
                    ]
                    if discord is not None
                    else []
                ),
            )
        out.seconds = time.monotonic() - began
        await runner.drain()
        if discord is not None:
            await discord.drain()
        assert container.llm is not None
        out.fallbacks = container.llm.meter.total.fallbacks
    finally:
        gc.unfreeze()
        if discord is not None:
            await discord.stop()
        await runner.stop()
        container.close()
    return out


def show(backend: str, args: argparse.Namespace, f: Figures, processes: int = 1) -> None:
    """Print one backend's figures."""
    target = 50 if backend == "sqlite" else 30
    turns = len(f.added_ms)
    print(
        f"\n{backend}: {args.interviews} interviews through the service + {args.slack} through "
        f"Slack HTTP + {args.discord} through Discord, answers every {args.think:g} s (±50%), "
        f"model delay {args.delay * 1000:.0f} ms, {f.seconds:.0f} s"
        + (f", {processes} processes" if processes > 1 else "")
    )
    if not turns:
        print("  no turns measured")
        return
    added = f.added_ms
    print(
        f"  added per turn: p50 {statistics.median(added):.1f} ms   p99 {percentile(added, 99):.1f} ms"
        f"   max {max(added):.1f} ms   (target: p99 < {target} ms)"
    )
    print(
        f"  model per turn: p50 {statistics.median(f.model_ms):.0f} ms   "
        f"p99 {percentile(f.model_ms, 99):.0f} ms"
    )
    print(f"  turns: {turns} answered through the service, {turns / f.seconds:.1f} per second")
    print(
        f"  memory per active interview: {f.traced_kb:.1f} KB Python heap (tracemalloc), "
        f"{f.rss_kb:.1f} KB RSS growth   (target: < 200 KB)"
    )
    if f.acks_ms:
        print(
            f"  Slack ack (signed HTTP request to 200): p50 {statistics.median(f.acks_ms):.1f} ms"
            f"   p99 {percentile(f.acks_ms, 99):.1f} ms   ({len(f.acks_ms)} requests; "
            "target: p99 < 100 ms)"
        )
    if acks := f.discord_acks_ms:
        print(
            f"  Discord ack (interaction to its callback): p50 {statistics.median(acks):.1f} ms"
            f"   p99 {percentile(acks, 99):.1f} ms   ({len(acks)} interactions; "
            "target: p99 < 100 ms)"
        )
    print(f"  model fallbacks: {f.fallbacks}   errors: {len(f.errors)}")
    for error in sorted(set(f.errors))[:3]:
        print(f"    {error}")


def merge(parts: list[Figures]) -> Figures:
    """The replicas' figures as one run's."""
    out = Figures()
    for part in parts:
        out.added_ms += part.added_ms
        out.model_ms += part.model_ms
        out.acks_ms += part.acks_ms
        out.discord_acks_ms += part.discord_acks_ms
        out.errors += part.errors
        out.fallbacks += part.fallbacks
    out.seconds = max(part.seconds for part in parts)
    out.traced_kb = statistics.mean(part.traced_kb for part in parts)
    out.rss_kb = statistics.mean(part.rss_kb for part in parts)
    return out


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
        parts = [Figures(**json.loads(line_starting(proc, "FIGURES "))) for proc in procs]
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
    print("FIGURES " + json.dumps(asdict(out)), flush=True)


def main() -> None:
    """Parse the arguments, start the fakes, run each backend and print."""
    parser = argparse.ArgumentParser(description="mockroom under load")
    parser.add_argument("--interviews", type=int, default=500)
    parser.add_argument("--backend", choices=["sqlite", "postgres", "both"], default="both")
    parser.add_argument("--seconds", type=float, default=60.0, help="length of the timed load")
    parser.add_argument("--think", type=float, default=30.0, help="mean seconds between answers")
    parser.add_argument("--slack", type=int, default=50, help="members through Slack HTTP")
    parser.add_argument("--discord", type=int, default=50, help="members through Discord")
    parser.add_argument("--delay", type=float, default=0.3, help="the fake model's delay (s)")
    parser.add_argument(
        "--replicas", type=int, default=1, help="processes sharing PostgreSQL (SQLite runs one)"
    )
    parser.add_argument("--worker", type=int, default=None, help=argparse.SUPPRESS)
    parser.add_argument("--url", help=argparse.SUPPRESS)
    parser.add_argument("--model-port", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--slack-port", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
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
                show(backend, args, figures, 1 if backend == "sqlite" else args.replicas)


if __name__ == "__main__":
    main()
