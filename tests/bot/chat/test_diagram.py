"""The diagram image: laid out in layers along the diagram's direction, checked as geometry
(no box behind another, a frame, an arrow or a label) and as drawn type a phone can read."""

from __future__ import annotations

import itertools
import random
import struct

import pytest
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.text import Text as Drawn

from bot.chat.charts import DPI
from bot.chat.diagram import diagram_figure, diagram_png, positions
from interviewer.bank import load_bank
from interviewer.diagrams.extract import extract
from interviewer.diagrams.geometry import Geometry, Rect, geometry
from interviewer.diagrams.graph import Edge, Graph, Node
from interviewer.diagrams.kinds import ConceptPatterns, type_graph
from interviewer.diagrams.view import DiagramView

# (a) ten boxes of many kinds left to right: 1136x359 px with 6-pt italic kinds before
GATEWAY_TO_GPUS = """```mermaid
flowchart LR
  U[Users] --> GW[API gateway]
  GW --> RL[Rate limiter]
  RL --> R[Model router]
  R --> C[(Response cache)]
  R --> Q[Request queue]
  Q --> G[GPU workers]
  G --> M[Model registry]
  G --> DB[(Postgres)]
  R --> O[Observability]
```"""
# (b) a label longer than the gap between two neighbouring boxes
LONG_LABEL = (
    "client -> gateway: signed requests with a bearer token, retried with backoff\n"
    "gateway -> service"
)
# (c) two subgraphs whose boxes interleave across the layers, arrows that skip a layer
TWO_REGIONS = """```mermaid
flowchart LR
  subgraph east [us-east]
    A[API east] --> B[Router east]
    B --> C[GPU east]
  end
  subgraph west [us-west]
    D[API west] --> E[Router west]
    E --> F[GPU west]
  end
  U[Users] --> A
  U --> D
  B --> E
  A -->|failover| F
  C --> S[(Shared store)]
  F --> S
```"""


@pytest.fixture(scope="module")
def concepts() -> ConceptPatterns:
    """The real question bank's concept lexicon, which gives the boxes their kinds."""
    return load_bank().concept_patterns


def view(text: str, concepts: ConceptPatterns = ()) -> DiagramView:
    found = extract(text)
    assert found.graph is not None, found.problems
    return DiagramView(1, type_graph(found.graph, concepts))


def inside(point: tuple[float, float], r: Rect) -> bool:
    """Strictly inside (on the edge is not inside)."""
    eps = 1e-6
    return r.x0 + eps < point[0] < r.x1 - eps and r.y0 + eps < point[1] < r.y1 - eps


def passes_through(points: tuple[tuple[float, float], ...], r: Rect) -> bool:
    """Whether a polyline enters a rectangle, sampled every 5 thousandths of an inch."""
    for (x0, y0), (x1, y1) in itertools.pairwise(points):
        steps = max(1, int(max(abs(x1 - x0), abs(y1 - y0)) / 0.005))
        for i in range(steps + 1):
            t = i / steps
            if inside((x0 + (x1 - x0) * t, y0 + (y1 - y0) * t), r):
                return True
    return False


def check_geometry(geo: Geometry) -> None:
    """Boxes apart; frames apart, each holding its own boxes and no other; arrows miss every
    box; labels and frame names miss every box."""
    boxes = geo.boxes
    for a, b in itertools.combinations(boxes.values(), 2):
        assert not a.rect.overlaps(b.rect), (a.id, b.id)
    for f, g in itertools.combinations(geo.frames, 2):
        assert not f.rect.overlaps(g.rect), (f.group, g.group)
    for arrow in geo.arrows:
        for box in boxes.values():
            # its own ends only touched at their edges, every other box missed
            assert not passes_through(arrow.points, box.rect), (arrow.source, arrow.target, box.id)
        assert len(arrow.points) >= 2
        texts = [arrow.label] if arrow.label else []
        for text in texts:
            assert all(not text.rect.overlaps(b.rect) for b in boxes.values()), text.lines
    for frame in geo.frames:
        assert all(not frame.title.rect.overlaps(b.rect) for b in boxes.values())
        r, t = frame.rect, frame.title.rect
        assert r.x0 <= t.x0 and t.x1 <= r.x1 and r.y0 <= t.y0 and t.y1 <= r.y1


def frame_membership(geo: Geometry, view: DiagramView) -> None:
    for frame in geo.frames:
        for node in view.graph.nodes:
            r = geo.boxes[node.id].rect
            if node.group == frame.group:
                assert frame.rect.x0 < r.x0 and r.x1 < frame.rect.x1
                assert frame.rect.y0 < r.y0 and r.y1 < frame.rect.y1
            else:  # another subgraph's box, or one in none, is never inside nor under it
                assert not frame.rect.overlaps(r), (frame.group, node.id)


def check_drawing(v: DiagramView) -> tuple[int, int]:
    """Every drawn text upright, 9 pt at least, 8 px at least when the PNG is shown 360 px
    wide, and either wholly inside one box or clear of every box. Returns the PNG's size."""
    png = diagram_png(v)
    width, height = struct.unpack(">II", png[16:24])
    fig = diagram_figure(v)
    assert fig.dpi == DPI  # a diagram of this size keeps the charts' resolution
    canvas = FigureCanvasAgg(fig)
    canvas.draw()
    renderer = canvas.get_renderer()
    ax = fig.axes[0]
    geo = geometry(v.graph)
    boxes = []
    for box in geo.boxes.values():
        (x0, y0), (x1, y1) = ax.transData.transform(
            [(box.rect.x0, box.rect.y0), (box.rect.x1, box.rect.y1)]
        )
        boxes.append(Rect(min(x0, x1), min(y0, y1), max(x0, x1), max(y0, y1)))
    texts = [t for t in fig.findobj(Drawn) if t.get_text().strip()]
    assert texts
    for t in texts:
        assert t.get_fontstyle() == "normal", t.get_text()
        assert t.get_fontsize() >= 9, t.get_text()
        assert t.get_fontsize() / 72 * fig.dpi * 360 / width >= 8, (t.get_text(), width)
        e = t.get_window_extent(renderer)
        seen = Rect(e.x0, e.y0, e.x1, e.y1)
        holding = [
            b
            for b in boxes
            if b.x0 <= seen.x0 and seen.x1 <= b.x1 and b.y0 <= seen.y0 and seen.y1 <= b.y1
        ]
        assert holding or not any(seen.overlaps(b) for b in boxes), t.get_text()
    fig.clear()
    return width, height


@pytest.mark.parametrize("source", [GATEWAY_TO_GPUS, LONG_LABEL, TWO_REGIONS])
def test_the_three_diagrams_are_geometrically_clean_and_legible_on_a_phone(
    source: str, concepts: ConceptPatterns
) -> None:
    v = view(source, concepts)
    geo = geometry(v.graph)
    check_geometry(geo)
    frame_membership(geo, v)
    assert len(geo.boxes) == len(v.graph.nodes) and len(geo.arrows) == len(v.graph.edges)
    width, _ = check_drawing(v)
    assert width <= 5.625 * DPI  # 9-pt type is 8 px at 360 px wide


def test_ten_boxes_left_to_right_are_turned_top_to_bottom_with_their_kinds(
    concepts: ConceptPatterns,
) -> None:
    v = view(GATEWAY_TO_GPUS, concepts)
    geo = geometry(v.graph)
    assert geo.turned and geo.direction == "TD"
    kinds = {b.kind for b in geo.boxes.values()}
    assert {"gateway", "cache", "database", "queue", "GPU pool"} <= kinds
    fig = diagram_figure(v)
    texts = [t.get_text() for t in fig.findobj(Drawn)]
    assert any("drawn top to bottom" in t for t in texts)
    assert "GPU pool" in texts and "gateway" in texts  # the kinds, drawn


def test_a_long_label_between_neighbours_is_whole_in_the_gap() -> None:
    geo = geometry(view(LONG_LABEL).graph)
    (first, _) = geo.arrows
    assert first.label is not None
    assert (
        " ".join(first.label.lines) == "signed requests with a bearer token, retried with backoff"
    )
    client, gateway = geo.boxes["client"].rect, geo.boxes["gateway"].rect
    assert len(first.points) == 2  # neighbours: one straight segment
    assert client.x1 <= first.label.rect.x0 and first.label.rect.x1 <= gateway.x0


def test_subgraphs_get_bands_and_arrows_that_skip_go_round() -> None:
    v = view(TWO_REGIONS)
    geo = geometry(v.graph)
    skip = next(a for a in geo.arrows if (a.source, a.target) == ("A", "F"))
    assert len(skip.points) > 2  # routed through gaps and a lane, not across a layer
    assert skip.label is not None and skip.label.lines == ("failover",)
    assert {f.group for f in geo.frames} == {"us-east", "us-west"}


@pytest.mark.parametrize("direction", ["LR", "RL", "TD", "BT"])
def test_every_direction_is_clean(direction: str) -> None:
    source = TWO_REGIONS.replace("flowchart LR", f"flowchart {direction}")
    source = source.replace("C --> S", "C --> S\n  S --> U\n  B --> B2[Audit]\n  B2 --> A")
    v = view(source)
    geo = geometry(v.graph)
    check_geometry(geo)
    frame_membership(geo, v)
    check_drawing(v)


def test_left_to_right_and_top_down_layouts() -> None:
    lr = positions(view("client -> gateway -> router\nrouter -> cache\nrouter -> db"))
    assert lr["client"][0] < lr["gateway"][0] < lr["router"][0] < lr["cache"][0]
    assert lr["cache"][0] == lr["db"][0] and lr["cache"][1] != lr["db"][1]
    td = positions(view("```mermaid\ngraph TD\nA --> B --> C\n```"))
    assert td["A"][1] > td["B"][1] > td["C"][1] and td["A"][0] == td["C"][0]
    rl = positions(view("```mermaid\ngraph RL\nA --> B\n```"))
    assert rl["A"][0] > rl["B"][0]
    bt = positions(view("```mermaid\ngraph BT\nA --> B\n```"))
    assert bt["A"][1] < bt["B"][1]


def test_the_image_is_a_png_with_groups_cycles_and_loose_boxes() -> None:
    source = (
        "```mermaid\nflowchart LR\nsubgraph r [us-east]\nA[API]\nend\n"
        "U[Users] --> A -->|write| D[(DB)]\nD --> A\nM[Metrics]\n```"
    )
    v = view(source)
    png = diagram_png(v)
    assert png.startswith(b"\x89PNG") and len(png) > 2000
    check_geometry(geometry(v.graph))


def test_a_huge_diagram_is_drawn_at_a_bounded_size() -> None:
    lines = [f"service {i} -> service {i + 1}: rpc {i}" for i in range(39)]
    lines += [f"service {i} -> service {i + 7}" for i in range(0, 32, 3)]
    v = view("\n".join(lines))
    width, height = struct.unpack(">II", diagram_png(v)[16:24])
    assert width * height <= 4_000_000 * 1.1  # the crop adds its margin
    check_geometry(geometry(v.graph))


@pytest.mark.parametrize("seed", range(12))
def test_made_up_graphs_are_clean_too(seed: int) -> None:
    """Cycles, arrows both ways, loops, skips, labels and subgraphs in any mix and direction."""
    r = random.Random(seed)
    n = r.randint(2, 16)
    groups = [f"region {i}" for i in range(r.randint(0, 3))]
    names = ["api", "GPU pool serving models", "db", "a", "cache layer"]
    nodes = tuple(
        Node(f"n{i}", f"{r.choice(names)} {i}", r.choice([*groups, None])) for i in range(n)
    )
    labels = ["", "", "write", "failover when the region is down"]
    edges = {
        (s, t): Edge(s, t, r.choice(labels), r.random() < 0.1)
        for s, t in ((f"n{r.randrange(n)}", f"n{r.randrange(n)}") for _ in range(2 * n))
    }
    used = tuple(dict.fromkeys(x.group for x in nodes if x.group))
    graph = Graph(nodes, tuple(edges.values()), used, r.choice(["LR", "RL", "TD", "BT"]))
    geo = geometry(graph)
    check_geometry(geo)
    frame_membership(geo, DiagramView(1, graph))


def test_positions_leave_room_for_boxes_of_the_old_size() -> None:
    """A drawing that sizes its own boxes (1.6 by 0.62 units) from positions() never
    overlaps two of them."""
    for source in (GATEWAY_TO_GPUS, LONG_LABEL, TWO_REGIONS):
        where = positions(view(source))
        for (x1, y1), (x2, y2) in itertools.combinations(where.values(), 2):
            assert abs(x1 - x2) >= 1.6 or abs(y1 - y2) >= 0.62
