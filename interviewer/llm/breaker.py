"""A circuit breaker: stop calling a dead provider every turn, try again after a pause.

Only provider failures count (5xx, timeouts, connection errors, empty replies); a 4xx is
about one request, and the callers do not report it.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any


class CircuitBreaker:
    """Opens after `threshold` failures in a row; lets one trial call through after `cooldown`."""

    def __init__(
        self,
        threshold: int = 3,
        cooldown_seconds: float = 60.0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.threshold = threshold
        self.cooldown_seconds = cooldown_seconds
        self.clock = clock
        self.failures = 0
        self.opened_at: float | None = None
        self.skipped = 0

    @property
    def state(self) -> str:
        """closed, open or half_open."""
        if self.opened_at is None:
            return "closed"
        if self.clock() - self.opened_at >= self.cooldown_seconds:
            return "half_open"
        return "open"

    def allow(self) -> bool:
        """Whether a call may go out now (counts the calls it refuses)."""
        if self.state == "open":
            self.skipped += 1
            return False
        return True

    def success(self) -> None:
        """A call worked: close the circuit."""
        self.failures = 0
        self.opened_at = None

    def failure(self) -> None:
        """A call failed: open after enough failures, or again after a failed trial."""
        self.failures += 1
        if self.failures >= self.threshold or self.opened_at is not None:
            self.opened_at = self.clock()


class Breakers:
    """One circuit breaker per provider and model: one model's outage never stops another."""

    def __init__(self, **options: Any) -> None:
        self.options = options
        self.by_spec: dict[str, CircuitBreaker] = {}

    def get(self, spec: str) -> CircuitBreaker:
        """The breaker of `provider:model`, made on first use."""
        return self.by_spec.setdefault(spec, CircuitBreaker(**self.options))
