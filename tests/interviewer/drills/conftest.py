"""Drill fixtures: a migrated SQLite database (PostgreSQL where a test asks for it)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from interviewer.bank import QuestionBank, load_bank
from tests.clock import FakeClock
from tests.interviewer.drills.harness import FixedGrader, Replica, replica


@pytest.fixture(scope="session")
def bank() -> QuestionBank:
    return load_bank()


@pytest.fixture
def sqlite_url(sqlite_migrated_url: str) -> str:
    return sqlite_migrated_url


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
