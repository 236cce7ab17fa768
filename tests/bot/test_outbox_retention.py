"""The retention sweep of `mockroom serve` purges the outbox's posted posts past
MOCKROOM_OUTBOX_RETENTION_DAYS (SQLite and PostgreSQL), even with transcripts kept forever."""

from __future__ import annotations

import random
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest
from sqlmodel import Session, select

from bot.bootstrap import Container, build
from bot.scheduler import RETENTION_SWEEP, ClockScheduler
from bot.settings import Settings
from interviewer.outbox import POST_LEASE, Kind, Post
from storage.models import ScheduledPost
from tests.clock import FakeClock

NOW = datetime(2026, 12, 7, 9, 0, tzinfo=UTC)
DAY = timedelta(days=1)


@pytest.fixture
def parts(migrated_url: str) -> Iterator[Container]:
    settings = Settings(database_url=migrated_url, auto_migrate=True, outbox_retention_days=14)
    parts = build(settings, clock=FakeClock(NOW), rng=random.Random(3))
    yield parts
    parts.close()


def add(parts: Container, key: str, at: datetime, *, post: bool = True) -> None:
    """A reminder added at `at`, and taken and posted then unless `post` is False."""
    outbox = parts.repo
    outbox.enqueue([Post(key, Kind.DM, "slack", "U1", f"words of {key}")], at)
    if post:
        [taken] = outbox.take(at, POST_LEASE, keys=[key])
        outbox.mark_posted(taken.id, f"D1:{key}", at)


def keys(parts: Container) -> set[str]:
    with Session(parts.engine) as session:
        return set(session.exec(select(ScheduledPost.key)).all())


async def test_the_retention_sweep_purges_old_posted_posts(parts: Container) -> None:
    add(parts, "old", NOW - 20 * DAY)
    add(parts, "recent", NOW - 2 * DAY)
    add(parts, "waiting", NOW - 20 * DAY, post=False)
    scheduler = ClockScheduler(parts.service, [], posts_kept=parts.settings.posts_kept())
    scheduler.start()
    try:
        # registered though no privacy service (transcripts kept forever) is given
        job = scheduler._scheduler.get_job(RETENTION_SWEEP)
        assert job is not None
    finally:
        scheduler.shutdown()
    await job.func()  # the sweep as APScheduler runs it
    assert keys(parts) == {"recent", "waiting"}


async def test_run_once_purges_and_none_keeps_posted_posts(parts: Container) -> None:
    add(parts, "old", NOW - 20 * DAY)
    keep = ClockScheduler(parts.service, [], posts_kept=None)
    await keep.run_once()
    assert keys(parts) == {"old"}
    keep.start()
    try:
        assert keep._scheduler.get_job(RETENTION_SWEEP) is None  # nothing to retain
    finally:
        keep.shutdown()
    await ClockScheduler(parts.service, []).run_once()  # 14 days by default
    assert keys(parts) == set()


def test_the_setting_says_how_long_posted_posts_are_kept() -> None:
    assert Settings(_env_file=None).posts_kept() == 14 * DAY
    assert Settings(_env_file=None, outbox_retention_days=30).posts_kept() == 30 * DAY
    assert Settings(_env_file=None, outbox_retention_days=0).posts_kept() is None
