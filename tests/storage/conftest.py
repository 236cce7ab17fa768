"""Storage fixtures: every test that takes `engine` or `repo` runs on SQLite and PostgreSQL.

PostgreSQL comes from MOCKROOM_TEST_POSTGRES_URL (default: the local server, database
`test`). A test of an empty database gets a fresh schema of its own, selected through
search_path and dropped afterwards; a test of a migrated one gets a database cloned from a
template migrated once per test process. An unreachable server skips the PostgreSQL tests, except under CI, where it fails.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlalchemy import Engine

from storage.engine import make_engine
from storage.repositories.interviews import SqlRepository

# postgres_admin and postgres_url live in tests/conftest.py, for every test folder.


@pytest.fixture
def database_url(
    backend: str, request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> str:
    """The URL of an empty database, once per backend."""
    if backend == "postgres":
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
def engine(migrated_url: str) -> Iterator[Engine]:
    """An engine on a database migrated to head (a clone of one migrated per test process)."""
    engine = make_engine(migrated_url)
    yield engine
    engine.dispose()


@pytest.fixture
def repo(engine: Engine) -> SqlRepository:
    """The repository under test, on a migrated database."""
    return SqlRepository(engine)
