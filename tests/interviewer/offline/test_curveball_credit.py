"""Curveballs count in trade-offs and clarity: met well, they can take both to 4 with the reply
quoted; met thinly, modest credit; ignored, capped (INTERVIEW_SPEC section 3)."""

from __future__ import annotations

import pytest

from interviewer.bank import Problem
from interviewer.core.rubric import Criterion, Pitfall, Scorecard
from interviewer.core.stages import Stage
from interviewer.core.transcript import Transcript, TurnKind
from interviewer.offline.scorer import OfflineGrader
from tests.interviewer.offline.transcripts import build, candidate, interviewer

_CLARITY, _TRADEOFFS, _RELIABILITY = (
    Criterion.CLARITY,
    Criterion.TRADEOFFS,
    Criterion.RELIABILITY,
)
REGION_DOWN = (
    "New constraint: one of your regions has just gone completely dark, and it was serving a "
    "third of your traffic. How does your design keep serving those users?"
)
DESIGN = (
    "Requests go through a global load balancer to three regions, each with an API gateway and "
    "a pool of GPU model servers. Each server batches requests continuously, because a GPU does "
    "nearly the same work for one request as for many. Model weights are replicated in every "
    "region so that any region can serve any request. We autoscale the GPU pool on queue depth "
    "to keep the first token under 500 ms."
)
# Re-planned in the design already laid out, several changes explained, what it costs named.
WELL = (
    "Geo DNS and the global load balancer shift that third of the traffic to the two other "
    "regions within a minute, because health checks mark the dark region down. Each surviving "
    "region then carries half again its load, so I'd keep 50% headroom in the GPU pools, which "
    "costs us about a third more GPUs all year. Until autoscaling adds servers, we shed the free "
    "tier first and run larger batches, at the cost of slower tokens for everyone, so paying "
    "traffic keeps its latency target. Model weights are already replicated in every region, so "
    "nothing has to be copied while we fail over."
)
# The same re-plan with no cost named.
WELL_UNWEIGHED = (
    "Geo DNS and the global load balancer shift that third of the traffic to the two other "
    "regions within a minute, because health checks mark the dark region down. Each surviving "
    "region then carries half again its load, so the GPU pools keep 50% headroom to take it. "
    "Until autoscaling adds servers, we shed the free tier first and run larger batches, so "
    "paying traffic keeps its latency target. Model weights are already replicated in every "
    "region, so nothing has to be copied while we fail over to the other two regions, and "
    "the clients retry the requests that were in flight there against the new region."
)
THIN = "We fail over to the other two regions with geo DNS."
IGNORED = "I'd keep tuning the tokenizer instead; it is the slowest part today."


def _interview(problem: Problem, reply: str, *, asks: bool = True) -> Transcript:
    questions = [
        candidate(Stage.CLARIFY, "How many users, and how many requests per second at peak?"),
        interviewer(Stage.CLARIFY, "About 50k requests per second.", TurnKind.CLARIFICATION),
        candidate(Stage.CLARIFY, "What latency target, and in how many regions?"),
        interviewer(Stage.CLARIFY, "First token in 500 ms, three regions.", TurnKind.CLARIFICATION),
        candidate(Stage.CLARIFY, "And how much does cost matter?"),
        interviewer(Stage.CLARIFY, "A lot: GPUs are the bill.", TurnKind.CLARIFICATION),
    ]
    return build(
        "model-serving",
        interviewer(Stage.CLARIFY, problem.prompt, TurnKind.OPENING),
        *(questions if asks else []),
        candidate(Stage.HIGH_LEVEL, DESIGN),
        interviewer(Stage.DEEP_DIVE, REGION_DOWN, TurnKind.CURVEBALL, "region-down"),
        candidate(Stage.DEEP_DIVE, reply),
    )


@pytest.fixture(scope="module")
def cards(grader: OfflineGrader, serving: Problem) -> dict[str, Scorecard]:
    replies = {"well": WELL, "unweighed": WELL_UNWEIGHED, "thin": THIN, "ignored": IGNORED}
    return {k: grader.score(_interview(serving, r), serving) for k, r in replies.items()}


def test_a_curveball_met_well_takes_clarity_to_4_with_the_reply_quoted(
    cards: dict[str, Scorecard],
) -> None:
    well, thin = cards["well"].criteria[_CLARITY], cards["thin"].criteria[_CLARITY]
    assert thin.score == 3  # met thinly: adapting is one sign of clarity among others
    assert "adapted to each new constraint" in thin.feedback
    assert well.score == 4
    assert any(q in WELL for q in well.evidence[:1])
    assert "re-planned the design for the new constraint" in well.feedback


def test_a_curveball_met_well_and_weighed_counts_in_tradeoffs(
    cards: dict[str, Scorecard],
) -> None:
    thin = cards["thin"].criteria[_TRADEOFFS]
    assert thin.score == 3
    well = cards["well"].criteria[_TRADEOFFS]
    assert well.score == 4
    assert "at the cost of" in well.evidence[0] or "costs us" in well.evidence[0]
    # Re-planned but with no cost named: clarity rises, trade-offs do not.
    unweighed = cards["unweighed"]
    assert unweighed.criteria[_CLARITY].score == 4
    assert unweighed.criteria[_TRADEOFFS].score == thin.score


def test_a_curveball_met_well_leaves_the_criterion_it_tested_to_its_own_evidence(
    cards: dict[str, Scorecard],
) -> None:
    # Reliability is scored from the design's own mechanisms; the re-plan adds no band there.
    assert cards["well"].criteria[_RELIABILITY].score == cards["thin"].criteria[_RELIABILITY].score


def test_an_ignored_curveball_earns_no_credit(cards: dict[str, Scorecard]) -> None:
    ignored = cards["ignored"]
    assert any(p.id is Pitfall.IGNORED_CURVEBALL for p in ignored.pitfalls)
    for c in (_CLARITY, _TRADEOFFS, _RELIABILITY):
        assert ignored.criteria[c].score <= 2
        assert not any(q in IGNORED for q in ignored.criteria[c].evidence)


def test_a_curveball_met_well_does_not_lift_clarity_held_down_by_designing_first(
    grader: OfflineGrader, serving: Problem
) -> None:
    card = grader.score(_interview(serving, WELL, asks=False), serving)
    assert card.criteria[_CLARITY].score <= 2


def test_fresh_names_are_not_a_replan_of_the_design(
    grader: OfflineGrader, serving: Problem
) -> None:
    # As long and as reasoned, but about parts the design never had: adapting, not re-planning.
    fresh = (
        "We would add a Kafka queue in front of a new Cassandra cluster, because it absorbs the "
        "burst of retries from the dark region's clients. A Redis cache in each region keeps the "
        "hot prompts, so that repeated questions never reach a GPU while we recover. A CDN serves "
        "the static pages, which keeps the web clients up even when the API is slow. A "
        "circuit breaker on each client stops the retries once errors pass 5%, so the other "
        "regions are not flooded while they take over."
    )
    card = grader.score(_interview(serving, fresh), serving)
    assert not any(p.id is Pitfall.IGNORED_CURVEBALL for p in card.pitfalls)
    assert card.criteria[_CLARITY].score == 3
