"""`mockroom review [N]`: the page written to a file (the browser is not opened in tests)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from bot.bootstrap import Container
from bot.terminal.render import REVIEW_LINE
from tests.bot.terminal.invoke import run

ANSWER = "How many URLs a day? I would shard the <table> by hash & keep a replica.\n"


def test_the_scorecards_last_line_names_the_command(factory: Callable[[], Container]) -> None:
    code, out = run(factory, ["practice", "-q", "url-shortener", "-f", "drill"], ANSWER)
    assert code == 0
    card = out[out.index("Scorecard") :]
    inside = [line for line in card.splitlines() if line.startswith("│") and line.strip("│ ")]
    assert REVIEW_LINE in inside[-1]


def test_review_writes_the_latest_page_or_number_n(
    factory: Callable[[], Container], tmp_path: Path
) -> None:
    run(factory, ["practice", "-q", "chatbot-api", "-f", "drill"], "What scale?\n")
    run(factory, ["practice", "-q", "url-shortener", "-f", "drill"], ANSWER)
    page = tmp_path / "latest.html"
    code, out = run(factory, ["review", "--no-open", "-o", str(page)])
    assert code == 0, out
    assert "Your review page is in" in out
    html = page.read_text(encoding="utf-8")
    assert "URL shortener" in html and "&lt;table&gt;" in html and "<script" not in html
    assert "against your earlier ones" in html  # compared with the chatbot API interview
    first = tmp_path / "first.html"
    code, out = run(factory, ["review", "1", "--no-open", "--output", str(first)])
    assert code == 0 and "chatbot" in first.read_text(encoding="utf-8").lower()
    code, out = run(factory, ["review", "7", "--no-open"])
    assert code == 1 and "no number 7" in out


def test_review_with_nothing_scored_is_one_line(factory: Callable[[], Container]) -> None:
    code, out = run(factory, ["review", "--no-open"])
    assert code == 1 and "Nothing has been scored yet" in out
