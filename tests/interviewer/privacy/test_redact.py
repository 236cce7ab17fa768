"""Taking words out of scorecards and states: quotes matched loosely, everything else kept."""

from __future__ import annotations

from datetime import UTC, datetime

from interviewer.core.rubric import (
    Contribution,
    Criterion,
    CriterionScore,
    Pitfall,
    PitfallSeen,
    Scorecard,
    hire_signal_for,
)
from interviewer.core.stages import Format, Stage
from interviewer.core.state import CurveballPlan, InterviewState
from interviewer.privacy.redact import (
    DETAIL_REMOVED,
    DETAIL_WITHHELD,
    QUOTES_REMOVED,
    drop_responses,
    found_in,
    strip_quotes,
    without_words_of,
)

ANA = "We shard   by tenant because writes dominate."
BEN = "A cache in front cuts read latency."


def card() -> Scorecard:
    criteria = {c: CriterionScore(3, [], "Cover failure modes.") for c in Criterion}
    criteria[Criterion.SCALABILITY] = CriterionScore(3, [ANA, BEN], "Good sharding.")
    pitfalls = [
        PitfallSeen(Pitfall.DESIGNED_BEFORE_CLARIFYING, "Started designing: “We shard by tenant”"),
        PitfallSeen(Pitfall.IGNORED_NONFUNCTIONAL, "Only scale came up."),
    ]
    contributors = [Contribution("UANA", 2, 3.0), Contribution("UBEN", 2, 2.5)]
    return Scorecard(
        criteria, 3.0, hire_signal_for(3.0), pitfalls, ["Practise."], "offline", [], contributors
    )


def test_quotes_match_despite_spacing_case_quote_marks_and_ellipses() -> None:
    assert found_in("“we shard by TENANT…", [ANA])
    assert not found_in("we shard by region", [ANA])
    assert not found_in("  ", [ANA])


def test_strip_quotes_keeps_scores_and_advice() -> None:
    stripped = strip_quotes(card())
    assert all(s.evidence == [] for s in stripped.criteria.values())
    assert stripped.criteria[Criterion.SCALABILITY].feedback == "Good sharding."
    assert [p.detail for p in stripped.pitfalls] == [DETAIL_REMOVED, "Only scale came up."]
    assert stripped.overall == 3.0 and stripped.improvements == ["Practise."]
    assert stripped.notes == [QUOTES_REMOVED]
    assert strip_quotes(stripped).notes == [QUOTES_REMOVED]  # a second run adds nothing


def test_without_words_of_takes_out_one_member() -> None:
    kept = without_words_of(card(), own=[BEN], foreign=[ANA], author="UANA")
    assert kept.criteria[Criterion.SCALABILITY].evidence == [BEN]
    assert [p.detail for p in kept.pitfalls] == [DETAIL_WITHHELD, "Only scale came up."]
    assert [c.author for c in kept.contributors] == ["UBEN"]


def test_a_solo_card_is_left_alone() -> None:
    assert without_words_of(card(), own=[ANA, BEN], foreign=[]) == card()


def test_drop_responses_all_or_only_foreign() -> None:
    now = datetime(2026, 11, 25, tzinfo=UTC)
    state = InterviewState("q", Format.STANDARD, Stage.DEEP_DIVE, now, now, now)
    state.curveballs = [
        CurveballPlan("a", Stage.DEEP_DIVE, 0.5, now, ANA),
        CurveballPlan("b", Stage.TRADEOFFS, 0.2, now, BEN),
    ]
    assert [p.response for p in drop_responses(state, [ANA]).curveballs] == [None, BEN]
    assert [p.response for p in drop_responses(state).curveballs] == [None, None]
    assert [p.response for p in state.curveballs] == [ANA, BEN]  # the input is not changed
