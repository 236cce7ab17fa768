"""The calibration set loads whole, and the agreement figures are computed correctly."""

from __future__ import annotations

import json
import math
from pathlib import Path

import pytest

from bench.agreement import Report, load_set, quadratic_kappa
from interviewer.core.rubric import (
    Criterion,
    CriterionScore,
    HireSignal,
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


def test_the_offline_scorer_judges_reasoning_not_vocabulary() -> None:
    """Padding and salad stay below lean hire; plain-English strong answers reach it or better."""
    from bench.agreement import STRONG_KINDS
    from interviewer.bank import load_bank
    from interviewer.offline.scorer import OfflineGrader

    bank = load_bank()
    grader = OfflineGrader(bank)
    graded = {
        lab.name: (lab, grader.score(lab.transcript, bank.problem(lab.transcript.question_id)))
        for lab in load_set()
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


def test_the_split_keeps_held_out_problems_apart(tmp_path: Path) -> None:
    from bench.agreement import in_split

    labelled = load_set()
    held = {labelled[0].transcript.question_id}
    (tmp_path / "split.json").write_text(json.dumps({"tune": [], "held_out": sorted(held)}))
    out = in_split(labelled, "held_out", tmp_path)
    tune = in_split(labelled, "tune", tmp_path)
    assert out and {lab.transcript.question_id for lab in out} == held
    assert not {lab.transcript.question_id for lab in tune} & held
    assert len(out) + len(tune) == len(labelled) == len(in_split(labelled, "all", tmp_path))
