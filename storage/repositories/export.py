"""A member's data as one JSON-ready document, and the queries privacy requests share."""

from __future__ import annotations

import json
from datetime import date, datetime
from typing import Any, TypeVar

from sqlmodel import Session, SQLModel, col, select

from interviewer.core.rubric import Scorecard
from interviewer.core.state import InterviewState
from interviewer.core.transcript import Role
from interviewer.privacy.redact import drop_responses, unquote, without_words_of
from storage.models import (
    DrillAnswerRow,
    DrillPostRow,
    DrillSubscription,
    Interview,
    InterviewTurn,
    LeaderboardPref,
    PointsLedger,
    ScorecardRow,
    User,
    pk,
)

EXPORT_FORMAT = "mockroom-export/1"
OTHERS_MESSAGE = "[another participant's message]"
_Mine = TypeVar("_Mine", PointsLedger, LeaderboardPref)

# JSON held in text columns is exported parsed, under its own key.
_SKIP = {"state_json", "card_json", "scorecard_json", "criteria_json"}


def export_member(session: Session, platform: str, user_id: str) -> dict[str, Any]:
    """Everything stored about the member; other people's words in it are replaced."""
    user = member_row(session, platform, user_id)
    interviews = [] if user is None else own_interviews(session, user.id)
    answers = session.exec(
        select(DrillAnswerRow, DrillPostRow)
        .where(DrillAnswerRow.platform == platform, DrillAnswerRow.user_id == user_id)
        .where(DrillAnswerRow.post_id == DrillPostRow.id)
        .order_by(col(DrillAnswerRow.id))
    ).all()
    return {
        "format": EXPORT_FORMAT,
        "platform": platform,
        "user_id": user_id,
        "user": None if user is None else _row(user),
        "interviews": [_export_interview(session, i, user_id) for i in interviews],
        "messages_in_others_design_alongs": [
            {**_row(turn), "interview_question_id": interview.question_id}
            for turn, interview in authored_elsewhere(session, platform, user_id, user)
        ],
        "drill_answers": [
            {
                **_row(answer),
                "scorecard": _json(answer.scorecard_json),
                "channel": post.channel,
                "question_id": post.question_id,
            }
            for answer, post in answers
        ],
        "points": [
            {**_row(r), "criteria": _json(r.criteria_json)}
            for r in _mine(session, PointsLedger, platform, user_id)
        ],
        "leaderboard_preferences": [
            _row(r) for r in _mine(session, LeaderboardPref, platform, user_id)
        ],
        "drill_subscriptions_created": [
            _row(r)
            for r in session.exec(
                select(DrillSubscription)
                .where(DrillSubscription.platform == platform)
                .where(DrillSubscription.created_by == user_id)
                .order_by(col(DrillSubscription.id))
            )
        ],
    }


def authored_elsewhere(
    session: Session, platform: str, user_id: str, user: User | None
) -> list[tuple[InterviewTurn, Interview]]:
    """The member's candidate turns in interviews that are not theirs."""
    statement = (
        select(InterviewTurn, Interview)
        .where(InterviewTurn.interview_id == Interview.id, Interview.platform == platform)
        .where(InterviewTurn.author == user_id, InterviewTurn.role == Role.CANDIDATE.value)
    )
    if user is not None:
        statement = statement.where(Interview.user_id != user.id)
    return list(session.exec(statement.order_by(col(InterviewTurn.id))).all())


def _export_interview(session: Session, row: Interview, user_id: str) -> dict[str, Any]:
    """An interview of the member's with its turns and scorecard; others' words replaced."""
    turns = turns_of(session, pk(row.id))
    others = [
        t.text
        for t in turns
        if t.role == Role.CANDIDATE.value and t.author is not None and t.author != user_id
    ]
    own = [t.text for t in turns if t.role == Role.CANDIDATE.value and t.text not in others]
    state = drop_responses(InterviewState.from_dict(json.loads(row.state_json)), others or None)
    card_row = session.exec(select(ScorecardRow).where(ScorecardRow.interview_id == row.id)).first()
    scorecard = None
    if card_row is not None:
        card = without_words_of(Scorecard.from_dict(json.loads(card_row.card_json)), own, others)
        card.contributors = [c for c in card.contributors if c.author == user_id]
        scorecard = {**_row(card_row), **card.to_dict()}
    return {
        **_row(row),
        "state": state.to_dict(),
        "turns": [_export_turn(t, user_id, others) for t in turns],
        "scorecard": scorecard,
    }


def _export_turn(turn: InterviewTurn, user_id: str, others: list[str]) -> dict[str, Any]:
    data = _row(turn)
    if turn.role == Role.CANDIDATE.value and turn.author not in (None, user_id):
        data.update(text=OTHERS_MESSAGE, author=None, diagram=None)
    elif turn.role == Role.INTERVIEWER.value:  # a pushback may quote another member
        data.update(text=unquote(turn.text, others))
    return data


def member_row(session: Session, platform: str, user_id: str) -> User | None:
    """The member's user row (None for one who only answered drills, or never came)."""
    return session.exec(
        select(User).where(User.platform == platform, User.external_id == user_id)
    ).first()


def own_interviews(session: Session, user_pk: int | None) -> list[Interview]:
    """The interviews the user started, oldest first."""
    statement = select(Interview).where(Interview.user_id == user_pk)
    return list(session.exec(statement.order_by(col(Interview.created_at), col(Interview.id))))


def turns_of(session: Session, interview_id: int) -> list[InterviewTurn]:
    """An interview's turns in order."""
    statement = select(InterviewTurn).where(InterviewTurn.interview_id == interview_id)
    return list(session.exec(statement.order_by(col(InterviewTurn.seq))))


def _mine(session: Session, table: type[_Mine], platform: str, user_id: str) -> list[_Mine]:
    statement = select(table).where(table.platform == platform, table.user_id == user_id)
    return list(session.exec(statement.order_by(col(table.id))))


def _row(row: SQLModel) -> dict[str, Any]:
    """A row's columns as JSON-ready values (datetimes and dates as ISO strings)."""
    return {
        k: v.isoformat() if isinstance(v, datetime | date) else v
        for k, v in row.model_dump().items()
        if k not in _SKIP
    }


def _json(text: str | None) -> Any:
    return None if text is None else json.loads(text)
