"""The raw SSE reader (interviewer/llm/stream.py) against the loopback OpenAI-compatible server."""

from __future__ import annotations

import gc
import sys
from collections.abc import AsyncGenerator
from typing import Any

import openai
import pytest
from langchain_core.messages import HumanMessage

from interviewer.llm.factory import make_chat_model
from interviewer.llm.stream import pieces
from tests.interviewer.llm.openai_server import FakeOpenAIServer, Reply


async def read(server: FakeOpenAIServer) -> str:
    model = make_chat_model("openai:fake-model", base_url=server.url, timeout=5.0, max_retries=0)
    out = []
    async for piece in pieces(model, [HumanMessage("How would you shard it?")]):
        out.append(piece.text)
    return "".join(out)


@pytest.mark.parametrize(
    "error",
    [{"message": "the model is overloaded", "type": "server_error"}, "the model is overloaded"],
    ids=["object", "string"],
)
async def test_an_error_event_mid_stream_is_the_providers_error(
    server: FakeOpenAIServer, error: object
) -> None:
    server.queue(Reply.stream_error(error))
    with pytest.raises(openai.APIError, match="the model is overloaded"):
        await read(server)


async def test_a_non_stream_answer_to_a_stream_request_is_an_error(
    server: FakeOpenAIServer,
) -> None:
    server.queue(Reply.malformed('{"choices": []}'))
    with pytest.raises(openai.APIError, match="application/json"):
        await read(server)


async def test_a_stream_closed_early_closes_its_response_at_once(
    server: FakeOpenAIServer,
) -> None:
    server.queue(Reply.endless())
    model = make_chat_model("openai:fake-model", base_url=server.url, timeout=5.0, max_retries=0)
    hooks = sys.get_asyncgen_hooks()
    unclosed: list[AsyncGenerator[Any]] = []  # generators left to the garbage collector
    sys.set_asyncgen_hooks(hooks.firstiter, unclosed.append)
    try:
        stream = pieces(model, [HumanMessage("How would you shard it?")])
        assert (await anext(stream)).text is not None
        await stream.aclose()  # as the brain does once the turn is settled
        del stream
        gc.collect()
    finally:
        sys.set_asyncgen_hooks(*hooks)
        for left in unclosed:
            await left.aclose()
    assert [g.ag_code.co_name for g in unclosed if g.ag_code.co_name == "_raw"] == []
