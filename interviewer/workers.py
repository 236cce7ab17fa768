"""Blocking calls (the repository's database work) run off the event loop, bounded, with a deadline.

A database that hangs must slow the members who need it, never everyone: every call runs
on one of a fixed number of threads and is given up after a deadline, so the loop keeps
acknowledging, health-checking and serving other members meanwhile.
"""

from __future__ import annotations

import asyncio
import functools
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import ParamSpec, TypeVar

from interviewer.replies import DatabaseUnavailable

P = ParamSpec("P")
T = TypeVar("T")

DEFAULT_WORKERS = 8
DEFAULT_DEADLINE = 15.0
"""Seconds a database call may take before the member is told; above the statement timeout."""

SLOW = (
    "The database is not answering right now, so that was not recorded: send it again in a "
    "minute (an answer that did get through is recognised and not stored twice)."
)
GONE = (
    "The database cannot be reached right now, so that was not recorded: send it again in a "
    "minute (an answer that did get through is recognised and not stored twice)."
)

OutageTest = Callable[[BaseException], bool]


def _never(_error: BaseException) -> bool:
    return False


class WorkerPool:
    """Runs blocking calls on a bounded pool of threads; a slow or lost database is one error."""

    def __init__(
        self,
        workers: int = DEFAULT_WORKERS,
        deadline: float = DEFAULT_DEADLINE,
        is_outage: OutageTest = _never,
    ) -> None:
        self.deadline = deadline
        self.is_outage = is_outage
        self._executor = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="mockroom-db")

    async def run(self, fn: Callable[P, T], *args: P.args, **kwargs: P.kwargs) -> T:
        """`fn(*args, **kwargs)` on a worker thread; DatabaseUnavailable past the deadline."""
        loop = asyncio.get_running_loop()
        future = loop.run_in_executor(self._executor, functools.partial(fn, *args, **kwargs))
        try:
            return await asyncio.wait_for(future, self.deadline)
        except TimeoutError:
            # The thread carries on until the database answers or its own timeouts fire;
            # the member hears now instead of waiting with everyone else.
            raise DatabaseUnavailable(SLOW) from None
        except DatabaseUnavailable:
            raise
        except Exception as exc:
            if self.is_outage(exc):
                raise DatabaseUnavailable(GONE) from exc
            raise

    def close(self) -> None:
        """Stop taking work; calls still running finish on their own."""
        self._executor.shutdown(wait=False, cancel_futures=True)


GRADERS = 2
"""Threads that grade (the offline scorer's CPU work); more gradings wait their turn."""

_grading = ThreadPoolExecutor(max_workers=GRADERS, thread_name_prefix="mockroom-grade")


async def off_loop(fn: Callable[P, T], *args: P.args, **kwargs: P.kwargs) -> T:
    """`fn(*args, **kwargs)` on the bounded grading threads: a grade of the longest transcript
    takes seconds of CPU, which on the loop would stall every other member meanwhile (the
    loop still gets the interpreter back every switch interval, 5 ms)."""
    loop = asyncio.get_running_loop()
    return await loop.run_in_executor(_grading, functools.partial(fn, *args, **kwargs))
