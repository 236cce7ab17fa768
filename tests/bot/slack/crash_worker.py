"""One `mockroom serve` clock sweep, in a process of its own, against the fake Slack: the crash
tests kill it with SIGKILL while Slack holds a call (or once it has swept), then run it again.

Usage: python -m tests.bot.slack.crash_worker DB_URL SLACK_API_URL JOB NOW_ISO[,NOW_ISO...] [hang]
JOB is one of the scheduler's sweeps (drills, recaps, boards, reminders, pairs, tick) or what
`serve` does at start (recover); it runs once at
each instant, in order, and the process prints how many posts each made, comma-separated. With
`hang` it then waits to be killed (a crash after every id was saved). CRASH_WORKER_LLM_URL
names a fake OpenAI-compatible server for the model (else the offline interviewer).
"""

from __future__ import annotations

import asyncio
import os
import random
import sys
from collections.abc import Awaitable, Callable
from datetime import datetime

from bot.bootstrap import build
from bot.scheduler import ClockScheduler
from bot.serve import recover
from bot.settings import Settings
from bot.slack.runner import SlackRunner, build_slack_runner
from tests.clock import FakeClock


async def recaps(scheduler: ClockScheduler) -> int:
    """Only the recaps of the drill sweep (no drill falls due meanwhile)."""
    drills = scheduler.drills
    assert drills is not None
    await scheduler.service.db.run(drills.due_recaps, scheduler.posts.runners.keys())
    return await scheduler.posts.send()


async def pairs(scheduler: ClockScheduler) -> int:
    """A round's pairing, counting its posts (each pair's intro and brief)."""
    peers = scheduler.peers
    assert peers is not None
    await scheduler.service.db.run(peers.due_rounds, scheduler.posts.runners.keys())
    return await scheduler.posts.send()


async def recovered(scheduler: ClockScheduler, runner: SlackRunner) -> int:
    """What `serve` does at start (grade what a crash left ungraded and post its end), then
    the sweep that posts what waits in the outbox."""
    await recover(scheduler.service, [runner], scheduler.peers)
    return await scheduler.sweep_unanswered()


def job(scheduler: ClockScheduler, runner: SlackRunner, name: str) -> Callable[[], Awaitable[int]]:
    """The sweep named `name`."""
    return {
        "drills": scheduler.sweep_drills,
        "recaps": lambda: recaps(scheduler),
        "boards": scheduler.post_boards,
        "reminders": scheduler.remind,
        "pairs": lambda: pairs(scheduler),
        "tick": scheduler.tick_interviews,
        "recover": lambda: recovered(scheduler, runner),
    }[name]


async def sweep(url: str, api_url: str, name: str, times: str, hang: bool = False) -> None:
    """The app's parts on the database, one of its sweeps run at each of `times`: prints how
    many each posted."""
    model = os.environ.get("CRASH_WORKER_LLM_URL")  # a fake model server, when given
    settings = Settings(
        _env_file=None,
        database_url=url,
        llm_model="openai:gpt-4o-mini" if model else "offline",
        llm_base_url=model,
        openai_api_key="sk-test" if model else None,
        slack_api_url=api_url,
        slack_bot_token="xoxb-test",
        slack_app_token="xapp-test",
    )
    clock = FakeClock()
    container = build(settings, clock=clock, rng=random.Random(7))
    try:
        runner = build_slack_runner(container, 0, host="127.0.0.1")
        scheduler = ClockScheduler(
            container.service,
            [runner],
            drills=container.drills,
            peers=container.peers,
            reminders=container.reminders,
        )
        counts = []
        for now in times.split(","):
            clock.now = datetime.fromisoformat(now)
            counts.append(str(await job(scheduler, runner, name)()))
        print(",".join(counts), flush=True)
        if hang:  # every id is saved: wait for the kill
            await asyncio.Event().wait()
    finally:
        container.close()


if __name__ == "__main__":
    asyncio.run(sweep(*sys.argv[1:5], hang=sys.argv[5:] == ["hang"]))
