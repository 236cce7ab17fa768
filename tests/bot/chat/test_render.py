"""Shared chat rendering pieces and the radar chart."""

from __future__ import annotations

import pytest

from bot.chat.charts import radar_png
from bot.chat.render import clock_label, score_bar, split_text
from interviewer.core.rubric import Criterion, CriterionScore, HireSignal, Scorecard


@pytest.mark.parametrize("limit", [10, 50, 2000, 3000])
def test_split_text_keeps_every_word_within_the_limit(limit: int) -> None:
    text = ("First paragraph sentence one. Sentence two is longer than one.\n\n" * 40) + "x" * 5000
    pieces = split_text(text, limit)
    assert all(0 < len(p) <= limit for p in pieces)
    assert "".join(pieces).replace(" ", "").replace("\n", "") == text.replace(" ", "").replace(
        "\n", ""
    )


def test_split_text_prefers_paragraph_breaks() -> None:
    assert split_text("aaaa\n\nbbbb", 8) == ["aaaa", "bbbb"]
    assert split_text("short", 100) == ["short"]
    assert split_text("", 100) == [""]


def test_labels() -> None:
    assert clock_label(125) == "2:05" and clock_label(None) == ""
    assert score_bar(3) == "●●●○"


def test_radar_chart_is_a_png() -> None:
    card = Scorecard(
        {c: CriterionScore(i % 4 + 1) for i, c in enumerate(Criterion)},
        2.4,
        HireSignal.LEAN_NO_HIRE,
    )
    png = radar_png(card)
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    assert len(png) > 5000
