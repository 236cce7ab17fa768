"""The human interviewer's scores beside the AI's: what the candidate and the interviewer see."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from interviewer.core.rubric import Criterion, Scorecard

AGREE_WITHIN = 0  # scores are whole numbers 1-4: agreeing means the same score


@dataclass(frozen=True)
class Side:
    """One criterion scored by both: the AI's, the human's, and whether they agree."""

    criterion: Criterion
    ai: int
    human: int

    @property
    def agreed(self) -> bool:
        """Whether the two scores match."""
        return abs(self.ai - self.human) <= AGREE_WITHIN


def sides(ai: Scorecard, human: Mapping[Criterion, int]) -> list[Side]:
    """Every criterion with both scores, in rubric order."""
    missing = [c.label for c in Criterion if c not in human]
    if missing:
        raise ValueError(f"the interviewer has not scored: {', '.join(missing)}")
    return [Side(c, ai.criteria[c].score, human[c]) for c in Criterion]


def candidate_view(ai: Scorecard, human: Mapping[Criterion, int], interviewer: str) -> str:
    """The candidate's card: both scores per criterion, side by side."""
    rows = [
        f"• {s.criterion.label}: AI {s.ai}/4 · {interviewer} {s.human}/4" for s in sides(ai, human)
    ]
    mean = sum(human.values()) / len(human)
    return "\n".join(
        [
            f"*Your peer mock*: AI overall {ai.overall:.1f}/4 · {interviewer} {mean:.1f}/4",
            *rows,
        ]
    )


def interviewer_view(ai: Scorecard, human: Mapping[Criterion, int]) -> str:
    """The interviewer's calibration: where they agreed with the AI and where not."""
    both = sides(ai, human)
    agreed = [s for s in both if s.agreed]
    lines = [f"*Your scoring*: you agreed with the AI on {len(agreed)} of {len(both)} criteria."]
    for s in both:
        if s.agreed:
            lines.append(f"✓ {s.criterion.label}: both {s.ai}/4")
        else:
            higher = "higher" if s.human > s.ai else "lower"
            lines.append(f"✗ {s.criterion.label}: you {s.human}/4, {higher} than the AI's {s.ai}/4")
    return "\n".join(lines)
