"""Test-wide safety: no test reads the developer's keys or reaches a real model or chat platform."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator

import pytest
from sqlalchemy import Engine
from sqlalchemy.exc import OperationalError

from storage.engine import make_engine, parse_database_url

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
