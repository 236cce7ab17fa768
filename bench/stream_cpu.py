"""CPU per streamed interviewer reply: LangChain's `astream` against the raw SSE reader.

Run: uv run python -m bench.stream_cpu [--replies 400] [--concurrency 20]

Both read the same replies from bench/fake_model.py (its own process, no delay) with the
model `make_chat_model` builds, and a prompt the size of a mid-interview turn's; the
figure is this process's CPU time per reply (time.process_time), best of three rounds.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import time
from collections.abc import Awaitable, Callable

from langchain_core.language_models import BaseChatModel
from langchain_core.messages import BaseMessage, HumanMessage, SystemMessage

from bench.engine import ANSWERS
from bench.load_parts import helper
from interviewer.llm.factory import make_chat_model
from interviewer.llm.stream import pieces


def prompt() -> list[BaseMessage]:
    """A system prompt and a transcript of some twenty turns."""
    system = SystemMessage(content="You are a system design interviewer. " * 60)
    turns: list[BaseMessage] = [
        HumanMessage(content=ANSWERS[i % len(ANSWERS)] + " And the interviewer asked on.")
        for i in range(20)
    ]
    return [system, *turns]


async def through_astream(model: BaseChatModel, messages: list[BaseMessage]) -> str:
    """The reply as the brain read it before: LangChain's astream, chunk by chunk."""
    out = []
    async with contextlib.aclosing(model.astream(messages)) as chunks:  # type: ignore[type-var]
        async for chunk in chunks:
            out.append(chunk.text if isinstance(chunk.text, str) else str(chunk.content))
    return "".join(out)


async def through_raw(model: BaseChatModel, messages: list[BaseMessage]) -> str:
    """The reply as the brain reads it now (interviewer/llm/stream.py)."""
    return "".join([p.text async for p in pieces(model, messages)])


async def measure(
    read: Callable[[BaseChatModel, list[BaseMessage]], Awaitable[str]],
    model: BaseChatModel,
    replies: int,
    concurrency: int,
) -> float:
    """CPU milliseconds per reply, best of three rounds."""
    messages = prompt()
    best = float("inf")
    for _ in range(3):
        gate = asyncio.Semaphore(concurrency)

        async def one(gate: asyncio.Semaphore = gate) -> None:
            async with gate:
                assert await read(model, messages)

        cpu = time.process_time()
        await asyncio.gather(*(one() for _ in range(replies)))
        best = min(best, (time.process_time() - cpu) * 1000 / replies)
    return best


async def main_async(port: int, replies: int, concurrency: int) -> None:
    model = make_chat_model("openai:bench", base_url=f"http://127.0.0.1:{port}/v1", api_key="x")
    await through_raw(model, prompt())  # warm-up: connections, imports
    await through_astream(model, prompt())
    old = await measure(through_astream, model, replies, concurrency)
    new = await measure(through_raw, model, replies, concurrency)
    print(f"CPU per streamed reply: LangChain astream {old:.2f} ms, raw SSE reader {new:.2f} ms")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--replies", type=int, default=400)
    parser.add_argument("--concurrency", type=int, default=20)
    args = parser.parse_args()
    with helper("bench.fake_model", "--delay", "0") as port:
        asyncio.run(main_async(port, args.replies, args.concurrency))


if __name__ == "__main__":
    main()
