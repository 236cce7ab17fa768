"""The interviewer's streamed reply as plain pieces of text, read as lightly as possible.

LangChain drives the model: `make_chat_model` builds a LangChain ChatOpenAI, whose request
payload (model, temperature, token cap, the messages as the provider wants them) is what
is sent. Reading a streamed reply through `astream`, though, builds an SDK model object,
a LangChain message chunk and a generation chunk for every streamed piece, and the SDK
walks the whole request body (every message) through its type-driven transform first:
under load that was the larger part of the CPU an answer costs (docs/performance.md).

So for a ChatOpenAI, `pieces` sends LangChain's payload through the OpenAI SDK's raw
response (`with_raw_response`: the SDK's retries, timeouts and typed errors all still
apply) with the messages as extra JSON (sent as they are: plain strings need no
transform), and parses the server-sent events itself: one `json.loads` per event. Any
other chat model (LangChain's fakes in the tests, other providers) streams through
`astream` as before. Either way the brain sees the same `Piece`s.
"""

from __future__ import annotations

import contextlib
import json
from collections.abc import AsyncGenerator
from dataclasses import dataclass
from typing import Any

import openai
from langchain_core.language_models import BaseChatModel
from langchain_core.messages import BaseMessage
from langchain_openai.chat_models.base import BaseChatOpenAI


@dataclass(frozen=True)
class Piece:
    """A piece of a streamed reply: its text, the finish reason once known, the usage once
    sent (in LangChain's usage_metadata shape)."""

    text: str = ""
    finish: str | None = None
    usage: dict[str, Any] | None = None


async def pieces(model: BaseChatModel, messages: list[BaseMessage]) -> AsyncGenerator[Piece]:
    """The model's streamed reply to `messages`, piece by piece."""
    if isinstance(model, BaseChatOpenAI) and not model._use_responses_api({}):
        # closed with this generator, so an early close ends the response at once (not when
        # the inner generator is collected)
        async with contextlib.aclosing(_raw(model, messages)) as raw:
            async for piece in raw:
                yield piece
        return
    async with contextlib.aclosing(model.astream(messages)) as chunks:  # type: ignore[type-var]
        async for chunk in chunks:
            text = chunk.text if isinstance(chunk.text, str) else str(chunk.content)
            usage = dict(chunk.usage_metadata) if chunk.usage_metadata else None
            yield Piece(text, chunk.response_metadata.get("finish_reason"), usage)


async def _raw(model: BaseChatOpenAI, messages: list[BaseMessage]) -> AsyncGenerator[Piece]:
    payload = model._get_request_payload(
        messages, stream=True, stream_options={"include_usage": True}
    )
    extra = {**(payload.pop("extra_body", None) or {}), "messages": payload.pop("messages")}
    raw = await model.async_client.with_raw_response.create(
        **payload, messages=[], extra_body=extra
    )
    response = raw.http_response
    try:
        kind = response.headers.get("content-type", "")
        if not kind.startswith("text/event-stream"):
            raise openai.APIError(
                f"the provider answered a stream request with {kind or 'no content type'}",
                response.request,
                body=None,
            )
        async for line in response.aiter_lines():
            if not line.startswith("data:"):
                continue  # keep-alive comments, event names, blank separators
            data = line[5:].strip()
            if data == "[DONE]":
                continue  # read to the end, so the connection goes back to the pool
            event = json.loads(data)
            if error := event.get("error"):
                # an object with a message, or (some providers) the message itself
                message = error.get("message") if isinstance(error, dict) else None
                raise openai.APIError(str(message or error), response.request, body=error)
            for choice in event.get("choices") or ():
                if choice.get("index", 0) == 0:
                    delta = choice.get("delta") or {}
                    yield Piece(delta.get("content") or "", choice.get("finish_reason"))
            if usage := event.get("usage"):
                yield Piece(usage=_usage(usage))
    finally:
        await response.aclose()


def _usage(usage: dict[str, Any]) -> dict[str, Any]:
    """OpenAI's usage as LangChain's usage_metadata (what the brain counts)."""
    cached = (usage.get("prompt_tokens_details") or {}).get("cached_tokens") or 0
    return {
        "input_tokens": usage.get("prompt_tokens") or 0,
        "output_tokens": usage.get("completion_tokens") or 0,
        "total_tokens": usage.get("total_tokens") or 0,
        "input_token_details": {"cache_read": cached},
    }
