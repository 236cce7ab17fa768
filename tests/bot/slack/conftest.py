"""A running Slack app against the local fake Slack, on a real SQLite file, with a fake clock."""

from __future__ import annotations

import asyncio
import random
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from bot.bootstrap import Container, build
from bot.settings import Settings
from bot.slack.runner import SlackRunner, build_slack_runner
from tests.bot.slack import payloads
from tests.bot.slack.fake_slack import FakeSlack, Posted
from tests.clock import FakeClock

ADA, BOB, CAROL = "U0ADA", "U0BOB", "U0CAROL"
CHANNEL = "C0DESIGN"


def dm_of(user: str) -> str:
    """The DM channel the fake opens with a user."""
    return "D" + user.removeprefix("U")


@dataclass
class Harness:
    """The app, its fake Slack and its clock, with helpers that act like Slack users."""

    fake: FakeSlack
    container: Container
    runner: SlackRunner
    clock: FakeClock
    acks: list[dict[str, Any]] = field(default_factory=list)

    async def send(self, kind: str, payload: dict[str, Any], retry_attempt: int = 0) -> None:
        """One envelope, acked in time, then all the work it started."""
        self.acks.append(await self.fake.send_envelope(kind, payload, retry_attempt=retry_attempt))
        await asyncio.wait_for(self.runner.drain(), 10)

    async def command(self, user: str, channel: str, text: str) -> None:
        """`/mockroom text` typed by `user` in `channel`."""
        url = self.fake.response_url()
        await self.send("slash_commands", payloads.slash(user, channel, text, response_url=url))

    async def say(
        self, user: str, channel: str, text: str, thread_ts: str | None = None, **extra: Any
    ) -> dict[str, Any]:
        """A message from `user`; returns the event callback (to send it again)."""
        event = payloads.message(
            user, channel, text, self.fake.next_ts(), thread_ts=thread_ts, **extra
        )
        body = payloads.event_callback(event)
        await self.send("events_api", body)
        return body

    async def press(self, user: str, posted: Posted, action_id: str) -> None:
        """`user` presses a button of a bot message."""
        buttons = [e for b in posted.blocks if b["type"] == "actions" for e in b["elements"]]
        value = next(e["value"] for e in buttons if e["action_id"] == action_id)
        body = payloads.button(user, posted.channel, posted.ts, posted.thread_ts, action_id, value)
        await self.send("interactive", body)

    async def tick(self) -> int:
        """Let the interview clock act, delivering what it says; how many replies."""
        replies = await self.container.service.tick_due()
        for reply in replies:
            await self.runner.deliver(reply)
        return len(replies)

    def thread_of(self, parent_text: str) -> str:
        """The ts of the parent message that opened a thread."""
        return next(
            m.ts for m in self.fake.messages if parent_text in m.text and m.thread_ts is None
        )


Factory = Callable[..., Awaitable[Harness]]


async def until(condition: Callable[[], bool]) -> None:
    """Wait (polling, for at most 5 seconds) until `condition` holds."""
    for _ in range(500):
        if condition():
            return
        await asyncio.sleep(0.01)
    raise AssertionError("the condition did not hold within 5 seconds")


def make_container(db: Path, clock: FakeClock, fake: FakeSlack, **slack: Any) -> Container:
    """The app's parts on a SQLite file, offline interviewer, pointed at the fake Slack."""
    slack.setdefault("slack_bot_token", "xoxb-test")
    settings = Settings(
        _env_file=None,
        database_url=f"sqlite:///{db}",
        llm_model="offline",
        slack_api_url=fake.api_url,
        **slack,
    )
    return build(settings, clock=clock, rng=random.Random(7))


@pytest.fixture
async def fake() -> AsyncIterator[FakeSlack]:
    """The fake Slack; fails the test if the app made a call Slack would refuse."""
    server = FakeSlack()
    await server.start()
    yield server
    await server.stop()
    assert server.errors == [], server.errors


@pytest.fixture
async def harness_factory(fake: FakeSlack, tmp_path: Path) -> AsyncIterator[Factory]:
    """Starts apps (Socket Mode by default) on one SQLite file; stops them all at the end."""
    started: list[Harness] = []
    clock = FakeClock()

    async def start(**slack: Any) -> Harness:
        slack.setdefault("slack_app_token", "xapp-test")
        container = make_container(tmp_path / "mockroom.db", clock, fake, **slack)
        runner = build_slack_runner(container, 0, host="127.0.0.1")
        await runner.start()
        if runner.mode == "socket":
            await fake.wait_connected()
        harness = Harness(fake, container, runner, clock)
        started.append(harness)
        return harness

    yield start
    for harness in started:
        await harness.runner.stop()
        harness.container.close()


@pytest.fixture
async def slack(harness_factory: Factory) -> Harness:
    """One app in Socket Mode."""
    return await harness_factory()
