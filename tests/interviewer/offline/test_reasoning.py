"""Understanding an answer: reasons with content, negation, collocations, plain English, and
feedback that fits its evidence and the problem."""

from __future__ import annotations

from interviewer.bank import QuestionBank
from interviewer.core.rubric import Criterion
from interviewer.core.stages import Stage
from interviewer.offline.analysis import concepts_in, find_concepts, read_turns
from interviewer.offline.quotes import quote
from interviewer.offline.scorer import OfflineGrader
from tests.interviewer.offline.transcripts import build, candidate, fixture, map_candidate


def explained(bank: QuestionBank, text: str) -> dict[str, bool]:
    hits = find_concepts(read_turns([(0, Stage.DEEP_DIVE, text)]), bank.compiled_concepts)
    return {h.concept.id: h.explained for h in hits}


def test_a_reason_that_restates_the_name_explains_nothing(bank: QuestionBank) -> None:
    for padded in (
        "A Redis cache in front of the store because of performance.",
        "A NoSQL database for the links because NoSQL scales very well.",
        "Checkpointing of the model state every so often because of fault tolerance.",
        "Async checkpointing of the weights to storage, because async is faster.",
    ):
        assert not any(explained(bank, padded).values()), padded


def test_a_reason_with_a_mechanism_or_number_explains(bank: QuestionBank) -> None:
    assert explained(bank, "A cache in front of the store because reads outnumber writes.")[
        "caching"
    ]
    assert explained(bank, "We replicate each shard three ways so a dead node loses nothing.")[
        "replication"
    ]
    assert explained(bank, "Redis holds the hot links, which absorbs 90% of redirects.")["caching"]


def test_function_word_collocations_are_never_concepts(bank: QuestionBank) -> None:
    said = "It works as long as memory allows, at least for now, and in case of doubt we ask."
    assert concepts_in(said, bank.compiled_concepts) == []


def test_negated_concepts_are_not_counted(bank: QuestionBank) -> None:
    ids = {h.concept.id for h in concepts_in("We don't need a cache here.", bank.compiled_concepts)}
    assert "caching" not in ids
    ids = {h.concept.id for h in concepts_in("We need a cache here.", bank.compiled_concepts)}
    assert "caching" in ids


def test_plain_english_paraphrases_map_to_concepts(bank: QuestionBank) -> None:
    said = (
        "There's a waiting line in front of the model machines, and if it gets too long we turn "
        "away the least important requests first. The dispatcher sends each request to the least "
        "busy copy of the model, and the answer comes back word by word."
    )
    ids = {h.concept.id for h in concepts_in(said, bank.compiled_concepts)}
    assert {"message-queue", "backpressure", "load-balancer", "model-server"} <= ids
    assert "streaming-responses" in ids


def test_a_facet_explains_a_concept_without_a_connective(bank: QuestionBank) -> None:
    assert explained(bank, "The autoscaler adds replicas on queue depth, with a warm pool.")[
        "autoscaling"
    ]


def test_feedback_never_asks_for_what_the_evidence_shows(grader: OfflineGrader) -> None:
    t = build(
        "chatbot-api",
        candidate(Stage.CLARIFY, "How many users, and what latency do we need?"),
        candidate(
            Stage.DEEP_DIVE,
            "We encrypt conversation history at rest with per-tenant keys in KMS, so a stolen "
            "disk reveals nothing. TLS everywhere, so nobody on the network can read prompts.",
        ),
    )
    card = grader.score(t, None)
    security = card.criteria[Criterion.SECURITY_PRIVACY]
    assert any("at rest" in q for q in security.evidence)
    advice = security.feedback.partition("Cover")[2]
    assert advice and "encryption" not in advice


def test_a_classic_problem_is_never_told_to_practise_gpu_sizing(
    grader: OfflineGrader, bank: QuestionBank
) -> None:
    for problem in ("url-shortener", "news-feed", "chat-system", "notification-system"):
        weak = build(problem, candidate(Stage.HIGH_LEVEL, "A server and a database."))
        card = grader.score(weak, bank.problem(problem))
        advice = " ".join([*card.improvements, *(s.feedback for s in card.criteria.values())])
        assert "GPU" not in advice and "model lifecycle" not in advice, problem


def test_a_classic_problem_earns_ai_infrastructure_for_its_data_pipeline(
    grader: OfflineGrader, bank: QuestionBank
) -> None:
    said = (
        "Clicks go onto a Kafka queue so the redirect never waits for analytics. A nightly batch "
        "job aggregates the click log into daily counts per country, because paying users read "
        "those once a day. Old click logs move to object storage after 30 days, which cuts the "
        "cost of the hot store by about 80%."
    )
    card = grader.score(
        build("url-shortener", candidate(Stage.DEEP_DIVE, said)), bank.problem("url-shortener")
    )
    assert card.criteria[Criterion.AI_INFRASTRUCTURE].score >= 3


def test_one_sentence_is_not_the_evidence_for_every_criterion(
    grader: OfflineGrader, bank: QuestionBank
) -> None:
    card = grader.score(fixture("model-serving-strong"), bank.problem("model-serving"))
    quotes = [q for s in card.criteria.values() for q in s.evidence]
    assert max(quotes.count(q) for q in quotes) <= 2


def test_long_sentences_are_quoted_by_whole_clauses(bank: QuestionBank) -> None:
    long = (
        "The gateway checks the API key and the tenant's quota, "
        + "then the router picks the least loaded replica in the nearest region, "
        + "then the replica streams tokens back over server-sent events, "
        + "and meanwhile a sidecar writes usage records to Kafka for billing, "
        + "which a nightly job rolls up into invoices per tenant."
    )
    s = read_turns([(0, Stage.HIGH_LEVEL, long)]).sentences[0]
    q = quote(s, long.index("Kafka"))
    assert "Kafka" in q and q in long and len(q) <= 220
    assert q.startswith(("then", "and")) and (q[-1].isalnum() or q.endswith("."))


def test_padding_the_strong_answer_with_because_of_slogans_scores_no_higher(
    grader: OfflineGrader, bank: QuestionBank
) -> None:
    strong = fixture("model-serving-strong")
    padded = map_candidate(strong, lambda t: t + " Kafka because of streaming, Redis for speed.")
    serving = bank.problem("model-serving")
    assert grader.score(padded, serving).overall <= grader.score(strong, serving).overall
