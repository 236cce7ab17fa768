"""Counting what the service sends to PostgreSQL: every statement, and psycopg's own BEGIN,
COMMIT and ROLLBACK, each a round trip to the server.

psycopg 3 opens a transaction lazily: outside autocommit, the first statement on an idle
connection is preceded by a BEGIN of its own, and COMMIT or ROLLBACK go out only when a
transaction is open (a commit on an autocommit connection sends nothing). The counter asks
the connection's transaction status (kept by libpq on the client, no round trip) at each of
those moments, so it counts what goes on the wire, not what SQLAlchemy calls.

A pooled connection's idle ping (storage.engine.PING_IDLE) is not counted: the engines these
tests count on are made with a ping interval longer than the test.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from psycopg.pq import TransactionStatus
from sqlalchemy import Connection, Engine, event


@dataclass
class RoundTrips:
    """What went to the server while counting: one entry per round trip, in order."""

    sent: list[str] = field(default_factory=list)

    @property
    def count(self) -> int:
        """Round trips sent."""
        return len(self.sent)

    @property
    def statements(self) -> int:
        """Round trips that were statements (not BEGIN, COMMIT or ROLLBACK)."""
        return sum(1 for s in self.sent if s not in ("BEGIN", "COMMIT", "ROLLBACK"))

    def clear(self) -> None:
        self.sent.clear()


def _idle(dbapi_connection: Any) -> bool:
    return bool(dbapi_connection.info.transaction_status == TransactionStatus.IDLE)


@contextmanager
def round_trips(engine: Engine) -> Iterator[RoundTrips]:
    """Count the round trips to PostgreSQL made through `engine` inside the block."""
    if engine.dialect.name != "postgresql":
        raise ValueError("round trips are counted on PostgreSQL (psycopg 3) only")
    trips = RoundTrips()

    def before_execute(conn: Connection, _cursor: Any, statement: str, *_args: Any) -> None:
        dbapi = conn.connection.dbapi_connection
        if not dbapi.autocommit and _idle(dbapi):
            trips.sent.append("BEGIN")
        trips.sent.append(" ".join(statement.split())[:60])

    def ending(word: str) -> Any:
        def listener(conn: Connection) -> None:
            dbapi = conn.connection.dbapi_connection
            if dbapi is not None and not _idle(dbapi):
                trips.sent.append(word)

        return listener

    def reset(dbapi: Any, _record: Any, _state: Any) -> None:
        # the pool's rollback of a connection handed back inside a transaction
        if not _idle(dbapi):
            trips.sent.append("ROLLBACK")

    commit, rollback = ending("COMMIT"), ending("ROLLBACK")
    event.listen(engine, "before_cursor_execute", before_execute)
    event.listen(engine, "commit", commit)
    event.listen(engine, "rollback", rollback)
    event.listen(engine.pool, "reset", reset)
    try:
        yield trips
    finally:
        event.remove(engine, "before_cursor_execute", before_execute)
        event.remove(engine, "commit", commit)
        event.remove(engine, "rollback", rollback)
        event.remove(engine.pool, "reset", reset)
