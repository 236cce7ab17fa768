"""What the candidate has said, as the offline interviewer understands it: each answer's
concepts, whether it is vague, and who asked what in the stage so far."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from interviewer.bank import Concept, QuestionBank
from interviewer.core.rubric import Criterion
from interviewer.core.stages import Stage
from interviewer.core.transcript import Role, Turn, TurnKind
from interviewer.offline.analysis import ConceptHit, has_quantity
from interviewer.offline.facts import join_words, label
from interviewer.offline.reasoning import content_words
from interviewer.offline.remembered import READINGS, ReadingMemo

# Hedges that mark an answer as a guess rather than a design.
_HEDGE = re.compile(
    r"\b(?:basically|i think it (?:would|will|should) (?:work|be fine)|should be fine"
    r"|it (?:would|will|should) (?:just )?work|something like|kind of like|like chatgpt"
    r"|not sure|no idea|i guess|whatever works|the usual|standard stuff|etc)\b",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class Reading:
    """What the candidate has said so far, as the interviewer understands it."""

    last: str
    last_hits: tuple[ConceptHit, ...]
    said: str  # every candidate turn, collocations blanked
    explained: frozenset[str]  # concept ids explained anywhere
    named: frozenset[str]  # concept ids named anywhere
    designed: str = ""  # the design statements: no clarifying questions, no questions at all

    def covered_in(self, stage: Stage) -> str:
        """What counts as covering a stage's points: for the design stages, the design
        statements only (asking "Is 24 hours a hard deadline?" designs no deadline tracking)."""
        return self.said if stage is Stage.CLARIFY else self.designed

    def facets_given(self, concept: Concept) -> list[str]:
        """The facets of a concept the candidate has given anywhere."""
        return [n for n, p in concept.compiled_facets.items() if p.search(self.said)]


def read_candidate_turns(
    bank: QuestionBank, turns: Sequence[Turn], memo: ReadingMemo | None = None
) -> Reading:
    """The candidate's words, with what each answer named and explained.

    Each answer is read once: the reading of the turns before it is remembered (`memo`, by
    default the process's), so an interview's 40th answer costs what its first did."""
    mine = [(i, t.stage, t.text) for i, t in enumerate(turns) if t.role is Role.CANDIDATE]
    if not mine:
        return Reading("", (), "", frozenset(), frozenset(), "")
    last, hits = (READINGS if memo is None else memo).read(bank.compiled_concepts, mine)
    chain = last.chain()
    return Reading(
        last=mine[-1][2],
        last_hits=hits,
        said="\n".join(
            t if r.masked is None else r.masked for r, (_, _, t) in zip(chain, mine, strict=True)
        ),
        explained=frozenset(c for r in chain for c in r.explained),
        named=frozenset(c for r in chain for c in r.named),
        designed="\n".join(r.designed for r in chain if r.designed),
    )


def is_vague(reading: Reading) -> bool:
    """An answer with no design in it: no concept explained, no number, or only a hedge."""
    last = reading.last
    if not last.strip() or has_quantity(last):
        return False
    if any(h.explained for h in reading.last_hits):
        return False
    design = [h for h in reading.last_hits if Criterion.CLARITY not in h.concept.criteria]
    return bool(_HEDGE.search(last)) or (not design and len(content_words(last)) < 6)


def follow_ups_in_stage(turns: Sequence[Turn], stage: Stage) -> int:
    """How many follow-ups the interviewer has asked in this stage so far."""
    return sum(
        1
        for t in turns
        if t.role is Role.INTERVIEWER and t.stage is stage and t.kind == TurnKind.FOLLOW_UP
    )


def last_interviewer(turns: Sequence[Turn]) -> Turn | None:
    """The interviewer's most recent turn."""
    for t in reversed(turns):
        if t.role is Role.INTERVIEWER:
            return t
    return None


def last_candidate(turns: Sequence[Turn]) -> str:
    """The candidate's most recent message ('' before they have said anything)."""
    return next((t.text for t in reversed(turns) if t.role is Role.CANDIDATE), "")


def curveball_gist(reading: Reading) -> str:
    """How the candidate adapted, named by the concepts of their answer (never copied verbatim:
    the interviewer's turns must hold nothing the candidate could ask to forget)."""
    design = [h for h in reading.last_hits if Criterion.CLARITY not in h.concept.criteria]
    ranked = sorted(design, key=lambda h: not h.explained)
    labels = list(dict.fromkeys(label(h.concept.id) for h in ranked))[:3]
    return join_words(labels) if labels else "that change"


def stems(text: str) -> set[str]:
    """A text's content words by their first five letters ("team's" is "team")."""
    return {w.split("'")[0][:5] for w in content_words(text)}
