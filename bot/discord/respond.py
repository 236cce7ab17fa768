"""Posting what the controller answered into Discord: channels, interactions, errors."""

from __future__ import annotations

import asyncio
import contextlib
import io
import logging
from typing import Any

import discord

from bot.chat.controller import ChatController, ChatResponse, Place, PlaceKind
from bot.chat.failures import failure_text
from bot.discord.drills import CANNOT_DM
from bot.discord.render import (
    OutMessage,
    history_text,
    pieces,
    questions_text,
    radar,
    reply_messages,
    scorecard_embed,
)
from bot.discord.stream import StreamEditor
from bot.discord.views import interview_view
from bot.review.card import REVIEW_LABEL, CardReview
from interviewer.history import PastScorecard
from interviewer.privacy.service import ExportFile
from interviewer.service import Reply, Who

log = logging.getLogger(__name__)

APOLOGY = "Sorry, something went wrong on my side. Your interview is saved: try again in a moment."

EXPORT_SENT = "{summary} The file is in your direct messages with me."
EXPORT_NOT_SENT = (
    "I could not send you your export: you do not take direct messages from me. Allow "
    "direct messages from members of this server (Privacy Settings), then run "
    "`/mockroom export` again."
)

AnyInteraction = discord.Interaction[Any]


def who_of(user: discord.abc.User) -> Who:
    """The person behind a Discord user."""
    return Who("discord", str(user.id), user.display_name)


def place_of(channel: object) -> Place:
    """The conversation a Discord channel is (see the package docstring for the keys)."""
    key = str(getattr(channel, "id", ""))
    if isinstance(channel, discord.DMChannel | discord.GroupChannel):
        return Place(PlaceKind.DM, key)
    if isinstance(channel, discord.Thread):
        return Place(PlaceKind.THREAD, key)
    if isinstance(channel, discord.PartialMessageable) and channel.guild_id is None:
        return Place(PlaceKind.DM, key)
    if isinstance(channel, discord.abc.GuildChannel):
        return Place(PlaceKind.CHANNEL, key)
    # A guild channel the cache does not know (a thread opened while we were away): the
    # controller answers only if an interview runs there.
    return Place(PlaceKind.THREAD, key)


def _view(out: OutMessage, interview_id: int) -> discord.ui.View:
    if out.link is not None:  # the scorecard's Review page: a link button
        view = discord.ui.View(timeout=None)
        view.add_item(discord.ui.Button(label=REVIEW_LABEL, url=out.link))
        return view
    return interview_view(interview_id) if out.buttons else discord.utils.MISSING


class ReplyPoster:
    """Renders replies (with the scorecard's credits and chart) and posts them."""

    def __init__(self, controller: ChatController) -> None:
        self.controller = controller

    def render(self, reply: Reply, review: CardReview | None = None) -> list[OutMessage]:
        """The messages a reply becomes."""
        problem = self.controller.bank.problems.get(reply.question_id)
        title = problem.title if problem else reply.question_id
        return reply_messages(reply, title, review)

    async def drawn(self, reply: Reply, channel: object) -> list[OutMessage]:
        """The messages, drawn off the loop (a diagram or the radar takes matplotlib most of a
        second); a scorecard in a DM carries its Review link, a thread's says how to get it."""
        review = None
        if reply.scorecard is not None:
            private = place_of(channel).kind is PlaceKind.DM
            review = await self.controller.card_review(reply.interview_id, private)
        return await asyncio.to_thread(self.render, reply, review)

    async def post(
        self,
        channel: discord.abc.Messageable,
        reply: Reply,
        stream: StreamEditor | None = None,
    ) -> list[discord.Message]:
        """Post a reply; a streamed preview becomes the message it previewed."""
        outs = await self.drawn(reply, channel)
        streamed = _streamed_index(outs, stream)
        if streamed < 0 and stream is not None and stream.message is not None:
            # Nothing to turn the preview into: leave the words, drop the cursor.
            await stream.message.edit(content=pieces(stream.text)[0])
        sent = []
        for index, out in enumerate(outs):
            view = _view(out, reply.interview_id)
            if index == streamed and stream is not None and stream.message is not None:
                message = await stream.message.edit(
                    content=None, embeds=out.embeds, view=view, attachments=out.take_files()
                )
            else:
                message = await channel.send(embeds=out.embeds, files=out.take_files(), view=view)
            sent.append(message)
        return sent


def _streamed_index(outs: list[OutMessage], stream: StreamEditor | None) -> int:
    """Which message the streamed preview showed (matched on its opening words)."""
    if stream is None or stream.message is None or not outs:
        return -1
    start = stream.text.strip()[:60]
    for index, out in enumerate(outs):
        if out.embeds and (out.embeds[0].description or "").startswith(start):
            return index
    return 0


async def send_private(
    interaction: AnyInteraction, text: str, *, original_is_private: bool
) -> None:
    """A note only the user sees, after a deferred response."""
    parts = pieces(text)
    if original_is_private:
        await interaction.edit_original_response(content=parts[0])
        parts = parts[1:]
    else:
        with contextlib.suppress(discord.NotFound):
            await interaction.delete_original_response()
    for part in parts:
        await interaction.followup.send(part, ephemeral=True)


async def send_past(
    interaction: AnyInteraction,
    past: PastScorecard,
    poster: ReplyPoster,
    *,
    original_is_private: bool,
) -> None:
    """A past scorecard (from `history N`) as its embed and chart, only for the member."""
    problem = poster.controller.bank.problems.get(past.entry.question_id)
    title = f"{past.entry.number}. {problem.title if problem else past.entry.question_id}"
    chart = await asyncio.to_thread(radar, past.scorecard, title)  # matplotlib: off the loop
    drill = past.entry.kind == "drill"  # shown privately: its Review link may go on it
    review = await poster.controller.card_review(past.entry.interview_id, True, drill=drill)
    link = review.url if review is not None else None
    out = OutMessage([scorecard_embed(past.scorecard, title)], radar=chart, link=link)
    view = _view(out, past.entry.interview_id)
    if original_is_private:
        await interaction.edit_original_response(
            embeds=out.embeds, attachments=out.take_files(), view=view
        )
        return
    with contextlib.suppress(discord.NotFound):
        await interaction.delete_original_response()
    await interaction.followup.send(
        embeds=out.embeds, files=out.take_files(), ephemeral=True, view=view
    )


async def send_export(interaction: AnyInteraction, export: ExportFile) -> None:
    """A member's data as a file in a DM to them (never in the channel), the summary as its
    message; then a private answer to the deferred command: the summary, or why it failed."""
    file = discord.File(io.BytesIO(export.content), filename=export.filename)
    try:
        await interaction.user.send(export.summary, file=file)
    except discord.Forbidden as exc:
        if exc.code != CANNOT_DM:
            raise
        log.info("member %s does not take DMs; their export was not sent", interaction.user.id)
        await send_private(interaction, EXPORT_NOT_SENT, original_is_private=True)
        return
    summary = EXPORT_SENT.format(summary=export.summary)
    await send_private(interaction, summary, original_is_private=True)


async def finish_command(
    interaction: AnyInteraction, response: ChatResponse, poster: ReplyPoster, *, private: bool
) -> None:
    """Complete a deferred slash command with what the controller answered."""
    note = response.private
    if response.history is not None and response.chart is not None and private:
        # The list with the member's progress chart, both only for them.
        chart = discord.File(io.BytesIO(response.chart), filename="progress.png")
        content = pieces(history_text(response.history))[0]
        await interaction.edit_original_response(content=content, attachments=[chart])
        return
    if response.history is not None:
        note = history_text(response.history)
    elif response.questions is not None:
        note = questions_text(response.questions)
    if response.past is not None:  # `history N`: the scorecard with its chart, privately
        await send_past(interaction, response.past, poster, original_is_private=private)
        return
    if response.ended is not None:  # `start --new`: the old interview ends where it ran
        old = interaction.client.get_partial_messageable(int(response.ended.channel))
        await poster.post(old, response.ended)
    reply = response.reply
    if note is not None or reply is None:
        await send_private(interaction, note or "Done.", original_is_private=private)
        return
    if response.conversation is not None:
        thread = interaction.client.get_partial_messageable(int(response.conversation))
        await poster.post(thread, reply)
        # The parent message in the channel announces the thread; the pointer is for the
        # candidate only, so no public note stays behind in the channel.
        await send_private(
            interaction,
            f"Your interview runs in <#{response.conversation}>: answer there.",
            original_is_private=private,
        )
        return
    outs = await poster.drawn(reply, interaction.channel)
    if not outs:
        await interaction.edit_original_response(content="Done.")
        return
    first = outs[0]
    await interaction.edit_original_response(
        embeds=first.embeds,
        attachments=first.take_files(),
        view=_view(first, reply.interview_id),
    )
    for out in outs[1:]:
        await interaction.followup.send(
            embeds=out.embeds, files=out.take_files(), view=_view(out, reply.interview_id)
        )


async def finish_button(
    interaction: AnyInteraction, response: ChatResponse, poster: ReplyPoster
) -> None:
    """Complete a deferred button press: a private note, or the reply in the conversation."""
    if response.private is not None:
        for part in pieces(response.private):
            await interaction.followup.send(part, ephemeral=True)
    if response.reply is not None:
        channel_id = interaction.channel_id or int(response.reply.channel)
        await poster.post(interaction.client.get_partial_messageable(channel_id), response.reply)


async def apologize(interaction: AnyInteraction, error: BaseException) -> None:
    """The error boundary for interactions: log with the trace, say sorry privately."""
    log.error("a Discord interaction failed (user %s)", interaction.user.id, exc_info=error)
    text = failure_text(error, APOLOGY)
    try:
        if interaction.response.is_done():
            await interaction.followup.send(text, ephemeral=True)
        else:
            await interaction.response.send_message(text, ephemeral=True)
    except Exception:  # the connection may be gone (shutting down): log and move on
        log.warning("could not tell the user about the failure", exc_info=True)
