"""The Discord client: an auto-sharded discord.py client that hands events to bot.chat.controller."""

from __future__ import annotations

import asyncio
import logging
import re
from typing import Any

import discord
from discord import app_commands

from bot.chat.controller import ChatController, PlaceKind, keeps_draft
from bot.chat.failures import current_error, failure_text
from bot.discord.commands import MockroomCommands
from bot.discord.drills import send_drill_note
from bot.discord.peers import FORM_ITEMS
from bot.discord.peers import respond as respond_peer
from bot.discord.render import pieces
from bot.discord.respond import (
    APOLOGY,
    ReplyPoster,
    apologize,
    finish_button,
    place_of,
    who_of,
)
from bot.discord.stream import StreamEditor
from bot.discord.views import InterviewButton

log = logging.getLogger(__name__)


def bot_intents(message_content: bool) -> discord.Intents:
    """Guilds (channels, threads), guild and DM messages; message content only when allowed."""
    intents = discord.Intents.none()
    intents.guilds = True
    intents.guild_messages = True
    intents.dm_messages = True
    intents.message_content = message_content
    return intents


class MockroomBot(discord.AutoShardedClient):
    """Slash commands, buttons and messages in, bot.chat.controller responses out."""

    def __init__(
        self,
        controller: ChatController,
        *,
        guild_id: int | None = None,
        message_content: bool = True,
        edit_interval: float = 1.0,
        guild_ready_timeout: float = 2.0,
        shard_count: int | None = None,
        shard_ids: list[int] | None = None,
        identify_interval: float = 5.0,
    ) -> None:
        # shard_count None: as many shards as Discord recommends; shard_ids None: all of them.
        super().__init__(
            intents=bot_intents(message_content),
            allowed_mentions=discord.AllowedMentions.none(),
            guild_ready_timeout=guild_ready_timeout,
            shard_count=shard_count,
            shard_ids=shard_ids,  # type: ignore[arg-type]  # documented Optional
        )
        self.identify_interval = identify_interval
        self.controller = controller
        self.guild_id = guild_id
        self.reads_content = message_content
        self.edit_interval = edit_interval
        self.poster = ReplyPoster(controller)
        self.tree: app_commands.CommandTree[MockroomBot] = app_commands.CommandTree(self)
        self.tree.on_error = self.on_command_error  # type: ignore[method-assign]

    async def setup_hook(self) -> None:
        """Register the commands and the persistent buttons, then sync the commands."""
        self.tree.add_command(
            MockroomCommands(self.controller, self.poster, reads_content=self.reads_content)
        )
        self.add_dynamic_items(InterviewButton, *FORM_ITEMS)
        if self.guild_id is not None:
            guild = discord.Object(id=self.guild_id)
            self.tree.copy_global_to(guild=guild)
            await self.tree.sync(guild=guild)
        else:
            await self.tree.sync()

    async def on_message(self, message: discord.Message) -> None:
        """An answer in a DM or an interview thread (others' and bots' messages are ignored)."""
        if message.author.bot or message.webhook_id is not None:
            return
        place = place_of(message.channel)
        if place.kind is PlaceKind.CHANNEL:
            return  # interviews run in DMs and threads
        text = self.without_mention(message.content)
        if not text:
            return  # no content intent and no mention: not readable, so not an answer
        stream = StreamEditor(message.channel, interval=self.edit_interval)
        try:
            response = await self.controller.message(
                who_of(message.author), place, text, event_key=str(message.id), on_delta=stream.push
            )
        except Exception:
            await stream.retract()
            raise
        if not keeps_draft(response):
            await stream.retract()  # a draft of words that were not stored
        if response is None:
            return
        await respond_peer(self, response)
        if response.private is not None and response.drill:
            await send_drill_note(self, message, response.private)  # scores stay private
        elif response.private is not None:
            for part in pieces(response.private):
                await message.reply(part)
        if response.reply is not None:
            await self.poster.post(message.channel, response.reply, stream)

    def without_mention(self, content: str) -> str:
        """The message text without the bot's own mention."""
        if self.user is not None:
            content = re.sub(rf"<@!?{self.user.id}>", "", content)
        return content.strip()

    async def press(
        self, interaction: discord.Interaction[Any], interview_id: int, action: str
    ) -> None:
        """A Hint / Next stage / End button: acknowledge, run it, follow up."""
        try:
            await interaction.response.defer()
            place = place_of(interaction.channel)
            response = await self.controller.button(
                who_of(interaction.user), place, interview_id, action
            )
            await finish_button(interaction, response, self.poster)
            await respond_peer(self, response)  # a peer mock's End: the peer way
        except Exception as exc:
            await apologize(interaction, exc)

    async def on_command_error(
        self, interaction: discord.Interaction[Any], error: app_commands.AppCommandError
    ) -> None:
        """The error boundary for slash commands."""
        await apologize(interaction, getattr(error, "original", error))

    async def on_error(self, event_method: str, /, *args: Any, **kwargs: Any) -> None:
        """The error boundary for gateway events: log with the trace, apologise to a message."""
        log.exception("the Discord event %s failed", event_method)
        message = args[0] if args else None
        if event_method == "on_message" and isinstance(message, discord.Message):
            try:
                await message.reply(failure_text(current_error(), APOLOGY))
            except Exception:  # the connection may be gone (shutting down): log and move on
                log.warning("could not apologise for a failed message", exc_info=True)

    async def before_identify_hook(self, shard_id: int | None, *, initial: bool = False) -> None:
        """Space the shards' IDENTIFYs as discord.py does (Discord allows one per 5 seconds)."""
        if not initial:
            await asyncio.sleep(self.identify_interval)

    async def on_ready(self) -> None:
        """Log who we are once every shard this process runs is ready."""
        log.info(
            "Discord: connected as %s, shard(s) %s of %s",
            self.user,
            sorted(self.shards),
            self.shard_count,
        )
