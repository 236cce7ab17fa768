"""The charts, drawn for real and measured: no label inside another's box, labels clear of the
rings and the shape, the title saying the overall score, twice the resolution."""

from __future__ import annotations

import io
import itertools
import math
import struct

import pytest
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.text import Text
from matplotlib.transforms import Bbox

from bot.chat.charts import (
    DPI,
    LABEL_PT,
    board_figure,
    board_png,
    members_figure,
    progress_figure,
    radar_figure,
    radar_png,
)
from interviewer.core.rubric import (
    SCALE_MAX,
    Contribution,
    Criterion,
    CriterionScore,
    HireSignal,
    Scorecard,
)
from interviewer.drills.leaderboard import HIDDEN_NAME, Board, BoardRow, Period

TITLE = "Design a large-scale AI model deployment system"


def card(
    scores: list[int], overall: float = 3.1, signal: HireSignal = HireSignal.HIRE
) -> Scorecard:
    return Scorecard(
        criteria={c: CriterionScore(s, [], "") for c, s in zip(Criterion, scores, strict=True)},
        overall=overall,
        hire_signal=signal,
    )


def drawn(fig: Figure) -> list[tuple[Text, Bbox]]:
    """Every visible text of the figure with its box in pixels, after a real draw."""
    canvas = FigureCanvasAgg(fig)
    canvas.draw()
    renderer = canvas.get_renderer()
    hidden = {  # tick labels of axes switched off are not drawn
        id(t)
        for ax in fig.axes
        if not ax.axison
        for t in [*ax.get_xticklabels(which="both"), *ax.get_yticklabels(which="both")]
    }
    return [
        (t, t.get_window_extent(renderer))
        for t in fig.findobj(Text)
        if t.get_visible() and t.get_text().strip() and id(t) not in hidden
    ]


def assert_apart(boxes: list[tuple[Text, Bbox]]) -> None:
    for (a, box_a), (b, box_b) in itertools.combinations(boxes, 2):
        assert not box_a.overlaps(box_b), f"{a.get_text()!r} overlaps {b.get_text()!r}"


def size(png: bytes) -> tuple[int, int]:
    """A PNG's width and height in pixels, from its header."""
    width, height = struct.unpack(">II", png[16:24])
    return width, height


@pytest.mark.parametrize("scores", [[4] * 7, [1] * 7, [4, 4, 2, 3, 1, 4, 3], [4, 1, 4, 1, 4, 1, 4]])
def test_radar_labels_clear_each_other_the_rings_and_the_shape(scores: list[int]) -> None:
    fig = radar_figure(card(scores), TITLE)
    boxes = drawn(fig)
    assert_apart(boxes)
    ax = fig.axes[0]
    centre = ax.transData.transform((0, 0))
    ring = ax.transData.transform((SCALE_MAX, 0))[0] - centre[0]  # the outer ring's radius
    labels = [(t, b) for t, b in boxes if "/4" in t.get_text() and "Overall" not in t.get_text()]
    assert len(labels) == len(Criterion)
    for text, box in labels:
        # the box's nearest point to the centre lies outside the outer ring (and so the shape)
        nearest = (min(max(centre[0], box.x0), box.x1), min(max(centre[1], box.y0), box.y1))
        assert math.dist(nearest, centre) > ring, text.get_text()
        assert text.get_fontsize() >= LABEL_PT  # legible when a phone shrinks the image


def test_radar_title_has_the_overall_score_and_signal_at_twice_the_resolution() -> None:
    fig = radar_figure(card([3] * 7, 3.0, HireSignal.STRONG_HIRE), TITLE)
    texts = [t.get_text() for t, _ in drawn(fig)]
    assert any(t.startswith("Overall 3.0/4 · Strong hire\nDesign a large-scale") for t in texts)
    assert "AI infrastructure\nknowledge 3/4" in texts  # wrapped, the score beside it
    assert fig.dpi == DPI == 200
    png = radar_png(card([3] * 7), TITLE)
    width, _ = size(png)
    assert 900 <= width <= 1600  # sharp, yet a phone's 360 points show 8 px type at least
    assert LABEL_PT * DPI / 72 * 360 / width >= 7.5


def test_members_radar_has_a_panel_per_member_with_titles_apart() -> None:
    scored = card([3] * 7)
    scored.contributors = [
        Contribution(
            f"U{i}", 3, 2.0 + i / 4, [], {c: 1 + (i + j) % 4 for j, c in enumerate(Criterion)}
        )
        for i in range(5)
    ]
    fig = members_figure(scored, {"U0": "Ada", "U1": "Bob"})
    boxes = drawn(fig)
    assert_apart(boxes)
    titles = [t.get_text() for t, _ in boxes if "msgs" in t.get_text()]
    assert titles[0].startswith("Ada\n") and titles[1].startswith("Bob\n")
    assert sum(t.startswith(HIDDEN_NAME) for t in titles) == 3  # no name known: hidden
    assert len(fig.axes) == 5


def test_progress_chart_labels_and_legend_stay_apart() -> None:
    cards = [(str(n), card([1 + (n + i) % 4 for i in range(7)], 1.0 + n / 3)) for n in range(1, 9)]
    fig = progress_figure(cards)
    boxes = drawn(fig)
    assert_apart(boxes)
    legend = {t.get_text() for t, _ in boxes}
    assert {c.label for c in Criterion} <= legend and "Overall" in legend


def test_board_streaks_the_viewer_highlighted_and_hidden_members_as_such() -> None:
    rows = [
        BoardRow(1, "U1", "Ada", 120, 5),
        BoardRow(2, "U2", HIDDEN_NAME, 90, 0),
        BoardRow(3, "U3", "you", 60, 2),
        BoardRow(4, "U4", HIDDEN_NAME, 30, 1),
    ]
    board = Board(Period.WEEK, None, rows)
    fig = board_figure(board, viewer="U3")
    boxes = drawn(fig)
    assert_apart(boxes)
    texts = [t.get_text() for t, _ in boxes]
    assert "1. Ada" in texts and "3. you ◀" in texts
    assert texts.count(f"2. {HIDDEN_NAME}") == 1 and f"4. {HIDDEN_NAME}" in texts  # as the text
    assert "120 pts · streak 5" in texts and "90 pts" in texts
    bars = fig.axes[0].patches
    colours = [tuple(round(x, 3) for x in bar.get_facecolor()[:3]) for bar in bars]
    assert colours[2] not in (colours[0], colours[1])  # the viewer's bar stands out
    assert colours[1] == colours[3] != colours[0]  # hidden members look alike, not named
    assert bars[1].get_hatch() == "//" and not bars[0].get_hatch()
    assert board_png(board).startswith(b"\x89PNG")


def test_an_image_is_a_png() -> None:
    assert io.BytesIO(radar_png(card([2] * 7))).read(8) == b"\x89PNG\r\n\x1a\n"
