"""The counts behind the quotas (interviewer.quotas.QuotaCounts), read with SQL.

Each query starts from an indexed column of `interview` (user_id, platform) and reaches
the turns through their (interview_id, seq) key, so it reads a member's own rows only.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import or_
from sqlmodel import Session, col, func, select

from interviewer.core.transcript import Role
from storage.models import Interview, InterviewTurn, as_utc
from storage.sql_store import SqlStore


class SqlQuotaCounts(SqlStore):
    """Interviews started, messages sent and tokens used, counted in the database."""

    def interviews_started_since(self, user_id: int, since: datetime) -> int:
        """How many interviews the user started at or after `since`."""
        statement = select(func.count()).where(
            Interview.user_id == user_id, col(Interview.created_at) >= as_utc(since)
        )
        with Session(self._engine) as session:
            return int(session.exec(statement).one())

    def messages_since(
        self, user_id: int, author: str, interview_id: int, since: datetime
    ) -> list[datetime]:
        """When `author` sent candidate messages since `since`, oldest first: in the
        interviews of `user_id`, and in `interview_id` (a design-along someone else runs)."""
        after = as_utc(since)
        statement = (
            select(InterviewTurn.created_at)
            .join(Interview, col(Interview.id) == col(InterviewTurn.interview_id))
            .where(
                or_(col(Interview.user_id) == user_id, col(Interview.id) == interview_id),
                col(Interview.updated_at) >= after,
                InterviewTurn.role == Role.CANDIDATE.value,
                InterviewTurn.author == author,
                col(InterviewTurn.created_at) >= after,
            )
            .order_by(col(InterviewTurn.created_at))
        )
        with Session(self._engine) as session:
            return list(session.exec(statement))

    def tokens_since(self, platform: str, since: datetime) -> int:
        """Model tokens of the platform's interviews that were active at or after `since`."""
        statement = select(
            func.coalesce(func.sum(Interview.prompt_tokens + Interview.completion_tokens), 0)
        ).where(Interview.platform == platform, col(Interview.updated_at) >= as_utc(since))
        with Session(self._engine) as session:
            return int(session.exec(statement).one())
