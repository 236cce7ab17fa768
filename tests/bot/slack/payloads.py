"""Slack payloads as Slack sends them: slash commands, message events, button presses."""

from __future__ import annotations

import hashlib
import hmac
import itertools
import re
import time
from typing import Any

from tests.bot.slack.fake_slack import TEAM

_events = itertools.count(1)
_triggers = itertools.count(1)  # each command and press is a new one, as on Slack


def signed(body: str, secret: str, age: float = 0) -> dict[str, str]:
    """The headers Slack sends in HTTP mode: v0= HMAC-SHA256 of v0:{timestamp}:{body}."""
    timestamp = str(int(time.time() - age))
    digest = hmac.new(secret.encode(), f"v0:{timestamp}:{body}".encode(), hashlib.sha256)
    return {"X-Slack-Request-Timestamp": timestamp, "X-Slack-Signature": f"v0={digest.hexdigest()}"}


def slash(
    user: str,
    channel: str,
    text: str,
    user_name: str | None = None,
    response_url: str = "http://127.0.0.1:9/unused",
) -> dict[str, Any]:
    """A `/mockroom …` command."""
    return {
        "token": "legacy",
        "team_id": TEAM,
        "channel_id": channel,
        "channel_name": _channel_name(channel),
        "user_id": user,
        "user_name": user_name or user.lower(),
        "command": "/mockroom",
        "text": text,
        "api_app_id": "A1",
        "response_url": response_url,
        "trigger_id": f"{next(_triggers)}.2.3",
    }


def _channel_name(channel: str) -> str:
    """What Slack names a conversation in a command; the fake's group DMs are G and their
    members' ids (G0ADA0BOB)."""
    if channel.startswith("D"):
        return "directmessage"
    return "mpdm-ada--bob-1" if re.fullmatch(r"G(0[A-Z]+){2,}", channel) else "design"


def event_callback(event: dict[str, Any], event_id: str | None = None) -> dict[str, Any]:
    """The Events API wrapper around one event."""
    return {
        "token": "legacy",
        "team_id": TEAM,
        "api_app_id": "A1",
        "event": event,
        "type": "event_callback",
        "event_id": event_id or f"Ev{next(_events):06d}",
        "event_time": 1700000000,
        "authorizations": [{"team_id": TEAM, "user_id": "UBOT", "is_bot": True}],
    }


def message(
    user: str | None,
    channel: str,
    text: str,
    ts: str,
    *,
    thread_ts: str | None = None,
    **extra: Any,
) -> dict[str, Any]:
    """A `message` event in a DM (channel D…) or a channel or thread (C…)."""
    event: dict[str, Any] = {
        "type": "message",
        "channel": channel,
        "channel_type": "im" if channel.startswith("D") else "channel",
        "text": text,
        "ts": ts,
        "event_ts": ts,
        "team": TEAM,
    }
    if user is not None:
        event["user"] = user
    if thread_ts is not None:
        event["thread_ts"] = thread_ts
    return event | extra


def button(
    user: str, channel: str, message_ts: str, thread_ts: str | None, action_id: str, value: str
) -> dict[str, Any]:
    """A block_actions payload for a button on a bot message."""
    container: dict[str, Any] = {
        "type": "message",
        "message_ts": message_ts,
        "channel_id": channel,
        "is_ephemeral": False,
    }
    bot_message: dict[str, Any] = {
        "type": "message",
        "user": "UBOT",
        "bot_id": "BBOT",
        "ts": message_ts,
    }
    if thread_ts is not None:
        container["thread_ts"] = thread_ts
        bot_message["thread_ts"] = thread_ts
    return {
        "type": "block_actions",
        "team": {"id": TEAM, "domain": "t1"},
        "user": {"id": user, "username": user.lower(), "name": user.lower(), "team_id": TEAM},
        "api_app_id": "A1",
        "token": "legacy",
        "container": container,
        "trigger_id": f"{next(_triggers)}.2.3",
        "channel": {"id": channel, "name": "design"},
        "message": bot_message,
        "response_url": "http://127.0.0.1:9/unused",
        "actions": [
            {
                "type": "button",
                "action_id": action_id,
                "block_id": "b1",
                "value": value,
                "text": {"type": "plain_text", "text": action_id},
                "action_ts": "1700000000.1",
            }
        ],
    }


def home_opened(user: str) -> dict[str, Any]:
    """An app_home_opened event on the Home tab."""
    return {"type": "app_home_opened", "user": user, "channel": "D" + user, "tab": "home"}


def view_submission(user: str, view: dict[str, Any], values: dict[str, Any]) -> dict[str, Any]:
    """A view_submission of a modal the app opened, with each input's state by block id:
    a string for a text input, a string for a select, a list for a multi-select."""
    state: dict[str, Any] = {}
    for block in view["blocks"]:
        block_id, action = block["block_id"], block["element"]["action_id"]
        kind = block["element"]["type"]
        value = values.get(block_id)
        if kind == "plain_text_input":
            typed = value if block_id in values else block["element"].get("initial_value")
            field: dict[str, Any] = {"type": kind, "value": typed}
        elif kind == "multi_static_select":
            initial = [o["value"] for o in block["element"].get("initial_options", [])]
            picked_all = value if block_id in values else initial
            field = {"type": kind, "selected_options": [{"value": v} for v in picked_all]}
        else:
            picked = value if value is not None else block["element"]["initial_option"]["value"]
            field = {"type": kind, "selected_option": {"value": picked}}
        state[block_id] = {action: field}
    return {
        "type": "view_submission",
        "team": {"id": TEAM, "domain": "t1"},
        "user": {"id": user, "username": user.lower(), "name": user.lower(), "team_id": TEAM},
        "api_app_id": "A1",
        "token": "legacy",
        "trigger_id": f"{next(_triggers)}.2.3",
        "view": {
            **view,
            "id": view.get("id") or f"V{next(_triggers)}",  # a new view per views.open
            "team_id": TEAM,
            "state": {"values": state},
            "hash": "1.abc",
        },
    }


def form_press(user: str, channel: str, action: dict[str, Any]) -> dict[str, Any]:
    """A block_actions payload for a select or button on an ephemeral message (a form)."""
    return {
        "type": "block_actions",
        "team": {"id": TEAM, "domain": "t1"},
        "user": {"id": user, "username": user.lower(), "name": user.lower(), "team_id": TEAM},
        "api_app_id": "A1",
        "token": "legacy",
        "container": {
            "type": "message",
            "message_ts": "1700000000.5",
            "channel_id": channel,
            "is_ephemeral": True,
        },
        "trigger_id": f"{next(_triggers)}.2.3",
        "channel": {"id": channel, "name": "mpdm"},
        "response_url": "http://127.0.0.1:9/unused",
        "actions": [{**action, "block_id": "b1", "action_ts": "1700000000.6"}],
    }
