"""The tests' fake Slack Web API in a process of its own, with the load benchmark's members.

Run: `python -m bench.slack_api`; it prints `PORT <n>` once it listens on 127.0.0.1. It is
tests/bot/slack's fake plus one route: `POST /bench/members` with `{"first", "count",
"think", "seconds", "url"}` runs members numbered first… against mockroom's Slack endpoint `url` and
answers their Tally (bench/load_members.py) once they are done. Its recorded calls are
dropped every few seconds (its messages stay: the app edits them as it streams).

Each member signs and posts `/mockroom start` in a DM, then an answer (a `message` event)
every `think` seconds (±50%) until its scorecard arrives or the time is up. Each request is
timed to its acknowledgement (a failure past Slack's 3 s or other than 200), and to the
reply's first and last post arriving here, as the member would see them.
"""

from __future__ import annotations

import asyncio
import json
import random
import time
from typing import Any
from urllib.parse import urlencode

import aiohttp
from aiohttp import web

from bench.engine import ANSWERS, pause
from bench.load_members import OVER, TROUBLE, Inbox, Pace, Seen, Tally
from bench.load_parts import slack_signature
from tests.bot.slack import payloads
from tests.bot.slack.fake_slack import ACK_SECONDS, FakeSlack

POSTS = {"chat.postMessage", "chat.update", "chat.postEphemeral"}


def seen(method: str, args: dict[str, Any], at: float) -> Seen:
    """What a post or edit was, for its member."""
    blocks = args.get("blocks") or []
    if isinstance(blocks, str):
        blocks = json.loads(blocks)
    text = str(args.get("text", ""))
    if text.startswith(OVER):
        return Seen(at, over=True)
    if method == "chat.postEphemeral" or text.startswith(TROUBLE):
        return Seen(at, notice=f"Slack: told {text[:60]!r}")
    return Seen(
        at,
        final=any(b.get("type") == "actions" for b in blocks),
        ended=text.startswith("Scorecard for"),
    )


class BenchSlack(FakeSlack):
    """The fake Slack, noting each member's posts as they arrive, with a route for members."""

    def __init__(self) -> None:
        super().__init__()
        self.inbox = Inbox()

    def routes(self) -> list[web.RouteDef]:
        """The fake's routes and /bench/members."""
        return [web.post("/bench/members", self._members), *super().routes()]

    async def _api(self, request: web.Request) -> web.Response:
        at = time.perf_counter()
        response = await super()._api(request)
        call = self.calls[-1] if self.calls else None
        if call is not None and call.method in POSTS and call.args.get("channel"):
            self.inbox.note(str(call.args["channel"]), seen(call.method, call.args, at))
        return response

    async def _members(self, request: web.Request) -> web.Response:
        spec = await request.json()
        until = time.monotonic() + float(spec["seconds"])
        tally = Tally()
        if spec.get("warmup"):
            asyncio.get_running_loop().call_later(float(spec["warmup"]), tally.reset)
        timeout = aiohttp.ClientTimeout(total=60)
        pace = Pace.of(spec)
        async with aiohttp.ClientSession(timeout=timeout) as session:
            await asyncio.gather(
                *(
                    member(self, session, str(spec["url"]), k, pace, until, tally)
                    for k in range(int(spec["first"]), int(spec["first"]) + int(spec["count"]))
                )
            )
        return web.json_response(tally.__dict__)


async def member(
    fake: BenchSlack,
    session: aiohttp.ClientSession,
    url: str,
    k: int,
    pace: Pace,
    until: float,
    tally: Tally,
) -> None:
    """A Slack member: `/mockroom start` in a DM (or, steady, its interview seeded under
    way), then answers until the scorecard; steady, the next interview after a pause."""
    rng = random.Random(10_000 + k)
    user = f"U0BENCH{k:05d}"
    channel = "D" + user.removeprefix("U")

    async def post(body: str, content_type: str) -> float:
        headers = {"Content-Type": content_type, **slack_signature(body)}
        sent = time.perf_counter()
        tally.acked += 1
        try:
            async with session.post(url, data=body, headers=headers) as response:
                await response.read()
                ms = (time.perf_counter() - sent) * 1000
                tally.acks_ms.append(ms)
                if response.status != 200:
                    tally.failures.append(f"Slack: answered {response.status}")
                elif ms > ACK_SECONDS * 1000:
                    tally.failures.append(f"Slack: acknowledged after {ACK_SECONDS:g} s")
        except (aiohttp.ClientError, TimeoutError) as exc:
            tally.failures.append(f"Slack: request failed ({type(exc).__name__})")
        return sent

    async def start() -> bool:
        slash = urlencode(payloads.slash(user, channel, "start model-serving standard"))
        tally.started += 1
        return await fake.inbox.reply(
            channel, await post(slash, "application/x-www-form-urlencoded"), tally
        )

    if not await pause(rng.uniform(0, pace.think), until):
        return
    if pace.steady:
        tally.started += 1  # its interview is under way (seeded)
    going = seeded = pace.steady  # a seeded member answers at once after its first pause
    going = going or await start()
    i = 1
    while True:
        while going and channel not in fake.inbox.ended:
            wait, seeded = (0.0 if seeded else pace.next(rng)), False
            if not await pause(wait, until) or channel in fake.inbox.ended:
                break
            event = payloads.message(user, channel, ANSWERS[i % len(ANSWERS)], f"{time.time():.6f}")
            sent = await post(json.dumps(payloads.event_callback(event)), "application/json")
            going = await fake.inbox.reply(channel, sent, tally)
            i += 1
        if not await fake.inbox.wait_ended(channel, until):
            return
        tally.scorecards += 1
        fake.inbox.ended.discard(channel)
        if not pace.steady or not await pause(pace.next(rng), until):
            return
        going = await start()


async def serve() -> None:
    """Listen until killed."""
    fake = BenchSlack()
    await fake.start()
    print(f"PORT {fake.port}", flush=True)
    while True:
        await asyncio.sleep(5)
        fake.calls.clear()
        fake.ephemeral.clear()


if __name__ == "__main__":
    asyncio.run(serve())
