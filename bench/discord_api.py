"""The tests' fake Discord in a process of its own, with the members the load benchmark drives.

Run: `python -m bench.discord_api`; it prints `PORT <n>` once it listens on 127.0.0.1. It is
tests/bot/discord's fake (REST under /api/v10 and the gateway websocket) plus one route of its
own: `POST /bench/members` with `{"count", "think", "seconds"}` runs that many members and
answers their Tally (bench/load_members.py) once they are done.

Each member runs `/mockroom start` in a DM (INTERACTION_CREATE on the gateway), then every
`think` seconds (±50%) acts until its scorecard arrives: an interaction on odd turns (the Hint
button under the latest interviewer message, or `/mockroom time`, taking turns), an answer by
DM message (MESSAGE_CREATE) on even ones. An interaction is timed from just before the
gateway sends it to the arrival of its callback (past Discord's 3 s window, or none within
10 s, is a failure); an answer from just before the gateway sends it to the reply's first
and last message (POST or PATCH under /channels/{id}/messages) arriving here. All on this
process's clock: the member's think time and the fake's own work stay off mockroom's loop.
"""

from __future__ import annotations

import asyncio
import random
import re
import time
from typing import Any

from aiohttp import web

from bench.engine import ANSWERS, pause
from bench.load_members import OVER, TROUBLE, Inbox, Pace, Seen, Tally
from bot.discord.stream import CURSOR
from bot.discord.views import TEMPLATE
from tests.bot.discord import payloads
from tests.bot.discord.fake_discord import TOKEN, FakeDiscord, Interaction
from tests.bot.discord.fake_gateway import FakeGateway
from tests.bot.discord.rest import INTERACTION_WINDOW

CALLBACK = re.compile(r"/api/v10/interactions/(?P<id>\d+)/[^/]+/callback")
CHANNEL_MESSAGE = re.compile(r"/api/v10/channels/(?P<channel>\d+)/messages(/\d+)?")
ACK_WAIT = 10.0  # seconds to wait for a callback before calling it missing


class TimedGateway(FakeGateway):
    """The fake gateway, noting when it sends each INTERACTION_CREATE."""

    def __init__(self, token: str, ready: Any, guild_create: Any) -> None:
        super().__init__(token, ready, guild_create)
        self.sent: dict[str, float] = {}  # interaction id -> perf_counter() at its dispatch

    async def dispatch(self, kind: str, data: dict[str, Any]) -> None:
        if kind == "INTERACTION_CREATE":
            self.sent[data["id"]] = time.perf_counter()
        await super().dispatch(kind, data)


class BenchDiscord(FakeDiscord):
    """The fake Discord, timing interaction callbacks, with a route that runs members."""

    def __init__(self) -> None:
        super().__init__()
        self.gateway = TimedGateway(TOKEN, self._ready, self._guild_create)
        self.timed_gateway = self.gateway
        self.acked: dict[str, asyncio.Future[float]] = {}  # interaction id -> callback time
        self.inbox = Inbox()

    def routes(self, app: web.Application) -> None:
        """FakeDiscord's routes, and /bench/members."""
        app.router.add_post("/bench/members", self._members)
        app.router.add_post("/bench/dms", self._dms)
        super().routes(app)

    def _ack_future(self, interaction_id: str) -> asyncio.Future[float]:
        future = self.acked.get(interaction_id)
        if future is None:
            future = self.acked[interaction_id] = asyncio.get_running_loop().create_future()
        return future

    async def _rest(self, request: web.Request) -> web.StreamResponse:
        """Note when an interaction's callback or a channel message arrives, then serve it."""
        at = time.perf_counter()
        match = CALLBACK.fullmatch(request.path)
        if match and request.method == "POST":
            future = self._ack_future(match["id"])
            if not future.done():
                future.set_result(at)
        response = await super()._rest(request)
        posted = CHANNEL_MESSAGE.fullmatch(request.path)
        if posted and request.method in {"POST", "PATCH"} and self.calls:
            body = self.calls[-1].body
            self.inbox.note(posted["channel"], seen(body if isinstance(body, dict) else {}, at))
        return response

    async def timed(self, interaction: Interaction, tally: Tally) -> None:
        """Wait for an interaction's callback; note the time from its dispatch."""
        sent = self.timed_gateway.sent.pop(interaction.id)
        future = self._ack_future(interaction.id)
        tally.acked += 1
        try:
            acked = await asyncio.wait_for(future, ACK_WAIT)
        except TimeoutError:
            tally.failures.append(f"Discord: an interaction got no callback within {ACK_WAIT:g} s")
            return
        finally:
            self.acked.pop(interaction.id, None)
        ms = (acked - sent) * 1000
        tally.acks_ms.append(ms)
        if ms > INTERACTION_WINDOW * 1000:
            tally.failures.append(
                f"Discord: an interaction was acknowledged after {INTERACTION_WINDOW:g} s"
            )

    def latest_buttons(self, channel_id: str) -> tuple[str, str] | None:
        """The latest interviewer message in a channel with a Hint button: (its id, the id)."""
        for message in reversed(self.by_bot(channel_id)):
            for row in message["components"]:
                for component in row.get("components", []):
                    button = re.fullmatch(TEMPLATE, str(component.get("custom_id", "")))
                    if button is not None and button["action"] == "hint":
                        return str(message["id"]), button[0]
        return None

    def rest_errors(self) -> list[str]:
        """REST calls answered with an error (apologies are the inbox's); then forget calls."""
        errors = []
        for call in self.calls:
            path = re.sub(r"\d{6,}", "{id}", call.path)
            path = re.sub(r"/tok-\{id\}", "/{token}", path)
            if call.status >= 400:
                errors.append(f"Discord REST {call.method} {path} answered {call.status}")
        self.calls.clear()
        return errors

    async def _members(self, request: web.Request) -> web.Response:
        """Run the members the body asks for until its deadline; their Tally as JSON."""
        spec = await request.json()
        until = time.monotonic() + float(spec["seconds"])
        tally = Tally()
        if spec.get("warmup"):
            asyncio.get_running_loop().call_later(float(spec["warmup"]), tally.reset)
        pace = Pace.of(spec)
        await asyncio.gather(
            *(member(self, k, pace, until, tally) for k in range(int(spec["count"])))
        )
        tally.failures.extend(self.rest_errors())
        return web.json_response(tally.__dict__)

    async def _dms(self, request: web.Request) -> web.Response:
        """Open the DMs of members 0..count-1 (a steady run seeds their interviews there)."""
        count = int((await request.json())["count"])
        return web.json_response({"channels": [self.dm_channel(user_of(k)) for k in range(count)]})


def user_of(k: int) -> dict[str, Any]:
    """Member k's Discord user."""
    return payloads.user(str(1_200_000_000_000_000_000 + k), f"member{k}")


def seen(body: dict[str, Any], at: float) -> Seen:
    """What a message the bot posted or edited was, for its member."""
    content = str(body.get("content") or "")
    if content.startswith(OVER):
        return Seen(at, over=True)
    if content.startswith(TROUBLE):
        return Seen(at, notice=f"Discord: told {content[:60]!r}")
    embeds = body.get("embeds") or []
    return Seen(
        at,
        final=bool(body.get("components")) and not content.endswith(CURSOR),
        ended=any(str(e.get("title", "")).startswith("Scorecard") for e in embeds),
    )


async def member(fake: BenchDiscord, k: int, pace: Pace, until: float, tally: Tally) -> None:
    """A Discord member: `/mockroom start` in a DM (or, steady, its interview seeded under
    way), then acts until its scorecard; steady, the next interview after a pause."""
    rng = random.Random(20_000 + k)
    user = user_of(k)
    dm = fake.dm_channel(user)

    async def start() -> None:
        tally.started += 1
        started = await fake.slash(user, dm, "start", question="model-serving", format="standard")
        await fake.timed(started, tally)

    if not await pause(rng.uniform(0, pace.think), until):
        return
    seeded = pace.steady  # a seeded member acts at once after its first pause
    if seeded:
        tally.started += 1  # its interview is under way (seeded)
    else:
        await start()
    i = 1
    while True:
        going = True
        while going and dm not in fake.inbox.ended:
            wait, seeded = (0.0 if seeded else pace.next(rng)), False
            if not await pause(wait, until) or dm in fake.inbox.ended:
                break
            if i % 2 == 0:
                sent = time.perf_counter()
                await fake.say(dm, user, ANSWERS[i % len(ANSWERS)])
                going = await fake.inbox.reply(dm, sent, tally)
            else:
                buttons = fake.latest_buttons(dm) if i % 4 == 1 else None
                if buttons is not None:
                    interaction = await fake.press(user, *buttons)
                else:
                    interaction = await fake.slash(user, dm, "time")
                await fake.timed(interaction, tally)
            i += 1
        if not await fake.inbox.wait_ended(dm, until):
            return
        tally.scorecards += 1
        fake.inbox.ended.discard(dm)
        if not pace.steady or not await pause(pace.next(rng), until):
            return
        await start()


async def serve() -> None:
    """Listen until killed."""
    fake = BenchDiscord()
    await fake.start()
    print(f"PORT {fake.port}", flush=True)
    await asyncio.Event().wait()


if __name__ == "__main__":
    asyncio.run(serve())
