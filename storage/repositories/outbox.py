"""The OutboxRepository port over SQL: a unique key per post, a compare-and-set of its claim."""

from __future__ import annotations

import json
from collections.abc import Collection, Sequence
from datetime import datetime, timedelta

from sqlalchemy import delete, insert, or_, update
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from interviewer.outbox import Post, Queued
from storage.models import ScheduledPost, as_utc, pk
from storage.repositories.base import SqlStore, post_rows


def _post(row: ScheduledPost) -> Post:
    return Post(
        row.key,
        row.kind,
        row.platform,
        row.target,
        row.text,
        None if row.expires_at is None else row.expires_at,
        json.loads(row.extra_json or "{}"),
    )


class SqlOutboxRepository(SqlStore):
    """Scheduled posts in SQL (the `scheduled_post` table)."""

    def enqueue(self, posts: Sequence[Post], now: datetime) -> int:
        """Add posts not added before (by key); how many were new. Each goes in its own
        transaction, so one added before does not keep the others out."""
        new = 0
        for row in post_rows(posts, now):
            try:
                with self._engine.begin() as connection:
                    connection.execute(insert(ScheduledPost), [row])
            except IntegrityError:
                continue
            new += 1
        return new

    def take(
        self,
        now: datetime,
        lease: timedelta,
        platforms: Collection[str] | None = None,
        keys: Collection[str] | None = None,
    ) -> list[Queued]:
        """Claim the unposted, unexpired posts never taken, or taken longer than `lease` ago
        (retakes); only `keys` when given. A compare-and-set of the claim time: of two
        processes, one takes each post."""
        statement = select(ScheduledPost).where(
            col(ScheduledPost.posted_at).is_(None),
            or_(
                col(ScheduledPost.expires_at).is_(None),
                col(ScheduledPost.expires_at) > as_utc(now),
            ),
            or_(
                col(ScheduledPost.claimed_at).is_(None),
                col(ScheduledPost.claimed_at) <= as_utc(now - lease),
            ),
        )
        if platforms is not None:
            statement = statement.where(col(ScheduledPost.platform).in_(list(platforms)))
        if keys is not None:
            statement = statement.where(col(ScheduledPost.key).in_(list(keys)))
        with Session(self._engine) as session:
            found = session.exec(statement.order_by(col(ScheduledPost.id)).limit(200)).all()
        taken = []
        for row in found:
            was = row.claimed_at
            same = (
                col(ScheduledPost.claimed_at).is_(None)
                if was is None
                else col(ScheduledPost.claimed_at) == as_utc(was)
            )
            with self._engine.begin() as connection:
                done = connection.execute(
                    update(ScheduledPost)
                    .where(
                        col(ScheduledPost.id) == row.id,
                        col(ScheduledPost.posted_at).is_(None),
                        same,
                    )
                    .values(claimed_at=as_utc(now))
                )
            if done.rowcount == 1:
                taken.append(Queued(pk(row.id), _post(row), retake=was is not None))
        return taken

    def mark_posted(self, post_id: int, posted_id: str, now: datetime) -> None:
        """Record that a post is on its platform, and its id there. Its words and whom it
        was for are not kept: the platform has them, and a member's data is not copied here
        for longer than the post takes."""
        with self._engine.begin() as connection:
            connection.execute(
                update(ScheduledPost)
                .where(col(ScheduledPost.id) == post_id)
                .values(
                    posted_at=as_utc(now),
                    posted_id=posted_id[:255],
                    target="",
                    text="",
                    extra_json="{}",
                )
            )

    def posted_id(self, key: str) -> str | None:
        """The platform id of a post made, by its key."""
        with Session(self._engine) as session:
            row = session.exec(select(ScheduledPost).where(ScheduledPost.key == key)).first()
            return None if row is None else row.posted_id

    def purge_posted(self, before: datetime, now: datetime, lease: timedelta, limit: int) -> int:
        """Delete at most `limit` posts posted before `before`, oldest first, in one short
        transaction; never one unposted, nor one claimed within `lease` of `now`. The range
        on `posted_at` is read from the (posted_at, claimed_at) index. How many went."""
        old = (
            col(ScheduledPost.posted_at).is_not(None),
            col(ScheduledPost.posted_at) < as_utc(before),
            or_(
                col(ScheduledPost.claimed_at).is_(None),
                col(ScheduledPost.claimed_at) <= as_utc(now - lease),
            ),
        )
        batch = (
            select(ScheduledPost.id)
            .where(*old)
            .order_by(col(ScheduledPost.posted_at))
            .limit(limit)
            .scalar_subquery()
        )
        with self._engine.begin() as connection:
            # the conditions again: PostgreSQL checks them on a row changed since the batch
            done = connection.execute(
                delete(ScheduledPost).where(col(ScheduledPost.id).in_(batch), *old)
            )
        return done.rowcount
