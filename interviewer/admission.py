"""Admission control: a bounded queue in front of answer processing.

Under overload an unbounded backlog makes every member wait longer and longer (and the
process's memory and garbage collections grow with it). Instead, at most `capacity`
answers are worked on at once and at most `queue` more wait for a slot; an answer past
that is refused at once, before anything is read or stored, with one line saying that
nothing was recorded and when to send it again. So an answer is never dropped silently:
it is either taken (and replied to) or its member is told to resend it.
"""

from __future__ import annotations

import asyncio
import math
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from interviewer.replies import Overloaded

DEFAULT_CAPACITY = 64
"""Answers worked on at once (each mostly waits for the model: ~20 in flight at 2,000 interviews)."""
DEFAULT_QUEUE = 256
"""Answers that may wait for a slot; past that, members are told to resend."""

BUSY = (
    "mockroom is very busy right now, so that answer was not recorded: send it again in about "
    "{seconds} s (nothing else was lost, your interview is as it was)."
)


class Admission:
    """At most `capacity` answers at work and `queue` waiting; past that, Overloaded."""

    def __init__(self, capacity: int = DEFAULT_CAPACITY, queue: int = DEFAULT_QUEUE) -> None:
        if capacity < 1 or queue < 0:
            raise ValueError("capacity must be at least 1 and queue at least 0")
        self.capacity = capacity
        self.queue = queue
        self.working = 0
        self.waiting = 0
        self.refused = 0
        self._slots = asyncio.Semaphore(capacity)
        self._seconds = 1.0  # a running mean of an answer's time at work

    def retry_after(self) -> int:
        """Seconds after which a refused answer is likely to be taken: the queue's drain time."""
        drain = self._seconds * (self.waiting + self.working) / self.capacity
        return max(5, math.ceil(drain))

    @asynccontextmanager
    async def slot(self) -> AsyncIterator[None]:
        """Hold one of the slots while the body runs; Overloaded when the queue is full."""
        if self.working + self.waiting >= self.capacity + self.queue:
            self.refused += 1
            raise Overloaded(BUSY.format(seconds=self.retry_after()))
        self.waiting += 1
        try:
            await self._slots.acquire()
        finally:
            self.waiting -= 1
        self.working += 1
        started = time.monotonic()
        try:
            yield
        finally:
            self.working -= 1
            self._slots.release()
            self._seconds = 0.9 * self._seconds + 0.1 * (time.monotonic() - started)
