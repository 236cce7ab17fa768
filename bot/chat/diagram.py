"""The candidate's diagram drawn back as a PNG (matplotlib's Figure API, no display, no
graphviz): boxes in layers along the diagram's direction, arrows with their labels, subgraphs
as shaded frames, each box coloured by the kind the concept lexicon gave it."""

from __future__ import annotations

import textwrap

from bot.chat.charts import png
from interviewer.diagrams.kinds import STORES
from interviewer.diagrams.layout import layers
from interviewer.diagrams.view import DiagramView

_BOX_W, _BOX_H = 1.6, 0.62  # in layout units: one column is 2.4 wide, one row 1.1 high
_COL, _ROW = 2.4, 1.1
_COLOURS = {
    "client": "#e2e8f0",
    "component": "#ffffff",
    "GPU pool": "#fde68a",
    "model server": "#fde68a",
    "queue": "#c6f6d5",
    "cache": "#bee3f8",
    "gateway": "#e9d8fd",
    "load balancer": "#e9d8fd",
    "CDN": "#e9d8fd",
}
_STORE_COLOUR, _OTHER_COLOUR = "#fed7d7", "#edf2f7"


def positions(view: DiagramView) -> dict[str, tuple[float, float]]:
    """Each box's centre: columns along the diagram's direction, rows across it."""
    columns = layers(view.graph)
    tall = max((len(c) for c in columns), default=1)
    where: dict[str, tuple[float, float]] = {}
    for i, column in enumerate(columns):
        offset = (tall - len(column)) / 2
        for j, node_id in enumerate(column):
            along, across = i * _COL, -(j + offset) * _ROW
            where[node_id] = (along, across)
    if view.graph.direction in ("TD", "BT"):
        where = {n: (-y * _COL / _ROW, -x * _ROW / _COL) for n, (x, y) in where.items()}
    if view.graph.direction in ("RL", "BT"):
        where = {n: (-x, -y) for n, (x, y) in where.items()}
    return where


def _edge_of(centre: tuple[float, float], towards: tuple[float, float]) -> tuple[float, float]:
    """Where the line from a box's centre towards another point leaves the box."""
    (x, y), (tx, ty) = centre, towards
    dx, dy = tx - x, ty - y
    half_w, half_h = _BOX_W / 2 + 0.06, _BOX_H / 2 + 0.06
    scale = min(half_w / abs(dx) if dx else float("inf"), half_h / abs(dy) if dy else float("inf"))
    scale = min(scale, 1.0)
    return x + dx * scale, y + dy * scale


def diagram_png(view: DiagramView) -> bytes:
    """The diagram as a PNG image."""
    # The Figure API without pyplot keeps no global state: safe in worker threads.
    from matplotlib.figure import Figure
    from matplotlib.patches import FancyBboxPatch

    g = view.graph
    where = positions(view)
    xs = [x for x, _ in where.values()] or [0.0]
    ys = [y for _, y in where.values()] or [0.0]
    width, height = max(xs) - min(xs) + _COL, max(ys) - min(ys) + _ROW * 1.6
    fig = Figure(figsize=(min(16, 1.2 + width * 1.1), min(12, 1.0 + height * 1.1)), dpi=100)
    ax = fig.add_subplot()
    ax.set_xlim(min(xs) - _COL / 2, max(xs) + _COL / 2)
    ax.set_ylim(min(ys) - _ROW, max(ys) + _ROW * 0.8)
    ax.set_axis_off()
    ax.set_title(view.title, fontsize=11)
    for group in g.groups:
        inside = [where[n.id] for n in g.nodes if n.group == group]
        if not inside:
            continue
        gx = [x for x, _ in inside]
        gy = [y for _, y in inside]
        frame = FancyBboxPatch(
            (min(gx) - _BOX_W * 0.65, min(gy) - _BOX_H * 0.9),
            max(gx) - min(gx) + _BOX_W * 1.3,
            max(gy) - min(gy) + _BOX_H * 2.0,
            boxstyle="round,pad=0.02",
            facecolor="#f7fafc",
            edgecolor="#a0aec0",
            linestyle="--",
            zorder=0,
        )
        ax.add_patch(frame)
        ax.text(
            min(gx) - _BOX_W * 0.6,
            max(gy) + _BOX_H * 0.8,
            group,
            fontsize=8,
            color="#4a5568",
            va="top",
        )
    for e in g.edges:
        (x1, y1), (x2, y2) = where[e.source], where[e.target]
        ax.annotate(
            "",
            xy=_edge_of((x2, y2), (x1, y1)),
            xytext=_edge_of((x1, y1), (x2, y2)),
            arrowprops={
                "arrowstyle": "<|-|>" if e.both else "-|>",
                "color": "#4a5568",
                "shrinkA": 0,
                "shrinkB": 0,
                "connectionstyle": "arc3,rad=0.15" if x1 >= x2 else "arc3,rad=0",
            },
            zorder=1,
        )
        if e.label:
            ax.text(
                (x1 + x2) / 2,
                (y1 + y2) / 2 + 0.12,
                e.label,
                fontsize=7,
                ha="center",
                color="#2d3748",
                zorder=3,
                bbox={"facecolor": "white", "edgecolor": "none", "pad": 0.5},
            )
    for n in g.nodes:
        x, y = where[n.id]
        colour = _COLOURS.get(n.kind, _STORE_COLOUR if n.kind in STORES else _OTHER_COLOUR)
        box = FancyBboxPatch(
            (x - _BOX_W / 2, y - _BOX_H / 2),
            _BOX_W,
            _BOX_H,
            boxstyle="round,pad=0.04",
            facecolor=colour,
            edgecolor="#2d3748" if n.kind != "component" else "#718096",
            linestyle="-" if n.kind != "component" else ":",
            zorder=2,
        )
        ax.add_patch(box)
        label = "\n".join(textwrap.wrap(n.label, 18)[:2])
        ax.text(
            x,
            y + (0.07 if n.kind != "component" else 0),
            label,
            fontsize=8,
            ha="center",
            va="center",
            zorder=3,
        )
        if n.kind not in ("component", n.label):
            ax.text(
                x,
                y - _BOX_H * 0.33,
                n.kind,
                fontsize=6,
                ha="center",
                va="center",
                color="#4a5568",
                style="italic",
                zorder=3,
            )
    return png(fig, pad=0.1)  # matplotlib's default margin
