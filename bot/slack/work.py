"""Work done after Slack's 3-second ack: tracked tasks behind the platform's one error boundary."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Coroutine
from typing import Any

log = logging.getLogger(__name__)

Apology = Callable[[], Awaitable[None]]


class BackgroundWork:
    """Runs each unit of work as a task it keeps, logs failures and tells the user."""

    def __init__(self) -> None:
        self._tasks: set[asyncio.Task[None]] = set()

    def spawn(
        self, work: Coroutine[Any, Any, None], what: str, apology: Apology | None = None
    ) -> None:
        """Start `work` now; on an error log the trace and run `apology` (the user's message)."""
        task = asyncio.get_running_loop().create_task(self._guarded(work, what, apology))
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    @property
    def pending(self) -> int:
        """How many units of work are still running."""
        return len(self._tasks)

    async def drain(self) -> None:
        """Wait until all work, including work started meanwhile, is done."""
        while self._tasks:
            await asyncio.gather(*list(self._tasks), return_exceptions=True)

    async def _guarded(
        self, work: Coroutine[Any, Any, None], what: str, apology: Apology | None
    ) -> None:
        try:
            await work
        except Exception:
            log.exception("Slack: %s failed", what)
            if apology is None:
                return
            try:
                await apology()
            except Exception:
                log.exception("Slack: could not tell the user that %s failed", what)
