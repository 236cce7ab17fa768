"""The diagrams of an interview: each candidate turn's diagram is a version of the design,
the latest one is "the design", and in a design-along each box is credited to who drew it first.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

from interviewer.core.transcript import Role, Turn
from interviewer.diagrams.extract import read_source
from interviewer.diagrams.graph import Graph
from interviewer.diagrams.kinds import ConceptPatterns, type_graph


@dataclass(frozen=True)
class Version:
    """One diagram the candidate drew, numbered from 1."""

    number: int
    turn: int  # index of its turn in the transcript
    author: str | None
    graph: Graph


def versions(turns: Sequence[Turn], concepts: ConceptPatterns = ()) -> list[Version]:
    """Every readable diagram of the candidate's turns, typed, oldest first."""
    out: list[Version] = []
    for index, turn in enumerate(turns):
        if turn.role is not Role.CANDIDATE or not turn.diagram:
            continue
        graph = _typed(turn.diagram, tuple(concepts))
        if graph is not None:
            out.append(Version(len(out) + 1, index, turn.author, graph))
    return out


@lru_cache(maxsize=256)
def _typed(source: str, concepts: tuple[tuple[str, re.Pattern[str]], ...]) -> Graph | None:
    """A stored diagram read and typed, once: every turn looks at the transcript's diagrams
    again (the design, its findings, a redrawn answer, the model's context)."""
    graph = read_source(source)
    return None if graph is None else type_graph(graph, concepts)


def latest(turns: Sequence[Turn], concepts: ConceptPatterns = ()) -> Version | None:
    """The design: the latest diagram drawn (None before any)."""
    found = versions(turns, concepts)
    return found[-1] if found else None


def prose(turns: Sequence[Turn]) -> str:
    """Everything the candidate wrote in words (diagrams are kept apart from it)."""
    return "\n".join(t.text for t in turns if t.role is Role.CANDIDATE)


def drawn_by(turns: Sequence[Turn]) -> dict[str, list[str]]:
    """In a design-along: who first drew each box of the final design (author -> labels)."""
    found = versions(turns)
    if not found:
        return {}
    final = {n.id: n.label for n in found[-1].graph.nodes}
    first: dict[str, str] = {}
    for version in found:
        for node in version.graph.nodes:
            if node.id in final and node.id not in first and version.author:
                first[node.id] = version.author
    credit: dict[str, list[str]] = {}
    for node_id, author in first.items():
        credit.setdefault(author, []).append(final[node_id])
    return credit
