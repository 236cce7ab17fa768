"""Shared pieces for the LLM tests: the bank, a turn context, the loopback server."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta

import pytest

from interviewer.bank import QuestionBank, load_bank
from interviewer.core import machine
from interviewer.core.stages import Format, Stage
from interviewer.core.state import InterviewState
from interviewer.core.transcript import Role, Turn
from interviewer.ports import TurnContext
from tests.clock import FakeClock
from tests.interviewer.llm.openai_server import FakeOpenAIServer


@pytest.fixture(scope="session")
def bank() -> QuestionBank:
    return load_bank()


@pytest.fixture
def server() -> Iterator[FakeOpenAIServer]:
    with FakeOpenAIServer() as s:
        yield s


def context(
    bank: QuestionBank,
    said: list[str] | None = None,
    stage: Stage = Stage.HIGH_LEVEL,
    asked: list[str] | None = None,
    started: FakeClock | None = None,
) -> TurnContext:
    """A model-serving interview in `stage`, with the candidate having said `said`."""
    clock = started or FakeClock()
    problem = bank.problem("model-serving")
    options = [(c, tuple(bank.curveballs[c].stages)) for c in problem.curveballs]
    state, _ = machine.start(problem.id, Format.STANDARD, options, clock(), seed=1)
    state = InterviewState.from_dict({**state.to_dict(), "stage": stage.value})
    state.asked = list(asked or [])
    turns = [Turn(Role.INTERVIEWER, Stage.CLARIFY, "What would you like to know?")]
    for text in said or []:
        turns.append(Turn(Role.CANDIDATE, stage, text))
        turns.append(Turn(Role.INTERVIEWER, stage, "Go on."))
    if said:
        turns.pop()
    return TurnContext(1, state, problem, bank, turns, clock() + timedelta(minutes=1))
