"""Charts as PNG bytes (matplotlib's Figure API, no display): the scorecard radar, a design-along's
radar per member, a member's progress over their history, the leaderboard.

Every chart is drawn at twice the usual resolution with type sized for a phone: an image is
shown about 360 points wide there, and every text is 8 px at least then (about 6 inches wide,
10 points at least). The progress chart is small multiples, a panel per criterion, so every
score is drawn exactly where it is. The `*_figure` functions return the figure itself, for the
tests that measure where the labels landed and what was plotted.
"""

from __future__ import annotations

import io
import math
import textwrap
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING

from bot.chat.render import SIGNAL_LABELS
from interviewer.core.rubric import SCALE_MAX, Criterion, Scorecard
from interviewer.drills.leaderboard import HIDDEN_NAME, Board

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

DPI = 200  # twice the usual 100: sharp on high-density screens
LABEL_PT = 11
TITLE_PT = 13
# Okabe-Ito colours, told apart by colour-blind readers; none is the only carrier of meaning
# (the viewer's bar is also bold with a marker, a hidden member's hatched and in italics).
BLUE = "#0072B2"
ORANGE = "#E69F00"
GREY = "#999999"
BLACK = "#000000"
LABEL_RADIUS = 1.16  # criterion labels sit outside the outer ring, as a share of its radius
PNG_COMPRESSION = 1
"""zlib level of the PNGs: 1 instead of Pillow's 6 saves about a fifth of a chart's CPU (about
50 of 270 ms for the scorecard radar, drawn at every platform member's ending) for 5% more
bytes (docs/performance.md, round 3 session 5)."""
MAX_MEMBER_PANELS = 6


def png(fig: Figure, pad: float = 0.15) -> bytes:
    """The figure as PNG bytes, cropped to what was drawn (`pad` inches around it); the
    figure is cleared after."""
    try:
        buffer = io.BytesIO()
        fig.savefig(
            buffer,
            format="png",
            bbox_inches="tight",
            pad_inches=pad,
            pil_kwargs={"compress_level": PNG_COMPRESSION},
        )
        return buffer.getvalue()
    finally:
        fig.clear()


def _label(criterion: Criterion, score: int | None = None) -> str:
    """'AI infrastructure\nknowledge 3/4': wrapped at 16 characters, the score after."""
    text = criterion.label if score is None else f"{criterion.label} {score}/4"
    return "\n".join(textwrap.wrap(text, 18))


def _angles() -> list[float]:
    """One angle per criterion, the first at the top, clockwise."""
    n = len(Criterion)
    return [math.pi / 2 - 2 * math.pi * i / n for i in range(n)]


def _radar_axes(ax: Axes, scores: Mapping[Criterion, int], size: float, labels: bool) -> None:
    """Rings, spokes, the shape and (outside the outer ring) the criterion labels."""
    angles = _angles()
    ax.set_aspect("equal")
    ax.axis("off")
    for ring in range(1, SCALE_MAX + 1):
        points = [(ring * math.cos(a), ring * math.sin(a)) for a in angles]
        xs, ys = zip(*[*points, points[0]], strict=True)
        ax.plot(xs, ys, color=GREY, linewidth=0.6, zorder=1)
    for a in angles:
        ax.plot([0, SCALE_MAX * math.cos(a)], [0, SCALE_MAX * math.sin(a)], color=GREY, lw=0.6)
    shape = [
        (scores[c] * math.cos(a), scores[c] * math.sin(a))
        for c, a in zip(Criterion, angles, strict=True)
    ]
    xs, ys = zip(*[*shape, shape[0]], strict=True)
    ax.fill(xs, ys, color=BLUE, alpha=0.25, zorder=2)
    ax.plot(xs, ys, color=BLUE, linewidth=2, zorder=3)
    reach = SCALE_MAX * LABEL_RADIUS
    if labels:
        for criterion, a in zip(Criterion, angles, strict=True):
            x, y = reach * math.cos(a), reach * math.sin(a)
            # Anchored away from the centre, so a label grows outwards, never over the rings.
            ha = "center" if abs(x) < 0.3 else ("left" if x > 0 else "right")
            va = "bottom" if y > 0.3 else ("top" if y < -0.3 else "center")
            ax.text(x, y, _label(criterion, scores[criterion]), ha=ha, va=va, fontsize=size)
    # Room above and below for the labels at the top and bottom, so a title clears them.
    room = 1.0 if labels else 0.0
    ax.set_xlim(-reach, reach)
    ax.set_ylim(-reach - room, reach + room)


def radar_figure(card: Scorecard, title: str = "") -> Figure:
    """The scorecard's radar: overall score and hire signal in the title, each criterion
    labelled with its score outside the outer ring."""
    from matplotlib.figure import Figure  # no pyplot: no global state, safe in threads

    fig = Figure(figsize=(5.2, 5.2), dpi=DPI)
    ax = fig.add_subplot()
    _radar_axes(ax, {c: card.criteria[c].score for c in Criterion}, LABEL_PT, labels=True)
    headline = f"Overall {card.overall:.1f}/4 · {SIGNAL_LABELS[card.hire_signal]}"
    wrapped = "\n".join(textwrap.wrap(title, 48)[:2])
    ax.set_title(f"{headline}\n{wrapped}" if title else headline, fontsize=TITLE_PT)
    return fig


def radar_png(card: Scorecard, title: str = "") -> bytes:
    """The scorecard's radar as PNG bytes."""
    return png(radar_figure(card, title))


def members_figure(card: Scorecard, names: Mapping[str, str]) -> Figure:
    """A design-along's radar per member (graded on their own messages), strongest first."""
    from matplotlib.figure import Figure

    shown = [c for c in card.contributors if c.scores][:MAX_MEMBER_PANELS]
    cols = min(2, max(1, len(shown)))  # two across: 11-point names stay 8 px on a phone
    rows = max(1, math.ceil(len(shown) / cols))
    # Constrained layout keeps the title, the member names and the note clear of each other.
    fig = Figure(figsize=(2.8 * cols, 2.9 * rows + 1.2), dpi=DPI, layout="constrained")
    for index, member in enumerate(shown):
        ax = fig.add_subplot(rows, cols, index + 1)
        _radar_axes(ax, {c: member.scores.get(c, 0) for c in Criterion}, 8, labels=False)
        name = names.get(member.author, HIDDEN_NAME)
        said = plural(member.messages, "message")
        ax.set_title(f"{name}\n{member.overall:.1f}/4 · {said}", fontsize=LABEL_PT)
    more = len([c for c in card.contributors if c.scores]) - len(shown)
    order = ", ".join(_label(c).replace("\n", " ") for c in Criterion)
    note = f"Spokes clockwise from the top: {order}."
    if more > 0:
        note += f" And {plural(more, 'more member')}."
    fig.supxlabel("\n".join(textwrap.wrap(note, 22 * cols)), fontsize=LABEL_PT - 1)
    fig.suptitle("Each member on their own messages", fontsize=TITLE_PT)
    return fig


def plural(count: int, noun: str) -> str:
    """'1 message', '3 messages'."""
    return f"{count} {noun}{'' if count == 1 else 's'}"


def members_png(card: Scorecard, names: Mapping[str, str]) -> bytes | None:
    """The per-member radars as PNG bytes; None when the card credits nobody."""
    if not any(c.scores for c in card.contributors):
        return None
    return png(members_figure(card, names))


def progress_figure(cards: Sequence[tuple[str, Scorecard]]) -> Figure:
    """Small multiples: the overall score and each criterion in a panel of its own, over the
    member's last scorecards (labelled by their history number), every point where it is."""
    from matplotlib.figure import Figure

    fig = Figure(figsize=(5.6, 9.6), dpi=DPI, layout="constrained")
    grid = fig.subplots(4, 2, sharex=True, sharey=True)
    xs = list(range(len(cards)))
    series: list[tuple[str, list[float], str]] = [
        ("Overall", [card.overall for _, card in cards], BLACK)
    ]
    series += [
        (c.label, [float(card.criteria[c].score) for _, card in cards], BLUE) for c in Criterion
    ]
    for ax, (name, ys, colour) in zip(grid.flat, series, strict=True):
        ax.plot(xs, ys, marker="o", color=colour, linewidth=2, markersize=5, label=name)
        latest = f"{ys[-1]:.1f}" if name == "Overall" else f"{ys[-1]:.0f}"
        title = "\n".join([*textwrap.wrap(name, 24), f"now {latest}/4"])
        ax.set_title(title, fontsize=LABEL_PT, loc="left")
        ax.grid(axis="y", color=GREY, linewidth=0.5)
        ax.spines[["top", "right"]].set_visible(False)
        ax.tick_params(labelsize=LABEL_PT - 1)
    ax0 = grid.flat[0]
    ax0.set_ylim(0.5, SCALE_MAX + 0.5)
    ax0.set_yticks(range(1, SCALE_MAX + 1))
    ax0.set_xticks(xs, [label for label, _ in cards])
    fig.supxlabel("history number (oldest left)", fontsize=LABEL_PT - 1)
    fig.suptitle("Your scores over time", fontsize=TITLE_PT)
    return fig


def progress_png(cards: Sequence[tuple[str, Scorecard]]) -> bytes | None:
    """The progress chart as PNG bytes; None with fewer than two scorecards to compare."""
    return png(progress_figure(cards)) if len(cards) >= 2 else None


def board_figure(board: Board, viewer: str | None = None) -> Figure:
    """The board's points as bars, the leader on top, streaks beside the points, the viewer's
    bar highlighted and hidden members greyed as such."""
    from matplotlib.figure import Figure

    rows = board.rows or []
    fig = Figure(figsize=(5.6, 1.4 + 0.5 * max(1, len(rows))), dpi=DPI)
    ax = fig.add_subplot()
    values = [r.points for r in rows] or [0]
    labels, colours = [], []
    for r in rows:
        mine = viewer is not None and r.user_id == viewer
        hidden = r.name == HIDDEN_NAME
        labels.append(f"{r.rank}. {r.name}{' ◀' * mine}")  # hidden: "a member", as in text
        colours.append(ORANGE if mine else GREY if hidden else BLUE)
    bars = ax.barh(range(len(values)), values, color=colours or [BLUE])
    for bar, r in zip(bars, rows, strict=False):
        if r.name == HIDDEN_NAME:
            bar.set_hatch("//")
    ax.set_yticks(range(len(values)), labels or ["no points yet"], fontsize=LABEL_PT)
    for tick, r in zip(ax.get_yticklabels(), rows, strict=False):
        if viewer is not None and r.user_id == viewer:
            tick.set_fontweight("bold")
        elif r.name == HIDDEN_NAME:
            tick.set_fontstyle("italic")
    ax.invert_yaxis()
    notes = [f"{r.points} pts" + (f" · streak {r.streak}" if r.streak else "") for r in rows]
    ax.bar_label(bars, labels=notes or ["0 pts"], padding=4, fontsize=LABEL_PT - 1)
    ax.set_xlim(0, max(values) * 1.45 + 1)
    ax.set_xticks([])
    ax.spines[["top", "right", "bottom"]].set_visible(False)
    ax.set_title(board.title, fontsize=TITLE_PT)
    return fig


def board_png(board: Board, viewer: str | None = None) -> bytes:
    """The leaderboard chart as PNG bytes."""
    return png(board_figure(board, viewer))
