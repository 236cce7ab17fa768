"""The quality harness with the offline interviewer: every persona, every check."""

from __future__ import annotations

import pytest

from interviewer.bank import QuestionBank, load_bank
from interviewer.offline.brain import OfflineBrain
from interviewer.offline.scorer import OfflineGrader
from tests.bench.harness import CHECKS, PERSONAS, run_persona
from tests.clock import FakeClock


@pytest.fixture(scope="module")
def bank() -> QuestionBank:
    return load_bank()


@pytest.mark.parametrize("persona", sorted(PERSONAS))
async def test_every_check_passes_offline(bank: QuestionBank, persona: str) -> None:
    brain, grader = OfflineBrain(bank), OfflineGrader(bank)
    outcome = await run_persona(persona, bank, brain, grader, brain, grader, start=FakeClock()())
    assert set(outcome.checks) == set(CHECKS)
    failed = [name for name, ok in outcome.checks.items() if ok is False]
    assert not failed, outcome.failures
    assert outcome.checks["curveballs_answered"] is (None if persona == "silent" else True)
