"""The tests' fake Slack Web API in a process of its own, for the load benchmark.

Run: `python -m bench.slack_api`; it prints `PORT <n>` once it listens on 127.0.0.1. What
records its calls in memory; they are dropped every few seconds (its messages stay: the
app edits them as it streams).
"""

from __future__ import annotations

import asyncio

from tests.bot.slack.fake_slack import FakeSlack


async def serve() -> None:
    """Listen until killed."""
    fake = FakeSlack()
    await fake.start()
    print(f"PORT {fake.port}", flush=True)
    while True:
        await asyncio.sleep(5)
        fake.calls.clear()
        fake.ephemeral.clear()


if __name__ == "__main__":
    asyncio.run(serve())
