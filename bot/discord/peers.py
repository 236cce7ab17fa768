"""Peer sessions on Discord: the clock's posts in the pair's private thread, private notes by
DM (or to the presser's interaction), and the interviewer's rubric form by DM: a select menu per
criterion (four in the first message, three and Submit in the second: five rows a message).

The form's items are DynamicItems whose custom ids name the session, registered in setup_hook,
so a form keeps working after a restart.
"""

from __future__ import annotations

import asyncio
import re
from typing import Any, Protocol, cast

import discord

from bot.chat.controller import ChatController, ChatResponse
from bot.discord.drills import CANNOT_DM, markup, send_dm
from bot.discord.render import diagram_message, pieces
from bot.discord.respond import apologize, who_of
from interviewer.core.rubric import Criterion
from interviewer.core.text import ascii_number
from interviewer.peers.outcome import FORM_OUT_OF_DATE, SCALE, SCALE_RANGE, PeerForm, PeerOutcome

SCORE_TEMPLATE = r"mockroom:peer:(?P<session>[0-9]+):(?P<criterion>[a-z_]+)"
SUBMIT_TEMPLATE = r"mockroom:peersubmit:(?P<session>[0-9]+)"
ROWS = 5  # Discord's action rows per message
NO_FORM = (
    "<@{user}> I could not send you the scoring form: allow direct messages from members of "
    "this server (Privacy Settings), then run `/mockroom peer end` here to get it again."
)


class HasController(Protocol):
    """The client the form's presses reach (MockroomBot)."""

    controller: ChatController


class ScoreSelect(
    discord.ui.DynamicItem[discord.ui.Select[discord.ui.View]], template=SCORE_TEMPLATE
):
    """One criterion's score, 1 to 4."""

    def __init__(self, session_id: int, criterion: Criterion) -> None:
        options = [discord.SelectOption(label=label, value=str(n)) for n, label in SCALE.items()]
        super().__init__(
            discord.ui.Select(
                custom_id=f"mockroom:peer:{session_id}:{criterion.value}",
                placeholder=f"{criterion.label}: {SCALE_RANGE}",
                options=options,
            )
        )
        self.session_id = session_id
        self.criterion = criterion.value  # the id pressed: the session refuses an unknown one

    @classmethod
    async def from_custom_id(
        cls,
        interaction: discord.Interaction[Any],
        item: discord.ui.Item[Any],
        match: re.Match[str],
        /,
    ) -> ScoreSelect:
        """Rebuild the select from its custom_id."""
        try:
            return cls(int(match["session"]), Criterion(match["criterion"]))
        except ValueError:  # a criterion no longer on the rubric: out of date, scores nothing
            stale = cls(int(match["session"]), Criterion.CLARITY)
            stale.criterion = match["criterion"]
            return stale

    async def callback(self, interaction: discord.Interaction[Any]) -> None:
        """Record the score (only the session's interviewer may)."""
        score = ascii_number(self.item.values[0] if self.item.values else "")
        if score is None:  # a forged or stale value (`²` passes str.isdigit(), not int())
            await interaction.response.send_message(FORM_OUT_OF_DATE, ephemeral=True)
            return
        await press(interaction, self.session_id, self.criterion, score)


class SubmitButton(
    discord.ui.DynamicItem[discord.ui.Button[discord.ui.View]], template=SUBMIT_TEMPLATE
):
    """The form's Submit."""

    def __init__(self, session_id: int) -> None:
        super().__init__(
            discord.ui.Button(
                label="Submit scores",
                style=discord.ButtonStyle.primary,
                custom_id=f"mockroom:peersubmit:{session_id}",
            )
        )
        self.session_id = session_id

    @classmethod
    async def from_custom_id(
        cls,
        interaction: discord.Interaction[Any],
        item: discord.ui.Item[Any],
        match: re.Match[str],
        /,
    ) -> SubmitButton:
        """Rebuild the button from its custom_id."""
        return cls(int(match["session"]))

    async def callback(self, interaction: discord.Interaction[Any]) -> None:
        """Submit the scores: both scorecards compared, once."""
        await press(interaction, self.session_id, None)


FORM_ITEMS = (ScoreSelect, SubmitButton)


def form_views(form: PeerForm) -> list[discord.ui.View]:
    """The form as views of at most five rows each; Submit in the last."""
    views: list[discord.ui.View] = []
    items: list[discord.ui.Item[Any]] = [ScoreSelect(form.session_id, c) for c in form.criteria]
    items.append(SubmitButton(form.session_id))
    for start in range(0, len(items), ROWS - 1):
        view = discord.ui.View(timeout=None)
        for item in items[start : start + ROWS - 1]:
            view.add_item(item)
        views.append(view)
    return views


async def press(
    interaction: discord.Interaction[Any], session_id: int, criterion: str | None, score: int = 0
) -> None:
    """A press on the form: acknowledge, hand it to the controller, answer privately."""
    try:
        await interaction.response.defer(ephemeral=True, thinking=False)
        controller = cast(HasController, interaction.client).controller
        response = await controller.peer_form(
            who_of(interaction.user), session_id, criterion, score
        )
        if response.private is not None:
            for part in pieces(markup(response.private)):
                await interaction.followup.send(part, ephemeral=True)
        if response.peer is not None:
            await deliver(interaction.client, response.peer, interaction)
    except Exception as exc:
        await apologize(interaction, exc)


async def respond(client: discord.Client, response: ChatResponse | None) -> None:
    """The peer-session part of a response, when it has one."""
    if response is not None and response.peer is not None:
        await deliver(client, response.peer)


async def deliver(
    client: discord.Client,
    outcome: PeerOutcome,
    interaction: discord.Interaction[Any] | None = None,
) -> None:
    """Posts in the pair's thread; notes privately (the presser's as an ephemeral follow-up,
    others' by DM); the form by DM to the interviewer."""
    thread = client.get_partial_messageable(int(outcome.conversation))
    for text in outcome.posts:
        for part in pieces(markup(text)):
            await thread.send(part)
    if outcome.diagram is not None:  # drawn off the loop, as in an interview
        out = await asyncio.to_thread(diagram_message, outcome.diagram)
        await thread.send(embeds=out.embeds, files=out.take_files())
    for user, text in outcome.notes:
        if interaction is not None and str(interaction.user.id) == user:
            for part in pieces(markup(text)):
                await interaction.followup.send(part, ephemeral=True)
        else:
            await send_dm(client, user, text)
    if outcome.form is not None:
        await send_form(client, outcome.form)


async def send_form(client: discord.Client, form: PeerForm) -> None:
    """The form by DM; a pointer in the pair's thread when the interviewer takes no DMs."""
    intro = f"**Score the candidate on {form.title}**: one score per criterion, then Submit."
    try:
        dm = await client.create_dm(discord.Object(int(form.interviewer)))
        for number, view in enumerate(form_views(form)):
            await dm.send(intro if number == 0 else "…and the rest:", view=view)
    except discord.Forbidden as exc:
        if exc.code != CANNOT_DM:
            raise
        thread = client.get_partial_messageable(int(form.conversation))
        await thread.send(NO_FORM.format(user=form.interviewer))
