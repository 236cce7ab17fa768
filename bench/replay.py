"""Record and replay model traffic: the quality harness against recorded answers, no key needed.

A recording is a JSON file: `{"note": ..., "model": ..., "exchanges": [...]}`. Each exchange
has `match` (a piece of text, or a list of pieces, the request's messages must contain), `reply` (the assistant's
text, or `card`: a JSON object returned as the content) and optionally `finish_reason` and
`usage`. The replay server answers each request with the first unused exchange whose `match`
it contains, as plain JSON or as an SSE stream (a stream with `"cut": true` stops without a
finish reason or [DONE], as a dropped connection does). A request no exchange matches gets a
500, so a harness run that needs traffic nobody recorded fails instead of passing quietly.

The recording proxy forwards every request to a real OpenAI-compatible server and writes what
came back in the same format (`match`: the request's last message), so anyone with a key can
record a run (`python -m bench.eval --record bench/recordings/mine.json`).
"""

from __future__ import annotations

import asyncio
import json
import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from aiohttp import ClientSession, ClientTimeout, web

from interviewer.llm.choice import hide_credentials

RECORDINGS = Path(__file__).resolve().parent / "recordings"


def _contents(body: dict[str, Any]) -> str:
    return "\n".join(str(m.get("content") or "") for m in body.get("messages", []))


def load_recordings(paths: list[Path]) -> list[dict[str, Any]]:
    """Every exchange of the files, in order."""
    exchanges: list[dict[str, Any]] = []
    for path in paths:
        data = json.loads(path.read_text(encoding="utf-8"))
        exchanges.extend(data["exchanges"])
    return exchanges


async def respond(
    request: web.Request, body: dict[str, Any], exchange: dict[str, Any]
) -> web.StreamResponse:
    """Answer a chat request with one exchange, plain or streamed as the request asked."""
    content = exchange.get("reply")
    if content is None:
        content = json.dumps(exchange["card"], ensure_ascii=False)
    finish = exchange.get("finish_reason", "stop")
    usage = exchange.get("usage") or {
        "prompt_tokens": len(_contents(body)) // 4,
        "completion_tokens": max(1, len(content) // 4),
        "total_tokens": len(_contents(body)) // 4 + max(1, len(content) // 4),
    }
    base = {"id": "chatcmpl-replay", "created": 0, "model": body.get("model", "replay")}
    if not body.get("stream"):
        message = {"role": "assistant", "content": content}
        choice = {"index": 0, "message": message, "finish_reason": finish}
        return web.json_response(
            {**base, "object": "chat.completion", "choices": [choice], "usage": usage}
        )
    resp = web.StreamResponse(headers={"Content-Type": "text/event-stream"})
    await resp.prepare(request)
    # a cut stream stops mid-sentence: no finish reason, no [DONE]
    events = stream_events(
        base,
        content,
        None if exchange.get("cut") else finish,
        usage if (body.get("stream_options") or {}).get("include_usage") else None,
    )
    for event in events:
        await resp.write(event)
    return resp


def stream_events(
    base: dict[str, Any], text: str, finish: str | None, usage: dict[str, Any] | None
) -> list[bytes]:
    """An answer as OpenAI SSE events, a word a chunk: the role, the words, then (unless
    `finish` is None, a dropped stream) the finish, the usage when given, and [DONE]."""

    def event(choices: list[dict[str, Any]], **extra: Any) -> bytes:
        data = {**base, "object": "chat.completion.chunk", "choices": choices, **extra}
        return f"data: {json.dumps(data)}\n\n".encode()

    events = [event([{"index": 0, "delta": {"role": "assistant", "content": ""}}])]
    for i, word in enumerate(text.split(" ")):
        piece = word if i == 0 else " " + word
        events.append(event([{"index": 0, "delta": {"content": piece}, "finish_reason": None}]))
    if finish is None:
        return events
    events.append(event([{"index": 0, "delta": {}, "finish_reason": finish}]))
    if usage is not None:
        events.append(event([], usage=usage))
    events.append(b"data: [DONE]\n\n")
    return events


@dataclass
class _Loopback:
    """An aiohttp app on 127.0.0.1 in its own thread and loop (sync and async callers alike)."""

    port: int = 0
    _loop: asyncio.AbstractEventLoop = field(default_factory=asyncio.new_event_loop)
    _runner: web.AppRunner | None = None

    @property
    def url(self) -> str:
        """The OpenAI base URL."""
        return f"http://127.0.0.1:{self.port}/v1"

    def app(self) -> web.Application:
        """The application: the chat completions route."""
        application = web.Application()
        application.router.add_post("/v1/chat/completions", self._chat)
        return application

    async def _chat(self, request: web.Request) -> web.StreamResponse:
        raise NotImplementedError  # each server answers in its own way

    def __enter__(self) -> _Loopback:
        threading.Thread(target=self._loop.run_forever, daemon=True).start()
        asyncio.run_coroutine_threadsafe(self._start(), self._loop).result(10)
        return self

    def __exit__(self, *exc: object) -> None:
        asyncio.run_coroutine_threadsafe(self._stop(), self._loop).result(10)
        self._loop.call_soon_threadsafe(self._loop.stop)

    async def _start(self) -> None:
        self._runner = web.AppRunner(self.app(), access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        self.port = self._runner.addresses[0][1]

    async def _stop(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()


@dataclass
class ReplayServer(_Loopback):
    """Answers /v1/chat/completions from recorded exchanges."""

    exchanges: list[dict[str, Any]] = field(default_factory=list)
    used: set[int] = field(default_factory=set)
    unmatched: list[str] = field(default_factory=list)

    def _pick(self, body: dict[str, Any]) -> dict[str, Any] | None:
        text = _contents(body)
        for i, exchange in enumerate(self.exchanges):
            wanted = exchange["match"]
            pieces = [wanted] if isinstance(wanted, str) else wanted
            if i not in self.used and all(piece in text for piece in pieces):
                self.used.add(i)
                return exchange
        self.unmatched.append(text[-200:])
        return None

    async def _chat(self, request: web.Request) -> web.StreamResponse:
        body = await request.json()
        exchange = self._pick(body)
        if exchange is None:
            error = {"error": {"message": "no recording matches this request", "type": "replay"}}
            return web.json_response(error, status=500)
        return await respond(request, body, exchange)


@dataclass
class RecordingProxy(_Loopback):
    """Forwards requests to a real server (non-streamed) and keeps what it answered."""

    upstream: str = "https://api.openai.com/v1"
    api_key: str = ""
    exchanges: list[dict[str, Any]] = field(default_factory=list)

    async def _chat(self, request: web.Request) -> web.StreamResponse:
        body = await request.json()
        upstream_body = {**body, "stream": False}
        upstream_body.pop("stream_options", None)
        headers = {"Authorization": f"Bearer {self.api_key}"}
        async with (
            ClientSession(timeout=ClientTimeout(total=120)) as session,
            session.post(
                f"{self.upstream}/chat/completions", json=upstream_body, headers=headers
            ) as resp,
        ):
            data = await resp.json(content_type=None)
            if resp.status != 200:
                return web.json_response(data, status=resp.status)
        choice = data["choices"][0]
        message = choice["message"]
        content = message.get("content") or ""
        if message.get("tool_calls"):
            content = message["tool_calls"][0]["function"]["arguments"]
        last = str(body["messages"][-1].get("content") or "")
        self.exchanges.append(
            {
                "match": last[-300:],
                "reply": content,
                "finish_reason": choice.get("finish_reason") or "stop",
                "usage": data.get("usage"),
            }
        )
        # Answer our client in the shape it asked for, from what was just recorded.
        return await respond(request, body, self.exchanges[-1])

    def save(self, path: Path, model: str) -> None:
        """Write the recording."""
        path.parent.mkdir(parents=True, exist_ok=True)
        # The file is meant to be committed: no user or password of the upstream URL in it.
        note = f"recorded from {model} at {hide_credentials(self.upstream)} by bench.eval --record"
        data = {"note": note, "model": model, "exchanges": self.exchanges}
        path.write_text(json.dumps(data, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
