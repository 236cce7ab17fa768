"""A local Slack on loopback: a Web API that records every call, and a Socket Mode server.

The real slack_sdk and slack-bolt talk to it over HTTP and a websocket. The Web API
answers like Slack (ts values, channels, upload URLs, `ok: false` errors, 429 with
Retry-After when told to) and enforces the Block Kit limits the app must respect; the
Socket Mode server hands its websocket URL out through `apps.connections.open`, sends
envelopes and records each acknowledgement by envelope id.
"""

from __future__ import annotations

import asyncio
import json
import uuid
from dataclasses import dataclass, field
from typing import Any

from aiohttp import WSMsgType, web

BOT_USER = "UBOT"
BOT_ID = "BBOT"
TEAM = "T1"
ACK_SECONDS = 3.0  # Slack's deadline for an acknowledgement


@dataclass
class Call:
    """One Web API call as the fake received it."""

    method: str
    args: dict[str, Any]
    token: str
    peer: tuple[str, int] | None = None  # the client's address: one per TCP connection


@dataclass
class Hold:
    """A method that stalls until released: before doing its work, or after it (the work
    done on Slack's side, the answer not yet sent). `arrived` tells a test it is stalled."""

    after: bool = False
    arrived: asyncio.Event = field(default_factory=asyncio.Event)
    released: asyncio.Event = field(default_factory=asyncio.Event)

    async def arrive(self) -> None:
        """Stall here until released."""
        self.arrived.set()
        await self.released.wait()


@dataclass
class Posted:
    """A message in the fake workspace, with its edits applied."""

    channel: str
    ts: str
    thread_ts: str | None
    text: str
    blocks: list[dict[str, Any]]
    edits: int = 0
    metadata: dict[str, Any] | None = None

    @property
    def shown(self) -> str:
        """The text a person sees: every block's text, else the fallback text."""
        parts = [_block_text(b) for b in self.blocks]
        return "\n".join(p for p in parts if p) or self.text

    def action_ids(self) -> list[str]:
        """The action ids of the message's buttons."""
        return [
            e["action_id"] for b in self.blocks if b["type"] == "actions" for e in b["elements"]
        ]


def _block_text(block: dict[str, Any]) -> str:
    if block["type"] in {"section", "header"}:
        return str(block["text"]["text"])
    if block["type"] == "context":
        return " ".join(str(e.get("text", "")) for e in block["elements"])
    return ""


def block_errors(blocks: list[dict[str, Any]]) -> list[str]:
    """What Slack would refuse in these blocks (its published limits)."""
    errors = []
    if len(blocks) > 50:
        errors.append(f"{len(blocks)} blocks, more than 50")
    for block in blocks:
        kind = block.get("type")
        if kind == "section" and not 0 < len(block["text"]["text"]) <= 3000:
            errors.append(f"section text of {len(block['text']['text'])} characters")
        if kind == "header" and len(block["text"]["text"]) > 150:
            errors.append("header longer than 150 characters")
        if kind == "context" and len(block["elements"]) > 10:
            errors.append("context with more than 10 elements")
        if kind == "actions":
            for element in block["elements"]:
                if len(element.get("value", "")) > 2000 or not element.get("action_id"):
                    errors.append("a button without an action id or with a long value")
    return errors


def modal_errors(view: dict[str, Any]) -> list[str]:
    """What Slack would refuse in a modal: its published limits for modals and inputs."""
    errors = []
    if view.get("type") != "modal" or len(view["title"]["text"]) > 24:
        errors.append("not a modal, or a title over 24 characters")
    if len(view.get("private_metadata", "")) > 3000 or len(view["blocks"]) > 100:
        errors.append("private_metadata over 3,000 characters or over 100 blocks")
    for block in view["blocks"]:
        element = block.get("element", {})
        if block["type"] != "input" or not element.get("action_id") or not block.get("block_id"):
            errors.append("an input without a block id or an action id")
        if len(block["label"]["text"]) > 2000:
            errors.append("a label over 2,000 characters")
        options = element.get("options", [])
        if len(options) > 100 or any(len(o["text"]["text"]) > 75 for o in options):
            errors.append("over 100 options, or an option over 75 characters")
        chosen = [element["initial_option"]] if "initial_option" in element else []
        chosen += element.get("initial_options", [])
        if any(c not in options for c in chosen):
            errors.append("an initial option that is not one of the options")
    return errors


_IN_CONVERSATION = {
    "chat.postMessage",
    "chat.postEphemeral",
    "chat.update",
    "conversations.join",
    "files.completeUploadExternal",
}


@dataclass
class FakeSlack:
    """The fake workspace: start() it, point the client at `api_url`."""

    calls: list[Call] = field(default_factory=list)
    messages: list[Posted] = field(default_factory=list)
    ephemeral: list[dict[str, Any]] = field(default_factory=list)
    uploads: dict[str, bytes] = field(default_factory=dict)
    views: list[dict[str, Any]] = field(default_factory=list)
    modals: list[dict[str, Any]] = field(default_factory=list)  # views.open, with trigger_id
    users: dict[str, dict[str, Any]] = field(default_factory=dict)  # users.info overrides by id
    acks: dict[str, dict[str, Any]] = field(default_factory=dict)
    errors: list[str] = field(default_factory=list)
    delays: dict[str, float] = field(default_factory=dict)  # seconds before a method answers
    # Conversations the app is not in (a private channel, a DM between two people): posting
    # there answers channel_not_found, as Slack does; that is expected, not an app error.
    outside: set[str] = field(default_factory=set)
    responses: list[dict[str, Any]] = field(default_factory=list)  # posts to response_urls
    holds: dict[str, Hold] = field(default_factory=dict)  # methods that stall (crash tests)
    connections: int = 0
    port: int = 0
    _limits: dict[str, list[int]] = field(default_factory=dict)
    _failures: dict[str, list[str]] = field(default_factory=dict)
    _ts: int = 0
    _files: int = 0
    _ws: web.WebSocketResponse | None = None
    _connected: asyncio.Event = field(default_factory=asyncio.Event)
    _waiting: dict[str, asyncio.Future[dict[str, Any]]] = field(default_factory=dict)
    _runner: web.AppRunner | None = None

    async def start(self) -> None:
        """Listen on 127.0.0.1, on a port the OS picks."""
        app = web.Application()
        app.add_routes(self.routes())
        self._runner = web.AppRunner(app)
        await self._runner.setup()
        await web.TCPSite(self._runner, "127.0.0.1", 0).start()
        self.port = int(self._runner.addresses[0][1])

    def routes(self) -> list[web.RouteDef]:
        """The fake's routes (a subclass may add its own)."""
        return [
            web.post("/api/{method}", self._api),
            web.get("/api/{method}", self._api),  # slack_sdk GETs a few (users.info)
            web.post("/upload/{file_id}", self._upload),
            web.get("/link", self._link),
            web.post("/response/{token}", self._response),
        ]

    async def stop(self) -> None:
        """Close the websocket and the server."""
        for hold in self.holds.values():
            hold.released.set()
        if self._ws is not None:
            await self._ws.close()
        if self._runner is not None:
            await self._runner.cleanup()

    def response_url(self, token: str = "r1") -> str:
        """A slash command's response_url on this fake."""
        return f"http://127.0.0.1:{self.port}/response/{token}"

    def responded(self) -> list[str]:
        """What was said through response_urls, as text a person sees."""
        return [
            "\n".join(_block_text(b) for b in r.get("blocks") or []) or str(r.get("text", ""))
            for r in self.responses
        ]

    @property
    def api_url(self) -> str:
        """The Web API base URL for the client."""
        return f"http://127.0.0.1:{self.port}/api/"

    # ---- what tests look at ------------------------------------------------------------------

    def calls_to(self, method: str) -> list[Call]:
        """The calls of one API method, in order."""
        return [c for c in self.calls if c.method == method]

    def rate_limit(self, method: str, times: int = 1, retry_after: int = 0) -> None:
        """Answer the next `times` calls of `method` with 429 and Retry-After."""
        self._limits[method] = [retry_after] * times

    def fail(self, method: str, error: str = "internal_error", times: int = 1) -> None:
        """Answer the next `times` calls of `method` with `ok: false` and `error`."""
        self._failures[method] = [error] * times

    def conversation(self, channel: str, thread_ts: str | None = None) -> list[Posted]:
        """Messages of a DM (top level) or of a thread, oldest first."""
        return [m for m in self.messages if m.channel == channel and m.thread_ts == thread_ts]

    def next_ts(self) -> str:
        """A new message timestamp, as Slack makes them."""
        self._ts += 1
        return f"1700000000.{self._ts:06d}"

    # ---- Socket Mode -------------------------------------------------------------------------

    async def wait_connected(self) -> None:
        """Until the app's websocket is connected (at most 5 seconds)."""
        async with asyncio.timeout(5):
            await self._connected.wait()

    async def send_envelope(
        self, kind: str, payload: dict[str, Any], *, retry_attempt: int = 0
    ) -> dict[str, Any]:
        """Send one envelope and return its ack; fail unless acked within Slack's 3 seconds."""
        assert self._ws is not None, "the app is not connected"
        envelope_id = str(uuid.uuid4())
        envelope: dict[str, Any] = {
            "envelope_id": envelope_id,
            "type": kind,
            "payload": payload,
            "accepts_response_payload": kind != "events_api",
        }
        if kind == "events_api":
            envelope |= {
                "retry_attempt": retry_attempt,
                "retry_reason": "timeout" * bool(retry_attempt),
            }
        waiter = asyncio.get_running_loop().create_future()
        self._waiting[envelope_id] = waiter
        await self._ws.send_str(json.dumps(envelope))
        async with asyncio.timeout(ACK_SECONDS):
            return await waiter

    async def disconnect_app(self) -> None:
        """Drop the app's websocket (as when its process dies)."""
        if self._ws is not None:
            await self._ws.close()
        self._ws = None
        self._connected.clear()

    async def _link(self, request: web.Request) -> web.WebSocketResponse:
        ws = web.WebSocketResponse(autoping=True)
        await ws.prepare(request)
        self._ws = ws
        self.connections += 1
        await ws.send_str(json.dumps({"type": "hello", "num_connections": 1}))
        self._connected.set()
        async for message in ws:
            if message.type != WSMsgType.TEXT:
                continue
            ack = json.loads(message.data)
            envelope_id = ack.get("envelope_id", "")
            self.acks[envelope_id] = ack
            waiter = self._waiting.pop(envelope_id, None)
            if waiter is not None and not waiter.done():
                waiter.set_result(ack)
        if self._ws is ws:
            self._ws = None
            self._connected.clear()
        return ws

    # ---- Web API -----------------------------------------------------------------------------

    async def _api(self, request: web.Request) -> web.Response:
        method = request.match_info["method"]
        if request.content_type == "application/json":
            args = await request.json()
        else:
            args = dict(await request.post())
        args |= dict(request.query)
        token = request.headers.get("Authorization", "").removeprefix("Bearer ")
        peer = request.transport.get_extra_info("peername") if request.transport else None
        self.calls.append(Call(method, args, token, tuple(peer) if peer else None))
        if method in self.delays:
            await asyncio.sleep(self.delays[method])
        limits = self._limits.get(method)
        if limits:
            retry_after = limits.pop(0)
            return web.json_response(
                {"ok": False, "error": "ratelimited"},
                status=429,
                headers={"Retry-After": str(retry_after)},
            )
        failures = self._failures.get(method)
        if failures:
            return web.json_response({"ok": False, "error": failures.pop(0)})
        if str(args.get("channel", "")) in self.outside and method in _IN_CONVERSATION:
            return web.json_response({"ok": False, "error": "channel_not_found"})
        wanted = "xapp-" if method == "apps.connections.open" else "xoxb-"
        if not token.startswith(wanted):
            return self._fail(method, "invalid_auth")
        hold = self.holds.get(method)
        if hold is not None and not hold.after:
            await hold.arrive()  # stalls before doing anything (a slow Slack)
        handler = getattr(self, "_m_" + method.replace(".", "_").lower(), None)
        body = handler(args) if handler is not None else {"ok": True}
        if hold is not None and hold.after:
            await hold.arrive()  # done on Slack's side, the answer not yet sent
        if not body.get("ok"):
            self.errors.append(f"{method}: {body.get('error')}")
        return web.json_response(body)

    async def _response(self, request: web.Request) -> web.Response:
        body = await request.json()
        blocks, errors = self._blocks(body)
        if errors:
            self.errors.append(f"response_url: {errors}")
            return web.Response(status=400, text="invalid_blocks")
        self.responses.append({**body, "blocks": blocks})
        return web.Response(text="ok")

    def _fail(self, method: str, error: str) -> web.Response:
        self.errors.append(f"{method}: {error}")
        return web.json_response({"ok": False, "error": error})

    def _blocks(self, args: dict[str, Any]) -> tuple[list[dict[str, Any]], list[str]]:
        blocks = args.get("blocks") or []
        if isinstance(blocks, str):
            blocks = json.loads(blocks)
        errors = block_errors(blocks)
        if not args.get("text") and not blocks:
            errors.append("no text")
        if len(str(args.get("text", ""))) > 40_000:
            errors.append("msg_too_long")
        return blocks, errors

    def _m_auth_test(self, args: dict[str, Any]) -> dict[str, Any]:
        return {
            "ok": True,
            "user_id": BOT_USER,
            "bot_id": BOT_ID,
            "team_id": TEAM,
            "user": "mockroom",
        }

    def _m_apps_connections_open(self, args: dict[str, Any]) -> dict[str, Any]:
        return {"ok": True, "url": f"ws://127.0.0.1:{self.port}/link?ticket={uuid.uuid4()}"}

    def _m_chat_postmessage(self, args: dict[str, Any]) -> dict[str, Any]:
        blocks, errors = self._blocks(args)
        if errors or not args.get("channel"):
            return {"ok": False, "error": "invalid_blocks" if errors else "channel_not_found"}
        thread_ts = args.get("thread_ts") or None
        posted = Posted(
            str(args["channel"]), self.next_ts(), thread_ts, str(args.get("text", "")), blocks
        )
        metadata = args.get("metadata")
        posted.metadata = json.loads(metadata) if isinstance(metadata, str) else metadata
        self.messages.append(posted)
        return {
            "ok": True,
            "channel": posted.channel,
            "ts": posted.ts,
            "message": {"text": posted.text},
        }

    def _m_conversations_history(self, args: dict[str, Any]) -> dict[str, Any]:
        """A channel's top-level messages, newest first; metadata only when asked for."""
        full = str(args.get("include_all_metadata", "")).lower() in ("true", "1")
        found = [
            {"type": "message", "ts": m.ts, "text": m.text}
            | ({"metadata": m.metadata} if full and m.metadata else {})
            for m in reversed(self.messages)
            if m.channel == args.get("channel")
            and m.thread_ts is None
            and float(m.ts) >= float(args.get("oldest") or 0)
        ]
        return {"ok": True, "messages": found, "has_more": False}

    def _m_conversations_replies(self, args: dict[str, Any]) -> dict[str, Any]:
        """A thread's parent and replies, oldest first; metadata only when asked for."""
        full = str(args.get("include_all_metadata", "")).lower() in ("true", "1")
        parent = args.get("ts")
        found = [
            {"type": "message", "ts": m.ts, "text": m.text, "thread_ts": parent}
            | ({"metadata": m.metadata} if full and m.metadata else {})
            for m in self.messages
            if m.channel == args.get("channel") and parent in (m.ts, m.thread_ts)
        ]
        return {"ok": True, "messages": found, "has_more": False}

    def _m_chat_update(self, args: dict[str, Any]) -> dict[str, Any]:
        blocks, errors = self._blocks(args)
        found = [
            m for m in self.messages if m.channel == args.get("channel") and m.ts == args.get("ts")
        ]
        if errors or not found:
            return {"ok": False, "error": "invalid_blocks" if errors else "message_not_found"}
        found[0].text, found[0].blocks = str(args.get("text", "")), blocks
        found[0].edits += 1
        return {"ok": True, "channel": found[0].channel, "ts": found[0].ts}

    def _m_chat_delete(self, args: dict[str, Any]) -> dict[str, Any]:
        found = [
            m for m in self.messages if m.channel == args.get("channel") and m.ts == args.get("ts")
        ]
        if not found:
            return {"ok": False, "error": "message_not_found"}
        self.messages.remove(found[0])
        return {"ok": True, "channel": found[0].channel, "ts": found[0].ts}

    def _m_chat_postephemeral(self, args: dict[str, Any]) -> dict[str, Any]:
        blocks, errors = self._blocks(args)
        if errors or not args.get("user"):
            return {"ok": False, "error": "invalid_blocks" if errors else "user_not_in_channel"}
        self.ephemeral.append({**args, "blocks": blocks})
        return {"ok": True, "message_ts": self.next_ts()}

    def _m_users_info(self, args: dict[str, Any]) -> dict[str, Any]:
        user_id = str(args.get("user", ""))
        if not user_id.startswith(("U", "W")):
            return {"ok": False, "error": "user_not_found"}
        user: dict[str, Any] = {
            "id": user_id,
            "team_id": TEAM,
            "name": user_id.lower(),
            "real_name": user_id.lower(),
            "is_admin": False,
            "is_owner": False,
            "is_primary_owner": False,
            "is_bot": False,
            "profile": {"display_name": "", "real_name": user_id.lower()},
        }
        override = self.users.get(user_id, {})
        user |= {k: v for k, v in override.items() if k != "profile"}
        user["profile"] |= override.get("profile", {})
        return {"ok": True, "user": user}

    def _m_conversations_open(self, args: dict[str, Any]) -> dict[str, Any]:
        users = str(args["users"])
        if "," in users:  # a group DM of these members and the app, whatever their order
            members = "".join(sorted(u.removeprefix("U") for u in users.split(",")))
            return {"ok": True, "channel": {"id": "G" + members}}
        return {"ok": True, "channel": {"id": "D" + users.removeprefix("U")}}

    def _m_views_publish(self, args: dict[str, Any]) -> dict[str, Any]:
        view = args["view"] if isinstance(args["view"], dict) else json.loads(args["view"])
        if block_errors(view["blocks"]):
            return {"ok": False, "error": "invalid_blocks"}
        self.views.append({"user_id": args["user_id"], "view": view})
        return {"ok": True, "view": {"id": "V1", **view}}

    def _m_views_open(self, args: dict[str, Any]) -> dict[str, Any]:
        view = args["view"] if isinstance(args["view"], dict) else json.loads(args["view"])
        if not args.get("trigger_id"):
            return {"ok": False, "error": "invalid_trigger_id"}
        if modal_errors(view):
            return {"ok": False, "error": "invalid_arguments"}
        self.modals.append({"trigger_id": args["trigger_id"], "view": view})
        return {"ok": True, "view": {"id": f"V{len(self.modals)}", **view}}

    def _m_files_getuploadurlexternal(self, args: dict[str, Any]) -> dict[str, Any]:
        self._files += 1
        file_id = f"F{self._files}"
        url = f"http://127.0.0.1:{self.port}/upload/{file_id}"
        return {"ok": True, "upload_url": url, "file_id": file_id}

    def _m_files_completeuploadexternal(self, args: dict[str, Any]) -> dict[str, Any]:
        files = json.loads(args["files"]) if isinstance(args["files"], str) else args["files"]
        missing = [f["id"] for f in files if f["id"] not in self.uploads]
        if missing:
            return {"ok": False, "error": "file_not_found"}
        return {"ok": True, "files": [{"id": f["id"], "title": f.get("title")} for f in files]}

    async def _upload(self, request: web.Request) -> web.Response:
        data = await request.read()
        self.uploads[request.match_info["file_id"]] = data
        return web.Response(text=f"OK - {len(data)}")
