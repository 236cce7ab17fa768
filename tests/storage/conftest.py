"""Storage fixtures: every test that takes `engine` or `repo` runs on SQLite and PostgreSQL.

PostgreSQL comes from MOCKROOM_TEST_POSTGRES_URL (default: the local server, database
`test`). Each test gets a fresh schema of its own, selected through search_path and dropped
afterwards. An unreachable server skips the PostgreSQL tests, except under CI, where it fails.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator

import pytest
from sqlalchemy import Engine
from sqlalchemy.exc import OperationalError

from storage.engine import make_engine, parse_database_url
from storage.migrate import upgrade
from storage.repository import SqlRepository

DEFAULT_POSTGRES_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/test"
SCHEMA_PREFIX = "mockroom_test_"


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


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def database_url(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> str:
    """The URL of an empty database, once per backend."""
    if request.param == "postgres":
        url: str = request.getfixturevalue("postgres_url")
        return url
    path = tmp_path_factory.mktemp("sqlite") / "mockroom.db"
    return f"sqlite:///{path.as_posix()}"


@pytest.fixture
def empty_engine(database_url: str) -> Iterator[Engine]:
    """An engine on an empty database (no tables, never migrated)."""
    engine = make_engine(database_url)
    yield engine
    engine.dispose()


@pytest.fixture
def engine(empty_engine: Engine) -> Engine:
    """An engine on a database migrated to head."""
    upgrade(empty_engine)
    return empty_engine


@pytest.fixture
def repo(engine: Engine) -> SqlRepository:
    """The repository under test, on a migrated database."""
    return SqlRepository(engine)
