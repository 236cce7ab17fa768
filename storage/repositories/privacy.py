"""The PrivacyRepository port over SQL: a member's export, their erasure, transcript retention."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import replace
from datetime import datetime
from functools import partial
from typing import Any

from sqlalchemy import delete, exists, or_, update
from sqlmodel import Session, SQLModel, col, select

from interviewer.core.rubric import Scorecard
from interviewer.core.state import InterviewState, Status
from interviewer.core.text import ascii_number
from interviewer.core.transcript import Role
from interviewer.privacy.ports import REMOVED, Purged
from interviewer.privacy.redact import (
    QUOTE_REMOVED,
    drop_responses,
    strip_quotes,
    unquote,
    without_words_of,
)
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
    ScheduledPost,
    SchedulerClaim,
    ScorecardRow,
    User,
    as_utc,
    pk,
)
from storage.repositories.base import SqlStore
from storage.repositories.export import (
    authored_elsewhere,
    export_member,
    member_row,
    own_interviews,
    peer_sessions_of,
    turns_of,
)

ANONYMOUS_CREATOR = ""  # a forgotten member's drill subscriptions keep running, unattributed
# Rows that are the member's own go; records a channel shares keep working without their name.
_DELETE_BY: list[tuple[Any, Any]] = [
    (LeaderboardPref, LeaderboardPref.user_id),
    (PeerMember, PeerMember.user_id),
    (ReminderPref, ReminderPref.user_id),
]
_ANONYMISE: list[tuple[Any, Any]] = [
    (DrillSubscription, DrillSubscription.created_by),
    (ChannelSettingRow, ChannelSettingRow.updated_by),
    (PeerSchedule, PeerSchedule.created_by),
]
_MEMBER_CLAIMS = "remind:"  # a streak reminder's claim is keyed by its post and member
PURGE_BATCH = 200


class SqlPrivacyRepository(SqlStore):
    """Reads and erases everything stored about one member, in one transaction each."""

    def export(self, platform: str, user_id: str) -> dict[str, Any]:
        """All of the member's data; other people's words in it are replaced or left out."""
        with Session(self._engine) as session:
            return export_member(session, platform, user_id)

    # ---- forget -------------------------------------------------------------------------------

    def forget(self, platform: str, user_id: str) -> dict[str, int]:
        """Delete the member's rows, redact their words in others' interviews (design-along
        messages, questions asked as a peer interviewer), and take their id off shared records."""
        counts: dict[str, int] = {}
        with self._transaction() as session:
            user = member_row(session, platform, user_id)
            own = [] if user is None else [i.id for i in own_interviews(session, user.id)]
            names = _names_of(session, platform, user_id)  # read before their rows go
            answers = [
                a.id
                for a in session.exec(
                    select(DrillAnswerRow).where(
                        DrillAnswerRow.platform == platform, DrillAnswerRow.user_id == user_id
                    )
                )
            ]
            counts["interview_turn"] = _delete(
                session, InterviewTurn, InterviewTurn.interview_id, own
            )
            counts["scorecard"] = _delete(session, ScorecardRow, ScorecardRow.interview_id, own)
            counts["interview"] = _delete(session, Interview, Interview.id, own)
            counts["interview_turn_redacted"] = _redact_elsewhere(session, platform, user_id)
            counts["drill_answer"] = _delete(session, DrillAnswerRow, DrillAnswerRow.id, answers)
            counts["points_ledger"] = _count(
                session.execute(
                    delete(PointsLedger).where(
                        col(PointsLedger.platform) == platform,
                        or_(
                            col(PointsLedger.user_id) == user_id,
                            (col(PointsLedger.source_kind) == "interview")
                            & col(PointsLedger.source_id).in_([str(i) for i in own]),
                            (col(PointsLedger.source_kind) == "drill")
                            & col(PointsLedger.source_id).in_([str(a) for a in answers]),
                        ),
                    )
                )
            )
            for table, column in _DELETE_BY:
                counts[table.__tablename__] = _count(
                    session.execute(
                        delete(table).where(col(table.platform) == platform, col(column) == user_id)
                    )
                )
            for table, column in _ANONYMISE:
                counts[f"{table.__tablename__}_anonymised"] = _count(
                    session.execute(
                        update(table)
                        .where(col(table.platform) == platform, col(column) == user_id)
                        .values({column: ANONYMOUS_CREATOR})
                    )
                )
            sessions = [s.id for s in peer_sessions_of(session, platform, user_id)]
            counts["scheduled_post"] = _forget_posts(
                session, platform, user_id, names, [pk(i) for i in own], [pk(i) for i in sessions]
            )
            counts["peer_session"] = _delete(session, PeerSession, PeerSession.id, sessions)
            counts["scheduler_claim"] = _forget_claims(session, platform, user_id)
            counts["user"] = 0 if user is None else _delete(session, User, User.id, [user.id])
        return counts

    # ---- retention ----------------------------------------------------------------------------

    def purge_transcripts(self, older_than: datetime) -> Purged:
        """Delete the turns of interviews that ended before the cutoff, and strip their quotes.

        Interview rows, scores and scorecards stay (without evidence quotes); so do drill
        answers' scores, while their text goes once the drill's window closed before the cutoff.
        """
        cutoff = as_utc(older_than)
        interviews = turns = 0
        while batch := self._purge_batch(cutoff):
            interviews += len(batch)
            turns += sum(batch)
        with self._transaction() as session:
            rows = session.exec(
                select(DrillAnswerRow)
                .where(DrillAnswerRow.post_id == DrillPostRow.id)
                .where(col(DrillPostRow.window_ends_at) < cutoff, col(DrillAnswerRow.text) != "")
            ).all()
            for row in rows:
                row.text = ""
                if row.scorecard_json is not None:
                    card = Scorecard.from_dict(json.loads(row.scorecard_json))
                    row.scorecard_json = json.dumps(strip_quotes(card).to_dict())
                session.add(row)
        return Purged(interviews, turns, len(rows))

    def _purge_batch(self, cutoff: datetime) -> list[int]:
        """Purge up to PURGE_BATCH interviews in one transaction; their turn counts."""
        has_turns = exists().where(col(InterviewTurn.interview_id) == col(Interview.id))
        with self._transaction() as session:
            rows = session.exec(
                select(Interview)
                .where(Interview.status == Status.ENDED.value, has_turns)
                .where(col(Interview.ended_at) < cutoff)
                .order_by(col(Interview.id))
                .limit(PURGE_BATCH)
                .with_for_update()
            ).all()
            done = []
            for row in rows:
                done.append(_delete(session, InterviewTurn, InterviewTurn.interview_id, [row.id]))
                state = InterviewState.from_dict(json.loads(row.state_json))
                row.state_json = json.dumps(drop_responses(state).to_dict())
                session.add(row)
                _rewrite_card(session, row.id, strip_quotes)
            return done


def _redact_elsewhere(session: Session, platform: str, user_id: str) -> int:
    """Replace the member's messages in others' design-alongs; scrub those cards and states."""
    found = authored_elsewhere(session, platform, user_id, None)
    by_interview: dict[int, list[InterviewTurn]] = {}
    for turn, _ in found:
        by_interview.setdefault(turn.interview_id, []).append(turn)
    for interview_id, theirs in by_interview.items():
        foreign = [t.text for t in theirs]
        drew = any(t.role == Role.CANDIDATE.value for t in theirs)
        for turn in theirs:
            turn.text, turn.author, turn.diagram = REMOVED, None, None
            session.add(turn)
        session.flush()
        every = turns_of(session, interview_id)
        for turn in every:  # the interviewer's quotes of their words (a pushback) go too
            if turn.role == Role.INTERVIEWER.value:
                text = unquote(turn.text, foreign, QUOTE_REMOVED)
                if text != turn.text:
                    turn.text = text
                    session.add(turn)
        own = [t.text for t in every if t.role == Role.CANDIDATE.value]
        row = session.get(Interview, interview_id)
        if row is not None:
            state = InterviewState.from_dict(json.loads(row.state_json))
            row.state_json = json.dumps(drop_responses(state, foreign).to_dict())
            session.add(row)
        _rewrite_card(
            session,
            interview_id,
            partial(_without, own=own, foreign=foreign, author=user_id, drew=drew),
        )
    return len(found)


def _without(
    card: Scorecard, own: list[str], foreign: list[str], author: str, drew: bool
) -> Scorecard:
    """The card without the member's words; a peer interviewer's questions leave the
    candidate's own final diagram in place (only a co-designer drew in it)."""
    changed = without_words_of(card, own, foreign, author)
    return changed if drew else replace(changed, diagram=card.diagram)


def _names_of(session: Session, platform: str, user_id: str) -> set[str]:
    """The display names stored for the member (their user, board and peer rows)."""
    names: list[str | None] = []
    for statement in (
        select(User.display_name).where(User.platform == platform, User.external_id == user_id),
        select(LeaderboardPref.display_name).where(
            LeaderboardPref.platform == platform, LeaderboardPref.user_id == user_id
        ),
        select(PeerMember.display_name).where(
            PeerMember.platform == platform, PeerMember.user_id == user_id
        ),
    ):
        names.extend(session.exec(statement))  # type: ignore[arg-type]
    return {n for n in names if n and len(n.strip()) > 1}


def _forget_posts(
    session: Session,
    platform: str,
    user_id: str,
    names: set[str],
    own: list[int],
    sessions: list[int],
) -> int:
    """Delete the scheduled posts that name the member: to them (a DM), mentioning them or
    their name (an intro, a brief, a recap waiting to go out), keyed by them (a reminder, a
    sat-out note), or of their interviews and pairs. A name counts as a whole word only, so
    "Al" forgets no post that says "Alpha" (others' posts are not lost to a substring). A post
    made keeps no words (see `mark_posted`); its claim, kept elsewhere, still stops it being
    made again."""
    post = ScheduledPost
    theirs = [
        col(post.target) == user_id,
        col(post.key).endswith(f":{user_id}", autoescape=True),
        *(
            col(column).contains(user_id, autoescape=True)
            for column in (post.text, post.extra_json)
        ),
        *(col(post.key).startswith(f"peer:{i}:", autoescape=True) for i in own),
        col(post.key).in_([f"{kind}:{i}" for i in sessions for kind in ("pair", "brief")]),
    ]
    ids = set(session.exec(select(post.id).where(col(post.platform) == platform, or_(*theirs))))
    if names:  # rows that hold a name somewhere, then the name as a whole word
        mentions = [
            col(column).contains(name, autoescape=True)
            for name in names
            for column in (post.text, post.extra_json)
        ]
        words = [re.compile(rf"(?<!\w){re.escape(name)}(?!\w)") for name in names]
        for row in session.exec(select(post).where(col(post.platform) == platform, or_(*mentions))):
            if any(w.search(row.text) or w.search(row.extra_json) for w in words):
                ids.add(row.id)
    if not ids:
        return 0
    return _count(
        session.execute(
            delete(post).where(col(post.id).in_(sorted(i for i in ids if i is not None)))
        )
    )


def _forget_claims(session: Session, platform: str, user_id: str) -> int:
    """Delete the once-only claims whose key names the member (their streak reminders, keyed
    `remind:POST:MEMBER` by a drill post of the platform)."""
    keys = session.exec(
        select(SchedulerClaim.id, SchedulerClaim.job_key).where(
            col(SchedulerClaim.job_key).startswith(_MEMBER_CLAIMS, autoescape=True),
            col(SchedulerClaim.job_key).endswith(f":{user_id}", autoescape=True),
        )
    ).all()
    posts = set(session.exec(select(DrillPostRow.id).where(DrillPostRow.platform == platform)))
    mine = [i for i, key in keys if _names(key.split(":"), user_id, posts)]
    return _delete(session, SchedulerClaim, SchedulerClaim.id, mine)


def _names(parts: list[str], user_id: str, posts: set[int | None]) -> bool:
    """Whether a claim key's `remind:POST:MEMBER` parts name this member and a drill post of the platform."""
    return len(parts) == 3 and parts[2] == user_id and ascii_number(parts[1], 19) in posts


def _rewrite_card(
    session: Session, interview_id: int | None, change: Callable[[Scorecard], Scorecard]
) -> None:
    """Apply `change` to the interview's stored scorecard, if any."""
    row = session.exec(
        select(ScorecardRow).where(ScorecardRow.interview_id == interview_id)
    ).first()
    if row is not None:
        card = change(Scorecard.from_dict(json.loads(row.card_json)))
        row.card_json = json.dumps(card.to_dict())
        session.add(row)


def _delete(session: Session, table: type[SQLModel], column: Any, ids: list[int | None]) -> int:
    if not ids:
        return 0
    return _count(session.execute(delete(table).where(col(column).in_(ids))))


def _count(result: Any) -> int:
    return int(result.rowcount)
