"""Clarifying answers remembered by the Clarifier are the answers worked out afresh, and the
memo stays within its bound (a reply to a question works out every earlier clarifying turn's
answers again: interviewer.offline.clarify.earlier_answers)."""

from __future__ import annotations

from functools import cache

from hypothesis import given, settings
from hypothesis import strategies as st

from interviewer.bank import Problem, QuestionBank, load_bank
from interviewer.offline.clarify import Answer, Clarifier
from interviewer.offline.lines import load_lines

_PROBLEMS = ("model-serving", "chatbot-api", "distributed-training")


@cache
def _bank() -> QuestionBank:
    return load_bank()


def _clarifier(kept: int = 8192) -> Clarifier:
    bank = _bank()
    assert bank.phrases is not None
    return Clarifier(bank.phrases, load_lines(), kept)


@cache
def _questions(problem_id: str) -> tuple[str, ...]:
    problem = _bank().problem(problem_id)
    asked = [e for c in problem.clarifications for e in c.examples]
    return (
        *asked,
        "How many users do we expect, and what is the peak QPS?",
        "Should I start with the API or the storage?",
        "Is GDPR in scope?",
        "What about latency?",
    )


@st.composite
def _asks(draw: st.DrawFn) -> tuple[Problem, str, str]:
    problem_id = draw(st.sampled_from(_PROBLEMS))
    problem = _bank().problem(problem_id)
    text = " ".join(draw(st.lists(st.sampled_from(_questions(problem_id)), min_size=1, max_size=3)))
    facts = [f.answer for f in problem.hidden_facts]
    given_facts = " ".join(draw(st.lists(st.sampled_from(facts), max_size=3)))
    return problem, text, given_facts


@settings(max_examples=40, deadline=None)
@given(st.lists(_asks(), min_size=1, max_size=8), st.integers(1, 3))
def test_remembered_answers_are_the_answers_worked_out_afresh(
    asks: list[tuple[Problem, str, str]], kept: int
) -> None:
    remembering = _clarifier(kept)
    for problem, text, facts in [*asks, *asks]:  # each asked twice: the second is remembered
        assert remembering.answer(problem, text, facts) == _clarifier().answer(problem, text, facts)
        assert remembering.remembered() <= kept


def test_a_remembered_answer_is_not_changed_by_its_caller() -> None:
    clarifier, problem = _clarifier(), _bank().problem("model-serving")
    question = "How many users do we expect, and what is the peak QPS?"
    first = clarifier.answer(problem, question, "")
    first.append(Answer("changed", True))
    assert clarifier.answer(problem, question, "") == first[:-1]


def test_the_facts_given_are_part_of_what_is_remembered() -> None:
    clarifier, problem = _clarifier(), _bank().problem("model-serving")
    question = _questions("model-serving")[-4]
    fresh = clarifier.answer(problem, question, "")
    given_facts = " ".join(a.text for a in fresh)
    assert clarifier.answer(problem, question, given_facts) == _clarifier().answer(
        problem, question, given_facts
    )
    assert clarifier.remembered() == 2


def test_the_memo_forgets_the_least_recent_past_its_bound() -> None:
    clarifier, problem = _clarifier(2), _bank().problem("model-serving")
    for question in _questions("model-serving")[:6]:
        clarifier.answer(problem, question, "")
        assert clarifier.remembered() <= 2
    assert clarifier.remembered() == 2
