"""What the interviewer shows back of a diagram: its graph, its version, a text layout."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from interviewer.core.transcript import Role, Turn
from interviewer.diagrams.design import latest
from interviewer.diagrams.graph import Graph
from interviewer.diagrams.kinds import ConceptPatterns
from interviewer.diagrams.layout import render_text


@dataclass(frozen=True)
class DiagramView:
    """One version of the design as the interviewer understood it."""

    version: int
    graph: Graph
    author: str | None = None

    @property
    def title(self) -> str:
        """`Your design, version 2: 6 components, 7 arrows`."""
        g = self.graph
        return (
            f"Your design, version {self.version}: {len(g.nodes)} component"
            f"{'s' if len(g.nodes) != 1 else ''}, {len(g.edges)} arrow"
            f"{'s' if len(g.edges) != 1 else ''}"
        )

    @property
    def text(self) -> str:
        """The readable text layout, under its title."""
        return render_text(self.graph, self.title)


def drawn_before(turns: Sequence[Turn]) -> int:
    """How many diagrams the candidate's turns already hold (the next one is this plus one)."""
    return sum(1 for t in turns if t.role is Role.CANDIDATE and t.diagram)


def final_design(turns: Sequence[Turn], concepts: ConceptPatterns = ()) -> DiagramView | None:
    """The design at the end: the latest diagram drawn."""
    design = latest(turns, concepts)
    if design is None:
        return None
    return DiagramView(design.number, design.graph, design.author)
