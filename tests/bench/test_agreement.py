"""The calibration set loads whole, and the agreement figures are computed correctly."""

from __future__ import annotations

import math
from dataclasses import replace

import pytest

from bench.agreement import HALVES, Report, held_out_problems, load_set, quadratic_kappa
from interviewer.core.rubric import (
    Criterion,
    CriterionScore,
    HireSignal,
    Level,
    Scorecard,
    hire_signal_for,
)


def test_the_calibration_set_is_broad_and_consistent() -> None:
    labelled = load_set()
    assert len(labelled) >= 40
    assert len({lab.transcript.question_id for lab in labelled}) >= 8
    kinds = {lab.kind for lab in labelled}
    assert {"strong", "weak", "plain_english_strong", "keyword_salad", "circular_padding"} <= kinds
    assert {"rambling", "injection", "forged_speaker", "paraphrase", "security_specialist"} <= kinds
    for lab in labelled:
        assert set(lab.criteria) == set(Criterion), lab.name
        assert lab.reason.strip(), lab.name
        mean = sum(lab.criteria.values()) / len(lab.criteria)
        assert hire_signal_for(mean) is lab.hire_signal, lab.name
    adversarial = [lab for lab in labelled if lab.kind in ("keyword_salad", "circular_padding")]
    assert adversarial and all(lab.ceiling is not None for lab in adversarial)


def test_kappa_is_one_for_agreement_and_zero_or_less_for_chance() -> None:
    ratings = [1, 2, 3, 4, 2, 3]
    assert quadratic_kappa(ratings, ratings) == pytest.approx(1.0)
    assert quadratic_kappa([1, 2, 3, 4], [4, 3, 2, 1]) < 0
    # worked by hand: one rating off by one step; 1 - (1/9) / (32/36)
    assert quadratic_kappa([1, 2, 3, 4], [1, 2, 3, 3]) == pytest.approx(0.875)
    assert math.isnan(quadratic_kappa([], []))


def test_a_report_counts_broken_ceilings_and_the_confusion_matrix() -> None:
    labelled = [lab for lab in load_set() if lab.ceiling is not None][:2]
    assert len(labelled) == 2

    def card(score: int) -> Scorecard:
        criteria = {c: CriterionScore(score) for c in Criterion}
        overall = float(score)
        return Scorecard(criteria, overall, hire_signal_for(overall), grader="test")

    report = Report("test", [(labelled[0], card(4)), (labelled[1], card(1))])
    assert [lab.name for lab, _ in report.broken_ceilings()] == [labelled[0].name]
    matrix = report.confusion()
    assert matrix[labelled[0].hire_signal][HireSignal.STRONG_HIRE] >= 1
    assert sum(sum(row.values()) for row in matrix.values()) == 2


def test_the_set_splits_by_problem_into_tune_and_three_held_out_parts() -> None:
    parts = {half: load_set(half=half) for half in HALVES}
    assert sum(len(labs) for labs in parts.values()) == len(load_set())
    for half, labs in parts.items():
        assert labs and all(lab.half == half for lab in labs), half
    problems = {h: {lab.transcript.question_id for lab in labs} for h, labs in parts.items()}
    held = [problems[h] for h in HALVES if h != "tune"]
    assert all(problems["tune"].isdisjoint(part) for part in held)
    assert sum(len(part) for part in held) == len(set().union(*held))  # the parts are disjoint
    assert held_out_problems() == problems["held_out"] | problems["fresh"] | problems["blind"]
    with pytest.raises(ValueError, match="half must be"):
        load_set(half="everything")


def test_the_offline_scorer_judges_reasoning_not_vocabulary() -> None:
    """Padding and salad stay below lean hire; plain-English strong answers reach it or better.

    On the tune half only: the held-out half is reported by `python -m bench.agreement --split
    held_out`, never asserted on, so that no failure shows its figures to whoever tunes."""
    from bench.agreement import STRONG_KINDS
    from interviewer.bank import load_bank
    from interviewer.offline.scorer import OfflineGrader

    bank = load_bank()
    grader = OfflineGrader(bank)
    graded = {
        lab.name: (lab, grader.score(lab.transcript, bank.problem(lab.transcript.question_id)))
        for lab in load_set(half="tune")
    }
    gaming = [(n, c.overall) for n, (lab, c) in graded.items() if lab.kind in _GAMING]
    assert len(gaming) >= 8
    assert all(overall < 2.5 for _, overall in gaming), gaming
    plain = [(n, c.overall) for n, (lab, c) in graded.items() if lab.kind == "plain_english_strong"]
    assert len(plain) >= 5
    assert all(overall >= 2.5 for _, overall in plain), plain
    strong = [c.overall for lab, c in graded.values() if lab.kind in STRONG_KINDS]
    assert sum(strong) / len(strong) >= 3.0
    broken = [
        n for n, (lab, c) in graded.items() if lab.ceiling and c.overall > lab.ceiling.overall
    ]
    assert len(broken) <= 1, broken  # before the reasoning checks: six


_GAMING = ("circular_padding", "keyword_salad")


def test_a_report_gives_signed_bias_and_figures_per_problem() -> None:
    """Bias says which way a criterion errs; by_problem shows a problem the grader fits badly."""
    from dataclasses import replace

    from bench.agreement import render_problems

    tune = load_set(half="tune")
    first = tune[0]
    other = next(lab for lab in tune if lab.transcript.question_id != first.transcript.question_id)
    a = replace(first, criteria=dict.fromkeys(Criterion, 2), hire_signal=HireSignal.LEAN_NO_HIRE)
    b = replace(other, criteria=dict.fromkeys(Criterion, 3), hire_signal=HireSignal.HIRE)

    def card(score: int) -> Scorecard:
        criteria = {c: CriterionScore(score) for c in Criterion}
        return Scorecard(criteria, float(score), hire_signal_for(float(score)), grader="test")

    report = Report("test", [(a, card(4)), (b, card(3))])  # two too high on a, exact on b
    assert report.bias(Criterion.RELIABILITY) == pytest.approx(1.0)
    assert report.overall_errors() == pytest.approx([2.0, 0.0])
    rows = report.by_problem()
    assert rows[first.transcript.question_id] == (1, pytest.approx(2.0), pytest.approx(2.0), 0.0)
    assert rows[other.transcript.question_id] == (1, 0.0, 0.0, 1.0)
    assert "worst 2.00" in render_problems(report)


def test_a_mid_or_staff_label_is_judged_at_its_own_bar() -> None:
    """Labels state the band at the senior bar; the card is judged at the interview's level,
    so the expected band moves with the level the same way (a 3.0 mean is lean hire at the
    staff bar; a 2.86 mean is hire at the mid bar and lean hire at the senior one)."""
    lab = next(lab for lab in load_set() if lab.level is Level.SENIOR)
    even = replace(lab, criteria=dict.fromkeys(Criterion, 3), hire_signal=HireSignal.HIRE)
    assert even.band is HireSignal.HIRE
    assert replace(even, level=Level.STAFF).band is HireSignal.LEAN_HIRE
    assert replace(
        even, level=Level.MID, criteria={**even.criteria, Criterion.CLARITY: 2}
    ).band is (HireSignal.HIRE)
