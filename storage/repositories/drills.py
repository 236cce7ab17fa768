"""The DrillRepository port over SQL: unique rows and compare-and-set updates are the claims."""

from __future__ import annotations

import json
from collections.abc import Collection, Sequence
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import delete, or_, update
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, func, select

from interviewer.core.rubric import Scorecard
from interviewer.drills.ports import DrillAnswer, DrillPost, GradedDrill, Subscription
from interviewer.drills.schedule import DrillSchedule
from interviewer.outbox import Post
from storage.models import (
    DrillAnswerRow,
    DrillPostRow,
    DrillSubscription,
    SchedulerClaim,
    as_utc,
    aware,
    storable,
    utc_now,
)
from storage.repositories.base import add_posts
from storage.repositories.mapping import (
    answer_from,
    days_text,
    post_from,
    subscription_from,
)
from storage.repositories.points import SqlPointsRepository


class SqlDrillRepository(SqlPointsRepository):
    """Drill subscriptions, posts, answers, the points ledger and job claims in SQL."""

    # ---- subscriptions ------------------------------------------------------------------------

    def subscribe(
        self,
        platform: str,
        workspace: str,
        channel: str,
        schedule: DrillSchedule,
        topic_or_level: str | None,
        created_by: str,
        now: datetime,
    ) -> tuple[Subscription, Subscription | None]:
        """Make this the channel's subscription; the new one and the one it replaced."""
        with self._transaction() as session:
            old = self._active(session, platform, channel)
            if old is not None:
                old.active = False
                session.add(old)
                session.flush()
            row = DrillSubscription(
                platform=platform,
                workspace=workspace,
                channel=channel,
                at=f"{schedule.at:%H:%M}",
                zone=schedule.zone,
                weekdays=days_text(schedule.weekdays),
                topic_or_level=topic_or_level,
                created_by=created_by,
                created_at=as_utc(now),
            )
            session.add(row)
            session.flush()
            return subscription_from(row), None if old is None else subscription_from(old)

    def unsubscribe(self, platform: str, channel: str) -> Subscription | None:
        """End the channel's subscription; the one ended, or None."""
        with self._transaction() as session:
            row = self._active(session, platform, channel)
            if row is None:
                return None
            row.active = False
            session.add(row)
            return subscription_from(row)

    def subscriptions(
        self, platform: str | None = None, workspace: str | None = None
    ) -> list[Subscription]:
        """Active subscriptions, on one platform or workspace when given."""
        statement = select(DrillSubscription).where(col(DrillSubscription.active).is_(True))
        if platform is not None:
            statement = statement.where(DrillSubscription.platform == platform)
        if workspace is not None:
            statement = statement.where(DrillSubscription.workspace == workspace)
        with Session(self._engine) as session:
            rows = session.exec(statement.order_by(col(DrillSubscription.id))).all()
            return [subscription_from(r) for r in rows]

    # ---- posts --------------------------------------------------------------------------------

    def last_occurrence(self, subscription_id: int) -> datetime | None:
        """The latest occurrence claimed for a subscription."""
        statement = select(func.max(col(DrillPostRow.occurrence_at))).where(
            DrillPostRow.subscription_id == subscription_id
        )
        with Session(self._engine) as session:
            found = session.exec(statement).one()
            return None if found is None else aware(found)

    def last_occurrences(self) -> dict[int, datetime]:
        """The latest occurrence claimed for each active subscription that has one, by its id."""
        statement = (
            select(DrillPostRow.subscription_id, func.max(col(DrillPostRow.occurrence_at)))
            .where(
                DrillPostRow.subscription_id == DrillSubscription.id,
                col(DrillSubscription.active).is_(True),
            )
            .group_by(col(DrillPostRow.subscription_id))
        )
        with Session(self._engine) as session:
            return {sub_id: aware(at) for sub_id, at in session.exec(statement)}

    def recent_questions(self, platform: str, channel: str, since: datetime) -> dict[str, datetime]:
        """Questions posted in a channel since `since`, with when each was last posted."""
        statement = (
            select(DrillPostRow.question_id, func.max(col(DrillPostRow.occurrence_at)))
            .where(
                DrillPostRow.platform == platform,
                DrillPostRow.channel == channel,
                col(DrillPostRow.occurrence_at) >= as_utc(since),
            )
            .group_by(col(DrillPostRow.question_id))
        )
        with Session(self._engine) as session:
            return {q: aware(at) for q, at in session.exec(statement)}

    def claim_post(
        self,
        subscription: Subscription,
        occurrence_at: datetime,
        question_id: str,
        window_ends_at: datetime,
        now: datetime | None = None,
    ) -> DrillPost | None:
        """Claim one occurrence (at `now`, the lease's start); None when another process
        claimed it first."""
        row = DrillPostRow(
            subscription_id=subscription.id,
            platform=subscription.platform,
            channel=subscription.channel,
            occurrence_at=occurrence_at,
            question_id=question_id,
            window_ends_at=window_ends_at,
            claimed_at=as_utc(now) if now is not None else utc_now(),
        )
        try:
            with self._transaction() as session:
                session.add(row)
                session.flush()
                return post_from(row, subscription)
        except IntegrityError:
            return None

    def retake_stale(
        self, now: datetime, lease: timedelta, platforms: Collection[str] | None = None
    ) -> list[DrillPost]:
        """Take again the claims left unposted past `lease` (a crash between the claim and
        the post, or before the thread was saved) whose window is still open; each is taken
        by one process (compare-and-set of its claim time)."""
        statement = select(DrillPostRow, DrillSubscription).where(
            col(DrillPostRow.thread_key).is_(None),
            col(DrillPostRow.window_ends_at) > as_utc(now),
            or_(
                col(DrillPostRow.claimed_at).is_(None),
                col(DrillPostRow.claimed_at) <= as_utc(now - lease),
            ),
            DrillPostRow.subscription_id == DrillSubscription.id,
        )
        if platforms is not None:
            statement = statement.where(col(DrillPostRow.platform).in_(list(platforms)))
        taken = []
        with Session(self._engine) as session:
            stale = session.exec(statement.order_by(col(DrillPostRow.id))).all()
        for row, sub in stale:
            with self._transaction() as session:
                done = session.execute(
                    update(DrillPostRow)
                    .where(
                        col(DrillPostRow.id) == row.id,
                        col(DrillPostRow.thread_key).is_(None),
                        _same(col(DrillPostRow.claimed_at), row.claimed_at),
                    )
                    .values(claimed_at=as_utc(now))
                )
            if done.rowcount == 1:  # type: ignore[attr-defined]
                taken.append(post_from(row, subscription_from(sub)))
        return taken

    def mark_posted(self, post_id: int, thread_key: str, now: datetime) -> None:
        """Record where a claimed drill was posted."""
        with self._transaction() as session:
            session.execute(
                update(DrillPostRow)
                .where(col(DrillPostRow.id) == post_id)
                .values(thread_key=thread_key, posted_at=as_utc(now))
            )

    def release_post(self, post_id: int) -> None:
        """Give up a claim that could not be posted, so that a later sweep may try again."""
        with self._transaction() as session:
            session.execute(
                delete(DrillPostRow).where(
                    col(DrillPostRow.id) == post_id, col(DrillPostRow.thread_key).is_(None)
                )
            )

    def post_by_thread(self, platform: str, thread_key: str) -> DrillPost | None:
        """The drill posted in a thread, if the thread is one."""
        statement = select(DrillPostRow, DrillSubscription).where(
            DrillPostRow.platform == platform,
            DrillPostRow.thread_key == thread_key,
            DrillPostRow.subscription_id == DrillSubscription.id,
        )
        with Session(self._engine) as session:
            found = session.exec(statement.order_by(col(DrillPostRow.id).desc())).first()
            return None if found is None else post_from(found[0], subscription_from(found[1]))

    def recaps_due(
        self, now: datetime, platforms: Collection[str] | None = None
    ) -> list[DrillPost]:
        """Posted drills whose window has ended and whose recap is not claimed yet."""
        statement = select(DrillPostRow, DrillSubscription).where(
            col(DrillPostRow.thread_key).is_not(None),
            col(DrillPostRow.recap_posted_at).is_(None),
            col(DrillPostRow.window_ends_at) <= as_utc(now),
            DrillPostRow.subscription_id == DrillSubscription.id,
        )
        if platforms is not None:
            statement = statement.where(col(DrillPostRow.platform).in_(list(platforms)))
        with Session(self._engine) as session:
            found = session.exec(statement.order_by(col(DrillPostRow.id))).all()
            return [post_from(row, subscription_from(sub)) for row, sub in found]

    def claim_recap(self, post_id: int, now: datetime, posts: Sequence[Post] = ()) -> bool:
        """Claim a drill's recap (once, ever) and add its posts to the outbox, in one
        transaction; False when it was claimed before."""
        with self._transaction() as session:
            done = session.execute(
                update(DrillPostRow)
                .where(col(DrillPostRow.id) == post_id, col(DrillPostRow.recap_posted_at).is_(None))
                .values(recap_posted_at=as_utc(now))
            )
            if getattr(done, "rowcount", 0) != 1:
                return False
            add_posts(session.connection(), posts, now)
        return True

    # ---- once-only jobs -----------------------------------------------------------------------

    def last_jobs(self, job_keys: Collection[str]) -> dict[str, datetime]:
        """The latest claimed occurrence of each of these jobs that was ever claimed, by key."""
        keys = sorted(set(job_keys))
        if not keys:
            return {}
        statement = (
            select(SchedulerClaim.job_key, func.max(col(SchedulerClaim.occurrence_at)))
            .where(col(SchedulerClaim.job_key).in_(keys))
            .group_by(col(SchedulerClaim.job_key))
        )
        with Session(self._engine) as session:
            return {key: aware(at) for key, at in session.exec(statement)}

    # ---- answers ------------------------------------------------------------------------------

    def claim_answer(
        self, post_id: int, platform: str, user_id: str, text: str, event_key: str | None
    ) -> DrillAnswer | None:
        """Claim the member's answer to a drill; None when they already answered."""
        row = DrillAnswerRow(
            post_id=post_id,
            platform=platform,
            user_id=user_id,
            event_key=None if event_key is None else event_key[:255],
            text=storable(text),
        )
        try:
            with self._transaction() as session:
                session.add(row)
                session.flush()
                return answer_from(row)
        except IntegrityError:
            return None

    def answer_of(self, post_id: int, user_id: str) -> DrillAnswer | None:
        """The member's answer to a drill."""
        statement = select(DrillAnswerRow).where(
            DrillAnswerRow.post_id == post_id, DrillAnswerRow.user_id == user_id
        )
        with Session(self._engine) as session:
            row = session.exec(statement).first()
            return None if row is None else answer_from(row)

    def save_grade(self, answer_id: int, scorecard: Scorecard, now: datetime) -> None:
        """Store the scorecard of a claimed answer."""
        with self._transaction() as session:
            session.execute(
                update(DrillAnswerRow)
                .where(col(DrillAnswerRow.id) == answer_id)
                .values(
                    overall=scorecard.overall,
                    scorecard_json=json.dumps(scorecard.to_dict()),
                    graded_at=as_utc(now),
                )
            )

    def release_answer(self, answer_id: int) -> None:
        """Give up an answer claim whose grading failed, so that a redelivery may grade it."""
        with self._transaction() as session:
            session.execute(
                delete(DrillAnswerRow).where(
                    col(DrillAnswerRow.id) == answer_id, col(DrillAnswerRow.graded_at).is_(None)
                )
            )

    def answers(self, post_id: int) -> list[DrillAnswer]:
        """A drill's graded answers, best first."""
        statement = (
            select(DrillAnswerRow)
            .where(DrillAnswerRow.post_id == post_id, col(DrillAnswerRow.overall).is_not(None))
            .order_by(col(DrillAnswerRow.overall).desc(), col(DrillAnswerRow.id))
        )
        with Session(self._engine) as session:
            return [answer_from(r) for r in session.exec(statement)]

    def graded_of(self, platform: str, user_id: str) -> list[GradedDrill]:
        """A member's graded drill answers, oldest first."""
        statement = (
            select(DrillAnswerRow, DrillPostRow.question_id)
            .join(DrillPostRow, col(DrillPostRow.id) == col(DrillAnswerRow.post_id))
            .where(
                DrillAnswerRow.platform == platform,
                DrillAnswerRow.user_id == user_id,
                col(DrillAnswerRow.scorecard_json).is_not(None),
            )
            .order_by(col(DrillAnswerRow.created_at), col(DrillAnswerRow.id))
        )
        with Session(self._engine) as session:
            found = []
            for row, question_id in session.exec(statement):
                answer = answer_from(row)
                if answer.scorecard is not None:
                    at = aware(row.graded_at or row.created_at)
                    found.append(GradedDrill(answer.id, question_id, at, answer.scorecard))
            return found

    # ---- internals ----------------------------------------------------------------------------

    def _active(self, session: Session, platform: str, channel: str) -> DrillSubscription | None:
        return session.exec(
            select(DrillSubscription)
            .where(
                DrillSubscription.platform == platform,
                DrillSubscription.channel == channel,
                col(DrillSubscription.active).is_(True),
            )
            .with_for_update()
        ).first()


def _same(column: Any, value: datetime | None) -> Any:
    """`column = value`, or `column IS NULL` for None."""
    return column.is_(None) if value is None else column == as_utc(value)
