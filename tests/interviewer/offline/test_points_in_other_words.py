"""An expected point its keywords missed is reached by a sentence that explains one of its
criterion's mechanisms with a reason or a number, about the point's component: no "not covered"
for it, and no cap below 4 for it. Names, questions, wrong claims and other components reach
nothing."""

from __future__ import annotations

import pytest

from interviewer.bank import ExpectedPoint, QuestionBank
from interviewer.core.rubric import Criterion
from interviewer.core.stages import Stage
from interviewer.offline.analysis import compile_fast, find_concepts, read_turns
from interviewer.offline.criteria import in_other_words
from interviewer.offline.facts import Facts, Point
from interviewer.offline.scorer import OfflineGrader
from tests.interviewer.offline.transcripts import build, candidate

_ADAPTERS = ExpectedPoint(
    id="provider-adapters",
    point="Adapters per provider with health checks, timeouts and failover to another model",
    keywords=["adapter", "failover", "fall ?back", "health", "timeout", "circuit"],
    question="What happens when an external provider starts failing?",
)
_POINT = Point(
    Stage.HIGH_LEVEL,
    _ADAPTERS,
    (compile_fast(_ADAPTERS.keywords),),
    frozenset({Criterion.RELIABILITY}),
    "health-checks",
)
# The provider-failure mechanism without one of the point's keywords, with a number and a reason.
_PLAIN = (
    "When one provider returns errors on more than a few percent of calls in a minute, we stop "
    "routing to that provider and retry the request with backoff, so an outage does not "
    "double the traffic it gets."
)


def facts(bank: QuestionBank, said: str) -> Facts:
    text = read_turns([(0, Stage.HIGH_LEVEL, said)])
    hits = [
        h
        for h in find_concepts(text, bank.compiled_concepts)
        if not text.sentences[h.sentence].question
    ]
    covered = {
        _ADAPTERS.id: sorted({sid for pat in _POINT.patterns for sid, _ in text.first_matches(pat)})
    }
    return Facts(text, hits, (_POINT,), covered, [], [], False, True, {})


def test_a_reasoned_mechanism_about_the_component_reaches_the_point(bank: QuestionBank) -> None:
    f = facts(bank, _PLAIN)
    assert f.covered[_ADAPTERS.id] == []  # none of its keywords
    assert in_other_words(f) == {_ADAPTERS.id}


@pytest.mark.parametrize(
    "said",
    [
        # The component named with a mechanism but no reason or number.
        "We retry requests to each provider.",
        # A reasoned mechanism of the same criterion about another component.
        "We retry writes to the billing database with backoff, so a slow disk never loses a "
        "charge.",
        # Asked, not stated.
        "Should we retry a provider with backoff so an outage does not double its traffic?",
        # A list of names with a slogan for a reason.
        "Provider retries, backoff, replication, load balancing, queues and monitoring, "
        "because resilience matters.",
    ],
)
def test_names_questions_and_other_components_reach_nothing(bank: QuestionBank, said: str) -> None:
    assert in_other_words(facts(bank, said)) == frozenset()


def test_a_wrong_claim_reaches_nothing(bank: QuestionBank) -> None:
    f = facts(bank, _PLAIN)
    wrong = Facts(f.text, [], f.points, f.covered, [], [], False, True, {}, wrong=frozenset({0}))
    assert in_other_words(wrong) == frozenset()


def test_a_point_its_keywords_reach_is_left_to_its_own_rule(bank: QuestionBank) -> None:
    said = _PLAIN.replace("retry the request with backoff", "fall back to another provider")
    f = facts(bank, said)
    assert f.covered[_ADAPTERS.id] == [0]
    assert in_other_words(f) == frozenset()


def advice(grader: OfflineGrader, bank: QuestionBank, said: str) -> str:
    card = grader.score(
        build("llm-gateway", candidate(Stage.HIGH_LEVEL, said)), bank.problem("llm-gateway")
    )
    return " ".join([*(s.feedback for s in card.criteria.values()), *card.improvements])


def test_the_card_never_sends_a_candidate_to_a_point_reached_in_other_words(
    grader: OfflineGrader, bank: QuestionBank
) -> None:
    other = "We retry writes to the billing database with backoff, so a slow disk never loses it."
    assert "Adapters per provider" in advice(grader, bank, other)
    assert "Adapters per provider" not in advice(grader, bank, _PLAIN)
