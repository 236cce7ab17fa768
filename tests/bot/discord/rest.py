"""The REST routes of the fake Discord that discord.py and the bot use."""

from __future__ import annotations

import re
import time
from typing import TYPE_CHECKING, Any

from aiohttp import web

from tests.bot.discord import payloads

if TYPE_CHECKING:
    from tests.bot.discord.fake_discord import Call, FakeDiscord, Interaction

INTERACTION_WINDOW = 3.0  # seconds Discord waits for the first response


def _json(data: Any, status: int = 200) -> web.Response:
    from tests.bot.discord.fake_discord import _json as encode

    return encode(data, status)


def _error(status: int, message: str, code: int = 0) -> web.Response:
    return _json({"message": message, "code": code}, status)


ROUTES: list[tuple[str, re.Pattern[str], str]] = [
    (method, re.compile(pattern), name)
    for method, pattern, name in [
        ("GET", r"/users/@me", "me"),
        ("GET", r"/oauth2/applications/@me", "application"),
        ("GET", r"/gateway/bot", "gateway_bot"),
        ("PUT", r"/applications/(?P<app>\d+)/commands", "sync"),
        ("PUT", r"/applications/(?P<app>\d+)/guilds/(?P<guild>\d+)/commands", "sync"),
        ("POST", r"/users/@me/channels", "open_dm"),
        ("GET", r"/channels/(?P<channel>\d+)", "get_channel"),
        ("POST", r"/channels/(?P<channel>\d+)/messages", "create_message"),
        ("GET", r"/channels/(?P<channel>\d+)/messages", "list_messages"),
        ("PATCH", r"/channels/(?P<channel>\d+)/messages/(?P<message>\d+)", "edit_message"),
        ("POST", r"/channels/(?P<channel>\d+)/typing", "typing"),
        ("POST", r"/channels/(?P<channel>\d+)/messages/(?P<message>\d+)/threads", "thread"),
        ("POST", r"/channels/(?P<channel>\d+)/threads", "private_thread"),
        ("PUT", r"/channels/(?P<channel>\d+)/thread-members/(?P<user>\d+)", "add_member"),
        ("POST", r"/interactions/(?P<id>\d+)/(?P<token>[^/]+)/callback", "callback"),
        ("PATCH", r"/webhooks/(?P<app>\d+)/(?P<token>[^/]+)/messages/@original", "edit_original"),
        (
            "DELETE",
            r"/webhooks/(?P<app>\d+)/(?P<token>[^/]+)/messages/@original",
            "delete_original",
        ),
        ("POST", r"/webhooks/(?P<app>\d+)/(?P<token>[^/]+)", "followup"),
    ]
]


async def route(fake: FakeDiscord, request: web.Request, call: Call) -> web.Response:
    for method, pattern, name in ROUTES:
        match = pattern.fullmatch(call.path)
        if method == request.method and match:
            handler = globals()[f"_{name}"]
            response: web.Response = await handler(fake, call, match.groupdict(), request)
            return response
    return _error(404, "404: Not Found")


async def _me(
    fake: FakeDiscord, call: Call, args: dict[str, str], request: web.Request
) -> web.Response:
    return _json({**fake.bot, "verified": True, "mfa_enabled": False, "flags": 0})


async def _application(
    fake: FakeDiscord, call: Call, args: dict[str, str], request: web.Request
) -> web.Response:
    owner = payloads.user(payloads.OWNER_ID, "owner")
    return _json(
        {
            "id": payloads.APP_ID,
            "name": "mockroom",
            "description": "",
            "icon": None,
            "bot_public": True,
            "bot_require_code_grant": False,
            "owner": owner,
            "verify_key": "0" * 64,
            "flags": 0,
            "team": None,
        }
    )


async def _gateway_bot(
    fake: FakeDiscord, call: Call, args: dict[str, str], request: web.Request
) -> web.Response:
    limit = {"total": 1000, "remaining": 999, "reset_after": 0, "max_concurrency": 1}
    url = f"ws://127.0.0.1:{fake.port}/gateway"
    return _json(
        {"url": url, "shards": fake.gateway.recommended_shards, "session_start_limit": limit}
    )


async def _sync(
    fake: FakeDiscord, call: Call, args: dict[str, str], request: web.Request
) -> web.Response:
    scope = args.get("guild") or "global"
    commands = []
    for command in call.body:
        command = {**command, "id": fake.snowflake(), "application_id": payloads.APP_ID}
        command.setdefault("version", "1")
        if scope != "global":
            command["guild_id"] = scope
        commands.append(command)
    fake.commands = {scope: commands}
    return _json(commands)


def _new_message(
    fake: FakeDiscord, channel_id: str, body: dict[str, Any], files: list[str], flags: int = 0
) -> dict[str, Any]:
    channel = fake.channels[channel_id]
    message = payloads.message(
        fake.snowflake(), channel, fake.bot, body, fake.bot, files=files, flags=flags
    )
    fake.messages[message["id"]] = message
    return message


async def _open_dm(
    fake: FakeDiscord, call: Call, args: dict[str, str], request: web.Request
) -> web.Response:
    """POST /users/@me/channels: the bot's DM channel with a user, created on first use."""
    user_id = str((call.body or {}).get("recipient_id", ""))
    user = fake.users.get(user_id)
    if user is None:
        return _error(400, "Invalid Recipient(s)", 50033)
    return _json(fake.channels[fake.dm_channel(user)])


async def _get_channel(
    fake: FakeDiscord, call: Call, args: dict[str, str], request: web.Request
) -> web.Response:
    channel = fake.channels.get(args["channel"])
    return _json(channel) if channel is not None else _error(404, "Unknown Channel", 10003)


async def _create_message(
    fake: FakeDiscord, call: Call, args: dict[str, str], request: web.Request
) -> web.Response:
    channel = fake.channels.get(args["channel"])
    if channel is None:
        return _error(404, "Unknown Channel", 10003)
    if channel["type"] == payloads.DM and channel["recipients"][0]["id"] in fake.dms_closed:
        return _error(403, "Cannot send messages to this user", 50007)
    if args["channel"] in fake.no_access:
        return _error(403, "Missing Access", 50001)
    message = _new_message(fake, args["channel"], call.body or {}, call.files)
    await fake.gateway.dispatch("MESSAGE_CREATE", message)  # bots see their own messages
    return _json(message)


async def _list_messages(
    fake: FakeDiscord, call: Call, args: dict[str, str], request: web.Request
) -> web.Response:
    """A channel's messages, newest first (before/after/limit as Discord takes them)."""
    if args["channel"] not in fake.channels:
        return _error(404, "Unknown Channel", 10003)
    query = request.query
    found = [m for m in fake.messages.values() if m["channel_id"] == args["channel"]]
    found.sort(key=lambda m: int(m["id"]), reverse=True)
    if "before" in query:
        found = [m for m in found if int(m["id"]) < int(query["before"])]
    if "after" in query:
        found = [m for m in found if int(m["id"]) > int(query["after"])]
    return _json(found[: int(query.get("limit", 50))])


def _edit(message: dict[str, Any], body: dict[str, Any], files: list[str]) -> None:
    for key in ("content", "embeds", "components"):
        if key in body:
            message[key] = body[key] if body[key] is not None else ([] if key != "content" else "")
    if files or "attachments" in body:
        message["attachments"] = payloads.attachments(message["id"], files)
    message["flags"] = int(message.get("flags", 0)) & ~payloads.LOADING
    message["edited_timestamp"] = payloads.iso()


async def _edit_message(
    fake: FakeDiscord, call: Call, args: dict[str, str], request: web.Request
) -> web.Response:
    message = fake.messages.get(args["message"])
    if message is None or message["channel_id"] != args["channel"]:
        return _error(404, "Unknown Message", 10008)
    _edit(message, call.body or {}, call.files)
    return _json(message)


async def _typing(
    fake: FakeDiscord, call: Call, args: dict[str, str], request: web.Request
) -> web.Response:
    return web.Response(status=204)


async def _thread(
    fake: FakeDiscord, call: Call, args: dict[str, str], request: web.Request
) -> web.Response:
    parent = fake.messages.get(args["message"])
    if parent is None:
        return _error(404, "Unknown Message", 10008)
    thread_id = parent["id"]  # a thread started from a message takes the message's id
    channel = payloads.thread(thread_id, args["channel"], payloads.BOT_ID, call.body["name"])
    fake.channels[thread_id] = channel
    parent["thread"] = channel  # as Discord shows a message that started a thread
    await fake.gateway.dispatch("THREAD_CREATE", {**channel, "newly_created": True})
    return _json(channel, 201)


async def _private_thread(
    fake: FakeDiscord, call: Call, args: dict[str, str], request: web.Request
) -> web.Response:
    """A thread without a starter message (a private one: type 12), seen by its members."""
    if args["channel"] not in fake.channels:
        return _error(404, "Unknown Channel", 10003)
    thread_id = fake.snowflake()
    body = call.body or {}
    channel = payloads.thread(thread_id, args["channel"], payloads.BOT_ID, body["name"])
    channel["type"] = int(body.get("type", payloads.PUBLIC_THREAD))
    channel["members"] = []
    fake.channels[thread_id] = channel
    await fake.gateway.dispatch("THREAD_CREATE", {**channel, "newly_created": True})
    return _json(channel, 201)


async def _add_member(
    fake: FakeDiscord, call: Call, args: dict[str, str], request: web.Request
) -> web.Response:
    """PUT /channels/{thread}/thread-members/{user}."""
    thread = fake.channels.get(args["channel"])
    if thread is None or "thread_metadata" not in thread:
        return _error(404, "Unknown Channel", 10003)
    thread.setdefault("members", []).append(args["user"])
    return web.Response(status=204)


def _interaction(fake: FakeDiscord, token: str) -> Interaction | None:
    return fake.interactions.get(token)


async def _callback(
    fake: FakeDiscord, call: Call, args: dict[str, str], request: web.Request
) -> web.Response:
    record = _interaction(fake, args["token"])
    if record is None or record.id != args["id"]:
        return _error(404, "Unknown interaction", 10062)
    if time.monotonic() - record.created > INTERACTION_WINDOW:
        record.late = True
        return _error(404, "Unknown interaction", 10062)
    if record.callbacks:
        return _error(400, "Interaction has already been acknowledged.", 40060)
    body = call.body or {}
    record.callbacks.append(body)
    kind, data = body.get("type"), body.get("data") or {}
    flags = int(data.get("flags") or 0)
    resource: dict[str, Any] = {"type": kind}
    if kind in (4, 5):
        content = data if kind == 4 else {"content": ""}
        loading = payloads.LOADING if kind == 5 else 0
        record.original = _new_message(
            fake, record.channel_id, content, call.files, flags | loading
        )
        resource["message"] = record.original
    reply = {
        "interaction": {
            "id": record.id,
            "type": 2,
            "response_message_id": record.original["id"] if record.original else None,
            "response_message_loading": kind == 5,
            "response_message_ephemeral": bool(flags & payloads.EPHEMERAL),
        },
        "resource": resource,
    }
    return _json(reply)


async def _edit_original(
    fake: FakeDiscord, call: Call, args: dict[str, str], request: web.Request
) -> web.Response:
    record = _interaction(fake, args["token"])
    if record is None or record.original is None or record.original_deleted:
        return _error(404, "Unknown Message", 10008)
    _edit(record.original, call.body or {}, call.files)
    return _json(record.original)


async def _delete_original(
    fake: FakeDiscord, call: Call, args: dict[str, str], request: web.Request
) -> web.Response:
    record = _interaction(fake, args["token"])
    if record is None or record.original is None:
        return _error(404, "Unknown Message", 10008)
    record.original_deleted = True
    fake.messages.pop(record.original["id"], None)
    return web.Response(status=204)


async def _followup(
    fake: FakeDiscord, call: Call, args: dict[str, str], request: web.Request
) -> web.Response:
    record = _interaction(fake, args["token"])
    if record is None or not record.callbacks:
        return _error(404, "Unknown Webhook", 10015)
    message = _new_message(fake, record.channel_id, call.body or {}, call.files)
    record.followups.append(message)
    return _json(message)
