"""What every SQL repository shares: its engine, one transaction helper, once-only rows."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from datetime import datetime
from typing import TypeVar

from sqlalchemy import Connection, Engine, insert, update
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, SQLModel, col, func, select

from interviewer.outbox import Post
from storage.models import ScheduledPost, SchedulerClaim, as_utc, aware, storable, utc_now

Row = TypeVar("Row", bound=SQLModel)


def row_by(session: Session, model: type[Row], **key: object) -> Row | None:
    """The row of `model` whose columns hold these values (a unique key), if there is one."""
    return session.exec(select(model).filter_by(**key)).first()


def post_rows(posts: Iterable[Post], now: datetime) -> list[dict[str, object]]:
    """The rows of `posts`, for an INSERT in another repository's transaction (a claim and
    its posts are stored together)."""
    return [
        {
            "key": p.key[:255],
            "kind": p.kind,
            "platform": p.platform,
            "target": p.target,
            "text": storable(p.text),
            "extra_json": json.dumps(dict(p.extra)),
            "created_at": as_utc(now),
            "expires_at": None if p.expires_at is None else as_utc(p.expires_at),
        }
        for p in posts
    ]


def add_posts(connection: Connection, posts: Sequence[Post], now: datetime) -> None:
    """Insert posts in the caller's transaction (a key seen before is an error: the caller's
    claim, in the same transaction, guards it)."""
    if posts:
        connection.execute(insert(ScheduledPost), post_rows(posts, now))


_SHARED = threading.local()
"""This thread's shared autocommit connection per engine (SqlStore.one_connection)."""


class SqlStore:
    """A base for the repositories over one engine (SQLite or PostgreSQL)."""

    def __init__(self, engine: Engine) -> None:
        self._engine = engine
        # On PostgreSQL a statement that needs no transaction around it (a read, a single
        # write) runs in autocommit: one round trip, where psycopg's implicit transaction adds
        # a BEGIN before it and a COMMIT or ROLLBACK after (docs/performance.md). SQLite's
        # connections stay as they are: each transaction takes the write lock (storage.engine).
        self._postgres = engine.dialect.name == "postgresql"
        self._autocommit = (
            engine.execution_options(isolation_level="AUTOCOMMIT") if self._postgres else engine
        )

    @contextmanager
    def one_connection(self) -> Iterator[None]:
        """Run this thread's reads and single-statement writes on one engine (this store's and
        any other store's over it) on one pooled connection until the block ends: one checkout
        for a few statements in a row. On SQLite it changes nothing."""
        shared: dict[Engine, Connection] = _SHARED.__dict__.setdefault("connections", {})
        if not self._postgres or self._engine in shared:
            yield
            return
        with self._autocommit.connect() as connection:
            shared[self._engine] = connection
            try:
                yield
            finally:
                del shared[self._engine]

    @contextmanager
    def _autocommitted(self) -> Iterator[Connection]:
        """A connection whose statements commit one by one (on PostgreSQL; on SQLite a plain
        connection, which the caller commits or leaves): the thread's shared one when a
        one_connection block is open."""
        shared: dict[Engine, Connection] | None = getattr(_SHARED, "connections", None)
        connection = None if shared is None else shared.get(self._engine)
        if connection is not None:
            yield connection
            return
        with self._autocommit.connect() as connection:
            yield connection

    @contextmanager
    def _transaction(self) -> Iterator[Session]:
        """A session whose work commits on leaving the block, or rolls back on an error."""
        with Session(self._engine) as session, session.begin():
            yield session

    def _insert_once(self, row: SQLModel) -> bool:
        """Insert a row a unique key guards; False when it was there already (a retry, a race,
        another replica)."""
        try:
            with self._transaction() as session:
                session.add(row)
        except IntegrityError:
            return False
        return True

    def _set_if_null(self, model: type[SQLModel], row_id: int, **values: object) -> bool:
        """Compare-and-set from NULL on one row by id: of two callers (on any replica) only one
        sees its update change the row; False for the other."""
        table = model.__table__  # type: ignore[attr-defined]
        statement = (
            update(table)
            .where(table.c.id == row_id, *(table.c[name].is_(None) for name in values))
            .values(**values)
        )
        with self._transaction() as session:
            return bool(getattr(session.execute(statement), "rowcount", 0))

    # ---- once-only jobs -----------------------------------------------------------------------

    def claim_job(self, job_key: str, occurrence_at: datetime, posts: Sequence[Post] = ()) -> bool:
        """Claim one occurrence of a once-only job, and add its `posts` to the outbox in the
        same transaction (a claim is never left without its posts); False when it was
        claimed before."""
        try:
            with self._transaction() as session:
                session.add(SchedulerClaim(job_key=job_key, occurrence_at=occurrence_at))
                session.flush()
                add_posts(session.connection(), posts, utc_now())
        except IntegrityError:
            return False
        return True

    def last_job(self, job_key: str) -> datetime | None:
        """The latest claimed occurrence of a job."""
        statement = select(func.max(col(SchedulerClaim.occurrence_at))).where(
            SchedulerClaim.job_key == job_key
        )
        with Session(self._engine) as session:
            found = session.exec(statement).one()
            return None if found is None else aware(found)
