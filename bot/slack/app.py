"""Bolt listeners: ack at once, then run the controller in tracked background work."""

from __future__ import annotations

import html
import logging
import re
from collections.abc import Awaitable, Callable, Mapping
from typing import Any

from slack_sdk.errors import SlackApiError

from bot.chat.controller import CannotPost, ChatController, Place, PlaceKind, keeps_draft
from bot.chat.grammar import MANAGER_COMMANDS
from bot.slack.home import home_board
from bot.slack.outbox import NOT_THERE, SlackOutbox
from bot.slack.peers import respond as respond_peer
from bot.slack.places import is_dm, message_place, place_of, split_key, thread_key, who_of
from bot.slack.render import ACTION_IDS, START_ACTION, home_view
from bot.slack.settings import SETTINGS_VIEW, SettingsModal
from bot.slack.stream import StreamingMessage
from bot.slack.users import UserDirectory
from bot.slack.work import BackgroundWork
from interviewer.core.text import ascii_number
from interviewer.service import Who

log = logging.getLogger(__name__)

COMMAND = "/mockroom"
BUTTONS = re.compile("^(" + "|".join(ACTION_IDS.values()) + ")$")
_ACTION_NAMES = {action_id: name for name, action_id in ACTION_IDS.items()}
_USER_SUBTYPES = {None, "thread_broadcast", "file_share"}  # edits, deletions, bots: not answers
# They need the workspace, the member's name and admin rights (one users.info each).

Ack = Callable[..., Awaitable[None]]

CANNOT_POST_HERE = (
    "I am not in this conversation, so I cannot run an interview here. Invite me to the "
    "channel with `/invite @mockroom` and run the command again, or start one in a direct "
    "message with me."
)


def _text(raw: object) -> str:
    """A message's text with Slack's &amp; &lt; &gt; escapes undone."""
    return html.unescape(str(raw or ""))


class SlackListeners:
    """The listeners of the app; each acks, then hands the work to BackgroundWork."""

    def __init__(
        self,
        controller: ChatController,
        outbox: SlackOutbox,
        work: BackgroundWork,
        users: UserDirectory,
        *,
        stream_interval: float = 1.0,
    ) -> None:
        self.controller = controller
        self.outbox = outbox
        self.work = work
        self.users = users
        self.stream_interval = stream_interval
        self._own_dms: dict[str, str] = {}  # user id: the id of their DM with the app
        self.settings = SettingsModal(controller, outbox, work, users)

    async def own_dm(self, user: str) -> str:
        """The id of the user's DM with the app (conversations.open, cached)."""
        if user not in self._own_dms:
            opened = await self.outbox.client.conversations_open(users=user)
            self._own_dms[user] = str(opened["channel"]["id"])
        return self._own_dms[user]

    async def on_command(self, ack: Ack, command: Mapping[str, Any]) -> None:
        """`/mockroom …`."""
        await ack()
        user, channel = str(command["user_id"]), str(command["channel_id"])
        who = who_of(user, command.get("user_name"))
        place = place_of(channel, None)
        workspace = str(command.get("team_id") or "")
        url = str(command.get("response_url") or "") or None

        async def open_thread(text: str) -> str:
            await self.outbox.join(channel)  # to hear the thread's replies
            try:
                ts = await self.outbox.post(channel, None, text)
            except SlackApiError as exc:
                if str(exc.response.get("error")) in NOT_THERE:
                    raise CannotPost(CANNOT_POST_HERE) from None
                raise
            return thread_key(channel, ts)

        async def run() -> None:
            if not await self.first_time(command):
                return
            here = place
            if str(command.get("channel_name") or "").startswith("mpdm-"):
                # a group DM: several people, like a thread (as its messages are); no
                # channel's settings, drills or pairings belong to it
                here = Place(PlaceKind.THREAD, channel)
            elif is_dm(channel) and channel != await self.own_dm(user):
                # A DM between people: the app is not in it, so nothing may run there;
                # as in a channel it cannot post in, the answer goes through response_url.
                here = Place(PlaceKind.CHANNEL, channel)
            text = _text(command.get("text"))
            member, is_admin = await self.member(who, text)
            trigger = str(command.get("trigger_id") or "")
            if await self.settings.open(member, here, text, workspace, trigger, is_admin):
                return  # a channel manager's settings form
            response = await self.controller.command(
                member,
                here,
                text,
                open_thread=open_thread,
                workspace=workspace,
                is_admin=is_admin,
            )
            await self.outbox.respond(response, member, here, response_url=url)
            await respond_peer(self.outbox, response)

        self.work.spawn(run(), "a command", lambda: self.outbox.apologise(user, place.key, url))

    async def first_time(self, payload: Mapping[str, Any]) -> bool:
        """Whether a command or button press is new: a signed request replayed within
        Slack's 5 minutes carries the same trigger_id, and acts once. The claim is a row in
        the database, so every replica sees it."""
        trigger = payload.get("trigger_id")
        if not trigger:
            return True
        claimed = await self.controller.service.first_delivery("slack", f"trigger:{trigger}")
        if not claimed:
            log.warning("Slack: a request was replayed (trigger %s); it acts once", trigger)
        return claimed

    async def member(self, who: Who, text: str) -> tuple[Who, bool]:
        """For drill and leaderboard commands: the member's Slack name and admin rights
        (users.info, cached); other commands need neither, so Slack is not asked."""
        words = text.split(maxsplit=1)
        if not words or words[0].lower() not in MANAGER_COMMANDS:
            return who, False
        found = await self.users.lookup(who.user_id)
        if found is None:
            return who, False
        return who_of(who.user_id, found.name or who.display_name), found.is_admin

    async def on_message(self, event: Mapping[str, Any]) -> None:
        """A message in a DM, a thread or a channel: maybe an answer."""
        if (
            event.get("subtype") not in _USER_SUBTYPES
            or event.get("bot_id")
            or not event.get("user")
        ):
            return
        place = message_place(event)
        if place.kind is PlaceKind.CHANNEL:
            return  # interviews live in DMs and threads
        user = str(event["user"])
        who = who_of(user)
        event_key = f"{event.get('channel')}:{event.get('ts')}"  # the same on every retry
        channel, thread_ts = split_key(place.key)
        stream = StreamingMessage(
            self.outbox.client, channel, thread_ts, interval=self.stream_interval
        )

        async def run() -> None:
            try:
                response = await self.controller.message(
                    who,
                    place,
                    _text(event.get("text")),
                    event_key=event_key,
                    on_delta=stream.on_delta,
                )
            except Exception:
                await self.outbox.retract(stream)
                raise
            if not keeps_draft(response):
                await self.outbox.retract(stream)  # a draft of words that were not stored
            if response is not None:
                await self.outbox.respond(response, who, place, stream)
            await respond_peer(self.outbox, response)

        self.work.spawn(run(), "an answer", lambda: self.outbox.apologise(user, place.key))

    async def on_button(self, ack: Ack, body: Mapping[str, Any], action: Mapping[str, Any]) -> None:
        """Hint / Next stage / End on an interviewer message."""
        await ack()
        user = str(body["user"]["id"])
        who = who_of(user, body["user"].get("username"))
        container = body.get("container") or {}
        message = body.get("message") or {}
        channel = str((body.get("channel") or {}).get("id") or container.get("channel_id"))
        thread_ts = message.get("thread_ts") or container.get("thread_ts")
        place = place_of(channel, thread_ts, message.get("ts"))
        name = _ACTION_NAMES[str(action["action_id"])]

        async def run() -> None:
            if not await self.first_time(body):
                return
            interview_id = ascii_number(str(action.get("value") or ""), max_digits=18)
            if interview_id is None:  # no value, or not one of ours
                await self.outbox.private(user, place.key, "That button is out of date.")
                return
            response = await self.controller.button(who, place, interview_id, name)
            await self.outbox.respond(response, who, place)
            await respond_peer(self.outbox, response)  # a peer mock's End: the peer way

        self.work.spawn(run(), "a button", lambda: self.outbox.apologise(user, place.key))

    async def on_start_button(self, ack: Ack, body: Mapping[str, Any]) -> None:
        """App Home's Start: a practice interview in the user's DM with the bot."""
        await ack()
        user = str(body["user"]["id"])
        who = who_of(user, body["user"].get("username"))
        workspace = str(body["user"].get("team_id") or (body.get("team") or {}).get("id") or "")

        async def run() -> None:
            if not await self.first_time(body):
                return
            place = Place(PlaceKind.DM, await self.own_dm(user))
            response = await self.controller.command(who, place, "start")
            await self.outbox.respond(response, who, place)
            await self.publish_home(user, workspace)

        self.work.spawn(run(), "the Start button")

    async def on_home_opened(self, event: Mapping[str, Any], body: Mapping[str, Any]) -> None:
        """App Home: recent interviews with scores, a Start button, standing and leaderboard."""
        if event.get("tab", "home") != "home" or not event.get("user"):
            return
        workspace = str(body.get("team_id") or "")
        self.work.spawn(self.publish_home(str(event["user"]), workspace), "App Home")

    async def publish_home(self, user: str, workspace: str) -> None:
        """Render and publish one user's App Home."""
        who = who_of(user)
        entries = await self.controller.service.db.run(self.controller.history.entries, who, 10)
        drills = await self.controller.service.db.run(home_board, self.controller, who, workspace)
        view = home_view(entries, self.outbox.titles(), drills.board, drills.standing)
        await self.outbox.client.views_publish(user_id=user, view=view)


async def on_error(error: Exception, body: Mapping[str, Any]) -> None:
    """Errors inside a listener, before its work started: log the trace."""
    log.error("Slack: a listener failed (%s)", body.get("type"), exc_info=error)


async def _opened_review(ack: Ack) -> None:
    """The Review button opens its link in the browser; Slack still reports the press."""
    await ack()


def register(app: Any, listeners: SlackListeners) -> None:
    """Attach the listeners to a bolt AsyncApp."""
    app.command(COMMAND)(listeners.on_command)
    app.event("message")(listeners.on_message)
    app.event("app_home_opened")(listeners.on_home_opened)
    app.action(BUTTONS)(listeners.on_button)
    app.action(START_ACTION)(listeners.on_start_button)
    app.action("mockroom_review")(_opened_review)  # a link button: the browser opens it
    app.view(SETTINGS_VIEW)(listeners.settings.on_submit)
    app.error(on_error)
