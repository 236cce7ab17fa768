"""The scorecard's radar chart of the seven criteria, as PNG bytes (matplotlib, no display)."""

from __future__ import annotations

import io
import math

from interviewer.core.rubric import SCALE_MAX, Criterion, Scorecard


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
