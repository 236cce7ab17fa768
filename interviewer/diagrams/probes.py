"""The interviewer's questions about a diagram, grounded in its boxes and paths.

Both interviewers use these: the offline brain asks them as they are, the LLM brain gets the
findings as data. A question is asked once (its key goes to the interview's asked list).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from interviewer.core.transcript import Role, Turn
from interviewer.diagrams.analysis import Finding, findings, regions, single_points_of_failure
from interviewer.diagrams.design import Version, latest, prose, versions
from interviewer.diagrams.graph import Graph
from interviewer.diagrams.kinds import ConceptPatterns

_REGIONAL = re.compile(r"\b(?:region|data ?cent(?:er|re)|global|worldwide|continent)", re.I)
_LOAD = re.compile(r"\b(?:\d+\s*x|users|traffic|spike|load|peak|double|triple)\b", re.I)


@dataclass(frozen=True)
class Probe:
    """A question about the diagram, its key, and the path it quotes."""

    key: str
    question: str
    evidence: str = ""


def question(graph: Graph, finding: Finding) -> str:
    """The words for one finding (one question, ending with its only '?')."""
    name = graph.label(finding.node) if finding.node else ""
    path = f"`{graph.path_text(finding.path)}`" if len(finding.path) > 1 else ""
    if finding.kind == "spof":
        return (
            f"Every request on your path {path} goes through the one {name}, so what happens "
            f"to traffic when that {name} fails?"
        )
    if finding.kind == "unexplained":
        where = f" ({path})" if path else ""
        return (
            f"Your diagram has {name}{where}, but you haven't said what it does: what is its "
            "job, and why does it sit there?"
        )
    if finding.kind == "disconnected":
        return (
            f"Nothing in your diagram connects to {name}: what sends it work, and where do its "
            "results go?"
        )
    if finding.kind == "unreplicated":
        return (
            f"Your diagram has a single {name} ({path}) and you haven't said how it is "
            "replicated: what happens to its data when that machine dies?"
        )
    return (
        "Your diagram still has one region: where does the second one go, and how does "
        "traffic reach it when the first is down?"
    )


def fresh_diagram(turns: Sequence[Turn]) -> bool:
    """Whether the candidate's last message drew a diagram."""
    for turn in reversed(turns):
        if turn.role is Role.CANDIDATE:
            return bool(turn.diagram)
    return False


def next_probe(
    turns: Sequence[Turn], asked: Iterable[str], concepts: ConceptPatterns = ()
) -> Probe | None:
    """The most important question about the design not asked yet (None without a diagram)."""
    design = latest(turns, concepts)
    if design is None:
        return None
    done = set(asked)
    for finding in findings(design.graph, prose(turns)):
        if finding.key not in done:
            return Probe(finding.key, question(design.graph, finding), _evidence(design, finding))
    return None


def curveball_check(
    turns: Sequence[Turn], curveball_text: str, concepts: ConceptPatterns = ()
) -> Probe | None:
    """A curveball's answer checked against the design: a regional curveball with one region
    still drawn, or a load curveball with a single box still on the request path."""
    design = latest(turns, concepts)
    return None if design is None else _unmet(design, turns, curveball_text)


def _unmet(design: Version, turns: Sequence[Turn], curveball_text: str) -> Probe | None:
    """The probe for a curveball the design does not meet yet (None when it does)."""
    graph = design.graph
    if _REGIONAL.search(curveball_text) and len(regions(graph)) <= 1:
        finding = Finding("one_region", "")
        return Probe(f"{finding.key}:v{design.number}", question(graph, finding))
    if _LOAD.search(curveball_text):
        for finding in single_points_of_failure(graph, prose(turns)):
            text = (
                f"Your diagram still has a single {graph.label(finding.node)} on the request "
                f"path `{graph.path_text(finding.path)}`: how does it take that load?"
            )
            return Probe(f"{finding.key}:v{design.number}", text, graph.path_text(finding.path))
    return None


def follow_up(
    turns: Sequence[Turn],
    asked: Iterable[str],
    *,
    grounded: bool,
    curveball_text: str | None = None,
    concepts: ConceptPatterns = (),
) -> Probe | None:
    """The diagram question an interviewer asks next, if any: a curveball's answer checked
    against the design first, then (when `grounded`, outside clarifying) a fresh diagram's
    most important finding."""
    done = set(asked)
    if curveball_text is not None:
        check = curveball_check(turns, curveball_text, concepts)
        if check is not None and check.key not in done:
            return check
    if grounded and fresh_diagram(turns):
        return next_probe(turns, done, concepts)
    return None


def _evidence(design: Version, finding: Finding) -> str:
    return design.graph.path_text(finding.path) if len(finding.path) > 1 else ""


def redrawn_for(
    turns: Sequence[Turn], curveball_at: int, curveball_text: str, concepts: ConceptPatterns = ()
) -> bool:
    """Whether the candidate answered the curveball at `curveball_at` with a changed diagram
    that meets it (no longer one region, no single box left on the request path under load)."""
    j = curveball_at + 1
    while j < len(turns) and turns[j].role is Role.INTERVIEWER:
        j += 1
    end = j
    while end < len(turns) and turns[end].role is Role.CANDIDATE:
        end += 1
    if not any(t.diagram for t in turns[j:end]):
        return False
    # Every diagram up to the reply read once: the design before the curveball and after it.
    drawn = versions(turns[:end], concepts)
    before = next((v for v in reversed(drawn) if v.turn < curveball_at), None)
    after = drawn[-1] if drawn else None
    if after is None or (before is not None and before.graph == after.graph):
        return False
    return _unmet(after, turns[:end], curveball_text) is None
