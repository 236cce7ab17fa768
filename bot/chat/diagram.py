"""The candidate's diagram drawn back as a PNG (matplotlib's Figure API, no display, no
graphviz). Everything is placed by `interviewer.diagrams.geometry` in inches; this module only
draws it, one data unit to the inch, so the type keeps the sizes the geometry chose for a
phone: boxes coloured by the kind the concept lexicon gave them, the kind upright under the
name, subgraphs as dashed frames, arrows with their labels on a white ground."""

from __future__ import annotations

import itertools
from typing import TYPE_CHECKING

from bot.chat.charts import DPI, png
from interviewer.diagrams.geometry import (
    CHAR_EM,
    LABEL_PT,
    MARGIN,
    MAX_WIDTH,
    SMALL_PT,
    Geometry,
    Rect,
    Text,
    geometry,
    line,
    text_size,
    wrap,
)
from interviewer.diagrams.kinds import STORES
from interviewer.diagrams.view import DiagramView

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

TITLE_PT = LABEL_PT
MAX_PIXELS = 4_000_000
_COLUMN, _ROW = 2.4, 1.1  # positions(): the least distance between columns, rows
_INK, _SOFT, _FRAME = "#2d3748", "#4a5568", "#a0aec0"
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
_WAYS = {"TD": "top to bottom", "BT": "bottom to top", "LR": "left to right", "RL": "right to left"}


def positions(view: DiagramView) -> dict[str, tuple[float, float]]:
    """Each box's centre, y upwards, for a drawing that sizes its own boxes: the geometry's
    centres stretched so neighbouring columns are 2.4 units apart and rows 1.1 (room for a
    1.6 by 0.62 box), the units this function has always used. `geometry()` has the rest."""
    boxes = geometry(view.graph).boxes
    ids, centres = list(boxes), [b.rect.centre for b in boxes.values()]

    def stretch(values: list[float], pitch: float) -> float:
        steps = [b - a for a, b in itertools.pairwise(sorted(set(values))) if b - a > 1e-9]
        return pitch / min(steps) if steps else 1.0

    sx = stretch([x for x, _ in centres], _COLUMN)
    sy = stretch([y for _, y in centres], _ROW)
    return {n: (x * sx, -y * sy) for n, (x, y) in zip(ids, centres, strict=True)}


def title_lines(view: DiagramView, geo: Geometry, width: float) -> tuple[str, ...]:
    """The image's title wrapped to its width, saying when the drawing was turned."""
    chars = max(12, int(width / (CHAR_EM * TITLE_PT / 72)))
    turned = wrap(f"(drawn {_WAYS[geo.direction]} to fit a phone)", chars, 2) if geo.turned else ()
    return (*wrap(view.title, chars, 3), *turned)


def diagram_figure(view: DiagramView) -> Figure:
    """The diagram drawn from its geometry, the title above it."""
    from matplotlib.figure import Figure  # no pyplot: no global state, safe in threads

    geo = geometry(view.graph)
    title_w = text_size((view.title,), TITLE_PT)[0]
    width = max(geo.width, min(MAX_WIDTH, title_w))
    title = title_lines(view, geo, width)
    top = len(title) * line(TITLE_PT) + 0.12
    # A huge diagram is drawn at a lower resolution: four million pixels at most, which keeps
    # drawing it to about a second (it is no longer a phone's picture anyway).
    dpi = min(DPI, (MAX_PIXELS / (width * (geo.height + top))) ** 0.5)
    fig = Figure(figsize=(width, geo.height + top), dpi=dpi)
    ax = fig.add_axes((0.0, 0.0, 1.0, 1.0))
    shift = (width - geo.width) / 2
    ax.set_xlim(-shift, width - shift)  # one data unit is one inch, both ways
    ax.set_ylim(geo.height, -top)  # y grows downwards, as in the geometry
    ax.set_axis_off()
    ax.text(geo.width / 2, -top, "\n".join(title), fontsize=TITLE_PT, ha="center", va="top")
    _draw(ax, view, geo)
    return fig


def diagram_png(view: DiagramView) -> bytes:
    """The diagram as a PNG image."""
    return png(diagram_figure(view), pad=MARGIN)


def _draw(ax: Axes, view: DiagramView, geo: Geometry) -> None:
    """Frames, then arrows, then boxes, then every text on top."""
    from matplotlib.patches import FancyArrowPatch
    from matplotlib.path import Path

    for frame in geo.frames:
        _rounded(ax, frame.rect, "#f7fafc", (_FRAME, "--"), 0)
        _text(ax, frame.title, colour=_SOFT, left=True)
    for arrow in geo.arrows:
        ax.add_patch(
            FancyArrowPatch(
                path=Path(arrow.points),
                arrowstyle="<|-|>" if arrow.both else "-|>",
                mutation_scale=9,
                color=_SOFT,
                linewidth=1,
                zorder=1,
            )
        )
        if arrow.label:
            _text(ax, arrow.label, ground="white")
    for node in view.graph.nodes:
        box = geo.boxes[node.id]
        r = box.rect
        face = _COLOURS.get(node.kind, _STORE_COLOUR if node.kind in STORES else _OTHER_COLOUR)
        plain = node.kind == "component"  # an unknown kind: a dotted edge
        _rounded(ax, r, face, ("#718096", ":") if plain else (_INK, "-"), 2)
        x, y = r.centre
        below = line(SMALL_PT) / 2 if box.kind else 0.0
        ax.text(
            x,
            y - below,
            "\n".join(box.label),
            fontsize=LABEL_PT,
            ha="center",
            va="center",
            zorder=3,
            color="black",
        )
        if box.kind:  # upright: a small italic is what a phone blurs first
            label_h = len(box.label) * line(LABEL_PT)
            ax.text(
                x,
                y - below + label_h / 2 + below,
                box.kind,
                fontsize=SMALL_PT,
                ha="center",
                va="center",
                color=_SOFT,
                zorder=3,
            )


def _rounded(ax: Axes, r: Rect, face: str, edge: tuple[str, str], z: int) -> None:
    """A rectangle of the geometry with rounded corners: its fill, (edge colour, line style)."""
    from matplotlib.patches import FancyBboxPatch

    ax.add_patch(
        FancyBboxPatch(
            (r.x0, r.y0),
            r.x1 - r.x0,
            r.y1 - r.y0,
            boxstyle="round,pad=0,rounding_size=0.05",
            facecolor=face,
            edgecolor=edge[0],
            linestyle=edge[1],
            zorder=z,
        )
    )


def _text(
    ax: Axes, text: Text, colour: str = _INK, left: bool = False, ground: str | None = None
) -> None:
    """A text of the geometry, in its rectangle."""
    r = text.rect
    x = r.x0 if left else r.centre[0]
    ax.text(
        x,
        r.centre[1],
        "\n".join(text.lines),
        fontsize=text.pt,
        ha="left" if left else "center",
        va="center",
        color=colour,
        zorder=4,
        bbox={"facecolor": ground, "edgecolor": "none", "pad": 0} if ground else None,
    )
