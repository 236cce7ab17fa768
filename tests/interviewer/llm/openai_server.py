"""A local OpenAI-compatible chat server for tests: real HTTP on 127.0.0.1, scripted replies.

It speaks /v1/chat/completions (plain JSON, SSE streams ending in [DONE], usage counts,
json_schema content, tool calls) and misbehaves on request: 429 with Retry-After, 500,
hangs, malformed bodies, endless streams and streams of keep-alives alone. It runs in its
own thread and event loop, so sync tests (the CLI) and async tests can both use it.
"""

from __future__ import annotations

import asyncio
import json
import threading
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from aiohttp import web


@dataclass
class Reply:
    """What the server does with one request."""

    kind: str = "text"  # text | structured | status | hang | malformed | endless | silent
    # | stream_error
    text: str = ""
    data: dict[str, Any] | None = None
    status: int = 200
    headers: dict[str, str] = field(default_factory=dict)
    finish_reason: str = "stop"

    @classmethod
    def say(cls, text: str, finish_reason: str = "stop") -> Reply:
        """A normal answer."""
        return cls("text", text, finish_reason=finish_reason)

    @classmethod
    def structured(cls, data: dict[str, Any]) -> Reply:
        """A JSON answer: a tool call when the request offers tools, else JSON content."""
        return cls("structured", data=data)

    @classmethod
    def error(cls, status: int, retry_after: str | None = None) -> Reply:
        """An error status, with Retry-After when given."""
        headers = {"Retry-After": retry_after} if retry_after is not None else {}
        return cls("status", status=status, headers=headers)

    @classmethod
    def hang(cls) -> Reply:
        """Never answer (until the server stops)."""
        return cls("hang")

    @classmethod
    def malformed(cls, body: str = '{"choices": [{"message": ') -> Reply:
        """A 200 whose body is not the promised JSON."""
        return cls("malformed", text=body)

    @classmethod
    def endless(cls, lead: str = "") -> Reply:
        """A stream that never ends (until the client hangs up), after `lead` if given."""
        return cls("endless", text="and so on ", data={"lead": lead})

    @classmethod
    def silent(cls) -> Reply:
        """A stream that starts, then sends only SSE keep-alive comments, never a word: every
        network read gets bytes, so only a deadline on the whole reply ends it."""
        return cls("silent")

    @classmethod
    def stream_error(cls, error: object) -> Reply:
        """A stream that starts, then sends an error event (`{"error": error}`) mid-reply."""
        return cls("stream_error", text="The gateway", data={"error": error})


class FakeOpenAIServer:
    """Start with `with FakeOpenAIServer() as server:`; `server.url` is the base URL."""

    def __init__(self, default: Reply | None = None) -> None:
        self.replies: deque[Reply] = deque()
        self.default = default or Reply.say("Fine. What would you change first?")
        self.requests: list[dict[str, Any]] = []
        self.headers: list[dict[str, str]] = []
        self.peers: list[object] = []  # each request's client address: one per connection
        # Requests for which this holds hang (a kill test waits for one to arrive).
        self.hang_if: Callable[[dict[str, Any]], bool] | None = None
        self.port = 0
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._loop.run_forever, daemon=True)
        self._release = asyncio.Event()
        self._gate = asyncio.Event()  # held requests wait for it (see hold and open_gate)
        self._gate.set()
        self.held = 0  # requests waiting at the gate now
        self._runner: web.AppRunner | None = None

    @property
    def url(self) -> str:
        """The base URL to give an OpenAI client."""
        return f"http://127.0.0.1:{self.port}/v1"

    def queue(self, *replies: Reply) -> None:
        """Replies for the next requests, in order; the default answers after them."""
        self.replies.extend(replies)

    def hold(self) -> None:
        """Hold the next requests (as a slow model) until open_gate; then they answer as usual."""
        self._loop.call_soon_threadsafe(self._gate.clear)

    def open_gate(self) -> None:
        """Let the held requests (and those after) answer."""
        self._loop.call_soon_threadsafe(self._gate.set)

    def __enter__(self) -> FakeOpenAIServer:
        self._thread.start()
        asyncio.run_coroutine_threadsafe(self._start(), self._loop).result(10)
        return self

    def __exit__(self, *exc: object) -> None:
        asyncio.run_coroutine_threadsafe(self._stop(), self._loop).result(10)
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(10)
        self._loop.close()

    async def _start(self) -> None:
        app = web.Application()
        app.router.add_post("/v1/chat/completions", self._chat)
        app.router.add_get("/v1/models", self._models)
        self._runner = web.AppRunner(app, shutdown_timeout=0.5)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        server = site._server
        assert server is not None and server.sockets
        self.port = server.sockets[0].getsockname()[1]

    async def _stop(self) -> None:
        self._release.set()
        if self._runner is not None:
            await self._runner.cleanup()

    async def _models(self, request: web.Request) -> web.Response:
        return web.json_response({"object": "list", "data": [{"id": "fake", "object": "model"}]})

    async def _chat(self, request: web.Request) -> web.StreamResponse:
        body = await request.json()
        self.requests.append(body)
        self.headers.append(dict(request.headers))
        self.peers.append(
            request.transport.get_extra_info("peername") if request.transport else None
        )
        if not self._gate.is_set():
            self.held += 1
            await self._gate.wait()
            self.held -= 1
        reply = self.replies.popleft() if self.replies else self.default
        if self.hang_if is not None and self.hang_if(body):
            reply = Reply.hang()
        if reply.kind == "status":
            error = {"error": {"message": f"fake {reply.status}", "type": "fake", "code": None}}
            return web.json_response(error, status=reply.status, headers=reply.headers)
        if reply.kind == "hang":
            await self._release.wait()
            return web.Response(status=503)
        if reply.kind == "malformed":
            return web.Response(text=reply.text, content_type="application/json")
        content, tool_calls = self._content(reply, body)
        prompt_tokens = sum(len(str(m.get("content", ""))) for m in body["messages"]) // 4
        usage = {
            "prompt_tokens": prompt_tokens,
            "completion_tokens": max(1, len(content) // 4),
            "total_tokens": prompt_tokens + max(1, len(content) // 4),
        }
        if body.get("stream"):
            return await self._stream(request, body, reply, content, usage)
        message: dict[str, Any] = {"role": "assistant", "content": content}
        finish = reply.finish_reason
        if tool_calls:
            message = {"role": "assistant", "content": None, "tool_calls": tool_calls}
            finish = "tool_calls"
        return web.json_response(
            {
                "id": "chatcmpl-fake",
                "object": "chat.completion",
                "created": 0,
                "model": body.get("model", "fake"),
                "choices": [{"index": 0, "message": message, "finish_reason": finish}],
                "usage": usage,
            }
        )

    @staticmethod
    def _content(reply: Reply, body: dict[str, Any]) -> tuple[str, list[dict[str, Any]]]:
        if reply.kind != "structured":
            return reply.text, []
        args = json.dumps(reply.data)
        if body.get("tools"):
            name = body["tools"][0]["function"]["name"]
            call = {
                "id": "call_1",
                "type": "function",
                "function": {"name": name, "arguments": args},
            }
            return "", [call]
        return args, []

    async def _stream(
        self,
        request: web.Request,
        body: dict[str, Any],
        reply: Reply,
        content: str,
        usage: dict[str, int],
    ) -> web.StreamResponse:
        resp = web.StreamResponse(headers={"Content-Type": "text/event-stream"})
        await resp.prepare(request)

        def chunk(delta: dict[str, Any], finish: str | None = None) -> bytes:
            data = {
                "id": "chatcmpl-fake",
                "object": "chat.completion.chunk",
                "created": 0,
                "model": body.get("model", "fake"),
                "choices": [{"index": 0, "delta": delta, "finish_reason": finish}],
            }
            return f"data: {json.dumps(data)}\n\n".encode()

        try:
            await resp.write(chunk({"role": "assistant", "content": ""}))
            if reply.kind == "silent":
                while not self._release.is_set():
                    await resp.write(b": keep-alive\n\n")
                    await asyncio.sleep(0.05)
                return resp
            if reply.kind == "stream_error":
                await resp.write(chunk({"content": reply.text}))
                await resp.write(f"data: {json.dumps(reply.data)}\n\n".encode())
                return resp
            if reply.kind == "endless":
                if lead := (reply.data or {}).get("lead"):
                    await resp.write(chunk({"content": lead}))
                while not self._release.is_set():
                    await resp.write(chunk({"content": reply.text}))
                    await asyncio.sleep(0)
                return resp
            words = content.split(" ")
            for i, word in enumerate(words):
                await resp.write(chunk({"content": word if i == 0 else " " + word}))
            await resp.write(chunk({}, reply.finish_reason))
            if (body.get("stream_options") or {}).get("include_usage"):
                data = {
                    "id": "chatcmpl-fake",
                    "object": "chat.completion.chunk",
                    "created": 0,
                    "model": body.get("model", "fake"),
                    "choices": [],
                    "usage": usage,
                }
                await resp.write(f"data: {json.dumps(data)}\n\n".encode())
            await resp.write(b"data: [DONE]\n\n")
        except (ConnectionResetError, ConnectionError):
            pass  # the client hung up, as a client that stops reading early does
        return resp
