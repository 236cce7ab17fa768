"""`mockroom review [N]`: the page written to a file and opened in the browser."""

from __future__ import annotations

import webbrowser
from pathlib import Path

from bot.review.card import past_page
from bot.review.pages import ReviewPages
from interviewer.history import History
from interviewer.replies import Who

NOTHING = "Nothing has been scored yet: finish an interview first."


def write_review(
    pages: ReviewPages, history: History, who: Who, number: int | None, output: Path | None
) -> Path:
    """Write the member's review page N (default: the latest scored) and return its path."""
    number, entry, (_, source) = past_page(pages, history, who, number, NOTHING)
    path = output or Path(f"mockroom-review-{number}-{entry.question_id}.html")
    path.write_text(pages.html(source), encoding="utf-8")
    return path.resolve()


def open_in_browser(path: Path) -> bool:
    """Open the file in the default browser; False when there is none."""
    try:
        return webbrowser.open(path.as_uri())
    except webbrowser.Error:
        return False
