"""One `mockroom serve` clock sweep of the drills, in a process of its own, against the fake
Slack: the crash tests kill it with SIGKILL while Slack holds a call, then run it again.

Usage: python -m tests.bot.slack.crash_worker DB_PATH SLACK_API_URL NOW_ISO[,NOW_ISO...]
(one sweep at each instant, in order; prints how many each posted, comma-separated)
"""

from __future__ import annotations

import asyncio
import random
import sys
from datetime import datetime

from bot.bootstrap import build
from bot.scheduler import ClockScheduler
from bot.settings import Settings
from bot.slack.runner import build_slack_runner
from tests.clock import FakeClock


async def sweep(db: str, api_url: str, times: str) -> str:
    """The app's parts on the database, its drills swept at each of `times`: how many each
    posted."""
    settings = Settings(
        _env_file=None,
        database_url=f"sqlite:///{db}",
        llm_model="offline",
        slack_api_url=api_url,
        slack_bot_token="xoxb-test",
        slack_app_token="xapp-test",
    )
    clock = FakeClock()
    container = build(settings, clock=clock, rng=random.Random(7))
    try:
        runner = build_slack_runner(container, 0, host="127.0.0.1")
        scheduler = ClockScheduler(container.service, [runner], drills=container.drills)
        counts = []
        for now in times.split(","):
            clock.now = datetime.fromisoformat(now)
            counts.append(str(await scheduler.sweep_drills()))
        return ",".join(counts)
    finally:
        container.close()


if __name__ == "__main__":
    print(asyncio.run(sweep(*sys.argv[1:4])), flush=True)
