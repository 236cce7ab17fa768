"""The composition root: the one place that builds real (or given) parts and wires them."""

from __future__ import annotations

import logging
import random
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from sqlalchemy.engine import Engine

from bot.metrics import PrometheusTelemetry
from bot.settings import Settings
from interviewer.bank import QuestionBank, load_bank
from interviewer.drills.reminders import ReminderService
from interviewer.drills.service import DrillService
from interviewer.llm.choice import ModelChoice
from interviewer.offline.brain import OfflineBrain
from interviewer.offline.scorer import OfflineGrader
from interviewer.peers.service import PeerService
from interviewer.peers.session import PeerSessions
from interviewer.privacy.service import PrivacyService
from interviewer.quotas import QuotaPolicy, Quotas
from interviewer.service import InterviewService
from interviewer.settings.resolve import ChannelResolver
from interviewer.settings.service import SettingsService
from interviewer.settings.values import Defaults
from interviewer.steps import READ_WORKERS
from interviewer.workers import Offload, WorkerPool, inline
from storage.engine import default_database_url, is_outage, make_engine
from storage.migrate import current_revision, head_revision, is_up_to_date, upgrade
from storage.models import utc_now
from storage.repositories.drills import SqlDrillRepository
from storage.repositories.interviews import SqlRepository
from storage.repositories.peers import SqlPeerRepository
from storage.repositories.privacy import SqlPrivacyRepository
from storage.repositories.quotas import SqlQuotaCounts
from storage.repositories.reminders import SqlReminderRepository
from storage.repositories.settings import SqlSettingsRepository

if TYPE_CHECKING:
    from bot.review.pages import ReviewPages
    from interviewer.llm.factory import LLMParts

log = logging.getLogger(__name__)

GRADING_WORKERS = 2
"""Threads the offline scorer grades on (interviews and drill answers): one per core here."""


@dataclass
class Container:
    """The wired application."""

    settings: Settings
    bank: QuestionBank
    engine: Engine
    repo: SqlRepository
    service: InterviewService
    grader: OfflineGrader
    choice: ModelChoice = field(default_factory=lambda: ModelChoice(None, "offline"))
    llm: LLMParts | None = None
    drills: DrillService | None = None
    telemetry: PrometheusTelemetry = field(default_factory=PrometheusTelemetry)
    privacy: PrivacyService | None = None
    peers: PeerService | None = None
    reminders: ReminderService | None = None
    channel_settings: SettingsService | None = None
    grading: WorkerPool | None = None  # the offline scorer's threads
    review: ReviewPages | None = None  # review pages and their signed links (bot/review)

    def close(self) -> None:
        """Release the database connections and the worker threads."""
        self.service.db.close()
        self.service.reader.close()
        if self.grading is not None:
            self.grading.close()
        self.engine.dispose()


def build_llm_parts(
    settings: Settings,
    bank: QuestionBank,
    fallback: OfflineBrain,
    offline_grader: OfflineGrader | None = None,
    grading_run: Offload = inline,
) -> tuple[ModelChoice, LLMParts | None]:
    """The LLM brain and grader the settings ask for; offline (with the reason) if they fail."""
    choice = settings.model_choice()
    if choice.spec is None:
        return choice, None
    key = settings.openai_api_key.get_secret_value() if settings.openai_api_key else None
    try:
        # LangChain takes seconds to import: only when a model is configured.
        from interviewer.llm.factory import GraderOptions, build_llm

        parts = build_llm(
            choice,
            fallback,
            bank=bank,
            api_key=key,
            timeout=settings.llm_timeout_seconds,
            max_retries=settings.llm_max_retries,
            max_tokens=settings.llm_max_output_tokens,
            grading=GraderOptions(
                settings.llm_grader_max_output_tokens,
                settings.llm_grader_temperature,
                settings.llm_grader_deadline_seconds,
            ),
            prices=settings.llm_prices,
            offline_grader=offline_grader,  # the model's card is checked against it
            grading_run=grading_run,  # the grader's own CPU work, off the loop
        )
    except Exception as exc:  # an unknown provider or a missing provider package
        log.warning(
            "cannot build the %s model, using the offline interviewer: %s", choice.spec, exc
        )
        return ModelChoice(None, f"{choice.spec} could not be built: {exc}"), None
    return choice, parts


def quota_policy(settings: Settings) -> QuotaPolicy:
    """The per-member limits and the daily token budget the settings ask for."""
    return QuotaPolicy(
        interviews_per_day=settings.interviews_per_day,
        messages_per_minute=settings.messages_per_minute,
        workspace_daily_tokens=settings.workspace_daily_tokens,
    )


class SchemaBehind(RuntimeError):
    """The database's schema is older than the code; the message says what to run."""


def prepare_schema(engine: Engine, auto_migrate: bool | None) -> None:
    """Migrate (SQLite by default) or refuse a database whose schema is behind the code."""
    migrate = auto_migrate if auto_migrate is not None else engine.dialect.name == "sqlite"
    if migrate:
        upgrade(engine)
        return
    if not is_up_to_date(engine):
        current = current_revision(engine) or "empty"
        raise SchemaBehind(
            f"The database schema is at revision {current}; this mockroom needs "
            f"{head_revision()}. Run `mockroom db upgrade` (back up the database first)."
        )


def build(
    settings: Settings | None = None,
    *,
    clock: Callable[[], datetime] = utc_now,
    rng: random.Random | None = None,
) -> Container:
    """Build the application from settings (read from the environment when not given)."""
    settings = settings or Settings()
    bank = load_bank()
    timeout = settings.database_timeout_seconds
    engine = make_engine(settings.database_url or default_database_url(), timeout)
    try:
        prepare_schema(engine, settings.auto_migrate)
    except Exception:
        engine.dispose()
        raise
    repo = SqlRepository(engine)
    # Reading answers (diagrams, the offline interviewer's analysis) is CPU work: a couple of
    # threads, so the loop keeps answering everyone else while a long answer is read.
    reading = WorkerPool(READ_WORKERS, deadline=None, name="mockroom-read")
    brain = OfflineBrain(bank, run=reading.run)
    # Scoring a long transcript takes seconds of CPU: on its own bounded threads, off the loop.
    grading = WorkerPool(GRADING_WORKERS, deadline=None, name="mockroom-grade")
    grader = OfflineGrader(bank, run=grading.run)
    choice, llm = build_llm_parts(settings, bank, brain, grader, grading.run)
    telemetry = PrometheusTelemetry()
    telemetry.watch(repo.activity, clock)
    service = InterviewService(
        repo,
        bank,
        llm.brain if llm else brain,
        llm.grader if llm else grader,
        clock,
        fallback_brain=brain,
        fallback_grader=grader,
        max_message_chars=settings.max_message_chars,
        rng=rng,
        telemetry=telemetry,
        quotas=Quotas(quota_policy(settings), SqlQuotaCounts(engine)),
        # a call waits at most for the connection (timeout/2) and its statement (timeout)
        db=WorkerPool(deadline=timeout * 1.5 + 1, is_outage=is_outage),
        reader=reading,
    )
    drills = build_drills(settings, bank, engine, service, clock)
    parts = Container(settings, bank, engine, repo, service, grader, choice, llm, drills, telemetry)
    parts.grading = grading
    parts.privacy = PrivacyService(
        SqlPrivacyRepository(engine), clock, retention_days=settings.retention_days
    )
    parts.reminders = ReminderService(SqlReminderRepository(engine), bank, clock)
    parts.channel_settings = SettingsService(
        SqlSettingsRepository(engine),
        bank,
        clock,
        defaults=channel_defaults(settings),
        admins=settings.drill_admins,
    )
    peer_repo = SqlPeerRepository(engine)
    parts.peers = PeerService(
        peer_repo,
        bank,
        clock,
        admins=settings.drill_admins,
        grace=timedelta(minutes=settings.drill_grace_minutes),
    )
    parts.peers.sessions = PeerSessions(peer_repo, service, award=drills.award)
    from bot.review.pages import build_pages  # the page's modules load with the container only

    parts.review = build_pages(settings, bank, engine, repo, clock)
    return parts


def channel_defaults(settings: Settings) -> Defaults:
    """What a channel that chose nothing gets: the server's settings."""
    return Defaults(window_hours=settings.drill_window_hours, board_hour=settings.weekly_board_hour)


def build_drills(
    settings: Settings,
    bank: QuestionBank,
    engine: Engine,
    service: InterviewService,
    clock: Callable[[], datetime],
) -> DrillService:
    """Daily drills and leaderboards over the same database; finished interviews earn points."""
    drills = DrillService(
        SqlDrillRepository(engine),
        bank,
        service.grade_transcript,
        clock,
        window=timedelta(hours=settings.drill_window_hours),
        grace=timedelta(minutes=settings.drill_grace_minutes),
        admins=settings.drill_admins,
        board_hour=settings.weekly_board_hour,
        channels=ChannelResolver(SqlSettingsRepository(engine), channel_defaults(settings)),
        run=service.db.run,
    )
    service.on_scorecard = drills.record_interview
    return drills
