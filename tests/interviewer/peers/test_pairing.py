"""Peer pairing: no repeats until everyone has met, roles swap, odd counts, the brief, and the
two scorecards side by side."""

from __future__ import annotations

import itertools

import pytest

from interviewer.bank import load_bank
from interviewer.core.rubric import Criterion, CriterionScore, HireSignal, Scorecard
from interviewer.core.stages import Format
from interviewer.peers.brief import interviewer_brief
from interviewer.peers.compare import candidate_view, interviewer_view, sides
from interviewer.peers.pairing import CANDIDATE, INTERVIEWER, pair_round


@pytest.mark.parametrize("size", [2, 4, 6, 8])
def test_nobody_meets_twice_until_everyone_has_met(size: int) -> None:
    members = [f"U{i}" for i in range(size)]
    met: list[frozenset[str]] = []
    rounds = size - 1  # a full cycle: every pair exactly once
    for week in range(rounds):
        found = pair_round(members, met, {}, seed="C1")
        assert found.sitting_out is None
        paired = [m for p in found.pairs for m in (p.interviewer, p.candidate)]
        assert sorted(paired) == sorted(members)  # everyone, once
        for pair in found.pairs:
            assert pair.members not in met, f"week {week}: {pair} met before"
            met.append(pair.members)
    assert set(met) == {frozenset(p) for p in itertools.combinations(members, 2)}
    again = pair_round(members, met, {}, seed="next")  # a new cycle starts
    assert len(again.pairs) == size // 2


def test_roles_swap_next_time() -> None:
    first = pair_round(["ada", "bob"], [], {})
    (pair,) = first.pairs
    roles = {pair.interviewer: INTERVIEWER, pair.candidate: CANDIDATE}
    (swapped,) = pair_round(["ada", "bob"], [], roles).pairs
    assert (swapped.interviewer, swapped.candidate) == (pair.candidate, pair.interviewer)


def test_an_odd_count_leaves_out_someone_who_has_not_sat_out() -> None:
    members = ["a", "b", "c"]
    out1 = pair_round(members, [], {}).sitting_out
    out2 = pair_round(members, [], {}, [out1 or ""]).sitting_out
    assert out1 is not None and out2 is not None and out1 != out2
    assert pair_round(["solo"], [], {}).sitting_out == "solo"


def test_a_large_group_pairs_quickly_even_when_repeats_are_forced() -> None:
    members = [f"U{i}" for i in range(40)]
    hub = [frozenset(("U0", f"U{i}")) for i in range(1, 39)]  # U0 met all but U39
    found = pair_round(members, hub, {})
    assert len(found.pairs) == 20
    (with_hub,) = [p for p in found.pairs if "U0" in p.members]
    assert with_hub.members == frozenset(("U0", "U39"))


def test_the_private_brief_has_facts_plan_and_rubric() -> None:
    problem = load_bank().problem("url-shortener")
    brief = interviewer_brief(problem, Format.STANDARD, "Bob")
    assert brief.startswith("*You interview Bob: Design a URL shortener*")
    assert all(fact.answer in brief for fact in problem.hidden_facts)
    assert "• Clarify requirements: 5 min\n• High-level design: 12 min" in brief
    assert all(c.label in brief for c in Criterion)


def card(scores: list[int]) -> Scorecard:
    return Scorecard(
        criteria={c: CriterionScore(s) for c, s in zip(Criterion, scores, strict=True)},
        overall=sum(scores) / len(scores),
        hire_signal=HireSignal.HIRE,
    )


def test_both_scorecards_side_by_side_and_where_they_agree() -> None:
    ai = card([3, 3, 2, 4, 1, 3, 3])
    human = dict(zip(Criterion, [3, 2, 2, 4, 2, 3, 4], strict=True))
    shown = candidate_view(ai, human, "Ada")
    assert "• Scalability: AI 3/4 · Ada 3/4" in shown
    assert "• Reliability & fault tolerance: AI 3/4 · Ada 2/4" in shown
    calibration = interviewer_view(ai, human)
    assert "you agreed with the AI on 4 of 7 criteria" in calibration
    assert "✗ Clarity of thought: you 4/4, higher than the AI's 3/4" in calibration
    with pytest.raises(ValueError, match="has not scored"):
        sides(ai, {Criterion.SCALABILITY: 3})


def test_an_odd_group_meets_everyone_and_each_sits_out_once_a_cycle() -> None:
    members = ["a", "b", "c", "d", "e"]
    met: list[frozenset[str]] = []
    out: list[str] = []
    for _ in range(5):
        found = pair_round(members, met, {}, out, seed="C1")
        assert found.sitting_out is not None and found.sitting_out not in out
        out.append(found.sitting_out)
        for pair in found.pairs:
            assert pair.members not in met
            met.append(pair.members)
    assert len(set(met)) == 10 and sorted(out) == members
