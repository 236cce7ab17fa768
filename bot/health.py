"""The /healthz and /metrics endpoints of `mockroom serve`, on their own port."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor

from aiohttp import web
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest
from sqlalchemy import Engine, text

from bot.metrics import PrometheusTelemetry

log = logging.getLogger(__name__)

Check = Callable[[], bool]

PROBE_TIMEOUT = 2.0
"""Seconds the database probe may take: /healthz answers within Slack's and a balancer's 3 s."""


class HealthServer:
    """Answers /healthz (200 when the database answers, else 503) and /metrics."""

    def __init__(
        self,
        engine: Engine,
        telemetry: PrometheusTelemetry,
        port: int,
        host: str = "0.0.0.0",
        checks: Sequence[tuple[str, Check]] = (),
        probe_timeout: float = PROBE_TIMEOUT,
    ) -> None:
        self.engine = engine
        self.telemetry = telemetry
        self.port = port
        self.host = host
        self.checks = list(checks)
        self.probe_timeout = probe_timeout
        # Probes of a hung database pile up until its own timeouts free them: their own
        # threads, so /metrics and the rest of the process never wait behind them.
        self._probes: ThreadPoolExecutor | None = None
        self._runner: web.AppRunner | None = None

    def app(self) -> web.Application:
        """The aiohttp application (tests serve it themselves)."""
        application = web.Application()
        application.add_routes(
            [web.get("/healthz", self.healthz), web.get("/metrics", self.metrics)]
        )
        return application

    async def start(self) -> None:
        """Listen."""
        self._runner = web.AppRunner(self.app(), access_log=None)
        await self._runner.setup()
        await web.TCPSite(self._runner, self.host, self.port).start()

    async def stop(self) -> None:
        """Stop listening."""
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None
        if self._probes is not None:
            self._probes.shutdown(wait=False, cancel_futures=True)
            self._probes = None

    async def healthz(self, request: web.Request) -> web.Response:
        """200 with each check's result when all pass; 503 naming what failed."""
        results = {"database": await self._probe()}
        for name, check in self.checks:
            try:
                results[name] = bool(check())
            except Exception:
                results[name] = False
        ok = all(results.values())
        body = {"status": "ok" if ok else "failing", "checks": results}
        return web.json_response(body, status=200 if ok else 503)

    async def metrics(self, request: web.Request) -> web.Response:
        """The Prometheus text exposition."""
        payload = await asyncio.to_thread(generate_latest, self.telemetry.registry)
        response = web.Response(body=payload)
        response.headers["Content-Type"] = CONTENT_TYPE_LATEST
        return response

    async def _probe(self) -> bool:
        """Whether `SELECT 1` answers within the probe timeout."""
        loop = asyncio.get_running_loop()
        if self._probes is None:
            self._probes = ThreadPoolExecutor(max_workers=2, thread_name_prefix="mockroom-health")
        try:
            probe = loop.run_in_executor(self._probes, self._database_ok)
            return await asyncio.wait_for(probe, self.probe_timeout)
        except (TimeoutError, RuntimeError):  # RuntimeError: stopped meanwhile
            log.warning("health check: the database did not answer in %.1f s", self.probe_timeout)
            return False

    def _database_ok(self) -> bool:
        try:
            with self.engine.connect() as connection:
                connection.execute(text("SELECT 1"))
            return True
        except Exception:
            log.warning("health check: the database does not answer", exc_info=True)
            return False
