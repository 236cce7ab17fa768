"""The composition root: the one place that builds real (or given) parts and wires them."""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy.engine import Engine

from bot.settings import Settings
from interviewer.bank import QuestionBank, load_bank
from interviewer.offline.brain import OfflineBrain
from interviewer.offline.scorer import OfflineGrader
from interviewer.service import InterviewService
from storage.engine import default_database_url, make_engine
from storage.migrate import upgrade
from storage.repository import SqlRepository


def utc_now() -> datetime:
    """The real clock."""
    return datetime.now(UTC)


@dataclass
class Container:
    """The wired application."""

    settings: Settings
    bank: QuestionBank
    engine: Engine
    repo: SqlRepository
    service: InterviewService
    grader: OfflineGrader

    def close(self) -> None:
        """Release the database connections."""
        self.engine.dispose()


def build(
    settings: Settings | None = None,
    *,
    clock: Callable[[], datetime] = utc_now,
    rng: random.Random | None = None,
) -> Container:
    """Build the application from settings (read from the environment when not given)."""
    settings = settings or Settings()
    bank = load_bank()
    engine = make_engine(settings.database_url or default_database_url())
    if settings.auto_migrate:
        upgrade(engine)
    repo = SqlRepository(engine)
    brain = OfflineBrain(bank)
    grader = OfflineGrader(bank)
    service = InterviewService(
        repo,
        bank,
        brain,
        grader,
        clock,
        fallback_brain=brain,
        fallback_grader=grader,
        max_message_chars=settings.max_message_chars,
        rng=rng,
    )
    return Container(settings, bank, engine, repo, service, grader)
