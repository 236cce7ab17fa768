"""The counts behind the quotas (interviewer.quotas.QuotaCounts), read with SQL.

Each query starts from an indexed column of `interview` (user_id, platform) and reaches
the turns through their (interview_id, seq) key, so it reads a member's own rows only.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import bindparam, or_
from sqlmodel import Session, col, func, select

from interviewer.core.transcript import Role
from storage.models import Interview, InterviewTurn, UTCDateTime, as_utc
from storage.repositories.base import SqlStore

# Read before every answer: built once, with bound parameters.
_AFTER = bindparam("after", type_=UTCDateTime())
_MESSAGES_SINCE = (
    select(InterviewTurn.created_at)
    .join(Interview, col(Interview.id) == col(InterviewTurn.interview_id))
    .where(
        or_(
            col(Interview.user_id) == bindparam("user_id"),
            col(Interview.id) == bindparam("interview_id"),
        ),
        col(Interview.updated_at) >= _AFTER,
        InterviewTurn.role == Role.CANDIDATE.value,
        InterviewTurn.author == bindparam("author"),
        col(InterviewTurn.created_at) >= _AFTER,
    )
    .order_by(col(InterviewTurn.created_at))
)


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
        params = {
            "user_id": user_id,
            "interview_id": interview_id,
            "author": author,
            "after": as_utc(since),
        }
        with self._autocommitted() as connection:
            return list(connection.execute(_MESSAGES_SINCE, params).scalars())

    def tokens_since(self, platform: str, since: datetime) -> int:
        """Model tokens of the platform's interviews that were active at or after `since`."""
        statement = select(
            func.coalesce(func.sum(Interview.prompt_tokens + Interview.completion_tokens), 0)
        ).where(Interview.platform == platform, col(Interview.updated_at) >= as_utc(since))
        with Session(self._engine) as session:
            return int(session.exec(statement).one())
