"""A member's data as one JSON-ready document, and the queries privacy requests share."""

from __future__ import annotations

import json
from datetime import date, datetime
from typing import Any, TypeVar

from sqlalchemy import or_
from sqlmodel import Session, SQLModel, col, select

from interviewer.core.rubric import Scorecard
from interviewer.core.state import InterviewState
from interviewer.core.transcript import Role
from interviewer.privacy.redact import drop_responses, unquote, without_words_of
from storage.models import (
    ChannelSettingRow,
    DrillAnswerRow,
    DrillPostRow,
    DrillSubscription,
    Interview,
    InterviewTurn,
    LeaderboardPref,
    PeerMember,
    PeerSchedule,
    PeerSession,
    PointsLedger,
    ReminderPref,
    ScorecardRow,
    User,
    pk,
)

EXPORT_FORMAT = "mockroom-export/1"
OTHERS_MESSAGE = "[another participant's message]"
_Mine = TypeVar("_Mine", PointsLedger, LeaderboardPref, PeerMember, ReminderPref)

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
    elsewhere = [
        {**_row(turn), "interview_question_id": interview.question_id}
        for turn, interview in authored_elsewhere(session, platform, user_id, user)
    ]
    return {
        "format": EXPORT_FORMAT,
        "platform": platform,
        "user_id": user_id,
        "user": None if user is None else _row(user),
        "interviews": [_export_interview(session, i, user_id) for i in interviews],
        "messages_in_others_design_alongs": [
            t for t in elsewhere if t["role"] == Role.CANDIDATE.value
        ],
        "questions_asked_as_peer_interviewer": [
            t for t in elsewhere if t["role"] != Role.CANDIDATE.value
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
        "drill_subscriptions_created": _naming(
            session, DrillSubscription, DrillSubscription.created_by, platform, user_id
        ),
        "channel_settings_changed": _naming(
            session, ChannelSettingRow, ChannelSettingRow.updated_by, platform, user_id
        ),
        "pairings_set_up": _naming(
            session, PeerSchedule, PeerSchedule.created_by, platform, user_id
        ),
        "peer_memberships": [_row(r) for r in _mine(session, PeerMember, platform, user_id)],
        "peer_sessions": [
            _peer_session(r, user_id) for r in peer_sessions_of(session, platform, user_id)
        ],
        "reminder_preferences": [_row(r) for r in _mine(session, ReminderPref, platform, user_id)],
    }


def peer_sessions_of(session: Session, platform: str, user_id: str) -> list[PeerSession]:
    """The peer sessions the member took part in, as interviewer or as candidate."""
    statement = select(PeerSession).where(
        PeerSession.platform == platform,
        or_(col(PeerSession.interviewer) == user_id, col(PeerSession.candidate) == user_id),
    )
    return list(session.exec(statement.order_by(col(PeerSession.id))))


def _peer_session(row: PeerSession, user_id: str) -> dict[str, Any]:
    """A peer session as the member's role in it; the partner's id is left out."""
    data = _row(row)
    data["role"] = "interviewer" if row.interviewer == user_id else "candidate"
    del data["interviewer"], data["candidate"]
    data["scores"] = _json(row.scores)
    return data


def authored_elsewhere(
    session: Session, platform: str, user_id: str, user: User | None
) -> list[tuple[InterviewTurn, Interview]]:
    """The member's turns in interviews that are not theirs: a design-along's candidate
    messages, and a peer mock's questions they asked as its human interviewer."""
    statement = (
        select(InterviewTurn, Interview)
        .where(InterviewTurn.interview_id == Interview.id, Interview.platform == platform)
        .where(InterviewTurn.author == user_id)
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
    if turn.author not in (None, user_id):  # a partner's message, or a peer interviewer's
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


def _naming(
    session: Session, table: Any, column: Any, platform: str, user_id: str
) -> list[dict[str, Any]]:
    """The rows of a table shared by a channel whose `column` names the member, as dicts."""
    statement = select(table).where(table.platform == platform, column == user_id)
    return [_row(r) for r in session.exec(statement.order_by(col(table.id)))]


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
