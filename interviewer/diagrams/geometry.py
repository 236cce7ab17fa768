"""Where everything of a diagram goes, as plain rectangles and polylines in inches (y down),
for any renderer (the PNG, an SVG): no drawing library here.

Boxes sit in layers along the diagram's direction (`layers()`), each subgraph in a band of
rows of its own (`place_rows()`), so a subgraph's frame never holds another's boxes. An arrow
between neighbouring layers is one straight segment across the gap between them; any other
arrow runs out into a gap, along a lane between rows and back in, so no arrow passes behind a
box. Gaps and lanes are sized for the arrow labels placed in them, so no label crosses a box.
The type is sized for a phone: shown 360 px wide, the smallest text is 8 px at least.
"""

from __future__ import annotations

import textwrap
from dataclasses import dataclass
from itertools import pairwise

from interviewer.diagrams.graph import Graph
from interviewer.diagrams.layout import layers
from interviewer.diagrams.routes import Plan, Space, plan_arrows
from interviewer.diagrams.rows import Rows, place_rows, tighten

LABEL_PT = 10.0  # box names
SMALL_PT = 9.0  # kinds, arrow labels, subgraph names: the smallest text
PHONE_PX, MIN_PX = 360, 8.0  # the width a phone shows an image at, the least text height there
MARGIN = 0.1  # inches of blank page around the drawing when it is saved
# The widest drawing whose smallest text is still MIN_PX tall when shown PHONE_PX wide.
MAX_WIDTH = SMALL_PT / 72 * PHONE_PX / MIN_PX - 2 * MARGIN
CHAR_EM = 0.62  # a character's mean width in ems (DejaVu Sans, with room to spare)
LINE = 1.25  # line height in ems
PAD = 0.1  # a subgraph frame's margin around its boxes
BOX_PAD = (0.1, 0.07)  # a box's margin around its text, across and down
EDGE_CHARS, LINES = 16, 5  # a 60-character name or label fits whole
_TURNED = {"LR": "TD", "RL": "BT", "TD": "LR", "BT": "RL"}

Point = tuple[float, float]


@dataclass(frozen=True)
class Rect:
    """An axis-aligned rectangle, x0 < x1 and y0 < y1 (y grows downwards)."""

    x0: float
    y0: float
    x1: float
    y1: float

    @property
    def centre(self) -> Point:
        """The rectangle's centre."""
        return (self.x0 + self.x1) / 2, (self.y0 + self.y1) / 2

    def overlaps(self, other: Rect) -> bool:
        """Whether the two share inner area (touching edges do not count)."""
        return (
            self.x0 < other.x1 and other.x0 < self.x1 and self.y0 < other.y1 and other.y0 < self.y1
        )


@dataclass(frozen=True)
class Text:
    """Lines of text centred in their rectangle, at a size in points."""

    lines: tuple[str, ...]
    pt: float
    rect: Rect


@dataclass(frozen=True)
class Box:
    """One component: its rectangle, its name's lines and the kind shown under them."""

    id: str
    rect: Rect
    label: tuple[str, ...]
    kind: str | None


@dataclass(frozen=True)
class Frame:
    """A subgraph's frame, its name at the top left inside it."""

    group: str
    rect: Rect
    title: Text


@dataclass(frozen=True)
class Arrow:
    """An arrow as a polyline from its source's side to its target's side."""

    source: str
    target: str
    points: tuple[Point, ...]
    both: bool
    label: Text | None


@dataclass(frozen=True)
class Geometry:
    """A laid-out diagram: `direction` is the one drawn (`turned` when it is not the one
    written, because left to right would have been too wide for a phone)."""

    width: float
    height: float
    direction: str
    turned: bool
    boxes: dict[str, Box]
    frames: tuple[Frame, ...]
    arrows: tuple[Arrow, ...]


def text_size(lines: tuple[str, ...], pt: float) -> tuple[float, float]:
    """An estimate of the width and height in inches of lines of text at a size."""
    return max((len(s) for s in lines), default=0) * CHAR_EM * pt / 72, len(lines) * line(pt)


def line(pt: float) -> float:
    """One line's height in inches."""
    return pt * LINE / 72


def wrap(text: str, chars: int, most: int) -> tuple[str, ...]:
    """The text in lines of `chars` characters at most, `most` lines (the last cut with …)."""
    lines = textwrap.wrap(text, chars, break_long_words=True) or [""]
    if len(lines) > most:
        lines = [*lines[: most - 1], lines[most - 1][: chars - 1] + "…"]
    return tuple(lines)


def geometry(graph: Graph) -> Geometry:
    """The diagram laid out in its direction, or turned a quarter when that is too wide."""
    tries = [(graph.direction, 14), (graph.direction, 10)]
    tries += [(_TURNED[graph.direction], 14), (_TURNED[graph.direction], 10)]
    laid: list[Geometry] = []
    for direction, chars in tries:
        laid.append(_layout(graph, direction, chars, direction != graph.direction))
        if laid[-1].width <= MAX_WIDTH:
            return laid[-1]
    return min(laid, key=lambda g: g.width)


def _layout(graph: Graph, direction: str, chars: int, turned: bool) -> Geometry:
    """The geometry in one direction with box names wrapped at `chars`."""
    vertical = direction in ("TD", "BT")
    columns = tighten(graph, layers(graph))
    rows = place_rows(graph, columns)
    labels = {n.id: wrap(n.label, chars, LINES) for n in graph.nodes}
    kinds = {n.id: _kind(n.kind, n.label) for n in graph.nodes}
    text_w = max(
        [text_size(lines, LABEL_PT)[0] for lines in labels.values()]
        + [text_size((k,), SMALL_PT)[0] for k in kinds.values() if k],
        default=0.5,
    )
    text_h = max((len(x) for x in labels.values()), default=1) * line(LABEL_PT)
    text_h += line(SMALL_PT) if any(kinds.values()) else 0
    w, h = text_w + 2 * BOX_PAD[0], text_h + 2 * BOX_PAD[1]
    title = line(SMALL_PT) + 0.04
    grouped = any(n.group for n in graph.nodes)
    # A frame's margins: those at its top and bottom have room for its name.
    top = PAD + title if grouped else 0.0
    side = PAD if grouped else 0.0
    along_pads, across_pads = ((top, top), (side, side)) if vertical else ((side, side), (top, top))
    space = Space(
        box=(h, w) if vertical else (w, h),
        along_pads=along_pads,
        across_pads=across_pads,
        vertical=vertical,
    )
    labels_of_edges = [wrap(e.label, EDGE_CHARS, LINES) if e.label else () for e in graph.edges]
    sizes = [text_size(x, SMALL_PT) if x else (0.0, 0.0) for x in labels_of_edges]
    plan = plan_arrows(graph, columns, rows, space, sizes)
    return _geometry(graph, rows, plan, labels, kinds, labels_of_edges, direction, turned)


def _kind(kind: str, label: str) -> str | None:
    """The kind shown under a box's name, unless it says nothing more."""
    return None if kind == "component" or kind.lower() == label.lower() else kind


def _geometry(
    graph: Graph,
    rows: Rows,
    plan: Plan,
    labels: dict[str, tuple[str, ...]],
    kinds: dict[str, str | None],
    edge_labels: list[tuple[str, ...]],
    direction: str,
    turned: bool,
) -> Geometry:
    """The planned layout in x and y: turned for top to bottom, mirrored for RL and BT."""
    vertical = direction in ("TD", "BT")
    width, height = (plan.across, plan.along) if vertical else (plan.along, plan.across)

    def point(along: float, across: float) -> Point:
        x, y = (across, along) if vertical else (along, across)
        return (width - x if direction == "RL" else x, height - y if direction == "BT" else y)

    def rect(r: tuple[float, float, float, float]) -> Rect:
        (xa, ya), (xb, yb) = point(r[0], r[1]), point(r[2], r[3])
        return Rect(min(xa, xb), min(ya, yb), max(xa, xb), max(ya, yb))

    boxes = {
        n.id: Box(n.id, rect(plan.boxes[n.id]), labels[n.id], kinds[n.id]) for n in graph.nodes
    }
    arrows = []
    for edge, route, lines in zip(graph.edges, plan.routes, edge_labels, strict=True):
        text = Text(lines, SMALL_PT, rect(route.label)) if lines and route.label else None
        pts = tuple(point(a, c) for a, c in route.points)
        arrows.append(Arrow(edge.source, edge.target, pts, edge.both, text))
    frames = tuple(_frame(group, rect(area), arrows) for group, area in plan.frames.items())
    return Geometry(width, height, direction, turned, boxes, frames, tuple(arrows))


def _frame(group: str, r: Rect, arrows: list[Arrow]) -> Frame:
    """A subgraph's frame with its name in the corner that the fewest arrows cross."""
    room = max(1, int((r.x1 - r.x0 - 2 * 0.05) / (CHAR_EM * SMALL_PT / 72)))
    name = group if len(group) <= room else group[: room - 1] + "…"
    tw, th = text_size((name,), SMALL_PT)
    corners = [
        Rect(x, y, x + tw, y + th)
        for y in (r.y0 + 0.02, r.y1 - 0.02 - th)
        for x in (r.x0 + 0.05, r.x1 - 0.05 - tw)
    ]
    segments = [(a, b) for arrow in arrows for a, b in pairwise(arrow.points)]
    best = min(corners, key=lambda c: sum(crosses(a, b, c) for a, b in segments))
    return Frame(group, r, Text((name,), SMALL_PT, best))


def crosses(a: Point, b: Point, r: Rect) -> bool:
    """Whether the segment from a to b passes through the rectangle's inside (touching its
    edge does not count): Liang and Barsky's clipping."""
    low, high = 0.0, 1.0
    dx, dy = b[0] - a[0], b[1] - a[1]
    for p, q in ((-dx, a[0] - r.x0), (dx, r.x1 - a[0]), (-dy, a[1] - r.y0), (dy, r.y1 - a[1])):
        if p == 0:
            if q <= 0:
                return False
        elif p < 0:
            low = max(low, q / p)
        else:
            high = min(high, q / p)
    return high - low > 1e-9
