"""The graph read as an interviewer would: types, SPOFs, loose boxes, stores, regions, text."""

from __future__ import annotations

from interviewer.core.stages import Stage
from interviewer.core.transcript import Role, Turn
from interviewer.diagrams import analysis
from interviewer.diagrams.design import drawn_by, latest, versions
from interviewer.diagrams.extract import extract
from interviewer.diagrams.graph import Graph
from interviewer.diagrams.kinds import ConceptPatterns, type_graph
from interviewer.diagrams.layout import layers, render_text

ARROWS = "client -> gateway -> router -> gpu pool\nrouter -> cache: lookup\nrouter -> postgres"


def typed(source: str, concepts: ConceptPatterns) -> Graph:
    graph = extract(source).graph
    assert graph is not None
    return type_graph(graph, concepts)


def test_nodes_are_typed_through_the_lexicon_and_unknown_ones_kept(
    concepts: ConceptPatterns,
) -> None:
    g = typed(ARROWS + "\nrouter -> vector index\nrouter -> feature store -> s3 bucket", concepts)
    kinds = {n.label: (n.kind, n.concept) for n in g.nodes}
    assert kinds["gateway"] == ("gateway", "api-gateway")
    assert kinds["gpu pool"] == ("GPU pool", "gpu-accelerators")
    assert kinds["cache"] == ("cache", "caching")
    assert kinds["postgres"] == ("database", "database-choice")
    assert kinds["vector index"][0] == "vector index"
    assert kinds["s3 bucket"][0] == "object store"
    assert kinds["router"] == ("component", None)
    assert kinds["client"][0] == "client"


def test_single_points_of_failure_on_the_request_path(concepts: ConceptPatterns) -> None:
    g = typed(ARROWS, concepts)
    spofs = analysis.single_points_of_failure(g)
    assert [f.node for f in spofs] == ["gateway", "router"]
    assert g.path_text(spofs[0].path) == "client → gateway → router → gpu pool"
    # a pool, or a box the candidate said is replicated, is not one
    said = "The router runs as three replicas."
    assert [f.node for f in analysis.single_points_of_failure(g, said)] == ["gateway"]
    two_ways = typed("client -> lb\nlb -> api 1 -> db\nlb -> api 2 -> db", concepts)
    assert [f.node for f in analysis.single_points_of_failure(two_ways)] == ["lb", "db"]


def test_disconnected_unreplicated_and_unexplained(concepts: ConceptPatterns) -> None:
    g = typed(ARROWS + "\nmetrics -> dashboards", concepts)
    assert [f.node for f in analysis.disconnected(g)] == ["metrics", "dashboards"]
    assert [f.node for f in analysis.unreplicated_stores(g)] == ["postgres"]
    assert analysis.unreplicated_stores(g, "Postgres has a hot standby.") == []
    prose = "The gateway checks API keys. Hot prompts are cached. The GPU pool batches."
    unexplained = [f.node for f in analysis.unexplained(g, prose)]
    assert unexplained[0] == "router"  # an unknown box first
    assert "gateway" not in unexplained and "cache" not in unexplained
    assert g.path_text(analysis.unexplained(g, prose)[0].path) == "gateway → router → gpu pool"


def test_regions_from_subgraphs_and_labels(concepts: ConceptPatterns) -> None:
    one = typed(ARROWS, concepts)
    two = typed(
        "```mermaid\nflowchart LR\nsubgraph a [us-east]\nL1[LB]\nend\nsubgraph b [eu-west]\n"
        "L2[LB]\nend\nU[Users] --> L1 & L2\n```",
        concepts,
    )
    assert analysis.regions(one) == set() and len(analysis.regions(two)) == 2


def test_layers_and_the_text_layout(concepts: ConceptPatterns) -> None:
    g = typed(ARROWS + "\npostgres -> router\nmonitoring -> monitoring", concepts)
    assert layers(g)[:3] == [["client", "monitoring"], ["gateway"], ["router"]]
    text = render_text(g, "Design v1")
    assert text.splitlines()[:4] == [
        "Design v1",
        "client",
        "└─▶ gateway",
        "    └─▶ router",
    ]
    assert "├─▶ cache  (lookup)" in text and "↺ router" in text


def turn(text: str, author: str | None = None) -> Turn:
    found = extract(text)
    return Turn(Role.CANDIDATE, Stage.HIGH_LEVEL, found.prose, author=author, diagram=found.source)


def test_versions_the_latest_design_and_who_drew_what(concepts: ConceptPatterns) -> None:
    turns = [
        turn("client -> gateway -> model server", "U1"),
        Turn(Role.INTERVIEWER, Stage.HIGH_LEVEL, "Go on."),
        turn("no diagram here", "U2"),
        turn("client -> gateway -> model server\ngateway -> cache -> vector db", "U2"),
    ]
    assert [v.number for v in versions(turns)] == [1, 2]
    design = latest(turns, concepts)
    assert design is not None and design.number == 2 and design.turn == 3
    assert drawn_by(turns) == {
        "U1": ["client", "gateway", "model server"],
        "U2": ["cache", "vector db"],
    }
