"""Blocking calls (the repository's database work) run off the event loop, bounded, with a deadline.

A database that hangs must slow the members who need it, never everyone: every call runs
on one of a fixed number of threads and is given up after a deadline, so the loop keeps
acknowledging, health-checking and serving other members meanwhile.
"""

from __future__ import annotations

import asyncio
import functools
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import ParamSpec, Protocol, TypeVar

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


class Offload(Protocol):
    """Runs a blocking call somewhere that is not the event loop (`WorkerPool.run`)."""

    async def __call__(self, fn: Callable[P, T], /, *args: P.args, **kwargs: P.kwargs) -> T:
        """`fn(*args, **kwargs)`, awaited without blocking the loop."""
        ...


async def inline(fn: Callable[P, T], /, *args: P.args, **kwargs: P.kwargs) -> T:
    """An Offload that calls `fn` right here (tests and scripts with nothing to keep free)."""
    return fn(*args, **kwargs)


def _never(_error: BaseException) -> bool:
    return False


class WorkerPool:
    """Runs blocking calls on a bounded pool of threads; a slow or lost database is one error."""

    def __init__(
        self,
        workers: int = DEFAULT_WORKERS,
        deadline: float | None = DEFAULT_DEADLINE,
        is_outage: OutageTest = _never,
        name: str = "mockroom-db",
    ) -> None:
        self.deadline = deadline
        self.is_outage = is_outage
        self._executor = ThreadPoolExecutor(max_workers=workers, thread_name_prefix=name)

    async def run(self, fn: Callable[P, T], /, *args: P.args, **kwargs: P.kwargs) -> T:
        """`fn(*args, **kwargs)` on a worker thread; DatabaseUnavailable past the deadline
        (None: no deadline, for CPU work such as grading)."""
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

    def commit_by(self) -> float | None:
        """For a write about to run: the time.monotonic() past which it must not commit, a
        little before this pool stops waiting and tells the member it did not go through."""
        return None if self.deadline is None else time.monotonic() + self.deadline * 0.8

    def close(self, *, wait: bool = False) -> None:
        """Stop taking work; calls still running finish on their own (awaited with `wait`)."""
        self._executor.shutdown(wait=wait, cancel_futures=True)
