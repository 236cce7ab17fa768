"""Charts as PNG bytes (matplotlib's Figure API, no display): the scorecard radar, the leaderboard."""

from __future__ import annotations

import io
import math

from interviewer.core.rubric import SCALE_MAX, Criterion, Scorecard
from interviewer.drills.leaderboard import Board


def radar_png(card: Scorecard, title: str = "") -> bytes:
    """A radar chart of the criteria scores."""
    # The Figure API without pyplot keeps no global state: safe in worker threads.
    from matplotlib.figure import Figure

    criteria = list(Criterion)
    scores = [card.criteria[c].score for c in criteria]
    angles = [2 * math.pi * i / len(criteria) for i in range(len(criteria))]
    fig = Figure(figsize=(5, 5), dpi=100)
    try:
        ax = fig.add_subplot(polar=True)
        ax.plot([*angles, angles[0]], [*scores, scores[0]], color="#2b6cb0", linewidth=2)
        ax.fill([*angles, angles[0]], [*scores, scores[0]], color="#2b6cb0", alpha=0.25)
        ax.set_xticks(angles)
        ax.set_xticklabels([c.label.replace(" & ", " &\n") for c in criteria], fontsize=8)
        ax.set_ylim(0, SCALE_MAX)
        ax.set_yticks(range(1, SCALE_MAX + 1))
        ax.set_title(title or f"Overall {card.overall:.1f}/4", fontsize=11, pad=18)
        buffer = io.BytesIO()
        fig.savefig(buffer, format="png", bbox_inches="tight")
        return buffer.getvalue()
    finally:
        fig.clear()


def board_png(board: Board) -> bytes:
    """The board's members and points as bars, the leader on top."""
    from matplotlib.figure import Figure

    rows = board.rows or []
    labels = [f"{r.rank}. {r.name}" for r in rows] or ["no points yet"]
    values = [r.points for r in rows] or [0]
    fig = Figure(figsize=(6, 1.2 + 0.4 * len(labels)), dpi=100)
    try:
        ax = fig.add_subplot()
        bars = ax.barh(range(len(values)), values, color="#2b6cb0")
        ax.set_yticks(range(len(labels)))
        ax.set_yticklabels(labels, fontsize=9)
        ax.invert_yaxis()
        ax.bar_label(bars, labels=[f"{v} pts" for v in values], padding=3, fontsize=8)
        ax.set_xlabel("points")
        ax.set_xlim(0, max(values) * 1.2 + 1)
        ax.spines[["top", "right"]].set_visible(False)
        ax.set_title(board.title, fontsize=11)
        buffer = io.BytesIO()
        fig.savefig(buffer, format="png", bbox_inches="tight")
        return buffer.getvalue()
    finally:
        fig.clear()
