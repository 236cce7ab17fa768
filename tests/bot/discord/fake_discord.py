"""A local fake Discord on 127.0.0.1: REST under /api/v10 and a gateway websocket.

The real discord.py client logs in, asks /gateway/bot for the gateway, identifies, and gets
READY and GUILD_CREATE; tests push MESSAGE_CREATE and INTERACTION_CREATE and read back every
REST call. Bodies are JSON with Content-Type exactly application/json, as discord.py needs.
"""

from __future__ import annotations

import itertools
import json
import re
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from aiohttp import web

from tests.bot.discord import payloads
from tests.bot.discord.fake_gateway import FakeGateway

TOKEN = "fake-bot-token"


@dataclass
class Call:
    """One REST request the client made."""

    method: str
    path: str
    body: Any = None
    files: list[str] = field(default_factory=list)
    status: int = 200
    uploads: dict[str, bytes] = field(default_factory=dict)  # file name -> content


@dataclass
class Interaction:
    """An interaction the fake sent, and what the bot answered to it."""

    id: str
    token: str
    channel_id: str
    created: float
    callbacks: list[dict[str, Any]] = field(default_factory=list)
    original: dict[str, Any] | None = None
    followups: list[dict[str, Any]] = field(default_factory=list)
    original_deleted: bool = False
    late: bool = False


class FakeDiscord:
    """The fake's state: users, channels, messages, interactions, and the calls made."""

    def __init__(self) -> None:
        self.ids = itertools.count(1_300_000_000_000_000_000)
        self.bot = payloads.user(payloads.BOT_ID, "mockroom", bot=True)
        self.channels: dict[str, dict[str, Any]] = {
            payloads.TEXT_CHANNEL_ID: payloads.text_channel(payloads.TEXT_CHANNEL_ID)
        }
        self.messages: dict[str, dict[str, Any]] = {}
        self.users: dict[str, dict[str, Any]] = {}  # everyone who wrote or ran a command
        self.dms_closed: set[str] = set()  # users who take no DMs from server members
        self.no_access: set[str] = set()  # channels where the bot may not send messages
        self.interactions: dict[str, Interaction] = {}
        self.calls: list[Call] = []
        self.commands: dict[str, list[dict[str, Any]]] = {}
        self.rate_limit_once: list[tuple[str, re.Pattern[str]]] = []
        self.gateway = FakeGateway(TOKEN, self._ready, self._guild_create)
        self._runner: web.AppRunner | None = None
        self.port = 0

    # ---- lifecycle ------------------------------------------------------------------------

    def routes(self, app: web.Application) -> None:
        """The gateway and REST routes; a subclass adds its own around them."""
        app.router.add_get("/gateway", self.gateway.handle)
        app.router.add_route("*", "/api/v10/{path:.*}", self._rest)

    async def start(self) -> None:
        app = web.Application()
        self.routes(app)
        self._runner = web.AppRunner(app)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        self.port = int(self._runner.addresses[0][1])

    async def close(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()

    @property
    def api(self) -> str:
        return f"http://127.0.0.1:{self.port}/api/v10"

    def snowflake(self) -> str:
        return str(next(self.ids))

    # ---- what tests read ------------------------------------------------------------------

    def calls_to(self, method: str, pattern: str) -> list[Call]:
        regex = re.compile(pattern)
        return [c for c in self.calls if c.method == method and regex.fullmatch(c.path)]

    def posted(self, channel_id: str) -> list[dict[str, Any]]:
        """Messages in a channel, oldest first (the bot's and the users')."""
        return [m for m in self.messages.values() if m["channel_id"] == channel_id]

    def by_bot(self, channel_id: str) -> list[dict[str, Any]]:
        """The bot's messages in a channel that everyone sees (not ephemeral ones)."""
        return [
            m
            for m in self.posted(channel_id)
            if m["author"]["id"] == payloads.BOT_ID and not m["flags"] & payloads.EPHEMERAL
        ]

    def after(self, channel_id: str, message_id: str) -> list[dict[str, Any]]:
        """The bot's messages in a channel posted after a given message."""
        return [m for m in self.by_bot(channel_id) if int(m["id"]) > int(message_id)]

    def threads(self) -> list[dict[str, Any]]:
        return [c for c in self.channels.values() if c["type"] == payloads.PUBLIC_THREAD]

    # ---- what tests do --------------------------------------------------------------------

    def dms_to(self, user: dict[str, Any]) -> list[dict[str, Any]]:
        """The bot's messages in its DM channel with a user (none if it never opened one)."""
        for channel in self.channels.values():
            if channel["type"] == payloads.DM and channel["recipients"][0]["id"] == user["id"]:
                return self.by_bot(str(channel["id"]))
        return []

    def dm_channel(self, user: dict[str, Any]) -> str:
        self.users[user["id"]] = user
        for channel in self.channels.values():
            if channel["type"] == payloads.DM and channel["recipients"][0]["id"] == user["id"]:
                return str(channel["id"])
        channel_id = self.snowflake()
        self.channels[channel_id] = payloads.dm_channel(channel_id, user)
        return channel_id

    async def say(
        self, channel_id: str, user: dict[str, Any], content: str, *, message_id: str | None = None
    ) -> str:
        """A user writes a message: MESSAGE_CREATE on the gateway."""
        self.users[user["id"]] = user
        channel = self.channels[channel_id]
        message = payloads.message(
            message_id or self.snowflake(), channel, user, {"content": content}, self.bot
        )
        self.messages[message["id"]] = message
        event = message
        mentioned = any(m["id"] == self.bot["id"] for m in message["mentions"])
        if channel.get("guild_id") and not mentioned and not self.gateway.reads_content:
            event = {**message, "content": "", "embeds": [], "attachments": []}
        await self.gateway.dispatch("MESSAGE_CREATE", event)
        return str(message["id"])

    async def slash(
        self,
        user: dict[str, Any],
        channel_id: str,
        sub: str,
        *,
        permissions: str = payloads.ALL_PERMISSIONS,
        **options: Any,
    ) -> Interaction:
        """A user runs `/mockroom <sub>` (`"drill subscribe"` for a subcommand of a group):
        INTERACTION_CREATE with an application command; `permissions` are the member's."""
        data = payloads.command_data(self.commands, sub, options)
        return await self._interact(
            user, channel_id, payloads.APPLICATION_COMMAND, data, permissions=permissions
        )

    async def autocomplete(
        self,
        user: dict[str, Any],
        channel_id: str,
        sub: str,
        option: str,
        typed: str,
        **others: Any,
    ) -> Interaction:
        """`typed` so far in `option`, with the `others` options already filled in."""
        data = payloads.command_data(self.commands, sub, {**others, option: typed}, focused=option)
        return await self._interact(user, channel_id, payloads.AUTOCOMPLETE, data)

    async def press(self, user: dict[str, Any], message_id: str, custom_id: str) -> Interaction:
        """A user presses a button on a message: INTERACTION_CREATE with a component."""
        message = self.messages[message_id]
        data = {"custom_id": custom_id, "component_type": 2}
        return await self._interact(
            user, message["channel_id"], payloads.COMPONENT, data, message=message
        )

    async def choose(
        self, user: dict[str, Any], message_id: str, custom_id: str, value: str
    ) -> Interaction:
        """A user picks an option of a select menu on a message (component type 3)."""
        message = self.messages[message_id]
        data = {"custom_id": custom_id, "component_type": 3, "values": [value]}
        return await self._interact(
            user, message["channel_id"], payloads.COMPONENT, data, message=message
        )

    async def _interact(
        self,
        user: dict[str, Any],
        channel_id: str,
        kind: int,
        data: dict[str, Any],
        message: dict[str, Any] | None = None,
        *,
        permissions: str = payloads.ALL_PERMISSIONS,
    ) -> Interaction:
        self.users[user["id"]] = user
        record = Interaction(
            self.snowflake(), f"tok-{self.snowflake()}", channel_id, time.monotonic()
        )
        self.interactions[record.token] = record
        channel = self.channels[channel_id]
        payload = payloads.interaction(
            record.id, record.token, kind, data, channel, user, message, permissions=permissions
        )
        await self.gateway.dispatch("INTERACTION_CREATE", payload)
        return record

    # ---- gateway events -------------------------------------------------------------------

    def _ready(self, session_id: str, shard: list[int], guild_ids: list[str]) -> dict[str, Any]:
        url = f"ws://127.0.0.1:{self.port}/gateway"
        return payloads.ready(self.bot, session_id, url, shard, guild_ids)

    def _guild_create(self) -> dict[str, Any]:
        guild_channels = [c for c in self.channels.values() if c.get("guild_id")]
        return payloads.guild(self.bot, guild_channels)

    # ---- REST -----------------------------------------------------------------------------

    async def _rest(self, request: web.Request) -> web.StreamResponse:
        """Record the call, apply a pending 429 and the auth check, then route it."""
        from tests.bot.discord import rest

        path = request.path.removeprefix("/api/v10")
        call = Call(request.method, path)
        call.body, call.uploads = await _read_body(request)
        call.files = list(call.uploads)
        self.calls.append(call)
        for index, (method, pattern) in enumerate(self.rate_limit_once):
            if method == request.method and pattern.fullmatch(path):
                del self.rate_limit_once[index]
                call.status = 429
                return _rate_limited(0.05)
        needs_auth = not path.startswith(("/interactions/", "/webhooks/"))
        if needs_auth and request.headers.get("Authorization") != f"Bot {TOKEN}":
            call.status = 401
            return _json({"message": "401: Unauthorized", "code": 0}, 401)
        response = await rest.route(self, request, call)
        call.status = response.status
        return response


async def _read_body(request: web.Request) -> tuple[Any, dict[str, bytes]]:
    if not request.can_read_body:
        return None, {}
    if request.content_type.startswith("multipart/"):
        body: Any = None
        files: dict[str, bytes] = {}
        reader = await request.multipart()
        async for part in reader:
            if part.name == "payload_json":  # type: ignore[union-attr]
                body = json.loads(await part.text())  # type: ignore[union-attr]
            else:
                content = await part.read()  # type: ignore[union-attr]
                files[part.filename or ""] = bytes(content)  # type: ignore[union-attr]
        return body, files
    text = await request.text()
    return (json.loads(text) if text else None), {}


def _json(data: Any, status: int = 200, headers: dict[str, str] | None = None) -> web.Response:
    """A JSON response with Content-Type exactly application/json (no charset)."""
    response = web.Response(body=json.dumps(data).encode(), status=status, headers=headers)
    response.content_type = "application/json"
    return response


def _rate_limited(retry_after: float) -> web.Response:
    body = {"message": "You are being rate limited.", "retry_after": retry_after, "global": False}
    headers = {
        "Via": "1.1 google",
        "Retry-After": "1",
        "X-RateLimit-Limit": "5",
        "X-RateLimit-Remaining": "0",
        "X-RateLimit-Reset-After": str(retry_after),
        "X-RateLimit-Bucket": "fake-bucket",
        "X-RateLimit-Scope": "user",
    }
    return _json(body, 429, headers)


def now_iso() -> str:
    return datetime.now(UTC).isoformat()
