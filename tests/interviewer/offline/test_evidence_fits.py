"""Each quote supports the criterion it is cited for, labels read as a person writes, and
advice fits the problem (issue 21, item 5). Every sentence here is written for these tests."""

from __future__ import annotations

import pytest

from interviewer.bank import QuestionBank
from interviewer.core.rubric import Criterion, Scorecard
from interviewer.core.stages import Stage
from interviewer.offline.acts import aside
from interviewer.offline.facts import readable
from interviewer.offline.feedback import ProblemPoint, needs, point_parts
from interviewer.offline.scorer import OfflineGrader
from tests.interviewer.offline.transcripts import build, candidate

_DESIGN = [c for c in Criterion if c is not Criterion.CLARITY]


def _card(
    grader: OfflineGrader, bank: QuestionBank, qid: str, *said: tuple[Stage, str]
) -> Scorecard:
    turns = [candidate(stage, text) for stage, text in said]
    return grader.score(build(qid, *turns), bank.problem(qid))


def _advice(card: Scorecard) -> str:
    return " ".join([*(s.feedback for s in card.criteria.values()), *card.improvements])


@pytest.mark.parametrize(
    "sentence",
    [
        "I'd like to go deeper on replication of the model registry.",
        "Can we spend some time on failover between regions?",
        "Honestly I'm not sure how the failover between regions would work.",
        "I don't know how to size the replica pool.",
        "Let me think for a second.",
        "Let's talk about the stock price instead.",
        "I'd like to know the peak QPS and how many replicas run today.",
        "Tell me the read to write ratio.",
    ],
)
def test_talk_to_the_interviewer_is_an_aside(sentence: str) -> None:
    assert aside(sentence)


@pytest.mark.parametrize(
    "sentence",
    [
        "Let's go deep on the cache: entries are keyed by a hash of the prompt, so a repeated "
        "prompt never reaches a GPU.",
        "I'm not sure of the exact count, so I'll assume ten replicas because each one serves "
        "about fifty requests a second.",
        "Two replicas of the registry sit in different zones so one zone going down loses nothing.",
    ],
)
def test_design_talk_is_no_aside(sentence: str) -> None:
    assert not aside(sentence)


def test_requests_and_i_dont_know_are_evidence_for_no_design_criterion(
    grader: OfflineGrader, bank: QuestionBank
) -> None:
    wish = "I'd like to go deeper on replication of the model registry."
    unsure = "Honestly I'm not sure how failover between regions would work."
    card = _card(
        grader,
        bank,
        "model-serving",
        (Stage.HIGH_LEVEL, "Requests go through a gateway to a pool of GPU model servers."),
        (Stage.DEEP_DIVE, wish),
        (Stage.DEEP_DIVE, unsure),
    )
    quoted = [q for c in _DESIGN for q in card.criteria[c].evidence]
    assert wish not in quoted and unsure not in quoted
    assert "replication" not in card.criteria[Criterion.RELIABILITY].feedback.lower()


def test_a_keyword_in_passing_is_no_evidence_for_another_criterions_point(
    grader: OfflineGrader, bank: QuestionBank
) -> None:
    # "redact" is a keyword of llm-observability's pipeline point (scalability); this sentence
    # is about personal data, so it is security evidence only.
    masked = (
        "Email addresses are redacted in the collector before any record is written to disk, "
        "using a keyed hash per tenant."
    )
    card = _card(grader, bank, "llm-observability", (Stage.HIGH_LEVEL, masked))
    assert masked in card.criteria[Criterion.SECURITY_PRIVACY].evidence
    assert masked not in card.criteria[Criterion.SCALABILITY].evidence


def test_a_summary_list_is_no_trade_off_evidence(grader: OfflineGrader, bank: QuestionBank) -> None:
    recap = "To wrap up: SDK hooks, a Kafka pipeline, tail sampling, columnar storage, team access."
    card = _card(
        grader,
        bank,
        "llm-observability",
        (Stage.HIGH_LEVEL, "An SDK in each app records every call with its trace id."),
        (Stage.WRAP_UP, recap),
    )
    assert recap not in card.criteria[Criterion.TRADEOFFS].evidence


def test_on_a_classic_problem_a_queue_is_infrastructure_only_when_work_moves_through_it(
    grader: OfflineGrader, bank: QuestionBank
) -> None:
    limit = "One queue per customer, so no customer can create more than ten links a second."
    drain = "A pool of workers drains the click queue and writes hourly counts to the warehouse."
    card = _card(grader, bank, "url-shortener", (Stage.HIGH_LEVEL, limit), (Stage.DEEP_DIVE, drain))
    ai = card.criteria[Criterion.AI_INFRASTRUCTURE].evidence
    assert limit not in ai
    assert drain in ai


def test_security_stated_by_where_it_applies_and_who_may_use_it_is_explained(
    grader: OfflineGrader, bank: QuestionBank
) -> None:
    said = (
        "Personal data in prompts is redacted before it is logged, and only the on-call team "
        "can read the raw copy in a separate store."
    )
    card = _card(grader, bank, "llm-observability", (Stage.HIGH_LEVEL, said))
    security = card.criteria[Criterion.SECURITY_PRIVACY].feedback
    explained = security.split(".")[0]
    assert explained.startswith("You explained") and '"Personal data"' in explained
    assert "without saying why" not in explained
    assert "PII handling and deletion" not in _advice(card)


def test_labels_read_as_words_a_person_writes() -> None:
    assert readable("pii-privacy") == "PII handling"
    assert readable("api-keys-secrets") == "API keys and secrets"
    assert readable("sdk-vs-proxy") == "SDK vs proxy"
    assert readable("sql-vs-nosql") == "SQL vs NoSQL"
    assert readable("explicit-tradeoff") == "an explicit trade-off"
    assert readable("load-balancer") == "load balancer"


def test_feedback_keeps_the_capitals_of_names(grader: OfflineGrader, bank: QuestionBank) -> None:
    said = "PII is stripped in the ingest job before any record is stored, so no raw email lands."
    card = _card(grader, bank, "llm-observability", (Stage.HIGH_LEVEL, said))
    text = _advice(card)
    assert "pii privacy" not in text.lower()
    assert "PII handling" in card.criteria[Criterion.SECURITY_PRIVACY].feedback


def test_a_crawler_is_advised_in_its_own_words(grader: OfflineGrader, bank: QuestionBank) -> None:
    card = _card(
        grader,
        bank,
        "web-crawler",
        (
            Stage.HIGH_LEVEL,
            "Seed URLs go into a frontier; fetcher machines pull from it and save each page.",
        ),
        (Stage.DEEP_DIVE, "We hash each page body to skip ones we have seen."),
    )
    advice = _advice(card).lower()
    for web in ("hot reads", "what you cache", "request path", "analytics and fan-out"):
        assert web not in advice
    assert "dns caching" in advice  # the problem's own words for the caching it expects


def test_advice_says_the_problems_part_not_the_whole_point(
    grader: OfflineGrader, bank: QuestionBank
) -> None:
    said = (
        "Each caller has a rate limit in the gateway so that one noisy team cannot use up "
        "everyone else's GPUs."
    )
    card = _card(grader, bank, "model-serving", (Stage.HIGH_LEVEL, said))
    security = card.criteria[Criterion.SECURITY_PRIVACY].feedback
    assert "authentication" in security
    assert "rate limiting" not in security.split("Cover", 1)[-1]


def test_a_points_part_is_advice_only_when_it_stands_alone() -> None:
    text = "Checks every caller at the edge, caches tokens in Redis, makes writing them async"
    found = [("authentication", 0), ("caching", text.index("caches")), ("x", text.index("Redis"))]
    found.append(("async", text.index("async")))
    parts = point_parts(text, found)
    assert parts["authentication"] == "checking every caller at the edge"
    assert parts["caching"] == "caching tokens in Redis"
    assert parts["async"] == ""  # leans on "them"
    assert point_parts("Redis, sharded by key", [("caching", 0)]) == {"caching": ""}
    assert point_parts("Filters abusive prompts", [("content-safety", 0)]) == {
        "content-safety": "filtering abusive prompts"
    }


def test_a_queue_is_reliability_evidence_when_it_keeps_work_safe(
    grader: OfflineGrader, bank: QuestionBank
) -> None:
    order = "One queue per customer so that each customer's links are created in order."
    kept = "Clicks go to a Kafka topic that keeps them for seven days, so a consumer crash loses nothing."
    card = _card(grader, bank, "url-shortener", (Stage.HIGH_LEVEL, order), (Stage.DEEP_DIVE, kept))
    reliability = card.criteria[Criterion.RELIABILITY].evidence
    assert order not in reliability
    assert kept in reliability


def test_trade_off_advice_keeps_its_general_form() -> None:
    # a problem whose points name the alternatives only in words that make no advice
    points = [ProblemPoint({"alternative-chosen": ""})]
    advice = needs(Criterion.TRADEOFFS, True, set(), {"alternative-chosen"}, points)
    assert advice is not None and "X instead of Y because Z" in advice
    # while a scalability piece named only in such words is left out
    assert (
        needs(Criterion.SCALABILITY, True, set(), {"caching"}, [ProblemPoint({"caching": ""})])
        is None
    )
