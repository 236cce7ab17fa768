"""Feedback that fits the problem: advice from what applies to it, quotes that support what
they are cited for, and names the candidate actually used."""

from __future__ import annotations

import re
from dataclasses import replace

import pytest

from interviewer.bank import QuestionBank
from interviewer.core.rubric import Criterion, Level, Scorecard
from interviewer.core.stages import Stage
from interviewer.core.text import sentences
from interviewer.core.transcript import Transcript, TurnKind
from interviewer.offline.scorer import OfflineGrader
from tests.interviewer.offline.transcripts import build, candidate, fixture, interviewer

_GPU = [
    candidate(
        Stage.CLARIFY,
        "How many GPUs and teams share the cluster? Can inference be preempted? "
        "What utilisation do we have today?",
    ),
    interviewer(
        Stage.CLARIFY,
        "8,192 GPUs, 25 teams, inference cannot be preempted.",
        TurnKind.CLARIFICATION,
    ),
    candidate(
        Stage.HIGH_LEVEL,
        "Jobs go through an admission service that checks each team's guaranteed quota, then a "
        "placement scheduler per data center that packs gang jobs inside one InfiniBand island "
        "because the links between islands are 4x slower. Quotas sum to 90%, so there's a 10% "
        "unowned pool that anyone may borrow. The main trade-off is utilisation vs. queue time, "
        "because holding a reservation for a big job leaves GPUs idle until it starts.",
    ),
    candidate(
        Stage.DEEP_DIVE,
        "Borrowed jobs get ten minutes' notice to checkpoint before they are preempted, so "
        "owners get their quota back fast and borrowers lose at most ten minutes of work. The "
        "scheduler state lives in a replicated store with a standby leader, so a crash costs "
        "seconds of scheduling, not the queue.",
    ),
]


@pytest.fixture
def gpu_card(grader: OfflineGrader, bank: QuestionBank) -> Scorecard:
    return grader.score(build("gpu-scheduler", *_GPU), bank.problem("gpu-scheduler"))


def _said(t: Transcript) -> str:
    return " ".join(x.text for x in t.candidate_turns())


def _advice(card: Scorecard) -> str:
    return " ".join([*(s.feedback for s in card.criteria.values()), *card.improvements])


def test_an_ai_infrastructure_problem_gets_no_classic_web_advice(gpu_card: Scorecard) -> None:
    advice = _advice(gpu_card).lower()
    for web in ("request path", "caching of hot reads", "stateless tiers", "what you cache"):
        assert web not in advice


def test_every_quote_is_a_whole_sentence_the_candidate_wrote(gpu_card: Scorecard) -> None:
    said = set(sentences(_said(build("gpu-scheduler", *_GPU))))
    quotes = [q for s in gpu_card.criteria.values() for q in s.evidence]
    assert quotes
    assert all(q in said for q in quotes), [q for q in quotes if q not in said]
    assert not any(q.endswith("vs.") for q in quotes)


def test_a_fair_share_quota_is_no_security_evidence(gpu_card: Scorecard) -> None:
    security = gpu_card.criteria[Criterion.SECURITY_PRIVACY].evidence
    assert not any("Quotas sum to 90%" in q for q in security)


def test_names_in_the_feedback_are_the_candidates_own_words(
    grader: OfflineGrader, bank: QuestionBank
) -> None:
    for transcript, problem in (
        (build("gpu-scheduler", *_GPU), "gpu-scheduler"),
        (fixture("model-serving-strong"), "model-serving"),
    ):
        card = grader.score(transcript, bank.problem(problem))
        said = _said(transcript).lower()
        for s in card.criteria.values():
            for named in re.findall(r'"([^"]+)"', s.feedback.split(" Capped")[0]):
                if named not in " ".join(s.evidence):
                    assert named.lower() in said, named


def test_nothing_explained_with_a_reason_is_advised(
    grader: OfflineGrader, bank: QuestionBank
) -> None:
    said = (
        "We rate-limit each caller with a token bucket so that one noisy client cannot "
        "starve everyone else's capacity."
    )
    turns = [candidate(Stage.HIGH_LEVEL, said)]
    card = grader.score(build("model-serving", *turns), bank.problem("model-serving"))
    security = card.criteria[Criterion.SECURITY_PRIVACY].feedback
    assert security.startswith("You explained rate limiting with reasons")
    assert "rate limits" not in _advice(card)
    assert "authentication" in security  # what is still missing is advised


def test_the_level_moves_the_bar_the_card_uses(grader: OfflineGrader, bank: QuestionBank) -> None:
    high_level_only = replace(
        fixture("model-serving-strong"),
        turns=tuple(
            t
            for t in fixture("model-serving-strong").turns
            if t.stage in (Stage.CLARIFY, Stage.HIGH_LEVEL)
        ),
    )
    serving = bank.problem("model-serving")
    senior = grader.score(high_level_only, serving)
    staff = grader.score(replace(high_level_only, level=Level.STAFF), serving)
    lowered = [c for c in Criterion if staff.criteria[c].score < senior.criteria[c].score]
    assert lowered, "the staff bar should ask for depth the high level alone does not show"
    assert all("staff bar" in staff.criteria[c].feedback for c in lowered)
    assert any("staff bar" in n for n in staff.notes)
    assert staff.overall < senior.overall
    mid = grader.score(replace(high_level_only, level=Level.MID), serving)
    assert mid.overall >= senior.overall and any("mid bar" in n for n in mid.notes)
