"""Prometheus metrics: what the service reports, and what the database says at each scrape."""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from datetime import datetime

from prometheus_client import CollectorRegistry, Counter, Histogram
from prometheus_client.core import GaugeMetricFamily, Metric
from prometheus_client.registry import Collector

log = logging.getLogger(__name__)

READ_TIMEOUT = 2.0
"""Seconds the scrape's database read may take: a hung database never hangs /metrics."""

Activity = Callable[[datetime], tuple[int, int, float]]
"""(running interviews, deadlines due, seconds the oldest due deadline is late)."""


class PrometheusTelemetry:
    """The service's Telemetry port as Prometheus counters and histograms, in own registry."""

    def __init__(self, registry: CollectorRegistry | None = None) -> None:
        self.registry = registry or CollectorRegistry()
        self.turns = Counter(
            "mockroom_turns", "Interview turns stored", ["platform", "role"], registry=self.registry
        )
        self.reply_seconds = Histogram(
            "mockroom_reply_seconds",
            "Time a brain took to write one interviewer turn (the model's latency)",
            ["brain"],
            buckets=(0.01, 0.05, 0.1, 0.25, 0.5, 1, 2, 4, 8, 15, 30, 60),
            registry=self.registry,
        )
        self.prompt_tokens = Counter(
            "mockroom_prompt_tokens", "Model prompt tokens", registry=self.registry
        )
        self.completion_tokens = Counter(
            "mockroom_completion_tokens", "Model completion tokens", registry=self.registry
        )
        self.cost = Counter(
            "mockroom_estimated_cost_usd",
            "Estimated model cost in US dollars",
            registry=self.registry,
        )
        self.errors = Counter(
            "mockroom_errors", "Handled failures by kind", ["kind"], registry=self.registry
        )

    def turn(self, platform: str, role: str) -> None:
        """A turn was stored."""
        self.turns.labels(platform or "unknown", role).inc()

    def reply_time(self, brain: str, seconds: float) -> None:
        """How long a brain took to write one interviewer turn."""
        self.reply_seconds.labels(brain).observe(seconds)

    def tokens(self, prompt: int, completion: int, cost_usd: float) -> None:
        """A model's tokens and estimated cost."""
        self.prompt_tokens.inc(prompt)
        self.completion_tokens.inc(completion)
        self.cost.inc(cost_usd)

    def error(self, kind: str) -> None:
        """Something failed and was handled."""
        self.errors.labels(kind).inc()

    def watch(
        self, activity: Activity, clock: Callable[[], datetime], timeout: float = READ_TIMEOUT
    ) -> None:
        """Report the database's view (running interviews, scheduler lag) at every scrape."""
        self.registry.register(_ActivityCollector(activity, clock, timeout))


_UP = "mockroom_database_up"
_UP_HELP = "1 when the scrape's database read answered in time, else 0"


class _ActivityCollector(Collector):
    def __init__(self, activity: Activity, clock: Callable[[], datetime], timeout: float) -> None:
        self.activity = activity
        self.clock = clock
        self.timeout = timeout
        # A read of a hung database waits on its own thread until its timeouts free it; one
        # read at a time, so scrapes meanwhile wait on that one instead of queueing more.
        self._reads = ThreadPoolExecutor(max_workers=1, thread_name_prefix="mockroom-metrics")
        self._read: Future[tuple[int, int, float]] | None = None

    def _answer(self) -> tuple[int, int, float]:
        """The read's answer: this scrape's own, or the one still running from an earlier
        scrape (made again when that one fails as the database comes back)."""
        read = self._read
        fresh = read is None or read.done()
        if read is None or fresh:
            read = self._read = self._reads.submit(self.activity, self.clock())
        try:
            return read.result(timeout=self.timeout)
        except TimeoutError:
            raise
        except Exception:
            if fresh:
                raise
            read = self._read = self._reads.submit(self.activity, self.clock())
            return read.result(timeout=self.timeout)

    def collect(self) -> Iterator[Metric]:
        try:
            running, due, lag = self._answer()
        except Exception as exc:  # a timeout or an outage: the other metrics are still served
            if isinstance(exc, TimeoutError):
                log.warning("metrics: the database did not answer in %.1f s", self.timeout)
            else:
                log.warning("metrics: the database read failed: %s: %s", type(exc).__name__, exc)
            yield GaugeMetricFamily(_UP, _UP_HELP, value=0)
            return
        yield GaugeMetricFamily(_UP, _UP_HELP, value=1)
        yield GaugeMetricFamily("mockroom_active_interviews", "Interviews running", value=running)
        yield GaugeMetricFamily(
            "mockroom_deadlines_due",
            "Running interviews whose clock deadline has passed",
            value=due,
        )
        yield GaugeMetricFamily(
            "mockroom_scheduler_lag_seconds",
            "How late the oldest due interview deadline is (0 when the clock keeps up)",
            value=lag,
        )
