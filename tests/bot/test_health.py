"""/healthz and /metrics, served for real on loopback, with the service's telemetry."""

from __future__ import annotations

import random
import threading
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import aiohttp
import pytest
from prometheus_client import generate_latest

from bot.bootstrap import Container, build
from bot.health import HealthServer
from bot.metrics import PrometheusTelemetry
from bot.settings import Settings
from interviewer.commands import Command
from interviewer.core.stages import Format
from interviewer.service import Who
from storage.engine import make_engine
from tests.clock import FakeClock
from tests.support import free_port

ADA = Who("slack", "U1", "Ada")


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def parts(tmp_path: Path, clock: FakeClock) -> Iterator[Container]:
    built = build(
        Settings(database_url=f"sqlite:///{tmp_path / 'm.db'}"), clock=clock, rng=random.Random(1)
    )
    yield built
    built.close()


async def scrape(server: HealthServer, path: str) -> tuple[int, str]:
    await server.start()
    try:
        url = f"http://127.0.0.1:{server.port}{path}"
        async with aiohttp.ClientSession() as http, http.get(url) as response:
            return response.status, await response.text()
    finally:
        await server.stop()


def value(metrics: str, name: str) -> float:
    for line in metrics.splitlines():
        if line.startswith(name + " ") or line.startswith(name + "{"):
            return float(line.rsplit(" ", 1)[1])
    raise AssertionError(f"{name} not in the metrics")


async def test_metrics_count_turns_and_report_the_clock(parts: Container, clock: FakeClock) -> None:
    await parts.service.start(ADA, "D1", "model-serving", Format.DRILL)
    await parts.service.answer(ADA, "D1", "How many users?")
    await parts.service.command(ADA, "D1", Command.HINT)
    server = HealthServer(parts.engine, parts.telemetry, free_port(), "127.0.0.1")
    status, metrics = await scrape(server, "/metrics")
    assert status == 200
    assert value(metrics, 'mockroom_turns_total{platform="slack",role="candidate"}') == 1
    assert value(metrics, 'mockroom_turns_total{platform="slack",role="interviewer"}') == 3
    assert value(metrics, "mockroom_active_interviews") == 1
    assert value(metrics, "mockroom_scheduler_lag_seconds") == 0
    assert 'mockroom_reply_seconds_count{brain="offline"} 3.0' in metrics
    clock.advance(180)  # the drill's 2-minute clarify is a minute overdue and nobody ticked
    _, metrics = await scrape(server, "/metrics")
    assert value(metrics, "mockroom_deadlines_due") == 1
    assert value(metrics, "mockroom_scheduler_lag_seconds") >= 60


async def test_healthz_says_ok_and_fails_without_a_database(parts: Container) -> None:
    server = HealthServer(parts.engine, parts.telemetry, free_port(), "127.0.0.1")
    status, body = await scrape(server, "/healthz")
    assert status == 200 and '"database": true' in body
    gone = make_engine("sqlite:////nonexistent-dir/never/m.db")
    down = HealthServer(gone, parts.telemetry, free_port(), "127.0.0.1")
    status, body = await scrape(down, "/healthz")
    assert status == 503 and '"database": false' in body
    gone.dispose()
    failing = HealthServer(
        parts.engine, parts.telemetry, free_port(), "127.0.0.1", checks=[("slack", lambda: False)]
    )
    status, body = await scrape(failing, "/healthz")
    assert status == 503 and '"slack": false' in body and '"database": true' in body


def test_scrapes_of_a_hung_database_share_one_read() -> None:
    # Each scrape used to queue one more read behind the hung ones; now they wait on the one.
    release, calls = threading.Event(), []

    def activity(now: datetime) -> tuple[int, int, float]:
        calls.append(now)
        release.wait(10)
        return 3, 0, 0.0

    telemetry = PrometheusTelemetry()
    telemetry.watch(activity, lambda: datetime(2026, 12, 2, tzinfo=UTC), timeout=0.05)
    for _ in range(3):
        assert value(generate_latest(telemetry.registry).decode(), "mockroom_database_up") == 0
    assert len(calls) == 1
    release.set()
    for _ in range(100):  # the one read answers now (each scrape waits 0.05 s for it)
        scraped = generate_latest(telemetry.registry).decode()
        if value(scraped, "mockroom_database_up") == 1:
            break
    assert value(scraped, "mockroom_active_interviews") == 3
    assert len(calls) == 1
