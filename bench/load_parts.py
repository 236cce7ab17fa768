"""The load benchmark's parts: helper processes, databases, wiring and the model-time clock."""

from __future__ import annotations

import os
import subprocess
import sys
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx2
from sqlalchemy.exc import OperationalError

from bot.bootstrap import Container, build
from bot.settings import Settings
from interviewer.llm.choice import ModelChoice
from interviewer.llm.factory import build_llm
from interviewer.llm.http import model_http_client
from interviewer.offline.brain import OfflineBrain
from interviewer.workers import inline
from storage.engine import make_engine, parse_database_url
from tests.bot.slack import payloads

SIGNING_SECRET = "bench0signing0secret0f00d"
MODEL = "openai:gpt-4o-mini"
DEFAULT_POSTGRES_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/test"

model_calls: ContextVar[list[float] | None] = ContextVar("model_calls", default=None)
"""Per turn: how long each model request took, from sending it to the answer's headers."""


@contextmanager
def helper(module: str, *args: str) -> Iterator[int]:
    """Run `python -m module` (a fake model or Slack) in its own process; yield its port."""
    proc = subprocess.Popen(
        [sys.executable, "-m", module, *args],
        stdout=subprocess.PIPE,
        text=True,
        cwd=Path(__file__).resolve().parent.parent,
    )
    try:
        assert proc.stdout is not None
        line = proc.stdout.readline()
        if not line.startswith("PORT "):
            raise RuntimeError(f"{module} did not start: {line!r}")
        yield int(line.split()[1])
    finally:
        proc.terminate()
        proc.wait(10)


@contextmanager
def database(backend: str, tmp: Path) -> Iterator[str | None]:
    """A fresh database URL: a SQLite file, or a PostgreSQL schema dropped afterwards.

    None when PostgreSQL is unreachable (MOCKROOM_BENCH_POSTGRES_URL, else
    MOCKROOM_TEST_POSTGRES_URL, else the local server's database `test`).
    """
    if backend == "sqlite":
        yield f"sqlite:///{(tmp / f'load-{uuid.uuid4().hex[:6]}.db').as_posix()}"
        return
    raw = os.environ.get("MOCKROOM_BENCH_POSTGRES_URL") or os.environ.get(
        "MOCKROOM_TEST_POSTGRES_URL", DEFAULT_POSTGRES_URL
    )
    admin = make_engine(raw)
    schema = f"mockroom_bench_{uuid.uuid4().hex[:10]}"
    try:
        with admin.begin() as connection:
            connection.exec_driver_sql(f'CREATE SCHEMA "{schema}"')
    except OperationalError as exc:
        print(f"PostgreSQL at {parse_database_url(raw)!r} is unreachable: {exc.orig}")
        admin.dispose()
        yield None
        return
    url = parse_database_url(raw).update_query_dict({"options": f"-csearch_path={schema}"})
    try:
        yield url.render_as_string(hide_password=False)
    finally:
        with admin.begin() as connection:
            connection.exec_driver_sql(f'DROP SCHEMA "{schema}" CASCADE')
        admin.dispose()


def timed_http_client() -> httpx2.AsyncClient:
    """An HTTP client that notes each model request's time into the running turn's list.

    The answer's headers leave the fake model only after its fixed delay, so the time to
    them is the model's time; reading the streamed body is counted as ours.
    """

    async def sent(request: httpx2.Request) -> None:
        request.extensions["bench_sent"] = time.perf_counter()

    async def answered(response: httpx2.Response) -> None:
        calls = model_calls.get()
        if calls is not None:
            calls.append(time.perf_counter() - response.request.extensions["bench_sent"])

    # the model's client as mockroom builds it (the SDK's defaults: up to 1,000 connections)
    return model_http_client(
        httpx2.Timeout(30.0), event_hooks={"request": [sent], "response": [answered]}
    )


class Accelerated:
    """The interview clock, `speed` times faster than the wall clock (from now)."""

    def __init__(self, speed: float) -> None:
        self.speed = speed
        self.base = datetime.now(UTC)
        self.began = time.monotonic()

    def __call__(self) -> datetime:
        return self.base + timedelta(seconds=(time.monotonic() - self.began) * self.speed)


def wire(
    database_url: str,
    model_port: int,
    slack_port: int | None,
    clock: Callable[[], datetime] | None = None,
) -> Container:
    """The application as `mockroom serve` builds it, with the LLM brain on the fake model.

    Limits are set so high that they never refuse, but every check still runs.
    """
    settings = Settings(
        _env_file=None,
        database_url=database_url,
        auto_migrate=True,
        llm_model="offline",
        interviews_per_day=1_000_000,
        messages_per_minute=1_000_000,
        workspace_daily_tokens=10**12,
        slack_bot_token="xoxb-bench",
        slack_signing_secret=SIGNING_SECRET,
        slack_api_url=None if slack_port is None else f"http://127.0.0.1:{slack_port}/api/",
    )
    container = build(settings, clock=clock or Accelerated(1.0))
    base_url = f"http://127.0.0.1:{model_port}/v1"
    offline = container.service.fallback_brain
    assert isinstance(offline, OfflineBrain)
    # The model as `mockroom serve` builds it (interviewer.llm.factory), with the timed client.
    parts = build_llm(
        ModelChoice(MODEL, "bench", base_url),
        offline,
        bank=container.bank,
        api_key="bench",
        timeout=settings.llm_timeout_seconds,
        max_retries=settings.llm_max_retries,
        max_tokens=settings.llm_max_output_tokens,
        http_async_client=timed_http_client(),
        # The card is checked against the offline scorer on its own threads, as `serve`
        # wires it (bot.bootstrap.build_llm_parts); left out, build_llm made one that scored on
        # the event loop: most of the burst's stalls (docs/performance.md, round 3 session 5).
        offline_grader=container.grader,
        grading_run=container.grading.run if container.grading else inline,
    )
    container.service.brain = parts.brain
    container.service.grader = parts.grader
    container.llm = parts
    container.choice = parts.choice
    return container


def slack_signature(body: str) -> dict[str, str]:
    """The headers Slack signs a request with, with the benchmark's signing secret."""
    return payloads.signed(body, SIGNING_SECRET)


def rss_kb() -> int:
    """The process's resident memory now, in KB (Linux), else 0."""
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return 0
