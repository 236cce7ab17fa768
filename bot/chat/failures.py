"""One message for each kind of failure, the same on every platform: a database that is slow
or gone says so (and that nothing was done), instead of the interview apology."""

from __future__ import annotations

import sys

from interviewer.replies import DatabaseUnavailable
from interviewer.workers import GONE
from storage.engine import is_outage


def failure_text(error: BaseException | None, apology: str) -> str:
    """What to tell the member whose request failed with `error`."""
    if isinstance(error, DatabaseUnavailable):
        return str(error)
    if error is not None and is_outage(error):
        return GONE
    return apology


def current_error() -> BaseException | None:
    """The exception being handled, if any (for error boundaries that are not handed it)."""
    return sys.exc_info()[1]
