"""What the offline scorer read from a transcript, shared by its criteria and pitfalls."""

from __future__ import annotations

import re
from dataclasses import dataclass

from interviewer.bank import Concept, ExpectedPoint
from interviewer.core.rubric import Criterion
from interviewer.core.stages import Stage
from interviewer.offline.analysis import CandidateText, ConceptHit

# Concepts that state a requirement rather than design something.
REQUIREMENT_TALK = {"latency-budget", "capacity-estimate", "availability-target", "throughput"}
# Below this share of design sentences with a reason, an answer is a list of names (salad or
# padding): no criterion rises above "partial".
SUBSTANCE_FLOOR = 0.2


@dataclass(frozen=True)
class Point:
    """An expected point of the problem, how to spot it and the criteria it counts for."""

    stage: Stage
    point: ExpectedPoint
    patterns: tuple[re.Pattern[str], ...]  # its keywords, and the lexicon concept it names
    criteria: frozenset[Criterion]
    head: str | None  # that concept's id


@dataclass(frozen=True)
class Facts:
    """What the grader read from one transcript."""

    text: CandidateText
    hits: list[ConceptHit]
    points: tuple[Point, ...]
    covered: dict[str, list[int]]  # expected point id -> sentences that cover it
    clarifying: list[int]
    adapted: list[bool]
    classic: bool  # no model in the problem: ai_infrastructure means data and compute infra
    asks_first: bool  # the format has a clarify stage (or an opening that invites questions)
    quoted: dict[int, int]  # sentence -> how many criteria quote it already
    # Turns (transcript indices) where the interviewer hinted in the clarify stage.
    clarify_hints: tuple[int, ...] = ()
    # Sentences that make a wrong claim: evidence for nothing (hits already leave them out).
    wrong: frozenset[int] = frozenset()

    @property
    def thin(self) -> bool:
        """Whether the design is mostly names with no mechanism (keyword salad, padding)."""
        design = {h.sentence for h in self.hits if Criterion.CLARITY not in h.concept.criteria}
        explained = {h.sentence for h in self.hits if h.explained}
        return len(design) >= 5 and len(explained & design) < SUBSTANCE_FLOOR * len(design)

    def criteria_of(self, concept: Concept) -> list[Criterion]:
        """The concept's criteria; on a classic problem its infrastructure counts as AI infra."""
        if self.classic and concept.infrastructure:
            return [*concept.criteria, Criterion.AI_INFRASTRUCTURE]
        return concept.criteria

    def shown(self) -> set[str]:
        """The concepts explained anywhere."""
        return {h.concept.id for h in self.hits if h.explained}

    def missed(self, c: Criterion) -> list[str]:
        """The expected points for a criterion that the candidate never reached."""
        return [
            p.point.point for p in self.points if c in p.criteria and not self.covered[p.point.id]
        ]


def label(item_id: str) -> str:
    """An id as words."""
    return item_id.replace("-", " ")


def join_words(words: list[str], last: str = "and") -> str:
    """'a, b and c'."""
    return words[0] if len(words) == 1 else f"{', '.join(words[:-1])} {last} {words[-1]}"
