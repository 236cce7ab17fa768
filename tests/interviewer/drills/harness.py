"""A drill world for tests: one database, services and schedulers over it, recording posters."""

from __future__ import annotations

import asyncio
import random
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy import Engine, text

from bot.scheduler import ClockScheduler
from interviewer.bank import QuestionBank
from interviewer.core.rubric import (
    Criterion,
    CriterionScore,
    Scorecard,
    hire_signal_for,
)
from interviewer.core.transcript import Transcript
from interviewer.drills.leaderboard import Board
from interviewer.drills.service import DrillService, GradeFn
from interviewer.offline.brain import OfflineBrain
from interviewer.offline.scorer import OfflineGrader
from interviewer.outbox import Kind, Queued
from interviewer.service import InterviewService, Reply, Who
from storage.engine import make_engine
from storage.repositories.drills import SqlDrillRepository
from storage.repositories.interviews import SqlRepository
from storage.repositories.settings import SqlSettingsRepository
from tests.clock import FakeClock

SLACK = "slack"
TEAM = "T1"
ADMIN = Who(SLACK, "UADMIN", "Admin")


class RecordingPoster:
    """A platform runner that records what it posts (deliver and the Poster methods)."""

    def __init__(self, platform: str = SLACK, *, fail_posts: int = 0) -> None:
        self.platform = platform
        self.fail_posts = fail_posts
        self.drills: list[tuple[str, str, str]] = []  # (channel, thread key, text)
        self.thread: list[tuple[str, str]] = []
        self.private: list[tuple[str, str, str]] = []
        self.boards: list[tuple[str, str, bytes | None]] = []
        self.delivered: list[Reply] = []
        self.markers: list[str] = []  # of the scheduled posts made

    async def deliver(self, reply: Reply) -> None:
        self.delivered.append(reply)

    async def find_drill(self, channel: str, marker: str, text: str, since: datetime) -> str | None:
        return next((key for c, key, t in self.drills if (c, t) == (channel, text)), None)

    async def post_drill(self, channel: str, text: str, marker: str | None = None) -> str:
        await asyncio.sleep(0)  # let a concurrent sweep run in between
        if self.fail_posts:
            self.fail_posts -= 1
            raise ConnectionError("the platform is down")
        key = f"{channel}:{len(self.drills) + 1}:{id(self)}"
        self.drills.append((channel, key, text))
        return key

    async def post_in_thread(self, thread_key: str, text: str) -> None:
        self.thread.append((thread_key, text))

    async def send_private(self, user_id: str, conversation: str, text: str) -> None:
        self.private.append((user_id, conversation, text))

    async def post_board(self, channel: str, text: str, png: bytes | None) -> None:
        self.boards.append((channel, text, png))

    async def post_scheduled(self, queued: Queued, png: bytes | None = None) -> str:
        post = queued.post
        await asyncio.sleep(0)  # let a concurrent sweep run in between
        if post.kind == Kind.BOARD:
            self.boards.append((post.target, post.text, png))
        elif post.kind == Kind.THREAD:
            self.thread.append((post.target, post.text))
        else:
            self.private.append((post.target, post.kind, post.text))
        self.markers.append(queued.marker)
        return queued.marker

    async def find_scheduled(self, queued: Queued) -> str | None:
        return queued.marker if queued.marker in self.markers else None


def card(overall: float) -> Scorecard:
    """A scorecard whose criteria all score about `overall`."""
    score = max(1, min(4, round(overall)))
    criteria = {c: CriterionScore(score, [], "") for c in Criterion}
    return Scorecard(criteria, overall, hire_signal_for(overall), [], ["Practise sharding."])


class FixedGrader:
    """Grades every answer with the next score of a list (the last one repeats); counts calls."""

    def __init__(self, *scores: float) -> None:
        self.scores = list(scores) or [3.0]
        self.calls = 0

    async def __call__(self, transcript: Transcript) -> Scorecard:
        self.calls += 1
        await asyncio.sleep(0)
        return card(self.scores[min(self.calls, len(self.scores)) - 1])


@dataclass
class Replica:
    """One `mockroom serve` process: its own engine, services, scheduler and poster."""

    engine: Engine
    service: InterviewService
    drills: DrillService
    poster: RecordingPoster
    scheduler: ClockScheduler

    def close(self) -> None:
        self.engine.dispose()


def replica(
    url: str,
    bank: QuestionBank,
    clock: FakeClock,
    grade: GradeFn | None = None,
    *,
    poster: RecordingPoster | None = None,
    admins: tuple[str, ...] = (),
    chart: Callable[[Board], bytes | None] = lambda board: None,
) -> Replica:
    """A process over the database at `url` (already migrated)."""
    engine = make_engine(url)
    service = InterviewService(
        SqlRepository(engine),
        bank,
        OfflineBrain(bank),
        OfflineGrader(bank),
        clock,
        rng=random.Random(3),
    )
    drills = DrillService(
        SqlDrillRepository(engine),
        bank,
        grade or service.grade_transcript,
        clock,
        admins=admins,
        channels=SqlSettingsRepository(engine),
    )
    service.on_scorecard = drills.record_interview
    poster = poster or RecordingPoster()
    scheduler = ClockScheduler(service, [poster], drills=drills, chart=chart)
    return Replica(engine, service, drills, poster, scheduler)


def utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)


def at_local(clock: FakeClock, when: datetime) -> datetime:
    """Set the clock to an aware instant (in any zone) and return it in UTC."""
    clock.now = when.astimezone(UTC)
    return clock.now


def count(engine: Engine, table: str) -> int:
    with engine.connect() as connection:
        return int(connection.execute(text(f"SELECT count(*) FROM {table}")).scalar_one())


def minutes(n: float) -> timedelta:
    return timedelta(minutes=n)
