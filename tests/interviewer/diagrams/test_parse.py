"""Reading Mermaid flowcharts and arrow lists: strict about each line, clear about why."""

from __future__ import annotations

import pytest

from interviewer.diagrams.graph import DiagramError, Limits
from interviewer.diagrams.parse import parse_arrows, parse_mermaid

MERMAID = """flowchart LR
  C[Client] --> GW[API gateway]
  GW -->|route| R(Router)
  R -- batch --> G[(GPU pool)]
  R -.-> K{{Cache}} & DB[(Postgres)]
  %% a comment
  classDef hot fill:#f96
  subgraph east [US East]
    G
  end
  K <--> DB;
"""


def test_mermaid_nodes_labels_edges_and_subgraphs() -> None:
    g = parse_mermaid(MERMAID)
    assert [(n.id, n.label) for n in g.nodes] == [
        ("C", "Client"),
        ("GW", "API gateway"),
        ("R", "Router"),
        ("G", "GPU pool"),
        ("K", "Cache"),
        ("DB", "Postgres"),
    ]
    assert [(e.source, e.target, e.label) for e in g.edges] == [
        ("C", "GW", ""),
        ("GW", "R", "route"),
        ("R", "G", "batch"),
        ("R", "K", ""),
        ("R", "DB", ""),
        ("K", "DB", ""),
    ]
    assert g.edges[-1].both
    assert g.node("G").group == "US East" and g.groups == ("US East",)
    assert g.direction == "LR"


def test_graph_td_chains_and_plain_ids() -> None:
    g = parse_mermaid("graph TD\nA --> B --> C\nA --- C")
    assert g.direction == "TD"
    assert [(e.source, e.target) for e in g.edges] == [("A", "B"), ("B", "C"), ("A", "C")]
    assert g.successors("A") == ["B", "C"] and g.predecessors("C") == ["B", "A"]


def test_arrow_lists_with_labels_bullets_and_both_ways() -> None:
    g = parse_arrows(
        "client -> gateway -> router -> gpu pool\n- router -> cache: lookup\ncache <-> db"
    )
    assert [n.label for n in g.nodes] == ["client", "gateway", "router", "gpu pool", "cache", "db"]
    assert g.node("gpu_pool").label == "gpu pool"
    assert ("router", "cache", "lookup") in [(e.source, e.target, e.label) for e in g.edges]
    assert g.path_text(["client", "gateway", "router"]) == "client → gateway → router"
    assert g.edges[-1].both


@pytest.mark.parametrize(
    ("source", "message"),
    [
        ("flowchart LR\nA -->", "line 2 of the diagram: expected a component after the arrow"),
        ("flowchart LR\nA[x --> B", "line 2 of the diagram: the label of “A” opens with `[`"),
        ("A --> B", "line 1 of the diagram: expected a header such as `flowchart LR`"),
        ("flowchart LR\nA ~~ B", "line 2 of the diagram: expected an arrow such as `-->`"),
        ("flowchart LR\nsubgraph x\nA-->B", "the subgraph “x” has no `end`"),
        ("flowchart LR\nend", "line 2 of the diagram: `end` without a `subgraph`"),
    ],
)
def test_a_malformed_flowchart_names_the_line_and_what_was_expected(
    source: str, message: str
) -> None:
    with pytest.raises(DiagramError, match="^" + message.replace("[", r"\[").replace("(", r"\(")):
        parse_mermaid(source)


def test_a_malformed_arrow_line_names_its_line() -> None:
    with pytest.raises(DiagramError, match=r"^line 3: expected a component after `->`"):
        parse_arrows("a -> b\nb -> c\nc -> -> d")
    with pytest.raises(DiagramError, match=r"^line 1: expected a component before `->`"):
        parse_arrows("-> b")


def test_limits_refuse_clearly() -> None:
    limits = Limits(nodes=3, edges=2, label_chars=10, lines=5)
    with pytest.raises(DiagramError, match="more than 3 components"):
        parse_arrows("a -> b -> c -> d", limits)
    with pytest.raises(DiagramError, match="more than 2 arrows"):
        parse_arrows("a -> b -> c\na -> c", limits)
    with pytest.raises(DiagramError, match="is 16 characters; the limit is 10"):
        parse_arrows("a -> a very long name", limits)
    with pytest.raises(DiagramError, match="6 lines; the limit is 5"):
        parse_arrows("a -> b\n" * 6, limits)
