"""`/mockroom settings` on Slack: a channel manager gets a modal with the channel's settings
prefilled; its submission is checked and stored before it is acked (bad fields, missing
rights or a database too slow come back as `response_action: errors`), once however often
Slack delivers it. Everyone else gets the settings as text, through the controller."""

from __future__ import annotations

import asyncio
import json
import logging
import time
from collections.abc import Awaitable, Callable, Mapping
from typing import Any

from slack_sdk.errors import SlackApiError

from bot.chat.controller import ChatController, Place, PlaceKind
from bot.chat.settings import CHOICES
from bot.slack.outbox import SlackOutbox
from bot.slack.places import who_of
from bot.slack.users import UserDirectory
from bot.slack.work import BackgroundWork
from interviewer.core.text import excerpt
from interviewer.replies import DatabaseUnavailable
from interviewer.service import Who
from interviewer.settings.service import SettingsService
from interviewer.settings.values import (
    FIELD_OF,
    RESET,
    ChannelSettings,
    Key,
    SaveTooLate,
    SettingError,
    effective,
    show_value,
)

log = logging.getLogger(__name__)

SETTINGS_VIEW = "mockroom_settings"
SAVE_BUDGET = 2.5
"""Seconds to check rights and store a submission: Slack closes the modal at 3."""
NOT_SAVED = "Slack or the database did not answer in time, so nothing was saved: press Save again."
_FIRST = Key.WINDOW.value  # the block an error that is no one field's is shown under
ACTION = "value"
Ack = Callable[..., Awaitable[None]]
Block = dict[str, Any]


def _text(text: str) -> dict[str, str]:
    return {"type": "plain_text", "text": text}


def _option(value: str, label: str) -> dict[str, Any]:
    return {"text": _text(label[:75]), "value": value}


_SELECTS = (
    (Key.BOARD_DAY, "Weekly board day"),
    (Key.BOARD_HOUR, "Weekly board hour (local)"),
    (Key.BOARD, "Weekly board"),
    (Key.FORMAT, "Default interview format"),
    (Key.LEVEL, "Default level"),
)


def _select(key: Key, label: str, stored: object, default: object) -> Block:
    """A static select of the key's choices with a first `default` option; the stored one
    chosen."""
    options = [_option(RESET, f"Server default ({show_value(key, default)})")]
    options += [_option(c, c) for c in CHOICES[key]]
    chosen = (
        options[0] if stored is None else _option(show_value(key, stored), show_value(key, stored))
    )
    return {
        "type": "input",
        "block_id": key.value,
        "label": _text(label),
        "element": {
            "type": "static_select",
            "action_id": ACTION,
            "options": options,
            "initial_option": chosen,
        },
    }


def settings_view(
    service: SettingsService, channel: str, workspace: str, stored: ChannelSettings
) -> dict[str, Any]:
    """The modal, prefilled with what the channel chose (the server default otherwise)."""
    shown = effective(ChannelSettings(), service.defaults)
    window: Block = {
        "type": "input",
        "block_id": Key.WINDOW.value,
        "optional": True,
        "label": _text("Drill answer window (hours)"),
        "hint": _text(f"1 to 168; empty for the server default ({shown[Key.WINDOW]:g})"),
        "element": {"type": "plain_text_input", "action_id": ACTION},
    }
    if stored.window_hours is not None:
        window["element"]["initial_value"] = f"{stored.window_hours:g}"
    topics: Block = {
        "type": "input",
        "block_id": Key.TOPICS.value,
        "optional": True,
        "label": _text("Drill topics"),
        "hint": _text("None chosen: the drill's own topic, or any question"),
        "element": {
            "type": "multi_static_select",
            "action_id": ACTION,
            "options": [_option(t, t) for t in sorted(service.topics)][:100],
        },
    }
    if stored.topics:
        topics["element"]["initial_options"] = [_option(t, t) for t in stored.topics]
    selects = [
        _select(key, label, getattr(stored, FIELD_OF[key]), shown[key]) for key, label in _SELECTS
    ]
    blocks = [window, *selects, topics]
    return {
        "type": "modal",
        "callback_id": SETTINGS_VIEW,
        "title": _text("Channel settings"),
        "submit": _text("Save"),
        "close": _text("Cancel"),
        "private_metadata": json.dumps({"channel": channel, "workspace": workspace}),
        "blocks": blocks,
    }


def submitted(view: Mapping[str, Any]) -> dict[Key, str]:
    """The typed or chosen value of each field, as `settings set` would take it."""
    raw: dict[Key, str] = {}
    for block_id, actions in (view.get("state") or {}).get("values", {}).items():
        try:
            key = Key(block_id)
        except ValueError:
            continue
        field = actions.get(ACTION) or {}
        if field.get("type") == "multi_static_select":
            raw[key] = ",".join(o["value"] for o in field.get("selected_options") or [])
        elif field.get("type") == "static_select":
            raw[key] = str((field.get("selected_option") or {}).get("value") or RESET)
        else:
            raw[key] = str(field.get("value") or "")
    return raw


class SettingsModal:
    """Opens the modal for managers and stores its submission."""

    def __init__(
        self,
        controller: ChatController,
        outbox: SlackOutbox,
        work: BackgroundWork,
        users: UserDirectory,
    ) -> None:
        self.controller = controller
        self.outbox = outbox
        self.work = work
        self.users = users

    async def open(
        self, who: Who, place: Place, text: str, workspace: str, trigger: str, is_admin: bool
    ) -> bool:
        """For a manager typing `/mockroom settings` in a channel: open the modal. False when
        the text answer applies (anyone else, `settings set …`, outside a channel)."""
        service = self.controller.settings
        if (
            service is None
            or text.split() != ["settings"]
            or place.kind is not PlaceKind.CHANNEL
            or not trigger
            or not service.may_manage(who.platform, who.user_id, is_admin)
        ):
            return False
        stored = await self.controller.service.db.run(service.stored, who.platform, place.key)
        view = settings_view(service, place.key, workspace, stored)
        try:
            await self.outbox.client.views_open(trigger_id=trigger, view=view)
        except SlackApiError:  # an expired trigger (over 3 s): the text answer instead
            log.warning("Slack: could not open the settings form", exc_info=True)
            return False
        return True

    async def on_submit(self, ack: Ack, body: Mapping[str, Any], view: Mapping[str, Any]) -> None:
        """Check and store the fields, then ack: the modal closes only once they are saved,
        and shows why when they are not (bad fields, rights, a database too slow to answer
        within Slack's 3 seconds: then nothing was stored). A replayed submission acts once."""
        service = self.controller.settings
        if service is None:
            await ack()
            return
        values, errors = service.validate(submitted(view))
        if errors:
            await ack(response_action="errors", errors={k.value: e for k, e in errors.items()})
            return
        user = str(body["user"]["id"])
        where = json.loads(str(view.get("private_metadata") or "{}"))
        channel, workspace = str(where.get("channel", "")), str(where.get("workspace", ""))
        # The same view and version: Slack's retry of this submission, or a replay of it.
        claim = f"view:{view.get('id')}:{view.get('hash')}"
        not_after = time.monotonic() + SAVE_BUDGET
        try:
            async with asyncio.timeout(SAVE_BUDGET):
                found = await self.users.lookup(user)
                who = who_of(user, found.name if found else None)
                is_admin = found is not None and found.is_admin
                saved = await self.controller.service.db.run(
                    service.save,
                    "slack",
                    workspace,
                    channel,
                    who,
                    is_admin,
                    values,
                    not_after=not_after,
                    event_key=claim,
                )
        except TimeoutError:
            log.warning("Slack: a settings form could not be saved within %ss", SAVE_BUDGET)
            await ack(response_action="errors", errors={_FIRST: NOT_SAVED})
            return
        except (SettingError, DatabaseUnavailable, SaveTooLate) as exc:  # rights, or outages
            await ack(response_action="errors", errors={_FIRST: excerpt(str(exc), 150)})
            return
        await ack()
        if saved is None:
            return  # a replay of a form saved before: said once

        async def confirm() -> None:
            shown = await self.controller.service.db.run(service.show, "slack", channel)
            await self.outbox.private(user, channel, "Settings saved.\n" + shown)

        self.work.spawn(confirm(), "the settings confirmation")
