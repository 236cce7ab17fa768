"""One message for each kind of failure (issue 22): a database too slow to answer during
`help` or `settings set` says so, not "Your interview is saved"; and a settings change the
member was told did not go through is never applied when the database catches up.

The slow database is a driver-level hook on the real engine (each statement that touches the
named table waits first), the way a frozen server looks from the application."""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy import event

from interviewer.workers import SLOW, WorkerPool
from tests.bot.slack.conftest import ADA, BOB, CHANNEL, Harness
from tests.bot.slack.test_drills import last_note, make_admin
from tests.bot.slack.test_settings import stored

DEADLINE = 0.5


@contextmanager
def slow_writes(slack: Harness, table: str, seconds: float) -> Iterator[None]:
    """Every INSERT or UPDATE of `table` waits `seconds` first (on its worker thread)."""

    def wait(_conn: Any, _cursor: Any, statement: str, *_: Any) -> None:
        head = statement.lstrip().upper()
        if head.startswith(("INSERT", "UPDATE")) and table in statement.lower():
            time.sleep(seconds)

    engine = slack.container.engine
    event.listen(engine, "before_cursor_execute", wait)
    try:
        yield
    finally:
        event.remove(engine, "before_cursor_execute", wait)


def short_deadline(slack: Harness) -> WorkerPool:
    """The service's database calls given up after DEADLINE seconds."""
    pool = WorkerPool(deadline=DEADLINE)
    slack.container.service.db = pool
    return pool


async def test_help_during_an_outage_says_the_database_is_slow(slack: Harness) -> None:
    pool = short_deadline(slack)
    with slow_writes(slack, "processed_event", DEADLINE * 3):  # the command's replay claim
        await slack.command(BOB, CHANNEL, "help")
    note = last_note(slack, BOB)
    assert note == SLOW and "interview is saved" not in note
    pool.close()


async def test_a_settings_change_told_not_recorded_is_never_applied(slack: Harness) -> None:
    make_admin(slack, ADA, "Ada")
    await slack.command(ADA, CHANNEL, "settings set window 5")
    pool = short_deadline(slack)
    with slow_writes(slack, "channel_setting", DEADLINE * 3):
        await slack.command(ADA, CHANNEL, "settings set window 10")
        assert last_note(slack, ADA) == SLOW  # told: not recorded
        pool.close(wait=True)  # the write's thread gets its answer from the database at last
    assert stored(slack).window_hours == 5  # ...and it did not commit
    slack.container.service.db = WorkerPool(deadline=DEADLINE * 10)
    await slack.command(ADA, CHANNEL, "settings set window 10")
    assert stored(slack).window_hours == 10
