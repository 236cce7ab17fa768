"""The model client's connection pool (interviewer/llm/http.py) under the real openai SDK,
against the loopback OpenAI-compatible server: constant work per request, the SDK's limits."""

from __future__ import annotations

import asyncio
from collections import Counter
from typing import Any, ClassVar

import httpcore2
import httpx2
import pytest
from openai import APITimeoutError, AsyncOpenAI

from interviewer.llm.http import QuickPool, QuickTransport, model_http_client
from tests.interviewer.llm.openai_server import FakeOpenAIServer
from tests.support import wait_until

MESSAGES: Any = [{"role": "user", "content": "Say hello."}]


class _Watched:
    """A real pooled connection that notes which connections the pool looked at."""

    def __init__(self, inner: httpcore2.AsyncConnectionInterface, looks: Counter[int]) -> None:
        self._inner = inner
        self._looks = looks

    def __getattr__(self, name: str) -> Any:
        self._looks[id(self)] += 1
        return getattr(self._inner, name)


class _WatchedPool(QuickPool):
    looks: ClassVar[Counter[int]] = Counter()

    def create_connection(self, origin: httpcore2.Origin) -> httpcore2.AsyncConnectionInterface:
        return _Watched(super().create_connection(origin), self.looks)  # type: ignore[return-value]


class _WatchedTransport(QuickTransport):
    pool_class = _WatchedPool


def _client(server: FakeOpenAIServer, http: httpx2.AsyncClient) -> AsyncOpenAI:
    return AsyncOpenAI(base_url=server.url, api_key="k", http_client=http, max_retries=0)


async def _ask(client: AsyncOpenAI, stream: bool = False) -> str:
    if not stream:
        reply = await client.chat.completions.create(model="m", messages=MESSAGES)
        return reply.choices[0].message.content or ""
    chunks = await client.chat.completions.create(model="m", messages=MESSAGES, stream=True)
    return "".join([c.choices[0].delta.content or "" async for c in chunks if c.choices])


async def _held(server: FakeOpenAIServer, count: int) -> None:
    await wait_until(lambda: server.held >= count, f"{count} requests at the server")


async def test_a_request_looks_at_one_idle_connection_however_many_are_pooled(
    server: FakeOpenAIServer,
) -> None:
    http = httpx2.AsyncClient(transport=_WatchedTransport(), timeout=10)
    client = _client(server, http)
    server.hold()  # 20 requests at once: 20 connections, then all idle in the pool
    burst = asyncio.gather(*(_ask(client, stream=n % 2 == 0) for n in range(20)))
    await _held(server, 20)
    server.open_gate()
    assert all(await burst)
    pool = http._transport._pool  # type: ignore[attr-defined]
    assert isinstance(pool, QuickPool) and pool.idle_connections == 20
    for stream in (False, True):
        _WatchedPool.looks.clear()
        assert await _ask(client, stream)
        # httpcore2's own pool probes every idle connection on each request and each close
        assert 1 <= len(_WatchedPool.looks) <= 2, _WatchedPool.looks
    assert len(set(server.peers[20:])) == 1  # both on the newest idle connection
    await http.aclose()


async def test_past_max_connections_requests_wait_their_turn_on_the_open_ones(
    server: FakeOpenAIServer,
) -> None:
    http = httpx2.AsyncClient(transport=QuickTransport(httpx2.Limits(max_connections=2)))
    client = _client(server, http)
    answers = await asyncio.gather(*(_ask(client, stream=n % 3 == 0) for n in range(12)))
    assert len(answers) == 12 and all(answers)
    assert len(set(server.peers)) <= 2
    await http.aclose()


async def test_a_waiter_cancelled_or_timed_out_leaves_its_turn_to_the_next(
    server: FakeOpenAIServer,
) -> None:
    http = httpx2.AsyncClient(transport=QuickTransport(httpx2.Limits(max_connections=1)))
    client = _client(server, http)
    server.hold()
    first = asyncio.ensure_future(_ask(client))
    await _held(server, 1)
    waiting = asyncio.ensure_future(_ask(client))
    pool = http._transport._pool  # type: ignore[attr-defined]
    await wait_until(lambda: len(pool._waiters) == 1, "a request waiting for the connection")
    waiting.cancel()
    with pytest.raises(APITimeoutError):  # the pool timeout, as the SDK reports it
        await (
            _client(server, http)
            .with_options(timeout=httpx2.Timeout(5, pool=0.05))
            .chat.completions.create(model="m", messages=MESSAGES)
        )
    server.open_gate()
    assert await first
    with pytest.raises(asyncio.CancelledError):
        await waiting
    assert await _ask(client) and await _ask(client, stream=True)  # no slot was lost
    assert len(set(server.peers)) == 1
    await http.aclose()


async def test_the_model_client_carries_the_sdk_s_defaults() -> None:
    http = model_http_client()
    pool = http._transport._pool  # type: ignore[attr-defined]
    assert isinstance(pool, QuickPool)
    assert pool._max_connections == 1000 and pool._max_keepalive_connections == 100
    assert http.follow_redirects and http.timeout.connect == 5.0
    await http.aclose()
