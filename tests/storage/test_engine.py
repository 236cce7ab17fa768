"""Engines from one URL: the default SQLite file, PostgreSQL drivers, and bad URLs."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
from sqlalchemy import Engine

from storage.engine import PINGS, DatabaseURLError, default_database_url, make_engine


@pytest.mark.skipif(sys.platform != "linux", reason="XDG_DATA_HOME steers platformdirs on Linux")
def test_default_url_is_a_sqlite_file_in_the_user_data_dir(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))

    url = default_database_url()

    expected = tmp_path / "data" / "mockroom" / "mockroom.db"
    assert url == f"sqlite:///{expected.as_posix()}"
    assert expected.parent.is_dir()
    assert not expected.exists()  # making the URL connects to nothing
    engine = make_engine(url)
    try:
        with engine.connect() as connection:
            connection.exec_driver_sql("CREATE TABLE t (x INTEGER)")
        assert expected.is_file()
    finally:
        engine.dispose()


def test_sqlite_engine_uses_wal_and_enforces_foreign_keys(tmp_path: Path) -> None:
    engine = make_engine(f"sqlite:///{(tmp_path / 'm.db').as_posix()}")
    try:
        with engine.connect() as connection:
            assert connection.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
            assert connection.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
    finally:
        engine.dispose()


def test_in_memory_sqlite_is_one_database_across_connections() -> None:
    engine = make_engine("sqlite://")
    try:
        with engine.begin() as connection:
            connection.exec_driver_sql("CREATE TABLE t (x INTEGER)")
            connection.exec_driver_sql("INSERT INTO t VALUES (7)")
        with engine.connect() as connection:
            assert connection.exec_driver_sql("SELECT x FROM t").scalar() == 7
    finally:
        engine.dispose()


def insert_then_fail(engine: Engine) -> None:
    with engine.begin() as connection:
        connection.exec_driver_sql("INSERT INTO t VALUES (1)")
        raise RuntimeError("abort")


def test_sqlite_rolls_back_a_failed_transaction(tmp_path: Path) -> None:
    # sqlite3's own transaction handling is switched off; SQLAlchemy's BEGIN must still hold.
    engine = make_engine(f"sqlite:///{(tmp_path / 'm.db').as_posix()}")
    try:
        with engine.begin() as connection:
            connection.exec_driver_sql("CREATE TABLE t (x INTEGER)")
        with pytest.raises(RuntimeError, match="abort"):
            insert_then_fail(engine)
        with engine.connect() as connection:
            assert connection.exec_driver_sql("SELECT count(*) FROM t").scalar() == 0
    finally:
        engine.dispose()


@pytest.mark.parametrize(
    "url",
    [
        "postgresql://u:p@db.example:5432/mockroom",
        "postgresql+psycopg://u:p@db.example:5432/mockroom",
        "postgres://u:p@db.example:5432/mockroom",
    ],
)
def test_postgres_urls_use_psycopg_3(url: str) -> None:
    engine: Engine = make_engine(url)  # an unreachable host: nothing connects yet
    try:
        assert engine.url.drivername == "postgresql+psycopg"
        assert engine.dialect.driver == "psycopg"
        assert (engine.url.host, engine.url.database) == ("db.example", "mockroom")
    finally:
        engine.dispose()


@pytest.mark.parametrize("url", ["not a url", "", "localhost:5432/mockroom"])
def test_unparseable_url_says_what_is_expected(url: str) -> None:
    with pytest.raises(DatabaseURLError, match="cannot parse the database URL") as caught:
        make_engine(url)
    assert "sqlite:///" in str(caught.value)
    assert "postgresql://" in str(caught.value)


@pytest.mark.parametrize(
    "url",
    [
        "mysql://u:hunter2@db.example/mockroom",
        "postgresql+psycopg2://u:hunter2@db.example/mockroom",
        "sqlite+aiosqlite:///m.db",
    ],
)
def test_unsupported_database_is_named(url: str) -> None:
    with pytest.raises(DatabaseURLError, match="unsupported database URL") as caught:
        make_engine(url)
    assert "psycopg 3" in str(caught.value)


@pytest.mark.parametrize(
    "url", ["mysql://u:hunter2@db.example/m", "postgresql//u:hunter2@db.example/m"]
)
def test_url_errors_do_not_show_the_password(url: str) -> None:
    with pytest.raises(DatabaseURLError) as caught:
        make_engine(url)
    assert "hunter2" not in str(caught.value)
    assert "***" in str(caught.value)


def test_url_error_is_a_value_error() -> None:
    with pytest.raises(ValueError, match="cannot parse"):
        make_engine("::")


def _backend_pid(engine: Engine) -> int:
    with engine.connect() as connection:
        return int(connection.exec_driver_sql("SELECT pg_backend_pid()").scalar_one())


def _pings(engine: Engine) -> int:
    with engine.connect() as connection:
        record = connection.connection._connection_record
        assert record is not None
        return int(record.info.get(PINGS, 0))


def test_a_pooled_postgres_connection_is_pinged_only_when_idle(postgres_url: str) -> None:
    busy = make_engine(postgres_url, ping_idle=3600.0)  # never idle that long here
    idle = make_engine(postgres_url, ping_idle=0.0)  # always idle: pinged at every checkout
    try:
        for _ in range(3):
            _backend_pid(busy)
            _backend_pid(idle)
        # a pinged connection is left as it was found: its isolation level can be set
        with idle.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
            assert connection.exec_driver_sql("SELECT 1").scalar_one() == 1
        assert _pings(busy) == 0  # back in the pool moments ago: handed out as it is
        assert _pings(idle) == 5  # every checkout, the last one included
    finally:
        busy.dispose()
        idle.dispose()


def test_a_pooled_postgres_connection_the_server_dropped_is_replaced(postgres_url: str) -> None:
    engine = make_engine(postgres_url, ping_idle=0.0)
    admin = make_engine(postgres_url)
    try:
        before = _backend_pid(engine)
        with admin.connect() as connection:
            connection.exec_driver_sql(f"SELECT pg_terminate_backend({before})")
        after = _backend_pid(engine)  # the ping fails, the pool connects anew: no error
        assert after != before
    finally:
        engine.dispose()
        admin.dispose()
