"""The page's pictures as inline SVG: the scorecard's radar and each diagram version.

The diagram uses the chat image's layout (bot.chat.diagram.positions) unchanged, so a box sits
where the PNG in the chat put it; only the drawing is SVG. Every label is escaped here, and the
pictures carry a <title> and text labels, so they mean the same without colour.
"""

from __future__ import annotations

import math
import textwrap
from collections.abc import Mapping

from markupsafe import Markup, escape

from bot.chat.diagram import positions
from interviewer.core.rubric import SCALE_MAX, Criterion
from interviewer.diagrams.kinds import STORES
from interviewer.diagrams.view import DiagramView

_SCALE = 60  # pixels per layout unit
_BOX_W, _BOX_H = 1.6 * _SCALE, 0.62 * _SCALE
_R = 28  # radar pixels per score point


def _angles() -> list[float]:
    """One angle per criterion, the first at the top, clockwise (as the chat radar)."""
    n = len(Criterion)
    return [-math.pi / 2 + 2 * math.pi * i / n for i in range(n)]


def _points(values: list[float], centre: float) -> str:
    return " ".join(
        f"{centre + v * _R * math.cos(a):.1f},{centre + v * _R * math.sin(a):.1f}"
        for v, a in zip(values, _angles(), strict=True)
    )


def radar_svg(
    scores: Mapping[Criterion, int], other: Mapping[Criterion, int] | None = None
) -> Markup:
    """The seven scores as a radar; `other` (a peer's human scores) drawn dashed beside them."""
    reach = SCALE_MAX * _R
    c = reach + 110  # room for the labels
    size = 2 * c
    out = [
        f'<svg class="radar" viewBox="0 0 {size} {size}" role="img" '
        'aria-labelledby="radar-title" xmlns="http://www.w3.org/2000/svg">',
        '<title id="radar-title">Radar of the seven criteria: '
        + escape(", ".join(f"{k.label} {scores[k]} of 4" for k in Criterion))
        + "</title>",
    ]
    for ring in range(1, SCALE_MAX + 1):
        out.append(f'<polygon class="ring" points="{_points([ring] * len(Criterion), c)}"/>')
    for a in _angles():
        x, y = c + reach * math.cos(a), c + reach * math.sin(a)
        out.append(f'<line class="ring" x1="{c}" y1="{c}" x2="{x:.1f}" y2="{y:.1f}"/>')
    if other:
        shape = _points([other.get(k, 0) for k in Criterion], c)
        out.append(f'<polygon class="shape other" points="{shape}"/>')
    out.append(f'<polygon class="shape" points="{_points([scores[k] for k in Criterion], c)}"/>')
    for k, a in zip(Criterion, _angles(), strict=True):
        x, y = c + (reach + 12) * math.cos(a), c + (reach + 12) * math.sin(a)
        anchor = "middle" if abs(x - c) < 10 else ("start" if x > c else "end")
        lines = textwrap.wrap(f"{k.label} {scores[k]}/4", 16)
        dy = -(len(lines) - 1) * 14 if y < c - 10 else (0 if y > c + 10 else -(len(lines) - 1) * 7)
        out.append(f'<text x="{x:.1f}" y="{y + dy:.1f}" text-anchor="{anchor}">')
        for i, line in enumerate(lines):
            out.append(f'<tspan x="{x:.1f}" dy="{0 if i == 0 else 14}">{escape(line)}</tspan>')
        out.append("</text>")
    out.append("</svg>")
    return Markup("".join(out))


def _kind_class(kind: str) -> str:
    if kind in STORES:
        return "store"
    return {"client": "client", "component": "unknown"}.get(kind, "typed")


def diagram_svg(
    view: DiagramView, marked: frozenset[str] = frozenset(), title: str | None = None
) -> Markup:
    """One diagram version: boxes at the chat image's positions, arrows, groups; boxes a
    finding names are drawn with a thick dashed border and a ⚠ in their label. `title` names
    it for screen readers (default: the version's own title)."""
    where = {n: (x * _SCALE, -y * _SCALE) for n, (x, y) in positions(view).items()}
    xs = [x for x, _ in where.values()] or [0.0]
    ys = [y for _, y in where.values()] or [0.0]
    left, top = min(xs) - _BOX_W, min(ys) - _BOX_H * 1.6
    width = max(xs) - left + _BOX_W
    height = max(ys) - top + _BOX_H * 1.6
    g = view.graph
    out = [
        f'<svg class="diagram" viewBox="{left:.0f} {top:.0f} {width:.0f} {height:.0f}" '
        f'width="{width:.0f}" role="img" xmlns="http://www.w3.org/2000/svg">',
        f"<title>{escape(title or view.title)}</title>",
        '<defs><marker id="arrow" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="7" '
        'markerHeight="7" orient="auto-start-reverse"><path d="M0,0L10,5L0,10z" class="head"/>'
        "</marker></defs>",
    ]
    for group in g.groups:
        inside = [where[n.id] for n in g.nodes if n.group == group]
        if inside:
            gx, gy = [x for x, _ in inside], [y for _, y in inside]
            x0, y0 = min(gx) - _BOX_W * 0.65, min(gy) - _BOX_H * 1.1
            w, h = max(gx) - min(gx) + _BOX_W * 1.3, max(gy) - min(gy) + _BOX_H * 2.0
            out.append(
                f'<rect class="group" x="{x0:.0f}" y="{y0:.0f}" width="{w:.0f}" '
                f'height="{h:.0f}" rx="6"/>'
            )
            out.append(
                f'<text class="small" x="{x0 + 4:.0f}" y="{y0 + 12:.0f}">{escape(group)}</text>'
            )
    for e in g.edges:
        (x1, y1), (x2, y2) = where[e.source], where[e.target]
        a, b = _edge_of((x1, y1), (x2, y2)), _edge_of((x2, y2), (x1, y1))
        start = ' marker-start="url(#arrow)"' if e.both else ""
        out.append(
            f'<line class="edge" x1="{a[0]:.1f}" y1="{a[1]:.1f}" x2="{b[0]:.1f}" '
            f'y2="{b[1]:.1f}" marker-end="url(#arrow)"{start}/>'
        )
        if e.label:
            out.append(
                f'<text class="small edge-label" x="{(x1 + x2) / 2:.0f}" '
                f'y="{(y1 + y2) / 2 - 6:.0f}" text-anchor="middle">{escape(e.label)}</text>'
            )
    for n in g.nodes:
        x, y = where[n.id]
        flagged = n.id in marked
        cls = f"box {_kind_class(n.kind)}" + (" flagged" if flagged else "")
        out.append(
            f'<rect class="{cls}" x="{x - _BOX_W / 2:.0f}" y="{y - _BOX_H / 2:.0f}" '
            f'width="{_BOX_W:.0f}" height="{_BOX_H:.0f}" rx="5"/>'
        )
        label = textwrap.wrap(("⚠ " if flagged else "") + n.label, 15)[:2]
        for i, line in enumerate(label):
            dy = (i - (len(label) - 1) / 2) * 12 - (
                5 if n.kind not in ("component", n.label) else 0
            )
            out.append(
                f'<text x="{x:.0f}" y="{y + dy + 4:.0f}" text-anchor="middle">{escape(line)}</text>'
            )
        if n.kind not in ("component", n.label):
            out.append(
                f'<text class="small kind" x="{x:.0f}" y="{y + _BOX_H / 2 - 4:.0f}" '
                f'text-anchor="middle">{escape(n.kind)}</text>'
            )
    out.append("</svg>")
    return Markup("".join(out))


def _edge_of(centre: tuple[float, float], towards: tuple[float, float]) -> tuple[float, float]:
    """Where the line from a box's centre towards another point leaves the box."""
    (x, y), (tx, ty) = centre, towards
    dx, dy = tx - x, ty - y
    half_w, half_h = _BOX_W / 2 + 3, _BOX_H / 2 + 3
    scale = min(half_w / abs(dx) if dx else math.inf, half_h / abs(dy) if dy else math.inf, 1.0)
    return x + dx * scale, y + dy * scale
