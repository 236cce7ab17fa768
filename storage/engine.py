"""Engines from one database URL: a SQLite file by default, PostgreSQL (psycopg 3) when given."""

from __future__ import annotations

import re
import sqlite3
import time
from pathlib import Path
from typing import Any

import platformdirs
from sqlalchemy import Connection, Engine, create_engine, event
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import ArgumentError, DBAPIError, DisconnectionError, OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeout
from sqlalchemy.pool import ConnectionPoolEntry, StaticPool

SQLITE_FILENAME = "mockroom.db"
DEFAULT_TIMEOUT = 10.0
"""Seconds a statement may run; connecting and waiting for a pooled connection get half."""

PING_IDLE = 1.0
"""A pooled PostgreSQL connection idle longer than this (seconds) is pinged before it is
handed out. One back in the pool more recently worked moments ago: pinging it too (SQLAlchemy's
`pool_pre_ping`, at every checkout, and the service checks one out for every database call)
cost a round trip and about 0.13 ms of CPU per transaction, a sixth of a short one
(docs/performance.md, "A profile of the load run")."""

_IDLE_SINCE = "mockroom_idle_since"
PINGS = "mockroom_pings"
"""The pool entry's `info` key counting the pings sent on it (tests read it)."""
_EXAMPLES = "sqlite:///path/to/mockroom.db or postgresql://user:password@host:5432/dbname"
_PASSWORD = re.compile(r":[^:/@]*@")


class DatabaseURLError(ValueError):
    """The database URL cannot be parsed or names a database mockroom does not speak."""


def default_database_url() -> str:
    """A SQLite file in the user's data directory, which is created if missing."""
    data_dir = Path(platformdirs.user_data_dir("mockroom", appauthor=False))
    data_dir.mkdir(parents=True, exist_ok=True)
    return f"sqlite:///{(data_dir / SQLITE_FILENAME).as_posix()}"


def parse_database_url(url: str) -> URL:
    """The URL with its driver settled (psycopg 3 for PostgreSQL), or a DatabaseURLError."""
    try:
        parsed = make_url(url)
    except (ArgumentError, ValueError, TypeError):
        masked = _PASSWORD.sub(":***@", str(url))
        raise DatabaseURLError(
            f"cannot parse the database URL {masked!r}; expected something like {_EXAMPLES}"
        ) from None
    backend, _, driver = parsed.drivername.partition("+")
    if backend in ("postgresql", "postgres") and driver in ("", "psycopg"):
        return parsed.set(drivername="postgresql+psycopg")
    if backend == "sqlite" and driver in ("", "pysqlite"):
        return parsed
    shown = parsed.render_as_string(hide_password=True)
    raise DatabaseURLError(
        f"unsupported database URL {shown!r}: mockroom speaks SQLite (sqlite:///path/to/file.db) "
        "and PostgreSQL through psycopg 3 (postgresql://... or postgresql+psycopg://...)"
    )


def make_engine(url: str, timeout: float = DEFAULT_TIMEOUT, ping_idle: float = PING_IDLE) -> Engine:
    """An engine for the URL; nothing connects until it is first used.

    Every wait has a limit (`timeout` seconds for a statement or a lock, half for connecting
    and for a pooled connection), so a hung database fails a call instead of holding it.
    A pooled PostgreSQL connection idle `ping_idle` seconds or more is pinged before use.
    """
    parsed = parse_database_url(url)
    if parsed.get_backend_name() == "sqlite":
        return _sqlite_engine(parsed, timeout)
    millis = int(timeout * 1000)
    # Options the URL gives (a search_path, say) are kept: connect_args would replace them.
    given = parsed.query.get("options")
    options = " ".join(
        [
            *([given] if isinstance(given, str) else given or ()),
            f"-c statement_timeout={millis}",
            f"-c lock_timeout={millis}",
        ]
    )
    parsed = parsed.difference_update_query(["options"])
    engine = create_engine(
        parsed,
        pool_timeout=max(1.0, timeout / 2),
        connect_args={
            "connect_timeout": max(1, int(timeout / 2)),
            "options": options,
            # a server that vanished without closing the connection is noticed
            "keepalives": 1,
            "keepalives_idle": 10,
            "keepalives_interval": 5,
            "keepalives_count": 3,
        },
    )
    # A bot runs for days; a connection the server dropped while idle is replaced, not
    # handed out.
    _ping_when_idle(engine, ping_idle)
    return engine


def _ping_when_idle(engine: Engine, idle: float) -> None:
    """Ping a pooled connection at checkout when it has been idle for `idle` seconds or more
    (a fresh one is not: it just connected); a failed ping makes the pool replace it."""

    def fresh(_dbapi: object, record: ConnectionPoolEntry) -> None:
        record.info[_IDLE_SINCE] = time.monotonic()

    def checkin(_dbapi: object, record: ConnectionPoolEntry | None) -> None:
        if record is not None:
            record.info[_IDLE_SINCE] = time.monotonic()

    def checkout(dbapi: Any, record: ConnectionPoolEntry, _proxy: object) -> None:
        since = record.info.get(_IDLE_SINCE)
        if since is not None and time.monotonic() - since < idle:
            return
        record.info[PINGS] = record.info.get(PINGS, 0) + 1
        try:
            engine.dialect.do_ping(dbapi)  # SQLAlchemy's own pre-ping (SELECT 1 in autocommit)
        except engine.dialect.loaded_dbapi.Error as exc:
            raise DisconnectionError(f"the pooled connection is gone: {exc}") from exc

    event.listen(engine, "connect", fresh)
    event.listen(engine, "checkin", checkin)
    event.listen(engine, "checkout", checkout)


def is_outage(error: BaseException) -> bool:
    """Whether an error means the database is slow or unreachable (not a bug of ours)."""
    if isinstance(error, PoolTimeout | OperationalError):
        return True
    return isinstance(error, DBAPIError) and error.connection_invalidated


def _sqlite_engine(url: URL, timeout: float = DEFAULT_TIMEOUT) -> Engine:
    in_memory = url.database in (None, "", ":memory:")
    engine = create_engine(
        url,
        # `timeout`: how long a writer waits for another's lock before "database is locked"
        connect_args={"check_same_thread": False, "timeout": timeout},
        # Each new connection to ":memory:" would be a new, empty database.
        poolclass=StaticPool if in_memory else None,
    )
    event.listen(engine, "connect", _sqlite_on_connect)
    event.listen(engine, "begin", _sqlite_on_begin)
    return engine


def _sqlite_on_connect(dbapi_connection: sqlite3.Connection, _record: ConnectionPoolEntry) -> None:
    # sqlite3's own transaction handling starts transactions late (only before a write), so
    # a read-then-write would not be atomic; SQLAlchemy emits BEGIN itself instead.
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    try:
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA journal_mode=WAL")
        # In WAL mode NORMAL never corrupts the database and loses nothing on a crash of
        # the process, only (at most) the last commits on a power cut; FULL would fsync on
        # every turn, the bulk of a turn's cost on a slow disk.
        cursor.execute("PRAGMA synchronous=NORMAL")
    finally:
        cursor.close()


def _sqlite_on_begin(connection: Connection) -> None:
    # IMMEDIATE takes the write lock up front: concurrent writers wait their turn (the busy
    # timeout) instead of failing with "database is locked" when a read upgrades to a write.
    connection.exec_driver_sql("BEGIN IMMEDIATE")
