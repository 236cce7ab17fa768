"""Rambling: questions answered in passing before turning back to one part are lost in
details, and cap the criteria that judge the whole design; a long focused answer is not."""

from __future__ import annotations

from interviewer.bank import Problem
from interviewer.core.rubric import Criterion, Pitfall, Scorecard
from interviewer.core.stages import Stage
from interviewer.core.transcript import Transcript, TurnKind
from interviewer.offline.analysis import read_candidate
from interviewer.offline.rambling import deflected_answers
from interviewer.offline.scorer import OfflineGrader
from tests.interviewer.offline.transcripts import build, candidate, fixture, interviewer

_C = Criterion

_OPEN = (
    "Design a system that serves a GPT-4-class language model to millions of concurrent users. "
    "Walk me through how you would build it."
)
_ASK = "About 2 million concurrent users at peak, and the first token within 500 ms."

# Each question about another part gets a few bare words, then the talk goes back to kernels.
_RAMBLING = (
    "OK, so the interesting part is really the attention kernel, let me start there. "
    "FlashAttention tiles the query, key and value blocks into SRAM so the softmax is computed "
    "in one pass, because reading the full attention matrix from HBM is what makes it slow, and "
    "at 8k context that saves roughly 4x memory traffic on an H100.",
    "It goes to the GPUs. But first, one more thing about the kernels: fusing the rotary "
    "embedding into the attention kernel saves another launch, and at small batch sizes kernel "
    "launch overhead of about 5 microseconds each adds up to 10% of the step time.",
    "Some object store, probably. Going back to the kernels, though: paged attention splits the "
    "KV cache into 16-token blocks, so memory fragmentation drops below 4% and we fit twice as "
    "many sequences, because nothing is reserved for the longest possible output.",
    "By region, maybe. Before that though, quantising the weights to FP8 halves the memory "
    "bandwidth per token, and since decoding is memory bound that is nearly 2x tokens per "
    "second, with a quality loss under one point on our evals.",
)
# Short headline answers, each followed by the mechanism and its reason: focused, not rambling.
_FOCUSED = (
    "Let me sketch the whole path first and then go deep. Requests from the apps and the public "
    "API reach an API gateway that authenticates the key and applies per-key rate limits, then a "
    "router sends each request to a model server pool with continuous batching on GPUs, and "
    "tokens stream back over server-sent events so the first token shows within 500 ms.",
    "Through the router. It tracks queue depth and KV cache use on every replica and sends each "
    "request to the least loaded one, because a replica with a full KV cache would queue the "
    "request and blow the time to first token.",
    "In object storage, versioned. New replicas pull the weights from a regional cache so a "
    "cold start takes about 2 minutes instead of 10, and we keep a warm pool of 5% spare "
    "replicas so a traffic spike never waits for a cold start.",
    "Per region, with failover. Each region serves its own users; if one fails, the global load "
    "balancer shifts its traffic to the next region, which runs at 60% utilisation so it can "
    "absorb the extra load, at the cost of paying for idle GPUs.",
)
_QUESTIONS = (
    "How does a request get from the app to a GPU?",
    "Where do the model weights live, and how does a new replica get them?",
    "How do you survive losing a whole region?",
)


def interview(answers: tuple[str, ...]) -> Transcript:
    """A model-serving interview: one clarifying question, then the four answers."""
    return build(
        "model-serving",
        interviewer(Stage.CLARIFY, _OPEN, TurnKind.OPENING),
        candidate(Stage.CLARIFY, "How many concurrent users, and what latency target?"),
        interviewer(Stage.CLARIFY, _ASK, TurnKind.CLARIFICATION),
        candidate(Stage.HIGH_LEVEL, answers[0]),
        interviewer(Stage.HIGH_LEVEL, _QUESTIONS[0], TurnKind.FOLLOW_UP),
        candidate(Stage.HIGH_LEVEL, answers[1]),
        interviewer(Stage.DEEP_DIVE, _QUESTIONS[1], TurnKind.STAGE_INTRO),
        candidate(Stage.DEEP_DIVE, answers[2]),
        interviewer(Stage.TRADEOFFS, _QUESTIONS[2], TurnKind.STAGE_INTRO),
        candidate(Stage.TRADEOFFS, answers[3]),
    )


def lost(card: Scorecard) -> str | None:
    return next((p.detail for p in card.pitfalls if p.id is Pitfall.LOST_IN_DETAILS), None)


def test_answering_in_passing_and_turning_back_is_lost_in_details(
    grader: OfflineGrader, serving: Problem
) -> None:
    transcript = interview(_RAMBLING)
    assert len(deflected_answers(transcript, read_candidate(transcript))) == 3
    card = grader.score(transcript, serving)
    said = lost(card)
    assert said is not None and "in passing" in said and "It goes to the GPUs." in said
    clarity = card.criteria[Criterion.CLARITY]
    assert clarity.score == 1 and "lost in details" in clarity.feedback
    whole = [card.criteria[c] for c in (_C.SCALABILITY, _C.RELIABILITY, _C.TRADEOFFS)]
    assert all(s.score <= 2 for s in whole)
    assert any("lost in details" in s.feedback for s in whole)


def test_the_caps_are_the_cost_no_second_penalty(grader: OfflineGrader, serving: Problem) -> None:
    card = grader.score(interview(_RAMBLING), serving)
    others = [p for p in card.pitfalls if p.id is not Pitfall.LOST_IN_DETAILS]
    mean = sum(s.score for s in card.criteria.values()) / 7
    assert card.overall == round(max(1.0, mean - 0.2 * len(others)), 1)


def test_one_aside_is_not_rambling(grader: OfflineGrader, serving: Problem) -> None:
    answers = (_FOCUSED[0], _RAMBLING[1], *_FOCUSED[2:])
    transcript = interview(answers)
    assert len(deflected_answers(transcript, read_candidate(transcript))) == 1
    assert lost(grader.score(transcript, serving)) is None


def test_a_long_focused_answer_with_short_headlines_is_not_rambling(
    grader: OfflineGrader, serving: Problem
) -> None:
    transcript = interview(_FOCUSED)
    assert deflected_answers(transcript, read_candidate(transcript)) == []
    card = grader.score(transcript, serving)
    assert lost(card) is None
    assert card.criteria[Criterion.CLARITY].score >= 2


def test_strong_fixtures_have_no_deflected_answer() -> None:
    for name in ("model-serving-strong", "chatbot-api-strong", "distributed-training-strong"):
        transcript = fixture(name)
        assert deflected_answers(transcript, read_candidate(transcript)) == [], name


def test_a_yes_but_with_a_condition_and_its_reason_answers_the_question() -> None:
    """ "Yes, but only if..., because..." is an answer; a bare "Sure, but" that turns to
    something else is not."""
    reasoned = (
        _FOCUSED[0],
        "Yes, but only through the router, because it knows which replica has room in its KV "
        "cache. It sends each request to the least loaded replica.",
        "Sure, but only if we keep 5% warm spares, since a cold start takes 2 minutes. New "
        "replicas pull the weights from a regional cache.",
        _FOCUSED[3],
    )
    transcript = interview(reasoned)
    assert deflected_answers(transcript, read_candidate(transcript)) == []
    turned = (
        reasoned[0],
        "Sure, but the kernels matter more. FlashAttention tiles the blocks into SRAM.",
        *reasoned[2:],
    )
    transcript = interview(turned)
    assert len(deflected_answers(transcript, read_candidate(transcript))) == 1


def test_rambling_after_deep_details_first_is_priced_once(
    grader: OfflineGrader, serving: Problem
) -> None:
    """When the high-level design already went deep before its components (the older lost in
    details) and the answers then ramble, the one pitfall is named once and its cost is the
    caps: no deduction on top."""
    deep = (
        "We would use speculative decoding with a draft model, KV cache quantisation and tensor "
        "parallelism across 8 GPUs with NVLink, plus continuous batching and prefix caching. "
    )
    card = grader.score(interview((deep + _RAMBLING[0], *_RAMBLING[1:])), serving)
    assert [p.id for p in card.pitfalls].count(Pitfall.LOST_IN_DETAILS) == 1
    assert card.criteria[Criterion.CLARITY].score == 1
    others = [p for p in card.pitfalls if p.id is not Pitfall.LOST_IN_DETAILS]
    mean = sum(s.score for s in card.criteria.values()) / 7
    assert card.overall == round(max(1.0, mean - 0.2 * len(others)), 1)
