"""Peer sessions on Slack: the clock's posts in the pair's group DM, private notes as
ephemeral messages there, and the interviewer's rubric form (a static select per criterion
and a Submit button), whose presses go to the controller."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any, Protocol

from bot.chat.controller import ChatController, ChatResponse
from bot.slack.outbox import SlackOutbox
from bot.slack.places import split_key, who_of
from bot.slack.render import Block, safe, section
from bot.slack.work import BackgroundWork
from interviewer.core.text import ascii_number
from interviewer.peers.brief import STRONG_ANSWER
from interviewer.peers.outcome import FORM_OUT_OF_DATE, SCALE, SCALE_RANGE, PeerForm, PeerOutcome

SCORE_ACTION = "mockroom_peer_score"
SUBMIT_ACTION = "mockroom_peer_submit"
ACTIONS = re.compile(rf"^({SCORE_ACTION}:[a-z_]+|{SUBMIT_ACTION})$")


def form_blocks(form: PeerForm) -> list[Block]:
    """The form: one select per criterion (its value names the session), then Submit."""
    blocks = [section(safe(f"Score the candidate on {form.title}: one score per criterion."))]
    for criterion in form.criteria:
        options = [
            {
                "text": {"type": "plain_text", "text": label},
                "value": f"{form.session_id}:{criterion.value}:{score}",
            }
            for score, label in SCALE.items()
        ]
        block = section(safe(f"*{criterion.label}*: {STRONG_ANSWER[criterion]}"))
        block["accessory"] = {
            "type": "static_select",
            "action_id": f"{SCORE_ACTION}:{criterion.value}",
            "placeholder": {"type": "plain_text", "text": f"Score {SCALE_RANGE}"},
            "options": options,
        }
        blocks.append(block)
    submit = {
        "type": "button",
        "action_id": SUBMIT_ACTION,
        "style": "primary",
        "text": {"type": "plain_text", "text": "Submit scores"},
        "value": str(form.session_id),
    }
    blocks.append({"type": "actions", "elements": [submit]})
    return blocks


async def respond(outbox: SlackOutbox, response: ChatResponse | None) -> None:
    """The peer-session part of a response, when it has one."""
    if response is not None and response.peer is not None:
        await deliver(outbox, response.peer)


async def deliver(outbox: SlackOutbox, outcome: PeerOutcome) -> None:
    """Posts in the pair's conversation, ephemeral notes there, the form to the interviewer."""
    channel, thread_ts = split_key(outcome.conversation)
    for text in outcome.posts:
        await outbox.post(channel, thread_ts, text)
    if outcome.diagram is not None:
        await outbox.diagram(outcome.diagram, channel, thread_ts)
    for user, text in outcome.notes:
        await outbox.private(user, outcome.conversation, text)
    if outcome.form is not None:
        form = outcome.form
        text = f"Your scoring form for {form.title}"
        await outbox.private(form.interviewer, form.conversation, text, form_blocks(form))


class FormHost(Protocol):
    """What the form's listener needs of the app's listeners (SlackListeners), named here so
    that this module does not import the app (which imports it)."""

    controller: ChatController
    outbox: SlackOutbox
    work: BackgroundWork

    async def first_time(self, payload: Mapping[str, Any]) -> bool:
        """Whether a press is new (a replay acts once)."""
        ...


class PeerFormListener:
    """Presses on the form: a score or Submit, acted on once (Slack's trigger_id)."""

    def __init__(self, listeners: FormHost) -> None:
        self.listeners = listeners
        self.controller = listeners.controller
        self.outbox = listeners.outbox

    async def on_press(self, ack: Any, body: Mapping[str, Any], action: Mapping[str, Any]) -> None:
        """A select or the Submit button of a peer session's form."""
        await ack()
        user = str(body["user"]["id"])
        who = who_of(user, body["user"].get("username"))
        container = body.get("container") or {}
        channel = str((body.get("channel") or {}).get("id") or container.get("channel_id"))
        chosen = (action.get("selected_option") or {}).get("value") or action.get("value") or ""

        async def run() -> None:
            if not await self.listeners.first_time(body):
                return  # a replayed press acts once
            parts = str(chosen).split(":")
            session = ascii_number(parts[0])
            score = ascii_number(parts[-1]) if len(parts) == 3 else 0
            if session is None or score is None or len(parts) not in (1, 3):
                # A forged or stale value (`²` passes str.isdigit(), not int()).
                await self.outbox.private(user, channel, FORM_OUT_OF_DATE)
                return
            criterion = parts[1] if len(parts) == 3 else None
            response = await self.controller.peer_form(who, session, criterion, score)
            if response.private is not None:
                await self.outbox.private(user, channel, response.private)
            await respond(self.outbox, response)

        self.listeners.work.spawn(
            run(), "a peer form", lambda: self.outbox.apologise(user, channel)
        )


def register(app: Any, listeners: FormHost) -> None:
    """Attach the form's listener to a bolt AsyncApp."""
    app.action(ACTIONS)(PeerFormListener(listeners).on_press)
