"""Privacy fixtures: a world of two members on SQLite and on PostgreSQL, with a test clock."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from tests.clock import FakeClock
from tests.interviewer.privacy.world import World, build_world

# postgres_admin and postgres_url live in tests/conftest.py, for every test folder.


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def database_url(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> str:
    """The URL of an empty database, once per backend."""
    if request.param == "postgres":
        url: str = request.getfixturevalue("postgres_url")
        return url
    return f"sqlite:///{(tmp_path_factory.mktemp('sqlite') / 'mockroom.db').as_posix()}"


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
async def world(database_url: str, clock: FakeClock) -> AsyncIterator[World]:
    """Ana and Ben: solo interviews, a design-along each with both in it, a drill, points."""
    built = await build_world(database_url, clock)
    yield built
    built.parts.close()
