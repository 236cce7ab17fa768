"""The model client's HTTP connection pool: constant work per request, however many are open.

The OpenAI SDK's client (httpx2 on httpcore2) re-plans its whole pool on every request and on
every response's close: each pass walks every pooled connection, probing each idle one's socket
for expiry, and every queued request (about 15% of the loop's time at 300 interviews in the
load benchmark; docs/performance.md). `QuickPool` keeps idle connections on a stack per origin
and the requests waiting for a connection in a queue, so a request takes the newest idle
connection (probing that one only), a new one, or its turn; a closed response gives its
connection to the longest waiter or back to the stack, and probes the stack's oldest for expiry.
The limits, the timeouts, the connections themselves (httpcore2's) and the errors are the
SDK's own; a proxy or HTTP/2 keeps httpcore2's pool.
"""

from __future__ import annotations

import asyncio
from collections import deque
from collections.abc import AsyncIterable, AsyncIterator
from typing import Any

import httpcore2
import httpx2
from httpcore2._synchronization import AsyncShieldCancellation

OriginKey = tuple[bytes, bytes, int]

DEFAULT_LIMITS = httpx2.Limits(max_connections=1000, max_keepalive_connections=100)
"""The OpenAI SDK's own limits (openai._constants.DEFAULT_CONNECTION_LIMITS)."""
DEFAULT_TIMEOUT = httpx2.Timeout(timeout=600, connect=5.0)
"""The OpenAI SDK's own default; each request's timeout comes from the chat model's settings."""


def _key(origin: httpcore2.Origin) -> OriginKey:
    return origin.scheme, origin.host, origin.port


class QuickPool(httpcore2.AsyncConnectionPool):
    """httpcore2's pool with O(1) work per request (asyncio only; HTTP/1.1 only)."""

    def __init__(self, **options: Any) -> None:
        super().__init__(**options)
        self._idle: dict[OriginKey, deque[httpcore2.AsyncConnectionInterface]] = {}
        self._idle_count = 0
        self._live: dict[httpcore2.AsyncConnectionInterface, OriginKey] = {}  # and its origin
        self._slots = 0  # connections open or being opened, and slots handed to waiters
        # Each waiter's future gets a connection (idle, for its origin or not) or None (a slot
        # to open one in). Cancelled waiters stay queued and are skipped when reached.
        self._waiters: deque[asyncio.Future[httpcore2.AsyncConnectionInterface | None]] = deque()

    @property
    def connections(self) -> list[httpcore2.AsyncConnectionInterface]:
        """The connections open or opening."""
        return list(self._live)

    @property
    def idle_connections(self) -> int:
        """Connections kept open for the next request."""
        return self._idle_count

    async def handle_async_request(self, request: httpcore2.Request) -> httpcore2.Response:
        """Send a request on a pooled connection; the response gives it back when closed."""
        scheme = request.url.scheme.decode()
        if scheme == "":
            raise httpcore2.UnsupportedProtocol(
                "Request URL is missing an 'http://' or 'https://' protocol."
            )
        if scheme not in ("http", "https"):
            raise httpcore2.UnsupportedProtocol(
                f"Request URL has an unsupported protocol '{scheme}://'."
            )
        timeout = request.extensions.get("timeout", {}).get("pool", None)
        while True:
            connection = await self._acquire(request.url.origin, timeout)
            try:
                response = await connection.handle_async_request(request)
            except httpcore2.ConnectionNotAvailable:
                await self._release(connection)  # closed under us: try another
                continue
            except BaseException:
                await self._release(connection)
                raise
            assert isinstance(response.stream, AsyncIterable)
            return httpcore2.Response(
                status=response.status,
                headers=response.headers,
                content=_ReleasingStream(response.stream, self, connection),
                extensions=response.extensions,
            )

    async def _acquire(
        self, origin: httpcore2.Origin, pool_seconds: float | None
    ) -> httpcore2.AsyncConnectionInterface:
        while True:
            stack = self._idle.get(_key(origin))
            while stack:
                connection = stack.pop()
                self._idle_count -= 1
                if connection.is_closed() or connection.has_expired():
                    await self._drop(connection)
                    self._slots -= 1
                    continue
                return connection
            if self._slots < self._max_connections:
                self._slots += 1
                return self._open(origin)
            if self._idle_count:  # the pool is full of other origins' idle connections
                await self._drop(self._pop_any_idle())
                self._slots -= 1
                continue
            handed = await self._wait(pool_seconds)
            if handed is None:
                return self._open(origin)  # the slot is ours
            if handed.can_handle_request(origin):
                return handed
            await self._drop(handed)  # another origin's: its slot opens ours
            return self._open(origin)

    async def _wait(self, pool_seconds: float | None) -> httpcore2.AsyncConnectionInterface | None:
        waiter: asyncio.Future[httpcore2.AsyncConnectionInterface | None]
        waiter = asyncio.get_running_loop().create_future()
        self._waiters.append(waiter)
        try:
            async with asyncio.timeout(pool_seconds):
                return await waiter
        except BaseException as exc:
            if waiter.done() and not waiter.cancelled():
                await self._give(waiter.result())  # handed over as we were cancelled
            else:
                waiter.cancel()
            if isinstance(exc, TimeoutError):
                raise httpcore2.PoolTimeout("no connection came free in time") from None
            raise

    def _open(self, origin: httpcore2.Origin) -> httpcore2.AsyncConnectionInterface:
        connection = self.create_connection(origin)
        self._live[connection] = _key(origin)
        return connection

    def _pop_any_idle(self) -> httpcore2.AsyncConnectionInterface:
        for key, stack in self._idle.items():
            if stack:
                self._idle_count -= 1
                connection = stack.popleft()
                if not stack:
                    del self._idle[key]
                return connection
        raise AssertionError("no idle connection")  # pragma: no cover - callers check the count

    async def _drop(self, connection: httpcore2.AsyncConnectionInterface) -> None:
        self._live.pop(connection, None)
        with AsyncShieldCancellation():
            await connection.aclose()

    async def _release(self, connection: httpcore2.AsyncConnectionInterface) -> None:
        """A response is done with its connection: keep it for the next request, or close it."""
        if connection not in self._live:  # the pool was closed meanwhile
            with AsyncShieldCancellation():
                await connection.aclose()
        elif connection.is_closed() or not connection.is_idle():
            await self._drop(connection)  # closed, or never connected (a cancelled dial)
            await self._give(None)
        else:
            await self._give(connection)

    async def _give(self, connection: httpcore2.AsyncConnectionInterface | None) -> None:
        """Hand a connection (or, for None, its freed slot) to the longest waiter; else keep
        the connection idle, within max_keepalive_connections, or free the slot."""
        while self._waiters:
            waiter = self._waiters.popleft()
            if not waiter.done():
                waiter.set_result(connection)
                return
        if connection is None:
            self._slots -= 1
            return
        if self._idle_count >= self._max_keepalive_connections:
            await self._drop(connection)
            self._slots -= 1
            return
        stack = self._idle.setdefault(self._live[connection], deque())
        stack.append(connection)
        self._idle_count += 1
        oldest = stack[0]
        if oldest is not connection and (oldest.is_closed() or oldest.has_expired()):
            stack.popleft()  # one probe per release keeps stale connections from piling up
            self._idle_count -= 1
            await self._drop(oldest)
            self._slots -= 1

    async def aclose(self) -> None:
        """Close every connection; requests waiting for one fail."""
        closing = list(self._live)
        self._live.clear()
        self._idle.clear()
        self._idle_count = 0
        self._slots = 0
        while self._waiters:
            waiter = self._waiters.popleft()
            if not waiter.done():
                waiter.set_exception(httpcore2.PoolTimeout("the connection pool was closed"))
        with AsyncShieldCancellation():
            for connection in closing:
                await connection.aclose()

    def __repr__(self) -> str:
        live, idle = len(self._live), self._idle_count
        return f"<QuickPool [Connections: {live - idle} active, {idle} idle]>"


class _ReleasingStream:
    """A response's body; closing it gives the connection back to the pool."""

    def __init__(
        self,
        stream: AsyncIterable[bytes],
        pool: QuickPool,
        connection: httpcore2.AsyncConnectionInterface,
    ) -> None:
        self._stream = stream
        self._pool = pool
        self._connection = connection
        self._closed = False

    async def __aiter__(self) -> AsyncIterator[bytes]:
        async for chunk in self._stream:
            yield chunk

    async def aclose(self) -> None:
        if self._closed:
            return
        self._closed = True
        with AsyncShieldCancellation():
            close = getattr(self._stream, "aclose", None)
            if close is not None:
                await close()
            await self._pool._release(self._connection)


class QuickTransport(httpx2.AsyncHTTPTransport):
    """httpx2's transport on a QuickPool (a proxy or HTTP/2 keeps httpcore2's own pool)."""

    pool_class: type[QuickPool] = QuickPool

    def __init__(self, limits: httpx2.Limits = DEFAULT_LIMITS, **options: Any) -> None:
        super().__init__(limits=limits, **options)
        stock = self._pool
        if type(stock) is httpcore2.AsyncConnectionPool and not options.get("http2"):
            self._pool = self.pool_class(
                ssl_context=stock._ssl_context,
                max_connections=limits.max_connections,
                max_keepalive_connections=limits.max_keepalive_connections,
                keepalive_expiry=limits.keepalive_expiry,
                http1=options.get("http1", True),
                http2=False,
                retries=options.get("retries", 0),
                local_address=options.get("local_address"),
                uds=options.get("uds"),
                socket_options=options.get("socket_options"),
            )


def model_http_client(
    timeout: httpx2.Timeout = DEFAULT_TIMEOUT, **options: Any
) -> httpx2.AsyncClient:
    """The model client's HTTP client: the SDK's defaults (limits, timeout, redirects) on a
    QuickTransport; `options` go to httpx2.AsyncClient (the benchmark's event hooks)."""
    return httpx2.AsyncClient(
        transport=QuickTransport(DEFAULT_LIMITS),
        limits=DEFAULT_LIMITS,
        timeout=timeout,
        follow_redirects=True,
        **options,
    )
