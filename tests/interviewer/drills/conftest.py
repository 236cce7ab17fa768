"""Drill fixtures: a migrated SQLite database (PostgreSQL where a test asks for it)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from interviewer.bank import QuestionBank, load_bank
from storage.migrate import upgrade
from tests.clock import FakeClock
from tests.interviewer.drills.harness import FixedGrader, Replica, replica


@pytest.fixture(scope="session")
def bank() -> QuestionBank:
    return load_bank()


@pytest.fixture
def sqlite_url(tmp_path: Path) -> str:
    url = f"sqlite:///{(tmp_path / 'drills.db').as_posix()}"
    upgrade(url)
    return url


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def grader() -> FixedGrader:
    return FixedGrader(3.0)


@pytest.fixture
def world(
    sqlite_url: str, bank: QuestionBank, clock: FakeClock, grader: FixedGrader
) -> Iterator[Replica]:
    """One process over a fresh SQLite database, grading with the fixed grader."""
    r = replica(sqlite_url, bank, clock, grader)
    yield r
    r.close()
