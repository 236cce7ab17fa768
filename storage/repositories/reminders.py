"""The ReminderRepository port over SQL."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlmodel import Session, col, select

from interviewer.drills.reminders import ClosingDrill, ReminderPref
from storage.models import (
    DrillAnswerRow,
    DrillPostRow,
    DrillSubscription,
    as_utc,
    aware,
    pk,
    utc_now,
)
from storage.models import ReminderPref as ReminderRow
from storage.repositories.base import SqlStore, row_by


class SqlReminderRepository(SqlStore):
    """Streak reminder choices and the drills about to close."""

    def set_reminder(
        self, platform: str, workspace: str, user_id: str, enabled: bool, until: datetime | None
    ) -> None:
        """Store a member's choice."""
        with self._transaction() as session:
            key = {"platform": platform, "workspace": workspace, "user_id": user_id}
            row = row_by(session, ReminderRow, **key) or ReminderRow(
                platform=platform, workspace=workspace, user_id=user_id
            )
            row.enabled = enabled
            row.snoozed_until = None if until is None else as_utc(until)
            row.updated_at = utc_now()
            session.add(row)

    def reminders(self, platform: str, workspace: str) -> list[ReminderPref]:
        """The workspace's members who chose reminders at some point."""
        statement = select(ReminderRow).where(
            ReminderRow.platform == platform, ReminderRow.workspace == workspace
        )
        with Session(self._engine) as session:
            return [
                ReminderPref(
                    r.user_id,
                    r.enabled,
                    None if r.snoozed_until is None else aware(r.snoozed_until),
                )
                for r in session.exec(statement)
            ]

    def closing(self, now: datetime, within: timedelta) -> list[ClosingDrill]:
        """Posted drills whose window ends after `now` and within `within` of it."""
        statement = (
            select(DrillPostRow, DrillSubscription.workspace)
            .join(DrillSubscription, col(DrillSubscription.id) == col(DrillPostRow.subscription_id))
            .where(
                col(DrillPostRow.thread_key).is_not(None),
                col(DrillPostRow.window_ends_at) > as_utc(now),
                col(DrillPostRow.window_ends_at) <= as_utc(now + within),
            )
        )
        with Session(self._engine) as session:
            return [
                ClosingDrill(
                    pk(post.id),
                    post.platform,
                    workspace,
                    post.channel,
                    post.question_id,
                    aware(post.window_ends_at),
                    aware(post.occurrence_at),
                )
                for post, workspace in session.exec(statement)
            ]

    def answered(self, post_id: int) -> set[str]:
        """Who answered a drill (graded or being graded)."""
        statement = select(DrillAnswerRow.user_id).where(DrillAnswerRow.post_id == post_id)
        with Session(self._engine) as session:
            return set(session.exec(statement))
