"""Taking words out of a scorecard takes the drawing too: quotes of paths and the final design."""

from __future__ import annotations

from interviewer.core.rubric import Criterion, CriterionScore, HireSignal, Scorecard
from interviewer.privacy.redact import strip_quotes, without_words_of


def card() -> Scorecard:
    criteria = {c: CriterionScore(2, ["diagram: client → gateway"], "ok.") for c in Criterion}
    return Scorecard(criteria, 2.0, HireSignal.LEAN_NO_HIRE, diagram="The final design ...")


def test_strip_quotes_drops_the_diagram_and_its_paths() -> None:
    stripped = strip_quotes(card())
    assert stripped.diagram is None
    assert all(not s.evidence for s in stripped.criteria.values())
    plain = Scorecard(card().criteria, 2.0, HireSignal.LEAN_NO_HIRE)
    assert strip_quotes(plain).diagram is None


def test_a_member_taken_out_of_a_design_along_takes_the_shared_drawing() -> None:
    kept = without_words_of(card(), own=["mine"], foreign=["theirs"], author="U2")
    assert kept.diagram is None
    assert without_words_of(card(), own=["mine"], foreign=[]).diagram == "The final design ..."
