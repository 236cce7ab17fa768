"""Reliability follows the rubric's anchors (INTERVIEW_SPEC.md section 4): its mechanisms are
answers to "what happens when a part fails". A name is partial (2); a 3 needs two of its own
mechanisms explained and a failure case or a sizing; a 4 walks through more than one failure."""

from __future__ import annotations

from interviewer.bank import QuestionBank
from interviewer.core.rubric import Criterion
from interviewer.core.stages import Stage
from interviewer.offline.analysis import find_concepts, read_turns
from interviewer.offline.criteria import Fit, criterion_score
from interviewer.offline.facts import Facts
from interviewer.offline.scorer import OfflineGrader
from tests.interviewer.offline.transcripts import build, candidate

_REASONS = (
    "We replicate the message store so that each region reads from a nearby copy. "
    "We take backups of the store every night so that analysts can query yesterday's messages."
)
_FAILURE = (
    "If the primary dies, a replica is promoted and takes the writes, so no acknowledged "
    "message is lost."
)
_DELIVERY = (
    "Every message carries an id so that a resent message is stored once, and the phone "
    "resends until it gets an acknowledgement. We alert on delivery latency and message loss "
    "so that on-call sees a backlog before users do."
)


def reliability(grader: OfflineGrader, bank: QuestionBank, said: str) -> int:
    card = grader.score(
        build("chat-system", candidate(Stage.DEEP_DIVE, said)), bank.problem("chat-system")
    )
    return card.criteria[Criterion.RELIABILITY].score


def test_mechanisms_named_only_stay_partial(grader: OfflineGrader, bank: QuestionBank) -> None:
    named = "We'd replicate the message store. We'd add failover. We'd take backups."
    assert reliability(grader, bank, named) == 2


def test_reasons_that_say_no_failure_and_no_sizing_stay_partial(
    grader: OfflineGrader, bank: QuestionBank
) -> None:
    # Replication and backups, each with a reason, but neither says what happens when a part
    # fails or how many copies there are: "we'd replicate it" with a why is still partial.
    assert reliability(grader, bank, _REASONS) == 2


def test_a_stated_failure_case_makes_it_solid(grader: OfflineGrader, bank: QuestionBank) -> None:
    assert reliability(grader, bank, f"{_REASONS} {_FAILURE}") == 3


def test_a_sizing_makes_it_solid(grader: OfflineGrader, bank: QuestionBank) -> None:
    sized = _REASONS.replace("We replicate the message store", "We keep 3 replicas of the store")
    assert reliability(grader, bank, sized) == 3


def test_borrowed_mechanisms_do_not_make_reliability_solid(
    grader: OfflineGrader, bank: QuestionBank
) -> None:
    # A queue and a rate limiter, explained, are scalability and security evidence first: with
    # one mechanism of reliability's own, even a failure case is partial.
    borrowed = (
        "Messages go through a queue so that bursts of traffic are absorbed. "
        "Each user has a rate limit so that one client cannot flood the servers. "
    )
    assert reliability(grader, bank, borrowed + _FAILURE) == 2


def test_an_exceptional_answer_walks_through_more_than_one_failure(
    grader: OfflineGrader, bank: QuestionBank
) -> None:
    one = f"{_REASONS} {_FAILURE} {_DELIVERY}"
    second = (
        " When a connection server crashes, its clients reconnect to another server after a "
        "random wait, so they don't all arrive at once."
    )
    assert reliability(grader, bank, one) == 3
    assert reliability(grader, bank, one + second) == 4


def test_a_wrong_claim_is_no_failure_case(bank: QuestionBank) -> None:
    # The scorer leaves a wrong claim's sentence out of the hits and hands it over in
    # Facts.wrong: stated as a failure case, it still earns nothing.
    text = read_turns([(0, Stage.DEEP_DIVE, f"{_REASONS} {_FAILURE}")])
    last = len(text.sentences) - 1
    assert "primary dies" in text.sentences[last].text

    def score(wrong: frozenset[int]) -> int:
        hits = [h for h in find_concepts(text, bank.compiled_concepts) if h.sentence not in wrong]
        f = Facts(text, hits, (), {}, [], [], False, True, {}, wrong=wrong)
        return criterion_score(Criterion.RELIABILITY, f, Fit()).score

    assert score(frozenset()) == 3
    assert score(frozenset({last})) == 2
