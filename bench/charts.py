"""Draws the example charts and a diagram in docs/charts/ from made-up scorecards, a made-up
board and a made-up design.

Run: uv run python -m bench.charts   (prints each file and its size in pixels and bytes)
"""

from __future__ import annotations

import struct
from pathlib import Path

from bot.chat.charts import board_png, members_png, progress_png, radar_png
from bot.chat.diagram import diagram_png
from interviewer.bank import load_bank
from interviewer.core.rubric import Contribution, Criterion, CriterionScore, HireSignal, Scorecard
from interviewer.diagrams.extract import extract
from interviewer.diagrams.kinds import type_graph
from interviewer.diagrams.view import DiagramView
from interviewer.drills.leaderboard import HIDDEN_NAME, Board, BoardRow, Period

OUT = Path(__file__).resolve().parents[1] / "docs" / "charts"
DIAGRAM = """```mermaid
flowchart LR
  C[Mobile app] -->|HTTPS| G[API gateway]
  subgraph primary [us-east-1]
    G --> R[Model router] --> Q[Request queue] --> P[GPU pool]
    R --> K[(Prompt cache)]
  end
  subgraph standby [eu-west-1]
    G2[Standby gateway] --> P2[GPU pool]
  end
  G -->|failover when us-east-1 is down| P2
  P --> L[(Usage log)]
  A[Audit log]
```"""


def card(scores: list[int], overall: float, signal: HireSignal) -> Scorecard:
    """A scorecard with these criterion scores."""
    return Scorecard(
        criteria={c: CriterionScore(s, [], "") for c, s in zip(Criterion, scores, strict=True)},
        overall=overall,
        hire_signal=signal,
    )


def charts() -> dict[str, bytes]:
    """Every example chart by file name."""
    radar = card([4, 4, 2, 3, 1, 4, 3], 3.1, HireSignal.HIRE)
    along = card([3, 3, 2, 3, 2, 3, 3], 2.7, HireSignal.LEAN_HIRE)
    along.contributors = [
        Contribution(
            f"U{i}", 6 - i, 3.2 - i * 0.4, [], {c: 1 + (i + j) % 4 for j, c in enumerate(Criterion)}
        )
        for i in range(4)
    ]
    names = {"U0": "Ada", "U1": "Bob", "U2": "Cyd"}
    history = [
        (str(n), card([min(4, 1 + (n + i) // 3) for i in range(7)], 1.2 + n * 0.3, HireSignal.HIRE))
        for n in range(1, 8)
    ]
    board = Board(
        Period.WEEK,
        None,
        [
            BoardRow(1, "U1", "Ada", 182, 6),
            BoardRow(2, "U2", HIDDEN_NAME, 140, 3),
            BoardRow(3, "U3", "you", 121, 2),
            BoardRow(4, "U4", "Bob", 75, 0),
            BoardRow(5, "U5", HIDDEN_NAME, 40, 1),
        ],
    )
    diagram = extract(DIAGRAM).graph
    assert diagram is not None
    typed = type_graph(diagram, load_bank().concept_patterns)
    found = {
        "diagram.png": diagram_png(DiagramView(3, typed)),
        "radar.png": radar_png(radar, "Design a large-scale AI model deployment system"),
        "members.png": members_png(along, names),
        "progress.png": progress_png(history),
        "leaderboard.png": board_png(board, viewer="U3"),
    }
    return {name: png for name, png in found.items() if png is not None}


def main() -> None:
    """Write the charts and print their sizes."""
    OUT.mkdir(parents=True, exist_ok=True)
    for name, png in charts().items():
        (OUT / name).write_bytes(png)
        width, height = struct.unpack(">II", png[16:24])
        print(f"{OUT / name}: {width}x{height} px, {len(png):,} bytes")


if __name__ == "__main__":
    main()
