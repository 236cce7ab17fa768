"""A fake OpenAI-compatible model for the load benchmark: answers after a fixed delay.

Run in its own process (`python -m bench.fake_model --delay 0.3`), as a real model runs
elsewhere, so its work never shares the interpreter lock with mockroom's. It prints
`PORT <n>` once it listens on 127.0.0.1. Every reply is a different interviewer question
(so the brain's no-repeat guard rarely asks again), streamed as SSE with a usage chunk.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import random
import re
import time
from typing import Any

from aiohttp import web

from bench.engine import ANSWERS
from bench.replay import stream_events
from interviewer.core.rubric import Criterion
from interviewer.core.text import is_question, question_key
from interviewer.llm.guards import is_repeat

OPENERS = ("Noted.", "Fair enough.", "Right.", "Understood.", "Thanks.")
TEMPLATES = (
    "How would {c} cope with {e}?",
    "What happens to {c} during {e}?",
    "Which signal tells you {c} is struggling with {e}?",
    "Where does {c} keep its state when {e} strikes?",
    "How do you protect {c} against {e}?",
)
COMPONENTS = (
    "the API gateway",
    "your request router",
    "each GPU worker",
    "that metadata store",
    "our message queue",
    "a regional cache",
    "this session service",
    "its write path",
    "any background job",
    "some search index",
)
EVENTS = (
    "a sudden traffic spike",
    "one region going dark",
    "slow disk writes",
    "duplicate client retries",
    "hot partition keys",
    "stale cached entries",
    "network partitions between zones",
    "bursty batch uploads",
    "rolling deploys mid-request",
    "expired auth tokens",
)


def scorecard() -> str:
    """A valid scorecard for the grader (its structured-output request): every criterion a 3,
    quoting words the benchmark's candidates say (bench/engine.py)."""
    quote = ANSWERS[2][:60]
    grade = {"score": 3, "evidence": [quote], "feedback": "Sound, say more about failure."}
    return json.dumps(
        {
            "criteria": {c.value: grade for c in Criterion},
            "pitfalls": [],
            "improvements": ["Put numbers on the capacity plan."],
        }
    )


def question(rng: random.Random, asked: list[str] | None = None) -> str:
    """One interviewer turn: an opener and a question not among the `asked` ones (question
    keys), as a real model reading the transcript would write. Without this, about one turn
    in a hundred repeated an earlier question: the brain's guard refuses it after the opener
    was already streamed, and the offline interviewer finishes the turn (a "model fallback"
    in a run whose model never fails)."""
    for _ in range(50):
        template = rng.choice(TEMPLATES)
        text = template.format(c=rng.choice(COMPONENTS), e=rng.choice(EVENTS))
        if not is_repeat(text, asked or ()):
            break
    return f"{rng.choice(OPENERS)} {text}"


ASKED_LINE = re.compile(r"Questions already asked \(never repeat them\): (?P<asked>[^\n]*)")
"""The line of the turn prompt (prompts/interviewer_turn.md) listing the latest questions."""


def asked_in(messages: list[dict[str, Any]]) -> list[str]:
    """The question keys a model can see in a chat request: the interviewer's earlier turns
    still in the transcript window, and the prompt's list of the latest questions asked."""
    keys = []
    for m in messages:
        content = str(m.get("content") or "")
        if m.get("role") == "assistant":
            keys += [question_key(s) for s in re.split(r"(?<=[.!?])\s+", content) if is_question(s)]
        for line in ASKED_LINE.finditer(content):
            keys += [k.strip() for k in line["asked"].split(";") if k.strip() not in ("", "none")]
    return keys


class FakeModel:
    """The /v1/chat/completions endpoint: waits `delay` seconds, then answers."""

    def __init__(self, delay: float, seed: int = 1) -> None:
        self.delay = delay
        self.rng = random.Random(seed)
        self.served = 0

    def app(self) -> web.Application:
        """The aiohttp application."""
        application = web.Application()
        application.router.add_post("/v1/chat/completions", self.chat)
        return application

    async def chat(self, request: web.Request) -> web.Response:
        """Answer one chat completion after the fixed delay (streamed when asked)."""
        body = await request.json()
        await asyncio.sleep(self.delay)
        self.served += 1
        # The grader asks for structured output (a JSON schema, or a tool to call).
        structured = bool(body.get("response_format") or body.get("tools"))
        text = scorecard() if structured else question(self.rng, asked_in(body["messages"]))
        prompt = sum(len(str(m.get("content", ""))) for m in body["messages"]) // 4
        usage = {
            "prompt_tokens": prompt,
            "completion_tokens": len(text) // 4,
            "total_tokens": prompt + len(text) // 4,
        }
        base = {"id": "chatcmpl-bench", "created": int(time.time()), "model": body["model"]}
        if not body.get("stream"):
            message: dict[str, Any] = {"role": "assistant", "content": text}
            if body.get("tools"):
                function = {"name": body["tools"][0]["function"]["name"], "arguments": text}
                call = {"id": "call_1", "type": "function", "function": function}
                message = {"role": "assistant", "content": None, "tool_calls": [call]}
            choice = {"index": 0, "message": message, "finish_reason": "stop"}
            return web.json_response(
                {**base, "object": "chat.completion", "choices": [choice], "usage": usage}
            )
        # The whole answer is ready after the delay and leaves in one write, so the time
        # from its headers to its last event is mockroom's reading, not the model's pace.
        include_usage = (body.get("stream_options") or {}).get("include_usage")
        events = stream_events(base, text, "stop", usage if include_usage else None)
        # A plain response with its length: headers, events and end in one write (a streamed
        # response would send its chunked end marker in a write of its own).
        return web.Response(body=b"".join(events), content_type="text/event-stream")


async def serve(delay: float, port: int) -> None:
    """Listen until killed; print the port once listening."""
    runner = web.AppRunner(FakeModel(delay).app(), access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", port, backlog=2048)
    await site.start()
    print(f"PORT {runner.addresses[0][1]}", flush=True)
    await asyncio.Event().wait()


def main() -> None:
    """Parse the arguments and serve."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--delay", type=float, default=0.3, help="seconds before each answer")
    parser.add_argument("--port", type=int, default=0)
    args = parser.parse_args()
    asyncio.run(serve(args.delay, args.port))


if __name__ == "__main__":
    main()
