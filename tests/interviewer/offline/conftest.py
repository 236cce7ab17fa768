"""Shared fixtures: the real question bank and a grader over it."""

from __future__ import annotations

import pytest

from interviewer.bank import Problem, QuestionBank, load_bank
from interviewer.offline.scorer import OfflineGrader


@pytest.fixture(scope="session")
def bank() -> QuestionBank:
    """The question bank under prompts/."""
    return load_bank()


@pytest.fixture(scope="session")
def grader(bank: QuestionBank) -> OfflineGrader:
    """One grader for the whole run, as the app keeps one."""
    return OfflineGrader(bank)


@pytest.fixture(scope="session")
def serving(bank: QuestionBank) -> Problem:
    """The model-serving problem most fixtures answer."""
    return bank.problem("model-serving")
