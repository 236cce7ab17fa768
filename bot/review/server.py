"""`mockroom serve`'s review server: GET /review/<token>, nothing else.

Every answer carries a strict Content-Security-Policy and no-referrer; anything that is not
exactly a live page (forged, altered, expired, forgotten, malformed) is the same plain 404, so
a prober learns nothing; each client address gets a few requests a minute.
"""

from __future__ import annotations

import asyncio
from collections import deque
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from aiohttp import web

from bot.review.pages import ReviewPages
from bot.review.render import policy

if TYPE_CHECKING:
    from bot.bootstrap import Container

NOT_FOUND = "No such review page: the link may have expired. Ask mockroom for a new one."
TOO_MANY = "Too many requests: wait a minute."


class RateLimit:
    """At most `per_minute` requests per client address in any minute (the clock's)."""

    def __init__(self, per_minute: int, clock: Callable[[], datetime], max_clients: int = 10_000):
        self.per_minute = per_minute
        self.clock = clock
        self.max_clients = max_clients
        self._seen: dict[str, deque[datetime]] = {}

    def allow(self, client: str) -> bool:
        """Whether this request may go on (and count it)."""
        now = self.clock()
        if len(self._seen) >= self.max_clients and client not in self._seen:
            self._forget_idle(now)
        times = self._seen.setdefault(client, deque())
        while times and now - times[0] >= timedelta(minutes=1):
            times.popleft()
        if len(times) >= self.per_minute:
            return False
        times.append(now)
        return True

    def _forget_idle(self, now: datetime) -> None:
        idle = [k for k, v in self._seen.items() if not v or now - v[-1] >= timedelta(minutes=1)]
        for key in idle:
            del self._seen[key]


def _headers(response: web.Response) -> web.Response:
    response.headers["Content-Security-Policy"] = policy() + "; frame-ancestors 'none'"
    response.headers["Referrer-Policy"] = "no-referrer"
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Cache-Control"] = "private, no-store"
    response.headers["X-Robots-Tag"] = "noindex"
    return response


class ReviewServer:
    """Serves review pages on their own port."""

    def __init__(
        self,
        pages: ReviewPages,
        limit: RateLimit,
        port: int,
        host: str = "0.0.0.0",
    ) -> None:
        self.pages = pages
        self.limit = limit
        self.port = port
        self.host = host
        self._runner: web.AppRunner | None = None

    def app(self) -> web.Application:
        """The aiohttp application (tests serve it themselves)."""
        application = web.Application()
        application.add_routes(
            [web.get("/review/{token}", self.page), web.route("*", "/{tail:.*}", self.missing)]
        )
        return application

    async def page(self, request: web.Request) -> web.Response:
        """One review page, or a 404 (429 past the address's limit)."""
        if not self.limit.allow(request.remote or "?"):
            return _headers(web.Response(status=429, text=TOO_MANY))
        token = request.match_info["token"]
        html = await asyncio.to_thread(self.pages.open, token) if len(token) < 400 else None
        if html is None:
            return _headers(web.Response(status=404, text=NOT_FOUND))
        return _headers(web.Response(text=html, content_type="text/html", charset="utf-8"))

    async def missing(self, request: web.Request) -> web.Response:
        """Anything else: the same 404 (rate-limited too)."""
        if not self.limit.allow(request.remote or "?"):
            return _headers(web.Response(status=429, text=TOO_MANY))
        return _headers(web.Response(status=404, text=NOT_FOUND))

    async def start(self) -> None:
        """Listen."""
        self._runner = web.AppRunner(self.app(), access_log=None)  # tokens stay out of logs
        await self._runner.setup()
        await web.TCPSite(self._runner, self.host, self.port).start()

    async def stop(self) -> None:
        """Stop listening."""
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None


async def start_review_server(parts: Container) -> ReviewServer | None:
    """`serve`'s review server, listening, when a public URL and a secret are set."""
    settings = parts.settings
    if parts.review is None or parts.review.links is None or not settings.public_url:
        return None
    limit = RateLimit(settings.review_requests_per_minute, parts.review.links.clock)
    server = ReviewServer(parts.review, limit, settings.review_port, settings.review_host)
    await server.start()
    return server
