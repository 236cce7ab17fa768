"""The staff bar keeps a 3 only with depth past the high level; one of the problem's own points
reached there with a reason is that depth, in whatever words it is said."""

from __future__ import annotations

import pytest

from interviewer.bank import ExpectedPoint, QuestionBank
from interviewer.core.rubric import Criterion, CriterionScore, Level
from interviewer.core.stages import Stage
from interviewer.offline.analysis import compile_fast, find_concepts, read_turns
from interviewer.offline.bars import at_bar
from interviewer.offline.facts import Facts, Point

_C = Criterion.RELIABILITY
_BAD_NODES = ExpectedPoint(
    id="bad-nodes",
    point="Excludes failing nodes from scheduling and restarts their jobs elsewhere",
    keywords=["exclud", "restart"],
    question="What happens to a job whose node keeps failing?",
)
_POINT = Point(
    Stage.DEEP_DIVE, _BAD_NODES, (compile_fast(_BAD_NODES.keywords),), frozenset({_C}), None
)
_HIGH = "We copy the job store to three zones so a zone loss keeps every record."
_REASONED = (
    "A node that fails two different jobs in one day is excluded until it is repaired, so jobs "
    "never loop onto bad hardware."
)


def staff_score(
    bank: QuestionBank, deep: str, *, stage: Stage = Stage.DEEP_DIVE, wrong: bool = False
) -> int:
    text = read_turns([(0, Stage.HIGH_LEVEL, _HIGH), (1, stage, deep)])
    # Only the high-level sentence's concepts: the deep sentence earns its depth as a point.
    hits = [h for h in find_concepts(text, bank.compiled_concepts) if h.sentence == 0]
    covered = {
        _BAD_NODES.id: sorted(
            {sid for pat in _POINT.patterns for sid, _ in text.first_matches(pat)}
        )
    }
    assert covered[_BAD_NODES.id] == [1]
    f = Facts(
        text,
        hits,
        (_POINT,),
        covered,
        [],
        [],
        False,
        True,
        {},
        wrong=frozenset({1} if wrong else ()),
    )
    card = {c: CriterionScore(3, [], "") for c in Criterion}
    return at_bar(card, f, Level.STAFF, deep_stage=True)[_C].score


def test_a_point_reached_with_a_reason_in_the_deep_dive_keeps_the_3(bank: QuestionBank) -> None:
    assert staff_score(bank, _REASONED) == 3


@pytest.mark.parametrize(
    ("deep", "stage", "wrong"),
    [
        ("Bad nodes are excluded.", Stage.DEEP_DIVE, False),  # named, no reason
        (_REASONED, Stage.HIGH_LEVEL, False),  # said only at the high level
        (
            "Should a node that fails twice a day be excluded so jobs avoid it?",
            Stage.DEEP_DIVE,
            False,
        ),
        (_REASONED, Stage.DEEP_DIVE, True),  # a wrong claim shows no depth
    ],
)
def test_no_depth_past_the_high_level_holds_staff_at_2(
    bank: QuestionBank, deep: str, stage: Stage, wrong: bool
) -> None:
    assert staff_score(bank, deep, stage=stage, wrong=wrong) == 2
