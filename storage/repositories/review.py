"""Reads the review page needs beyond one interview: a member's earlier scorecards, a drill
answer with its owner, and a peer session's human scores."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import and_, or_
from sqlmodel import Session, col, select

from interviewer.core.rubric import Scorecard
from storage.models import (
    DrillAnswerRow,
    DrillPostRow,
    Interview,
    ScorecardRow,
    as_utc,
    aware,
)
from storage.repositories.base import SqlStore
from storage.repositories.mapping import answer_from
from storage.repositories.peers import SqlPeerRepository


@dataclass(frozen=True)
class DrillPage:
    """A graded drill answer with what its page shows."""

    id: int
    platform: str
    user_id: str
    question_id: str
    text: str
    answered_at: datetime
    scorecard: Scorecard


class SqlReviewReads(SqlStore):
    """The review page's reads."""

    def earlier_cards(
        self, user_id: int, interview_id: int, started: datetime, limit: int = 6
    ) -> list[tuple[datetime, Scorecard]]:
        """The member's scorecards of interviews started before this one (at `started`; a
        tie goes by id), oldest first."""
        at = as_utc(started)
        statement = (
            select(Interview.created_at, ScorecardRow.card_json)
            .join(ScorecardRow, col(ScorecardRow.interview_id) == col(Interview.id))
            .where(
                Interview.user_id == user_id,
                or_(
                    col(Interview.created_at) < at,
                    and_(col(Interview.created_at) == at, col(Interview.id) < interview_id),
                ),
            )
            .order_by(col(Interview.created_at).desc(), col(Interview.id).desc())
            .limit(limit)
        )
        with Session(self._engine) as session:
            rows = list(session.exec(statement))
        return [(aware(at), Scorecard.from_dict(json.loads(card))) for at, card in rows[::-1]]

    def drill_page(self, answer_id: int) -> DrillPage | None:
        """A graded drill answer with its question and owner (None: none, or not graded)."""
        statement = (
            select(DrillAnswerRow, DrillPostRow.question_id)
            .join(DrillPostRow, col(DrillPostRow.id) == col(DrillAnswerRow.post_id))
            .where(DrillAnswerRow.id == answer_id)
        )
        with Session(self._engine) as session:
            found = session.exec(statement).first()
        if found is None:
            return None
        row, question_id = found
        answer = answer_from(row)
        if answer.scorecard is None:
            return None
        return DrillPage(
            answer.id,
            row.platform,
            row.user_id,
            question_id,
            answer.text,
            aware(row.created_at),
            answer.scorecard,
        )

    def human_scores(self, interview_id: int) -> dict[str, int] | None:
        """A peer session's human interviewer's scores by criterion id (None: not a peer
        session, or not scored)."""
        found = SqlPeerRepository(self._engine).by_interview(interview_id)
        if found is None or found.scored_at is None or not found.scores:
            return None
        return dict(found.scores)
