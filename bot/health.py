"""The /healthz and /metrics endpoints of `mockroom serve`, on their own port."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Sequence

from aiohttp import web
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest
from sqlalchemy import Engine, text

from bot.metrics import PrometheusTelemetry

log = logging.getLogger(__name__)

Check = Callable[[], bool]


class HealthServer:
    """Answers /healthz (200 when the database answers, else 503) and /metrics."""

    def __init__(
        self,
        engine: Engine,
        telemetry: PrometheusTelemetry,
        port: int,
        host: str = "0.0.0.0",
        checks: Sequence[tuple[str, Check]] = (),
    ) -> None:
        self.engine = engine
        self.telemetry = telemetry
        self.port = port
        self.host = host
        self.checks = list(checks)
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

    async def healthz(self, request: web.Request) -> web.Response:
        """200 with each check's result when all pass; 503 naming what failed."""
        results = {"database": await asyncio.to_thread(self._database_ok)}
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

    def _database_ok(self) -> bool:
        try:
            with self.engine.connect() as connection:
                connection.execute(text("SELECT 1"))
            return True
        except Exception:
            log.warning("health check: the database does not answer", exc_info=True)
            return False
