"""The charts, drawn for real and measured: no label inside another's box, labels clear of the
rings and the shape, the title saying the overall score, twice the resolution."""

from __future__ import annotations

import io
import itertools
import math
import struct
from collections.abc import Callable

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
    png,
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
    shape = max(ax.get_lines(), key=lambda line: line.get_linewidth())  # the scores' outline
    radii = [math.hypot(x, y) for x, y in zip(shape.get_xdata(), shape.get_ydata(), strict=True)]
    assert radii == pytest.approx([*scores, scores[0]])  # each score exactly on its ring
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
    titles = [t.get_text() for t, _ in boxes if "/4 · " in t.get_text()]
    assert titles[0].startswith("Ada\n") and titles[1].startswith("Bob\n")
    assert sum(t.startswith(HIDDEN_NAME) for t in titles) == 3  # no name known: hidden
    assert len(fig.axes) == 5
    suptitle = next(b for t, b in boxes if t.get_text().startswith("Each member"))
    assert all(suptitle.y0 > b.y1 for t, b in boxes if "/4 · " in t.get_text())


def test_members_count_one_message_and_several_messages() -> None:
    scored = card([3] * 7)
    scored.contributors = [
        Contribution(f"U{n}", n, 2.0, [], dict.fromkeys(Criterion, 2)) for n in (1, 3)
    ]
    texts = [t.get_text() for t, _ in drawn(members_figure(scored, {"U1": "Ada", "U3": "Bob"}))]
    assert "Ada\n2.0/4 · 1 message" in texts and "Bob\n2.0/4 · 3 messages" in texts


def test_progress_chart_labels_and_titles_stay_apart() -> None:
    cards = [(str(n), card([1 + (n + i) % 4 for i in range(7)], 1.0 + n / 3)) for n in range(1, 9)]
    fig = progress_figure(cards)
    boxes = drawn(fig)
    assert_apart(boxes)
    titles = {t.get_text().split("\n")[0] for t, _ in boxes}
    assert {c.label.split(" ")[0] for c in Criterion} <= {t.split(" ")[0] for t in titles}
    assert "Overall" in titles


@pytest.mark.parametrize(
    "history",
    [
        [[4] * 7, [4] * 7, [1] * 7],  # the extremes sit on the 4 and 1 lines, not beside them
        [[2] * 7, [2] * 7, [2] * 7, [2] * 7],  # all at 2: every line exactly at 2
        [[1, 2, 3, 4, 1, 2, 3], [4, 3, 2, 1, 4, 3, 2]],
    ],
)
def test_progress_values_are_drawn_exactly_where_they_are(history: list[list[int]]) -> None:
    cards = [(str(n + 1), card(s, sum(s) / 7)) for n, s in enumerate(history)]
    fig = progress_figure(cards)
    drawn(fig)
    assert len(fig.axes) == len(Criterion) + 1  # a panel per criterion, and the overall
    expected = [[sum(s) / 7 for s in history]]
    expected += [[s[i] for s in history] for i in range(len(Criterion))]
    names = ["Overall", *(c.label for c in Criterion)]
    for ax, values, label in zip(fig.axes, expected, names, strict=True):
        (line,) = ax.get_lines()
        assert list(line.get_xdata()) == list(range(len(history)))
        assert list(line.get_ydata()) == pytest.approx(values, abs=1e-12)
        assert line.get_marker() == "o"  # every value marked, not only the line through it
        low, high = ax.get_ylim()
        assert low < min(values) and max(values) < high
        assert ax.get_title(loc="left").replace("\n", " ").startswith(label)
        assert list(ax.get_yticks()) == [1, 2, 3, 4]  # the grid lines at the scores
    for ax in fig.axes[::2]:  # the left column carries the score labels, at their values
        ticks = {t.get_text(): t.get_position()[1] for t in ax.get_yticklabels()}
        assert ticks == {str(v): float(v) for v in range(1, 5)}
    bottom = fig.axes[-1]
    labels = [t.get_text() for t in bottom.get_xticklabels() if t.get_visible()]
    assert labels == [label for label, _ in cards]


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
    # hidden members are named as the board's text names them
    assert texts.count(f"2. {HIDDEN_NAME}") == 1 and f"4. {HIDDEN_NAME}" in texts
    assert not any("hidden" in t for t in texts)
    assert "120 pts · streak 5" in texts and "90 pts" in texts
    bars = fig.axes[0].patches
    assert [bar.get_width() for bar in bars] == [120, 90, 60, 30]  # each bar its points
    assert max(bar.get_width() for bar in bars) < fig.axes[0].get_xlim()[1]
    colours = [tuple(round(x, 3) for x in bar.get_facecolor()[:3]) for bar in bars]
    assert colours[2] not in (colours[0], colours[1])  # the viewer's bar stands out
    assert colours[1] == colours[3] != colours[0]  # hidden members look alike, not named
    assert bars[1].get_hatch() == "//" and not bars[0].get_hatch()
    assert board_png(board).startswith(b"\x89PNG")


def test_an_image_is_a_png() -> None:
    assert io.BytesIO(radar_png(card([2] * 7))).read(8) == b"\x89PNG\r\n\x1a\n"


def test_the_quickly_compressed_png_decodes_whole_at_twice_the_resolution() -> None:
    from PIL import Image

    with Image.open(io.BytesIO(radar_png(card([4, 1, 3, 2, 4, 1, 3]), TITLE))) as image:
        image.load()  # every row inflates
        assert image.format == "PNG" and min(image.size) >= 900
        assert len(image.getcolors(1 << 16) or []) > 2  # drawn, not blank


def members_card() -> Scorecard:
    scored = card([3] * 7)
    scored.contributors = [
        Contribution(f"U{i}", 3, 2.0, [], dict.fromkeys(Criterion, 1 + i % 4)) for i in range(4)
    ]
    return scored


@pytest.mark.parametrize(
    "build",
    [
        lambda: radar_figure(card([4, 4, 2, 3, 1, 4, 3]), TITLE),
        lambda: members_figure(members_card(), {"U0": "Ada"}),
        lambda: progress_figure([(str(n), card([1 + n % 4] * 7, 2.5)) for n in range(1, 9)]),
        lambda: board_figure(Board(Period.WEEK, None, [BoardRow(1, "U1", "Ada", 120, 5)]), "U1"),
    ],
    ids=["radar", "members", "progress", "board"],
)
def test_every_chart_text_is_8_px_at_least_on_a_phone(build: Callable[[], Figure]) -> None:
    fig = build()
    smallest = min(t.get_fontsize() for t, _ in drawn(fig))
    width, _ = size(png(fig))
    assert smallest / 72 * DPI * 360 / width >= 8  # the image shown 360 px wide
