"""A leaderboard as a horizontal bar chart, PNG bytes (matplotlib's Agg backend, no display)."""

from __future__ import annotations

import io

from interviewer.drills.leaderboard import Board


def board_png(board: Board) -> bytes:
    """The board's members and points as bars, the leader on top."""
    # The Figure API without pyplot keeps no global state: safe in worker threads.
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
