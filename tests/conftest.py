"""Test-wide safety: no test reads the developer's keys or reaches a real model or chat platform."""

from __future__ import annotations

import os
import shutil
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine
from sqlalchemy.exc import OperationalError

from storage.engine import make_engine, parse_database_url
from storage.migrate import upgrade

_OUTSIDE = ("OPENAI_", "SLACK_", "DISCORD_", "MOCKROOM_")
_KEEP = {"MOCKROOM_TEST_POSTGRES_URL"}


@pytest.fixture(autouse=True)
def _no_outside_configuration(
    monkeypatch: pytest.MonkeyPatch, tmp_path_factory: pytest.TempPathFactory
) -> None:
    for name in list(os.environ):
        if name.startswith(_OUTSIDE) and name not in _KEEP:
            monkeypatch.delenv(name)
    # Settings also read a .env file from the working directory: run from an empty one.
    monkeypatch.chdir(tmp_path_factory.mktemp("cwd"))


DEFAULT_POSTGRES_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/test"
SCHEMA_PREFIX = "mockroom_test_"
BACKENDS = ["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)]


def _in_ci() -> bool:
    return os.environ.get("CI", "").strip().lower() not in ("", "0", "false", "no")


@pytest.fixture(scope="session")
def postgres_admin() -> Iterator[Engine]:
    """An engine on the test server's default schema, used to create and drop test schemas."""
    url = parse_database_url(os.environ.get("MOCKROOM_TEST_POSTGRES_URL", DEFAULT_POSTGRES_URL))
    if "connect_timeout" not in url.query:
        url = url.update_query_dict({"connect_timeout": "5"})
    engine = make_engine(url.render_as_string(hide_password=False))
    try:
        with engine.connect() as connection:
            connection.exec_driver_sql("SELECT 1")
    except OperationalError as exc:
        engine.dispose()
        reason = (
            f"PostgreSQL at {url.render_as_string(hide_password=True)} is unreachable "
            f"({' '.join(str(exc.orig).split())}); start it, or point "
            "MOCKROOM_TEST_POSTGRES_URL at one that runs"
        )
        if _in_ci():
            pytest.fail(f"{reason}. CI is set, so this fails instead of skipping.", pytrace=False)
        pytest.skip(reason)
    yield engine
    engine.dispose()


@pytest.fixture
def postgres_url(postgres_admin: Engine) -> Iterator[str]:
    """A URL whose connections see only a new, empty schema; the schema is dropped after."""
    schema = f"{SCHEMA_PREFIX}{uuid.uuid4().hex[:12]}"
    with postgres_admin.begin() as connection:
        connection.exec_driver_sql(f'CREATE SCHEMA "{schema}"')
    url = postgres_admin.url.update_query_dict({"options": f"-csearch_path={schema}"})
    try:
        yield url.render_as_string(hide_password=False)
    finally:
        with postgres_admin.begin() as connection:
            connection.exec_driver_sql(f'DROP SCHEMA "{schema}" CASCADE')


def _worker() -> str:
    """This test process's name under pytest-xdist ("gw0", …), or "main" without it."""
    return os.environ.get("PYTEST_XDIST_WORKER", "main")


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A SQLite file migrated to head once per test process; tests get copies of it."""
    path = tmp_path_factory.mktemp("template") / "migrated.db"
    upgrade(f"sqlite:///{path.as_posix()}")
    return path


@pytest.fixture
def sqlite_migrated_url(sqlite_template: Path, tmp_path_factory: pytest.TempPathFactory) -> str:
    """The URL of a new SQLite database already at the newest migration (a copy of the template)."""
    path = tmp_path_factory.mktemp("sqlite") / "mockroom.db"
    shutil.copyfile(sqlite_template, path)
    return f"sqlite:///{path.as_posix()}"


def _database(admin: Engine, sql: str) -> None:
    # CREATE and DROP DATABASE cannot run inside a transaction.
    with admin.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
        connection.exec_driver_sql(sql)


def create_database(admin: Engine, template: str | None = None) -> str:
    """A new database on the test server (a copy of `template` when given); its URL."""
    name = f"{SCHEMA_PREFIX}{_worker()}_{uuid.uuid4().hex[:12]}"
    _database(admin, f'CREATE DATABASE "{name}"' + (f' TEMPLATE "{template}"' if template else ""))
    return admin.url.set(database=name).render_as_string(hide_password=False)


def drop_database(admin: Engine, url: str) -> None:
    """Drop a database made by create_database, closing what still connects to it."""
    name = parse_database_url(url).database
    _database(admin, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture(scope="session")
def postgres_template(postgres_admin: Engine) -> Iterator[str]:
    """A database migrated to head once per test process (one per xdist worker); its name."""
    url = create_database(postgres_admin)
    try:
        upgrade(url)
        yield str(parse_database_url(url).database)
    finally:
        drop_database(postgres_admin, url)


@pytest.fixture
def postgres_migrated_url(postgres_admin: Engine, postgres_template: str) -> Iterator[str]:
    """The URL of a new PostgreSQL database at the newest migration, cloned from the template.

    Cloning takes tens of milliseconds where running the migrations takes most of a second.
    """
    url = create_database(postgres_admin, postgres_template)
    try:
        yield url
    finally:
        drop_database(postgres_admin, url)


@pytest.fixture(params=BACKENDS)
def backend(request: pytest.FixtureRequest) -> str:
    """The storage backend a test runs on: every test that asks runs on both."""
    name: str = request.param
    return name


@pytest.fixture
def migrated_url(backend: str, request: pytest.FixtureRequest) -> str:
    """A new database at the newest migration, on the test's backend."""
    fixture = "postgres_migrated_url" if backend == "postgres" else "sqlite_migrated_url"
    url: str = request.getfixturevalue(fixture)
    return url
