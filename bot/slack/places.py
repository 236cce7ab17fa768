"""Slack conversation keys: where an event happened, and where to post back."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from bot.chat.controller import Place, PlaceKind
from interviewer.service import Who

_USER_ID = re.compile(r"^[UW][A-Z0-9]{2,}$")


def thread_key(channel: str, thread_ts: str) -> str:
    """The conversation key of a thread."""
    return f"{channel}:{thread_ts}"


def split_key(key: str) -> tuple[str, str | None]:
    """(channel id, thread_ts or None) of a conversation key."""
    channel, _, thread_ts = key.partition(":")
    return channel, thread_ts or None


def is_dm(channel: str) -> bool:
    """Whether a channel id is a direct message with the bot."""
    return channel.startswith("D")


def place_of(channel: str, thread_ts: str | None, ts: str | None = None) -> Place:
    """The place of a message or button: the DM, a thread, or the channel itself."""
    if is_dm(channel):
        return Place(PlaceKind.DM, channel)
    if thread_ts and thread_ts != ts:
        return Place(PlaceKind.THREAD, thread_key(channel, thread_ts))
    return Place(PlaceKind.CHANNEL, channel)


def who_of(user_id: str, name: str | None = None) -> Who:
    """The person behind a Slack user id."""
    return Who("slack", user_id, name or None)


def mention(author: str) -> str:
    """A Slack mention for a user id, else the name as written."""
    return f"<@{author}>" if _USER_ID.match(author) else author


def message_place(event: Mapping[str, Any]) -> Place:
    """The place of a message event (a thread reply, a DM, or the channel)."""
    channel = str(event.get("channel", ""))
    if event.get("channel_type") == "im":
        return Place(PlaceKind.DM, channel)
    if event.get("channel_type") == "mpim":  # a peer pair's group DM: several people, like a
        return Place(PlaceKind.THREAD, channel)  # thread (silent unless a session runs there)
    return place_of(channel, event.get("thread_ts"), event.get("ts"))
