"""The PeerRepository port over SQL: opt-ins, weekly pairings, sessions; claim rows for rounds."""

from __future__ import annotations

import json
from collections.abc import Collection, Sequence
from datetime import datetime

from sqlalchemy import update
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from interviewer.drills.schedule import DrillSchedule
from interviewer.outbox import Post
from interviewer.peers.ports import NewSession, PairingPlan, PastSession, SessionInfo
from storage.models import (
    PeerMember,
    PeerSchedule,
    PeerSession,
    SchedulerClaim,
    as_utc,
    aware,
    pk,
    utc_now,
)
from storage.repositories.base import SqlStore, add_posts, row_by
from storage.repositories.mapping import days_text, schedule_from


class SqlPeerRepository(SqlStore):
    """Peer mocks in SQL."""

    def set_member(
        self,
        platform: str,
        workspace: str,
        channel: str,
        user_id: str,
        name: str | None,
        opted_in: bool,
        now: datetime,
    ) -> None:
        """Record a member's choice to be paired in a channel."""
        with self._transaction() as session:
            key = {"platform": platform, "channel": channel, "user_id": user_id}
            row = row_by(session, PeerMember, **key) or PeerMember(
                platform=platform, workspace=workspace, channel=channel, user_id=user_id
            )
            row.display_name = name or row.display_name
            row.opted_in = opted_in
            row.updated_at = as_utc(now)
            session.add(row)

    def members(self, platform: str, channel: str) -> dict[str, str | None]:
        """The channel's opted-in members, with their names."""
        statement = select(PeerMember).where(
            PeerMember.platform == platform,
            PeerMember.channel == channel,
            col(PeerMember.opted_in).is_(True),
        )
        with Session(self._engine) as session:
            return {r.user_id: r.display_name for r in session.exec(statement)}

    def set_plan(
        self,
        platform: str,
        workspace: str,
        channel: str,
        schedule: DrillSchedule,
        by: str,
        now: datetime,
    ) -> None:
        """Make this the channel's weekly pairing."""
        with self._transaction() as session:
            row = row_by(session, PeerSchedule, platform=platform, channel=channel)
            at, days = f"{schedule.at:%H:%M}", days_text(schedule.weekdays)
            if row is None:
                row = PeerSchedule(
                    platform=platform,
                    workspace=workspace,
                    channel=channel,
                    at=at,
                    zone=schedule.zone,
                    weekdays=days,
                    created_by=by,
                )
            row.at, row.zone, row.weekdays, row.created_by = at, schedule.zone, days, by
            row.created_at = as_utc(now)
            row.active = True
            session.add(row)

    def end_plan(self, platform: str, channel: str) -> bool:
        """Stop a channel's weekly pairing; False when it had none."""
        with self._transaction() as session:
            result = session.execute(
                update(PeerSchedule)
                .where(
                    col(PeerSchedule.platform) == platform,
                    col(PeerSchedule.channel) == channel,
                    col(PeerSchedule.active).is_(True),
                )
                .values(active=False)
            )
            return bool(getattr(result, "rowcount", 0))

    def plans(self, platforms: Collection[str] | None = None) -> list[PairingPlan]:
        """Active weekly pairings."""
        statement = select(PeerSchedule).where(col(PeerSchedule.active).is_(True))
        if platforms is not None:
            statement = statement.where(col(PeerSchedule.platform).in_(sorted(platforms)))
        with Session(self._engine) as session:
            return [_plan(r) for r in session.exec(statement)]

    def sessions(self, platform: str, channel: str) -> list[PastSession]:
        """The channel's sessions, oldest first."""
        statement = (
            select(PeerSession)
            .where(PeerSession.platform == platform, PeerSession.channel == channel)
            .order_by(col(PeerSession.occurrence_at), col(PeerSession.id))
        )
        with Session(self._engine) as session:
            return [
                PastSession(aware(r.occurrence_at), r.interviewer, r.candidate)
                for r in session.exec(statement)
            ]

    def open_round(
        self,
        job_key: str,
        platform: str,
        channel: str,
        occurrence_at: datetime,
        sessions: Sequence[NewSession],
        posts: Sequence[Post] = (),
    ) -> bool:
        """Claim a round, store its sessions, and add their posts and `posts` to the outbox,
        in one transaction (a claimed round is never left without its pairs or their posts);
        False when the round was claimed before."""
        now = utc_now()
        try:
            with self._transaction() as session:
                session.add(SchedulerClaim(job_key=job_key, occurrence_at=occurrence_at))
                session.flush()
                every = list(posts)
                for new in sessions:
                    row = PeerSession(
                        platform=platform,
                        channel=channel,
                        occurrence_at=as_utc(occurrence_at),
                        interviewer=new.interviewer,
                        candidate=new.candidate,
                        question_id=new.question_id,
                    )
                    session.add(row)
                    session.flush()
                    every.extend(new.posts(pk(row.id)))
                add_posts(session.connection(), every, now)
        except IntegrityError:
            return False
        return True

    def add_session(
        self,
        platform: str,
        channel: str,
        occurrence_at: datetime,
        interviewer: str,
        candidate: str,
        question_id: str,
    ) -> int:
        """Store one pair of a claimed round; its id."""
        with self._transaction() as session:
            row = PeerSession(
                platform=platform,
                channel=channel,
                occurrence_at=as_utc(occurrence_at),
                interviewer=interviewer,
                candidate=candidate,
                question_id=question_id,
            )
            session.add(row)
            session.flush()
            assert row.id is not None
            return row.id

    def set_thread(self, session_id: int, thread_key: str) -> None:
        """Record where a pair talks."""
        with self._transaction() as session:
            session.execute(
                update(PeerSession)
                .where(col(PeerSession.id) == session_id)
                .values(thread_key=thread_key)
            )

    # ---- the sessions themselves ---------------------------------------------------------------

    def in_thread(self, platform: str, thread_key: str) -> SessionInfo | None:
        """The latest session of the pair that talks in this conversation."""
        statement = (
            select(PeerSession)
            .where(PeerSession.platform == platform, PeerSession.thread_key == thread_key)
            .order_by(col(PeerSession.occurrence_at).desc(), col(PeerSession.id).desc())
        )
        return self._one(statement)

    def by_interview(self, interview_id: int) -> SessionInfo | None:
        """The session an interview runs."""
        return self._one(select(PeerSession).where(PeerSession.interview_id == interview_id))

    def load(self, session_id: int) -> SessionInfo | None:
        """A session by id."""
        return self._one(select(PeerSession).where(PeerSession.id == session_id))

    def claim_start(self, session_id: int, now: datetime) -> bool:
        """Mark a session started; False when it was started before (by either member)."""
        return self._set_if_null(PeerSession, session_id, started_at=as_utc(now))

    def reset_start(self, session_id: int) -> None:
        """Undo a start that failed, so either member may start again."""
        with self._transaction() as session:
            session.execute(
                update(PeerSession)
                .where(col(PeerSession.id) == session_id, col(PeerSession.interview_id).is_(None))
                .values(started_at=None)
            )

    def set_interview(self, session_id: int, interview_id: int) -> None:
        """Record the interview a started session runs as."""
        with self._transaction() as session:
            session.execute(
                update(PeerSession)
                .where(col(PeerSession.id) == session_id)
                .values(interview_id=interview_id)
            )

    def set_score(self, session_id: int, criterion: str, score: int) -> None:
        """Record one of the human interviewer's scores (until they submit)."""
        with self._transaction() as session:
            row = session.exec(
                select(PeerSession).where(PeerSession.id == session_id).with_for_update()
            ).first()
            if row is None or row.scored_at is not None:
                return
            scores = json.loads(row.scores or "{}")
            scores[criterion] = score
            row.scores = json.dumps(scores, sort_keys=True)
            session.add(row)

    def claim_scored(self, session_id: int, now: datetime) -> bool:
        """Mark the human's scores submitted; False when they were submitted before."""
        return self._set_if_null(PeerSession, session_id, scored_at=as_utc(now))

    def _one(self, statement: object) -> SessionInfo | None:
        with Session(self._engine) as session:
            row = session.exec(statement).first()  # type: ignore[call-overload]
            return None if row is None else _session(row)


def _session(row: PeerSession) -> SessionInfo:
    assert row.id is not None
    return SessionInfo(
        id=row.id,
        platform=row.platform,
        channel=row.channel,
        thread_key=row.thread_key,
        interviewer=row.interviewer,
        candidate=row.candidate,
        question_id=row.question_id,
        interview_id=row.interview_id,
        scores={k: int(v) for k, v in json.loads(row.scores or "{}").items()},
        scored_at=None if row.scored_at is None else aware(row.scored_at),
    )


def _plan(row: PeerSchedule) -> PairingPlan:
    return PairingPlan(
        row.platform,
        row.workspace,
        row.channel,
        schedule_from(row.at, row.zone, row.weekdays),
        aware(row.created_at),
    )
