"""Privacy fixtures: a world of two members on SQLite and on PostgreSQL, with a test clock.

Building the world runs a dozen interviews, a drill and their grading through the real
services: it is built once per backend and test process, and each test gets a copy of that
database (a file copy on SQLite, a database cloned from it on PostgreSQL).
"""

from __future__ import annotations

import asyncio
import random
import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime

import pytest
from sqlalchemy import Engine

from bot.bootstrap import build
from storage.engine import parse_database_url
from tests.clock import FakeClock
from tests.conftest import create_database, drop_database
from tests.interviewer.privacy.world import World, build_world, settings

# migrated_url and its backends live in tests/conftest.py, for every test folder.


@pytest.fixture
def database_url(migrated_url: str) -> str:
    """A migrated database, once per backend."""
    return migrated_url


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@dataclass(frozen=True)
class Template:
    """A built world's database and what the world knew besides it."""

    url: str
    interviews: dict[str, int]
    now: datetime
    admin: Engine | None  # the PostgreSQL server's admin engine; None on SQLite


@pytest.fixture(scope="session")
def world_templates() -> Iterator[dict[str, Template]]:
    """The built worlds of this test process, by backend (each built on first use)."""
    built: dict[str, Template] = {}
    yield built
    for template in built.values():
        if template.admin is not None:
            drop_database(template.admin, template.url)


def _template(backend: str, request: pytest.FixtureRequest) -> Template:
    built: dict[str, Template] = request.getfixturevalue("world_templates")
    if backend not in built:
        admin: Engine | None = None
        if backend == "postgres":
            admin = request.getfixturevalue("postgres_admin")
            url = create_database(admin, request.getfixturevalue("postgres_template"))
        else:
            path = request.getfixturevalue("tmp_path_factory").mktemp("world") / "world.db"
            shutil.copyfile(request.getfixturevalue("sqlite_template"), path)
            url = f"sqlite:///{path.as_posix()}"
        clock = FakeClock()
        world = asyncio.run(build_world(url, clock))
        world.parts.close()
        built[backend] = Template(url, dict(world.interviews), clock.now, admin)
    return built[backend]


@pytest.fixture
def world(backend: str, request: pytest.FixtureRequest, clock: FakeClock) -> Iterator[World]:
    """Ana and Ben: solo interviews, a design-along each with both in it, a drill, points."""
    template = _template(backend, request)
    database = str(parse_database_url(template.url).database)
    if template.admin is not None:
        url = create_database(template.admin, database)
    else:
        path = request.getfixturevalue("tmp_path") / "world.db"
        shutil.copyfile(database, path)
        url = f"sqlite:///{path.as_posix()}"
    clock.now = template.now
    built = World(
        build(settings(url), clock=clock, rng=random.Random(3)), clock, dict(template.interviews)
    )
    try:
        yield built
    finally:
        built.parts.close()
        if template.admin is not None:
            drop_database(template.admin, url)
