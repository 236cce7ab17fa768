"""The layout in (along, across) inches: where each layer and row starts, how wide each gap
between layers and each lane between rows is, and the path of every arrow through them.

Gaps hold no box and lanes hold no box, so a path made of segments inside gaps and lanes
never passes behind one. A gap is, in order: a frame margin and the tracks of arrows leaving
its earlier layer, a middle zone as deep as the widest arrow label placed there, the tracks of
arrows entering its later layer and a frame margin. A lane is a frame margin, one track per
arrow running along it (as deep as its label, which sits on it) and a frame margin.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from interviewer.diagrams.graph import Graph
from interviewer.diagrams.rows import Rows

TRACK = 0.1  # inches between two arrows running side by side
MIN_GAP = 0.34  # the shortest arrow between neighbouring layers
MIN_LANE = 0.2
LABEL_PAD = 0.03  # around a label's text
CLEAR = 0.04  # between a label and the boxes beside its gap

Span = tuple[float, float, float, float]  # along0, across0, along1, across1


@dataclass(frozen=True)
class Space:
    """What the layout is sized from: the box (along, across), the frame margins before and
    after the boxes in each direction, and whether along is downwards."""

    box: tuple[float, float]
    along_pads: tuple[float, float]
    across_pads: tuple[float, float]
    vertical: bool


@dataclass(frozen=True)
class Route:
    """An arrow's points and its label's span (None: no label)."""

    points: tuple[tuple[float, float], ...]
    label: Span | None


@dataclass(frozen=True)
class Plan:
    """The whole layout: its size, every box, every frame and every arrow."""

    along: float
    across: float
    boxes: dict[str, Span]
    frames: dict[str, Span]
    routes: tuple[Route, ...]


@dataclass
class _Arrow:
    source: str
    target: str
    kind: str  # forward, backward (neighbouring layers), same, skip, back, self
    label: tuple[float, float] | None  # its extent (along, across)
    stops: list[tuple[int, str, int]] = field(default_factory=list)  # (gap, lead|trail, track)
    lane: tuple[int, int] | None = None  # (lane, track)


def plan_arrows(
    graph: Graph,
    columns: list[list[str]],
    rows: Rows,
    space: Space,
    label_sizes: list[tuple[float, float]],
) -> Plan:
    """Size the gaps and lanes for the arrows and their labels, then place everything."""
    layer_of = {n: k for k, column in enumerate(columns) for n in column}
    row_of, n_layers, n_rows = rows.row_of, len(columns), len(rows.band_of_row)
    tracks: dict[tuple[int, str], int] = {}
    lanes: list[list[float]] = [[] for _ in range(n_rows + 1)]
    zone = [MIN_GAP] * n_layers
    arrows = []
    for e, (w, h) in zip(graph.edges, label_sizes, strict=True):
        ls, lt = layer_of[e.source], layer_of[e.target]
        rs, rt = row_of[e.source], row_of[e.target]
        extent = None
        if w:
            extent = (h, w) if space.vertical else (w, h)
            extent = (extent[0] + 2 * LABEL_PAD, extent[1] + 2 * LABEL_PAD)
        a = _Arrow(e.source, e.target, "", extent)
        if e.source == e.target:
            a.kind, wanted = "self", [(ls, "lead")]
        elif abs(lt - ls) == 1 or lt == ls:
            a.kind = "same" if lt == ls else "forward" if lt > ls else "backward"
            wanted = [(ls, "lead")] if lt == ls else []
            if extent:
                zone[min(ls, lt)] = max(zone[min(ls, lt)], extent[0] + 2 * CLEAR)
        else:
            a.kind = "skip" if lt > ls else "back"
            wanted = (
                [(ls, "lead"), (lt - 1, "trail")] if lt > ls else [(ls - 1, "trail"), (lt, "lead")]
            )
        for gap, side in wanted:
            a.stops.append((gap, side, tracks.get((gap, side), 0)))
            tracks[gap, side] = tracks.get((gap, side), 0) + 1
        if a.kind in ("self", "skip", "back"):
            if rs == rt:
                candidates = [rs + 1] if a.kind == "self" else [rs + 1, rs]
            else:
                candidates = list(range(min(rs, rt) + 1, max(rs, rt) + 1))
            mid = (rs + rt + 1) / 2
            m = min(candidates, key=lambda m: (len(lanes[m]), abs(m - mid)))
            a.lane = (m, len(lanes[m]))
            lanes[m].append(max(TRACK, extent[1] + 2 * CLEAR if extent else 0.0))
        arrows.append(a)
    return _place(graph, layer_of, rows, space, arrows, tracks, lanes, zone)


def _place(
    graph: Graph,
    layer_of: dict[str, int],
    rows: Rows,
    space: Space,
    arrows: list[_Arrow],
    tracks: dict[tuple[int, str], int],
    lanes: list[list[float]],
    zone: list[float],
) -> Plan:
    """Positions of layers, rows, tracks and ports, then every path."""
    (ba, bc), (fa0, fa1), (fc0, fc1) = space.box, space.along_pads, space.across_pads
    n_layers, band = len(zone), rows.band_of_row
    gaps = []
    for k in range(n_layers):
        leaving, entering = tracks.get((k, "lead"), 0), tracks.get((k, "trail"), 0)
        side = max(fa1 + leaving * TRACK, fa0 + entering * TRACK)
        needed = k < n_layers - 1 or leaving or zone[k] > MIN_GAP
        gaps.append(zone[k] + 2 * side if needed else fa1)
    starts = [fa0]
    for k in range(n_layers - 1):
        starts.append(starts[k] + ba + gaps[k])
    along = starts[-1] + ba + gaps[-1]

    def lead(k: int, i: int) -> float:
        return starts[k] + ba + fa1 + (i + 0.5) * TRACK

    def trail(k: int, i: int) -> float:
        return starts[k + 1] - fa0 - (i + 0.5) * TRACK

    tops: list[float] = []
    first_track: list[float] = []
    pos = 0.0
    for m in range(len(band) + 1):
        ends = m > 0 and band[m - 1] and (m == len(band) or band[m] != band[m - 1])
        begins = m < len(band) and band[m] and (m == 0 or band[m - 1] != band[m])
        above, below = (fc1 if ends else 0.0), (fc0 if begins else 0.0)
        used = sum(lanes[m])
        size = above + used + below
        if 0 < m < len(band):  # a frame kept a little apart from what is beyond it
            size = max(size, MIN_LANE, above + used + below + (0.1 if above or below else 0.0))
        first_track.append(pos + above + (size - above - below - used) / 2)
        pos += size
        if m < len(band):
            tops.append(pos)
            pos += bc
    across = pos

    def track(m: int, i: int) -> float:
        return first_track[m] + sum(lanes[m][:i]) + lanes[m][i] / 2

    def centre(n: str) -> float:
        return tops[rows.row_of[n]] + bc / 2

    ports = _ports(arrows, centre, track)

    def port(n: str, side: str, index: int) -> float:
        taken = ports[n, side]
        return tops[rows.row_of[n]] + bc * (taken.index(index) + 1) / (len(taken) + 1)

    routes = []
    for i, a in enumerate(arrows):
        s, t = a.source, a.target
        ls, lt = layer_of[s], layer_of[t]
        leaves = "start" if a.kind in ("backward", "back") else "end"
        enters = "start" if a.kind in ("forward", "skip") else "end"
        p = port(s, leaves, i)
        x0 = starts[ls] + (ba if leaves == "end" else 0)
        if a.kind == "self":
            y = track(*a.lane) if a.lane else 0.0
            x1, xc = lead(ls, a.stops[0][2]), starts[ls] + ba / 2
            points = [(x0, p), (x1, p), (x1, y), (xc, y), (xc, tops[rows.row_of[s]] + bc)]
            middle = ((x1 + xc) / 2, y)
        else:
            q = port(t, enters, i)
            x9 = starts[lt] + (ba if enters == "end" else 0)
            if a.kind in ("forward", "backward"):
                points = [(x0, p), (x9, q)]
                middle = ((x0 + x9) / 2, (p + q) / 2)
            elif a.kind == "same":
                x1 = lead(ls, a.stops[0][2])
                points = [(x0, p), (x1, p), (x1, q), (x9, q)]
                middle = (starts[ls] + ba + gaps[ls] / 2, (p + q) / 2)
            else:
                (g1, side1, k1), (g2, side2, k2) = a.stops
                x1 = lead(g1, k1) if side1 == "lead" else trail(g1, k1)
                x2 = lead(g2, k2) if side2 == "lead" else trail(g2, k2)
                y = track(*a.lane) if a.lane else 0.0
                points = [(x0, p), (x1, p), (x1, y), (x2, y), (x2, q), (x9, q)]
                middle = ((x1 + x2) / 2, y)
        label = None
        if a.label:
            da, dc = a.label[0] / 2, a.label[1] / 2
            label = (middle[0] - da, middle[1] - dc, middle[0] + da, middle[1] + dc)
        routes.append(Route(tuple(points), label))
    boxes = {
        n.id: (
            starts[layer_of[n.id]],
            tops[rows.row_of[n.id]],
            starts[layer_of[n.id]] + ba,
            tops[rows.row_of[n.id]] + bc,
        )
        for n in graph.nodes
    }
    frames = {}
    for group in dict.fromkeys(b for b in band if b):
        held = [layer_of[n.id] for n in graph.nodes if n.group == group]
        inside = rows.band_rows(group)
        frames[group] = (
            starts[min(held)] - fa0,
            tops[inside[0]] - fc0,
            starts[max(held)] + ba + fa1,
            tops[inside[-1]] + bc + fc1,
        )
    return Plan(along, across, boxes, frames, tuple(routes))


def _ports(
    arrows: list[_Arrow],
    centre: Callable[[str], float],
    track: Callable[[int, int], float],
) -> dict[tuple[str, str], list[int]]:
    """Per box side, the arrows attached there, ordered by where their other end lies across,
    so arrows fan out from a side without crossing at it."""
    found: dict[tuple[str, str], list[tuple[float, int]]] = {}
    for i, a in enumerate(arrows):
        leaves = "start" if a.kind in ("backward", "back") else "end"
        towards = track(*a.lane) if a.lane else centre(a.target)
        found.setdefault((a.source, leaves), []).append((towards, i))
        if a.kind != "self":
            enters = "start" if a.kind in ("forward", "skip") else "end"
            back = track(*a.lane) if a.lane else centre(a.source)
            found.setdefault((a.target, enters), []).append((back, i))
    return {side: [i for _, i in sorted(items)] for side, items in found.items()}
