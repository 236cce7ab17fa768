"""The diagram in the grade: its components and paths as evidence, and clarity credited when
the diagram matches the prose. Applied by the offline scorer to its criteria."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import replace

from interviewer.core.rubric import Criterion, CriterionScore
from interviewer.core.transcript import Turn
from interviewer.diagrams.analysis import mentions, request_path
from interviewer.diagrams.design import latest, prose
from interviewer.diagrams.graph import Graph
from interviewer.diagrams.kinds import ConceptPatterns

MAX_EVIDENCE = 3
_MATCHED, _UNEXPLAINED = 0.6, 0.3


def evidence_path(graph: Graph, node_id: str) -> str:
    """`diagram: a → b → c`: the request path when the box is on it, else its own arrows."""
    path = request_path(graph)
    if node_id not in path:
        path = (*graph.predecessors(node_id)[:1], node_id, *graph.successors(node_id)[:1])
    return f"diagram: {graph.path_text(path)}"


def credit(
    criteria: Mapping[Criterion, CriterionScore],
    turns: Sequence[Turn],
    concepts: ConceptPatterns,
    criteria_of: Mapping[str, Sequence[Criterion]],
) -> dict[Criterion, CriterionScore]:
    """The criteria with the final diagram's evidence added (names alone reach 2 at most)."""
    out = dict(criteria)
    design = latest(turns, concepts)
    if design is None:
        return out
    g = design.graph
    shown: dict[Criterion, list[str]] = {}
    for node in g.nodes:
        for c in criteria_of.get(node.concept or "", ())[:1]:
            shown.setdefault(c, []).append(node.id)
    for c, ids in shown.items():
        s = out[c]
        quotes = list(dict.fromkeys(evidence_path(g, i) for i in ids))
        names = ", ".join(g.label(i) for i in ids[:3])
        out[c] = replace(
            s,
            score=max(s.score, 2),
            evidence=(s.evidence + [q for q in quotes if q not in s.evidence])[:MAX_EVIDENCE]
            if len(s.evidence) < MAX_EVIDENCE
            else s.evidence,
            feedback=f"{s.feedback} Your diagram shows {names}.",
        )
    out[Criterion.CLARITY] = _clarity(out[Criterion.CLARITY], g, prose(turns))
    return out


def _clarity(s: CriterionScore, g: Graph, said: str) -> CriterionScore:
    """A diagram whose boxes the prose explains is clear thinking made visible."""
    boxes = [n for n in g.nodes if n.kind != "client"]
    if len(boxes) < 2:
        return s
    named = [n for n in boxes if mentions(n, said)]
    share = len(named) / len(boxes)
    path = f"diagram: {g.path_text(request_path(g))}"
    if share >= _MATCHED:
        evidence = s.evidence if len(s.evidence) >= MAX_EVIDENCE else [*s.evidence, path]
        return replace(
            s,
            score=min(4, s.score + 1),
            evidence=evidence,
            feedback=f"{s.feedback} Your diagram matched your prose: its boxes were explained.",
        )
    if share < _UNEXPLAINED:
        missing = ", ".join([n.label for n in boxes if n not in named][:3])
        return replace(
            s, feedback=f"{s.feedback} Your diagram's boxes went unexplained: {missing}."
        )
    return s
