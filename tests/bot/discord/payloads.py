"""Discord API objects as the real API shapes them (users, channels, messages, interactions)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

BOT_ID = "1100000000000000001"
APP_ID = BOT_ID
GUILD_ID = "1100000000000000100"
TEXT_CHANNEL_ID = "1100000000000000200"
OWNER_ID = "1100000000000000300"

GUILD_TEXT, DM, PUBLIC_THREAD = 0, 1, 11
PING, APPLICATION_COMMAND, COMPONENT, AUTOCOMPLETE = 1, 2, 3, 4
SUB_COMMAND, SUB_COMMAND_GROUP = 1, 2
BOOLEAN = 5  # an application command option of type boolean
EPHEMERAL, LOADING = 64, 128
ADMINISTRATOR, MANAGE_CHANNELS = 1 << 3, 1 << 4
ALL_PERMISSIONS = str((1 << 50) - 1)
# A plain member: everything but Administrator (which implies all) and Manage Channels.
MEMBER_PERMISSIONS = str(int(ALL_PERMISSIONS) & ~ADMINISTRATOR & ~MANAGE_CHANNELS)


def iso() -> str:
    return datetime.now(UTC).isoformat()


def user(user_id: str, name: str, *, bot: bool = False) -> dict[str, Any]:
    data: dict[str, Any] = {
        "id": user_id,
        "username": name,
        "global_name": name.capitalize(),
        "discriminator": "0",
        "avatar": None,
        "public_flags": 0,
    }
    if bot:
        data["bot"] = True
    return data


def member(of: dict[str, Any]) -> dict[str, Any]:
    return {
        "user": of,
        "roles": [],
        "joined_at": iso(),
        "deaf": False,
        "mute": False,
        "flags": 0,
        "pending": False,
        "nick": None,
        "avatar": None,
    }


def text_channel(channel_id: str) -> dict[str, Any]:
    return {
        "id": channel_id,
        "type": GUILD_TEXT,
        "guild_id": GUILD_ID,
        "name": "design-study",
        "position": 0,
        "permission_overwrites": [],
        "nsfw": False,
        "parent_id": None,
        "topic": None,
        "last_message_id": None,
        "rate_limit_per_user": 0,
        "flags": 0,
    }


def dm_channel(channel_id: str, recipient: dict[str, Any]) -> dict[str, Any]:
    return {"id": channel_id, "type": DM, "recipients": [recipient], "last_message_id": None}


def thread(thread_id: str, parent_id: str, owner_id: str, name: str) -> dict[str, Any]:
    return {
        "id": thread_id,
        "type": PUBLIC_THREAD,
        "guild_id": GUILD_ID,
        "parent_id": parent_id,
        "owner_id": owner_id,
        "name": name,
        "last_message_id": None,
        "message_count": 0,
        "member_count": 1,
        "total_message_sent": 0,
        "rate_limit_per_user": 0,
        "flags": 0,
        "thread_metadata": {
            "archived": False,
            "auto_archive_duration": 1440,
            "archive_timestamp": iso(),
            "locked": False,
        },
    }


def attachments(message_id: str, files: list[str]) -> list[dict[str, Any]]:
    """Uploaded files as a message's attachment objects."""
    return [
        {
            "id": f"{message_id}{index}",
            "filename": name,
            "size": 1,
            "url": f"https://cdn.invalid/{name}",
            "proxy_url": f"https://cdn.invalid/{name}",
        }
        for index, name in enumerate(files)
    ]


def message(
    message_id: str,
    channel: dict[str, Any],
    author: dict[str, Any],
    body: dict[str, Any],
    bot: dict[str, Any],
    *,
    files: list[str] | None = None,
    flags: int = 0,
) -> dict[str, Any]:
    """A message as Discord returns and dispatches it (mentions of the bot resolved)."""
    content = body.get("content") or ""
    data: dict[str, Any] = {
        "id": message_id,
        "channel_id": channel["id"],
        "author": author,
        "content": content,
        "embeds": body.get("embeds") or [],
        "components": body.get("components") or [],
        "attachments": attachments(message_id, files or []),
        "type": 0,
        "timestamp": iso(),
        "edited_timestamp": None,
        "tts": False,
        "mention_everyone": False,
        "mentions": [bot] if f"<@{bot['id']}>" in content else [],
        "mention_roles": [],
        "pinned": False,
        "flags": flags | int(body.get("flags") or 0),
    }
    if channel.get("guild_id"):
        data["guild_id"] = channel["guild_id"]
        data["member"] = {k: v for k, v in member(author).items() if k != "user"}
    return data


def ready(
    bot: dict[str, Any],
    session_id: str,
    gateway_url: str,
    shard: list[int],
    guild_ids: list[str],
) -> dict[str, Any]:
    """READY for one shard: its guilds are unavailable until their GUILD_CREATE."""
    return {
        "v": 10,
        "user": {**bot, "verified": True, "mfa_enabled": False, "flags": 0},
        "guilds": [{"id": guild_id, "unavailable": True} for guild_id in guild_ids],
        "session_id": session_id,
        "resume_gateway_url": gateway_url,
        "shard": shard,
        "application": {"id": APP_ID, "flags": 0},
        "private_channels": [],
        "relationships": [],
    }


def guild(bot: dict[str, Any], channels: list[dict[str, Any]]) -> dict[str, Any]:
    return {
        "id": GUILD_ID,
        "name": "System design study group",
        "icon": None,
        "splash": None,
        "discovery_splash": None,
        "banner": None,
        "description": None,
        "owner_id": OWNER_ID,
        "afk_channel_id": None,
        "afk_timeout": 300,
        "verification_level": 0,
        "default_message_notifications": 0,
        "explicit_content_filter": 0,
        "mfa_level": 0,
        "nsfw_level": 0,
        "premium_tier": 0,
        "premium_progress_bar_enabled": False,
        "preferred_locale": "en-US",
        "system_channel_id": None,
        "system_channel_flags": 0,
        "rules_channel_id": None,
        "public_updates_channel_id": None,
        "vanity_url_code": None,
        "application_id": None,
        "features": [],
        "roles": [
            {
                "id": GUILD_ID,
                "name": "@everyone",
                "permissions": ALL_PERMISSIONS,
                "position": 0,
                "color": 0,
                "hoist": False,
                "managed": False,
                "mentionable": False,
                "flags": 0,
            }
        ],
        "emojis": [],
        "stickers": [],
        "joined_at": iso(),
        "large": False,
        "unavailable": False,
        "member_count": 3,
        "members": [member(bot)],
        "channels": [c for c in channels if c["type"] != PUBLIC_THREAD],
        "threads": [c for c in channels if c["type"] == PUBLIC_THREAD],
        "voice_states": [],
        "presences": [],
        "stage_instances": [],
        "guild_scheduled_events": [],
        "soundboard_sounds": [],
    }


def command_data(
    commands: dict[str, list[dict[str, Any]]],
    sub: str,
    options: dict[str, Any],
    focused: str | None = None,
) -> dict[str, Any]:
    """The data of `/mockroom <sub> option:value …` as the synced command defines it; `sub`
    may name a subcommand of a group (`"drill subscribe"`)."""
    scope, synced = next(iter(commands.items()))
    group = next(c for c in synced if c["name"] == "mockroom")
    outer, _, inner = sub.partition(" ")
    spec = next(o for o in group["options"] if o["name"] == outer)
    if inner:
        assert spec["type"] == SUB_COMMAND_GROUP, f"{outer} is not a subcommand group"
        spec = next(o for o in spec["options"] if o["name"] == inner)
    types = {o["name"]: o["type"] for o in spec.get("options", [])}
    sub_options = []
    for name, value in options.items():
        option: dict[str, Any] = {"name": name, "type": types[name], "value": value}
        if name == focused:
            option["focused"] = True
        sub_options.append(option)
    data: dict[str, Any] = {
        "id": group["id"],
        "name": "mockroom",
        "type": 1,
        "options": [{"type": SUB_COMMAND, "name": inner or outer, "options": sub_options}],
    }
    if inner:
        data["options"] = [{"type": SUB_COMMAND_GROUP, "name": outer, "options": data["options"]}]
    if scope != "global":
        data["guild_id"] = scope
    return data


def interaction(
    interaction_id: str,
    token: str,
    kind: int,
    data: dict[str, Any],
    channel: dict[str, Any],
    who: dict[str, Any],
    message: dict[str, Any] | None = None,
    *,
    permissions: str = ALL_PERMISSIONS,
) -> dict[str, Any]:
    payload: dict[str, Any] = {
        "id": interaction_id,
        "application_id": APP_ID,
        "type": kind,
        "data": data,
        "token": token,
        "version": 1,
        "channel_id": channel["id"],
        "channel": channel,
        "locale": "en-US",
        "app_permissions": ALL_PERMISSIONS,
        "entitlements": [],
        "attachment_size_limit": 10 * 1024 * 1024,
    }
    if channel.get("guild_id"):
        payload["guild_id"] = channel["guild_id"]
        payload["guild_locale"] = "en-US"
        payload["member"] = {**member(who), "permissions": permissions}
        payload["context"] = 0
        payload["authorizing_integration_owners"] = {"0": channel["guild_id"]}
    else:
        payload["user"] = who
        payload["context"] = 1
        payload["authorizing_integration_owners"] = {"1": who["id"]}
    if message is not None:
        payload["message"] = message
    return payload
