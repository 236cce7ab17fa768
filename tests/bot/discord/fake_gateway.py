"""The gateway half of the fake Discord: HELLO, IDENTIFY/READY, heartbeats, RESUME with replay.

Shards as Discord runs them: each IDENTIFY names `[shard_id, shard_count]`, a guild's events
go to shard `(guild_id >> 22) % shard_count` and DMs to shard 0, each shard a session of its own.
"""

from __future__ import annotations

import asyncio
import json
import zlib
from dataclasses import dataclass, field
from typing import Any

from aiohttp import web

HELLO, HEARTBEAT, IDENTIFY, RESUME, INVALID_SESSION, HEARTBEAT_ACK = 10, 1, 2, 6, 9, 11
DISPATCH, RECONNECT = 0, 7
MESSAGE_CONTENT = 1 << 15
DISALLOWED_INTENTS = 4014


class _Compressor:
    """Transport compression as discord.py asks for it in the URL (zstd-stream or zlib-stream)."""

    def __init__(self, kind: str | None) -> None:
        self.kind = kind
        self._zlib = zlib.compressobj()
        self._zstd: Any = None
        if kind == "zstd-stream":
            import zstandard

            self._zstd = zstandard.ZstdCompressor().compressobj()
            self._flush = zstandard.COMPRESSOBJ_FLUSH_BLOCK

    def pack(self, text: str) -> bytes | str:
        data = text.encode()
        if self.kind == "zstd-stream":
            return bytes(self._zstd.compress(data) + self._zstd.flush(self._flush))
        if self.kind == "zlib-stream":
            return self._zlib.compress(data) + self._zlib.flush(zlib.Z_SYNC_FLUSH)
        return text


@dataclass
class Connection:
    """One websocket from the client."""

    ws: web.WebSocketResponse
    compressor: _Compressor
    lock: asyncio.Lock = field(default_factory=asyncio.Lock)

    async def send(self, payload: dict[str, Any]) -> None:
        async with self.lock:
            packed = self.compressor.pack(json.dumps(payload))
            if isinstance(packed, bytes):
                await self.ws.send_bytes(packed)
            else:
                await self.ws.send_str(packed)


def shard_of(guild_id: str | None, shard_count: int) -> int:
    """The shard that gets a guild's events (Discord's formula); shard 0 gets DMs."""
    return 0 if guild_id is None else (int(guild_id) >> 22) % shard_count


@dataclass
class Session:
    """A shard's gateway session: its numbered events, kept for replay on RESUME."""

    id: str
    shard: list[int]  # [shard_id, shard_count]
    events: list[dict[str, Any]] = field(default_factory=list)
    live: Connection | None = None

    def add(self, kind: str, data: dict[str, Any]) -> dict[str, Any]:
        event = {"op": DISPATCH, "t": kind, "s": len(self.events) + 1, "d": data}
        self.events.append(event)
        return event


class FakeGateway:
    """The gateway websocket: a session per shard, what the client sent."""

    def __init__(self, token: str, ready: Any, guild_create: Any) -> None:
        self.token = token
        self._ready = ready  # (session id, [shard_id, shard_count], guild ids) -> READY data
        self._guild_create = guild_create
        self.sessions: dict[int, Session] = {}  # by shard id
        self.received: list[dict[str, Any]] = []
        self.intents: list[int] = []
        self.shards: list[list[int] | None] = []  # the `shard` field of each IDENTIFY
        self.recommended_shards = 1  # the shard count /gateway/bot answers
        self.allow_message_content = True
        self.replay_from: int | None = None  # replay from here on RESUME: a duplicate delivery
        self._sessions = 0

    @property
    def last_seq(self) -> int:
        """The sequence number of shard 0's latest event (DMs go to shard 0)."""
        session = self.sessions.get(0)
        return len(session.events) if session else 0

    @property
    def reads_content(self) -> bool:
        """Whether the connected client identified with the Message Content intent."""
        return bool(self.intents and self.intents[-1] & MESSAGE_CONTENT)

    def ops(self, op: int) -> int:
        """How many payloads with this opcode the client sent."""
        return sum(1 for p in self.received if p.get("op") == op)

    async def dispatch(self, kind: str, data: dict[str, Any]) -> None:
        """Send an event to its shard now, or keep it for the replay when the client is away."""
        if not self.sessions:
            raise RuntimeError("no gateway session: is the bot connected?")
        shard_count = next(iter(self.sessions.values())).shard[1]
        shard_id = shard_of(data.get("guild_id"), shard_count)
        session = self.sessions.get(shard_id)
        if session is None:
            raise RuntimeError(f"no gateway session for shard {shard_id} of {shard_count}")
        event = session.add(kind, data)
        live = session.live
        if live is not None and not live.ws.closed:
            await live.send(event)

    async def drop(self, code: int = 4000, *, forget: bool = False) -> None:
        """Close every live connection with a resumable code, as a network blip would.

        With `forget` the sessions end too, so the client's RESUME gets INVALID_SESSION.
        """
        sessions = list(self.sessions.values())
        if forget:
            self.sessions.clear()
        for session in sessions:
            live, session.live = session.live, None
            if live is not None:
                await live.ws.close(code=code, message=b"fake gateway drop")

    async def ask_reconnect(self) -> None:
        """Send op 7 RECONNECT on every live connection: the client should resume."""
        for session in self.sessions.values():
            live, session.live = session.live, None
            if live is not None:
                await live.send({"op": RECONNECT, "d": None, "s": None, "t": None})

    async def handle(self, request: web.Request) -> web.WebSocketResponse:
        ws = web.WebSocketResponse()
        await ws.prepare(request)
        conn = Connection(ws, _Compressor(request.query.get("compress")))
        await conn.send({"op": HELLO, "d": {"heartbeat_interval": 41250}, "s": None, "t": None})
        async for msg in ws:
            payload = json.loads(msg.data)
            self.received.append(payload)
            op = payload.get("op")
            if op == HEARTBEAT:
                await conn.send({"op": HEARTBEAT_ACK, "d": None, "s": None, "t": None})
            elif op == IDENTIFY:
                await self._identify(conn, payload["d"])
            elif op == RESUME:
                await self._resume(conn, payload["d"])
        for session in self.sessions.values():
            if session.live is conn:
                session.live = None
        return ws

    async def _identify(self, conn: Connection, data: dict[str, Any]) -> None:
        if data.get("token") != self.token:
            await conn.ws.close(code=4004, message=b"Authentication failed.")
            return
        intents = int(data.get("intents", 0))
        self.intents.append(intents)
        self.shards.append(data.get("shard"))
        if intents & MESSAGE_CONTENT and not self.allow_message_content:
            await conn.ws.close(code=DISALLOWED_INTENTS, message=b"Disallowed intent(s).")
            return
        shard = list(data.get("shard") or [0, 1])
        self._sessions += 1
        session = Session(f"session-{self._sessions}", shard, live=conn)
        self.sessions[shard[0]] = session
        guild = self._guild_create()
        guilds = [guild] if shard_of(guild["id"], shard[1]) == shard[0] else []
        ready = self._ready(session.id, shard, [g["id"] for g in guilds])
        for kind, event_data in [("READY", ready), *(("GUILD_CREATE", g) for g in guilds)]:
            await conn.send(session.add(kind, event_data))

    async def _resume(self, conn: Connection, data: dict[str, Any]) -> None:
        session = next((s for s in self.sessions.values() if s.id == data.get("session_id")), None)
        if session is None or data.get("token") != self.token:
            await conn.send({"op": INVALID_SESSION, "d": False, "s": None, "t": None})
            return
        session.live = conn
        seen = int(data.get("seq") or 0)
        if self.replay_from is not None:
            seen, self.replay_from = min(seen, self.replay_from), None
        for event in session.events:
            if event["s"] > seen and event["t"] != "READY":
                await conn.send(event)
        resumed = {"op": DISPATCH, "t": "RESUMED", "s": len(session.events), "d": {}}
        await conn.send(resumed)
