"""Questions grounded in the diagram, and curveball answers checked against it."""

from __future__ import annotations

from interviewer.core.stages import Stage
from interviewer.core.transcript import Role, Turn
from interviewer.diagrams.extract import extract
from interviewer.diagrams.kinds import ConceptPatterns
from interviewer.diagrams.probes import curveball_check, follow_up, next_probe

REGION = "A whole region goes down for six hours. What happens to your service?"
TEN_X = "Traffic grows 10x overnight. What breaks first?"


def said(text: str) -> Turn:
    found = extract(text)
    return Turn(Role.CANDIDATE, Stage.DEEP_DIVE, found.prose, diagram=found.source)


def test_a_regional_curveball_against_a_one_region_diagram(concepts: ConceptPatterns) -> None:
    turns = [said("We fail over.\nusers -> lb pool -> api pool -> db replicas")]
    probe = curveball_check(turns, REGION, concepts)
    assert probe is not None and probe.question.startswith("Your diagram still has one region")
    two = (
        "```mermaid\nflowchart LR\nsubgraph e [us-east]\nA[API pool]\nend\n"
        "subgraph w [eu-west]\nB[API pool 2]\nend\nU[Users] --> A & B\n```"
    )
    assert curveball_check([*turns, said(two)], REGION, concepts) is None


def test_a_load_curveball_points_at_the_single_box_still_on_the_path(
    concepts: ConceptPatterns,
) -> None:
    turns = [said("client -> gateway -> gpu pool")]
    probe = curveball_check(turns, TEN_X, concepts)
    assert probe is not None
    assert "still has a single gateway on the request path `client → gateway → gpu pool`" in (
        probe.question
    )


def test_follow_up_only_grounds_a_fresh_diagram_and_asks_once(concepts: ConceptPatterns) -> None:
    turns = [said("client -> gateway -> gpu pool"), said("Batching happens in the pool.")]
    assert follow_up(turns, [], grounded=True, concepts=concepts) is None  # not fresh
    fresh = turns[:1]
    probe = follow_up(fresh, [], grounded=True, concepts=concepts)
    assert probe is not None and probe.key == "diagram:spof:gateway"
    assert probe.evidence == "client → gateway → gpu pool"
    assert follow_up(fresh, [], grounded=False, concepts=concepts) is None
    later = next_probe(fresh, [probe.key], concepts)
    assert later is not None and later.key != probe.key
    assert next_probe([said("no diagram")], [], concepts) is None
