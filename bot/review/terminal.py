"""`mockroom review [N]`: the page written to a file and opened in the browser."""

from __future__ import annotations

import webbrowser
from pathlib import Path

from bot.review.pages import ReviewPages, interview_ref
from interviewer.history import History
from interviewer.replies import InterviewError, Who


def write_review(
    pages: ReviewPages, history: History, who: Who, number: int | None, output: Path | None
) -> Path:
    """Write the member's review page N (default: the latest scored) and return its path."""
    entries = [e for e in history.entries(who, limit=10_000) if e.overall is not None]
    if not entries:
        raise InterviewError("Nothing has been scored yet: finish an interview first.")
    number = number if number is not None else entries[0].number
    entry = history.open(who, number).entry
    stored = pages.repo.load(entry.interview_id)
    source = pages.source(interview_ref(stored)) if stored is not None else None
    if source is None:
        raise InterviewError(f"Number {number} has no review page.")
    path = output or Path(f"mockroom-review-{number}-{entry.question_id}.html")
    path.write_text(pages.html(source), encoding="utf-8")
    return path.resolve()


def open_in_browser(path: Path) -> bool:
    """Open the file in the default browser; False when there is none."""
    try:
        return webbrowser.open(path.as_uri())
    except webbrowser.Error:
        return False
