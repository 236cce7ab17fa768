"""A frozen PostgreSQL (a lock held by another connection) slows its member, never everyone.

Slack in HTTP mode, on a real PostgreSQL: while another connection holds an exclusive lock
on the interview table, acks, Slack's URL check, another member's command and /healthz
answer within Slack's 3 seconds (functional timeouts, not benchmarks); the member whose
answer needs the table is told in one line; after the lock goes the interview carries on.
"""

from __future__ import annotations

import asyncio
import json
import random
from collections.abc import AsyncIterator
from typing import Any
from urllib.parse import urlencode

import aiohttp
import psycopg
import pytest

from bot.bootstrap import Container, build
from bot.health import HealthServer
from bot.metrics import PrometheusTelemetry
from bot.scheduler import ClockScheduler
from bot.settings import Settings
from bot.slack.places import who_of
from bot.slack.runner import EVENTS_PATH, SlackRunner, build_slack_runner
from storage.engine import make_engine
from tests.bot.slack import payloads
from tests.bot.slack.conftest import ADA, BOB, dm_of
from tests.bot.slack.fake_slack import FakeSlack
from tests.bot.slack.test_robustness import GatedBrain
from tests.clock import FakeClock
from tests.support import free_port

pytestmark = pytest.mark.postgres

SECRET = "8f742231b10e8888abcd99yyyzzz85a5"
SLACK_WINDOW = 3.0  # Slack's limit for an ack: a functional timeout


class App:
    """The Slack app in HTTP mode on PostgreSQL, with /healthz beside it."""

    def __init__(self, container: Container, runner: SlackRunner, health: HealthServer) -> None:
        self.container = container
        self.runner = runner
        self.health = health
        self.url = f"http://127.0.0.1:{runner.port}{EVENTS_PATH}"

    async def post(self, body: str, content_type: str) -> tuple[int, str]:
        """One signed request; its status and body, within Slack's window or the test fails."""
        headers = {"Content-Type": content_type, **payloads.signed(body, SECRET)}
        async with aiohttp.ClientSession() as http:
            request = http.post(self.url, data=body, headers=headers)
            async with await asyncio.wait_for(request, SLACK_WINDOW) as response:
                return response.status, await response.text()

    async def command(self, user: str, text: str) -> int:
        body = urlencode(payloads.slash(user, dm_of(user), text))
        status, _ = await self.post(body, "application/x-www-form-urlencoded")
        return status

    async def say(self, user: str, text: str, ts: str) -> int:
        event = payloads.message(user, dm_of(user), text, ts)
        status, _ = await self.post(json.dumps(payloads.event_callback(event)), "application/json")
        return status

    async def url_check(self) -> str:
        body = json.dumps({"token": "legacy", "challenge": "c-123", "type": "url_verification"})
        status, text = await self.post(body, "application/json")
        assert status == 200
        return text

    async def healthz(self) -> tuple[int, dict[str, Any]]:
        url = f"http://127.0.0.1:{self.health.port}/healthz"
        async with (
            aiohttp.ClientSession() as http,
            await asyncio.wait_for(http.get(url), SLACK_WINDOW) as response,
        ):
            return response.status, await response.json()


@pytest.fixture
async def app(postgres_migrated_url: str) -> AsyncIterator[tuple[App, FakeSlack]]:
    fake = FakeSlack()
    await fake.start()
    settings = Settings(
        _env_file=None,
        database_url=postgres_migrated_url,
        database_timeout_seconds=2,
        llm_model="offline",
        slack_api_url=fake.api_url,
        slack_bot_token="xoxb-test",
        slack_signing_secret=SECRET,
        slack_app_token=None,
    )
    container = build(settings, clock=FakeClock(), rng=random.Random(7))
    runner = build_slack_runner(container, 0, host="127.0.0.1")
    await runner.start()
    health = HealthServer(container.engine, container.telemetry, free_port(), "127.0.0.1")
    await health.start()
    try:
        yield App(container, runner, health), fake
    finally:
        await health.stop()
        await runner.stop()
        container.close()
        await fake.stop()


def _sync_url(url: str) -> str:
    return url.replace("postgresql+psycopg://", "postgresql://")


async def _until(condition: Any, seconds: float = 20) -> None:
    for _ in range(int(seconds * 20)):
        if condition():
            return
        await asyncio.sleep(0.05)
    raise AssertionError("the condition did not hold in time")


def _texts(fake: FakeSlack, channel: str) -> list[str]:
    return [m.text for m in fake.conversation(channel)]


async def test_a_locked_database_stalls_only_its_member(
    app: tuple[App, FakeSlack], postgres_migrated_url: str
) -> None:
    slack, fake = app
    dm = dm_of(ADA)
    assert await slack.command(ADA, "start model-serving") == 200
    await _until(lambda: len(_texts(fake, dm)) >= 1)
    opened = len(_texts(fake, dm))

    locker = await psycopg.AsyncConnection.connect(_sync_url(postgres_migrated_url))
    try:
        await locker.execute("BEGIN")
        await locker.execute("LOCK TABLE interview IN ACCESS EXCLUSIVE MODE")
        # Ada's answer needs the locked table: acked at once, her work waits for the database.
        assert await slack.say(ADA, "Who calls the model, and how many requests?", "1.1") == 200
        # Meanwhile everyone else is answered within Slack's window.
        assert await slack.command(BOB, "help") == 200
        assert json.loads(await slack.url_check()) == {"challenge": "c-123"}
        status, body = await slack.healthz()
        assert status == 200 and body["checks"]["database"] is True  # it answers SELECT 1
        await _until(lambda: any("help" in t.lower() for t in _texts(fake, dm_of(BOB))))
        # Ada is told in one line that nothing was recorded and what to do.
        await _until(lambda: any("database" in t for t in _texts(fake, dm)))
        [notice] = [t for t in _texts(fake, dm) if "database" in t]
        assert "\n" not in notice and "send it again" in notice
    finally:
        await locker.execute("ROLLBACK")
        await locker.close()

    # The database is back: the same answer again is stored once and answered.
    assert await slack.say(ADA, "Who calls the model, and how many requests?", "1.2") == 200
    await slack.runner.drain()
    await _until(lambda: len(_texts(fake, dm)) >= opened + 2)
    container = slack.container
    [entry] = container.service.history(who_of(ADA))
    stored = container.repo.load(entry.interview_id)
    assert stored is not None and stored.state.active
    answers = [t.text for t in stored.turns if t.role.value == "candidate"]
    assert answers == ["Who calls the model, and how many requests?"]
    assert stored.turns[-1].role.value == "interviewer"


async def test_healthz_is_503_when_the_database_hangs_without_answering() -> None:
    """A server that accepts connections and never speaks: the probe gives up within 3 s."""
    accepted: list[asyncio.StreamWriter] = []

    async def silent(_reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        accepted.append(writer)  # held open, never answered

    server = await asyncio.start_server(silent, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    engine = make_engine(f"postgresql+psycopg://postgres@127.0.0.1:{port}/test", timeout=30)
    health = HealthServer(engine, PrometheusTelemetry(), free_port(), "127.0.0.1")
    await health.start()
    try:
        url = f"http://127.0.0.1:{health.port}/healthz"
        async with (
            aiohttp.ClientSession() as http,
            await asyncio.wait_for(http.get(url), SLACK_WINDOW) as response,
        ):
            assert response.status == 503
            assert (await response.json())["checks"]["database"] is False
    finally:
        await health.stop()
        for writer in accepted:
            writer.close()
        server.close()
        engine.dispose()


async def test_metrics_answer_while_the_database_is_locked(
    app: tuple[App, FakeSlack], postgres_migrated_url: str
) -> None:
    """/metrics gives up its database read after a deadline and serves the rest."""
    slack, fake = app
    assert await slack.command(ADA, "start model-serving") == 200
    await _until(lambda: len(_texts(fake, dm_of(ADA))) >= 1)
    url = f"http://127.0.0.1:{slack.health.port}/metrics"

    async def scrape() -> str:
        async with (
            aiohttp.ClientSession() as http,
            await asyncio.wait_for(http.get(url), SLACK_WINDOW) as response,
        ):
            assert response.status == 200
            return await response.text()

    locker = await psycopg.AsyncConnection.connect(_sync_url(postgres_migrated_url))
    try:
        await locker.execute("BEGIN")
        await locker.execute("LOCK TABLE interview IN ACCESS EXCLUSIVE MODE")
        frozen = await scrape()
    finally:
        await locker.execute("ROLLBACK")
        await locker.close()
    assert "mockroom_database_up 0.0" in frozen
    assert "mockroom_active_interviews" not in frozen
    assert 'mockroom_turns_total{platform="slack",role="interviewer"}' in frozen
    back = await scrape()
    assert "mockroom_database_up 1.0" in back and "mockroom_active_interviews 1.0" in back


async def test_a_reply_stopped_by_a_lock_after_the_answer_is_stored_comes_later_once(
    app: tuple[App, FakeSlack], postgres_migrated_url: str
) -> None:
    """The answer is saved, then the table is locked before the reply's save: the member is
    told the reply is coming, and the clock's sweep posts it once the lock is gone."""
    slack, fake = app
    dm, service = dm_of(ADA), slack.container.service
    assert await slack.command(ADA, "start model-serving") == 200
    await _until(lambda: len(_texts(fake, dm)) >= 1)
    [entry] = service.history(who_of(ADA))
    gate = asyncio.Event()
    service.brain = GatedBrain(service.brain, gate)  # a model still thinking
    answer = "Who calls the model, and how many requests?"
    assert await slack.say(ADA, answer, "2.1") == 200

    def answer_stored() -> bool:
        stored = slack.container.repo.load(entry.interview_id)
        return stored is not None and stored.turns[-1].text == answer

    await _until(answer_stored)
    locker = await psycopg.AsyncConnection.connect(_sync_url(postgres_migrated_url))
    try:
        await locker.execute("BEGIN")
        await locker.execute("LOCK TABLE interview IN ACCESS EXCLUSIVE MODE")
        gate.set()  # the model answers; its words cannot be saved
        await _until(lambda: any("Your answer is saved" in t for t in _texts(fake, dm)))
    finally:
        await locker.execute("ROLLBACK")
        await locker.close()
    await slack.runner.drain()
    [notice] = [t for t in _texts(fake, dm) if "Your answer is saved" in t]
    assert "No need to send it again" in notice
    shown = len(_texts(fake, dm))

    clock = service.clock
    assert isinstance(clock, FakeClock)
    sweeps = ClockScheduler(service, [slack.runner])
    assert await sweeps.retry_replies() == 0  # not before its backoff
    clock.advance(2)
    assert await sweeps.retry_replies() == 1  # the reply, without a resend
    clock.advance(150)  # past every backoff and the sweep's 2 minutes; before the clock warns
    assert await sweeps.retry_replies() == 0
    assert await sweeps.sweep_unanswered() == 0  # and nothing is left unanswered
    stored = slack.container.repo.load(entry.interview_id)
    assert stored is not None and stored.turns[-1].role.value == "interviewer"
    assert [t.text for t in stored.turns if t.role.value == "candidate"] == [answer]
    texts = _texts(fake, dm)
    assert len(texts) == shown + 1 and stored.turns[-1].text[:60] in texts[-1]
