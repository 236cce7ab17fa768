"""`mockroom serve discord`: log in, connect this process's shards, post what the clock says."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import re
from datetime import datetime

import aiohttp
import discord
import yarl
from discord.gateway import DiscordWebSocket
from discord.http import Route

from bot.bootstrap import Container
from bot.chat.controller import ChatController
from bot.discord import drills, peers
from bot.discord.client import MockroomBot
from bot.discord.commands import FORGET_CONFIRM
from bot.serve import PlatformConfigError
from interviewer.outbox import Queued
from interviewer.peers.outcome import PeerOutcome
from interviewer.service import Reply

log = logging.getLogger(__name__)

API_VERSION_PATH = re.compile(r"/api/v[0-9]+$")

# View Channels, Send Messages, Send Messages in Threads, Create Public Threads, Embed Links,
# Attach Files, Read Message History: what posting interviews in threads needs.
INVITE_PERMISSIONS = discord.Permissions(
    view_channel=True,
    send_messages=True,
    send_messages_in_threads=True,
    create_public_threads=True,
    create_private_threads=True,  # a private thread per peer-mock pair
    embed_links=True,
    attach_files=True,
    read_message_history=True,
)


def rest_base(url: str) -> str:
    """A REST base URL for Route.BASE; a bare host gets discord.py's /api/v10 path."""
    url = url.rstrip("/")
    return url if API_VERSION_PATH.search(url) else f"{url}/api/v10"


def invite_url(application_id: int) -> str:
    """The URL that adds the bot to a server with the commands and the permissions it needs."""
    return discord.utils.oauth_url(
        application_id,
        permissions=INVITE_PERMISSIONS,
        scopes=("bot", "applications.commands"),
    )


class DiscordRunner:
    """The Discord platform for `mockroom serve`; a bot.chat.poster.Poster for drills and an
    OutboxPoster for the scheduled posts (recaps, boards, reminders, pairs)."""

    platform = "discord"

    def __init__(
        self,
        controller: ChatController,
        token: str,
        *,
        api_url: str | None = None,
        guild_id: int | None = None,
        message_content: bool = True,
        edit_interval: float = 1.0,
        guild_ready_timeout: float = 2.0,
        shard_count: int | None = None,
        shard_ids: list[int] | None = None,
        identify_interval: float = 5.0,
    ) -> None:
        self.controller = controller
        self.guild_ready_timeout = guild_ready_timeout
        self.api_url = api_url
        self.guild_id = guild_id
        self.message_content = message_content
        self.edit_interval = edit_interval
        self.shard_count = shard_count
        self.shard_ids = shard_ids
        self.identify_interval = identify_interval
        self.bot: MockroomBot | None = None
        self._token = token
        self._task: asyncio.Task[None] | None = None
        self._previous_base: str | None = None
        self._previous_gateway: yarl.URL | None = None

    async def start(self) -> None:
        """Connect; without the Message Content intent when Discord refuses it (close 4014)."""
        if self.api_url is not None:
            # Route.BASE is a class attribute: this points every discord.py client in the
            # process (REST, webhooks, and through /gateway/bot the gateway) elsewhere.
            self._previous_base = Route.BASE
            Route.BASE = rest_base(self.api_url)
        try:
            await self._connect(self.message_content)
        except (OSError, TimeoutError, aiohttp.ClientError) as exc:
            # One line, not a trace: the operator needs the address and the reason.
            reason = " ".join(str(exc).split())[:200] or type(exc).__name__
            where = Route.BASE
            await self.stop()  # puts Route.BASE back for the rest of the process
            raise PlatformConfigError(
                f"Cannot reach Discord at {where} ({reason}); check the network, "
                "or MOCKROOM_DISCORD_API_URL."
            ) from None
        except discord.PrivilegedIntentsRequired:
            if not self.message_content:
                raise
            log.warning(
                "Discord refused the Message Content intent (enable it in the Developer "
                "Portal); running without it: the bot reads DMs and messages that mention it."
            )
            self.message_content = False
            await self._connect(False)

    async def _connect(self, message_content: bool) -> None:
        bot = MockroomBot(
            self.controller,
            guild_id=self.guild_id,
            message_content=message_content,
            edit_interval=self.edit_interval,
            guild_ready_timeout=self.guild_ready_timeout,
            shard_count=self.shard_count,
            shard_ids=self.shard_ids,
            identify_interval=self.identify_interval,
        )
        try:
            await bot.login(self._token)
        except BaseException:
            await bot.close()  # its HTTP session was opened
            raise
        if self.api_url is not None:
            await self._follow_gateway(bot)
        task = asyncio.create_task(bot.connect(), name="mockroom-discord-gateway")
        ready = asyncio.create_task(bot.wait_until_ready())
        await asyncio.wait({task, ready}, return_when=asyncio.FIRST_COMPLETED)
        if not ready.done():
            ready.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await ready
            await bot.close()
            task.result()  # raises what stopped the connection
            raise ConnectionError("the Discord gateway closed before the bot was ready")
        self.bot, self._task = bot, task

    async def _follow_gateway(self, bot: MockroomBot) -> None:
        """Dial the gateway that the other REST base names in /gateway/bot.

        discord.py asks /gateway/bot only when it picks the shard count itself; with a shard
        count given, and after an invalidated session, it dials DiscordWebSocket's fixed
        DEFAULT_GATEWAY instead, a class attribute like Route.BASE.
        """
        _, url, *_ = await bot.http.get_bot_gateway()
        if self._previous_gateway is None:
            self._previous_gateway = DiscordWebSocket.DEFAULT_GATEWAY
        DiscordWebSocket.DEFAULT_GATEWAY = yarl.URL(url)

    async def stop(self) -> None:
        """Close the gateway and the HTTP session."""
        if self.bot is not None:
            await self.bot.close()
        if self._task is not None:
            with contextlib.suppress(Exception, asyncio.CancelledError):
                await self._task
        self.bot = self._task = None
        if self._previous_base is not None:
            Route.BASE = self._previous_base
            self._previous_base = None
        if self._previous_gateway is not None:
            DiscordWebSocket.DEFAULT_GATEWAY = self._previous_gateway
            self._previous_gateway = None

    def _bot(self) -> MockroomBot:
        if self.bot is None:
            raise RuntimeError("the Discord runner is not started")
        return self.bot

    async def deliver(self, reply: Reply) -> None:
        """Post what the clock made the interviewer say into the interview's conversation."""
        bot = self._bot()
        await bot.poster.post(bot.get_partial_messageable(int(reply.channel)), reply)

    async def post_drill(self, channel: str, text: str, marker: str | None = None) -> str:
        """Post a drill in a text channel and open its thread; the thread's id."""
        return await drills.post_drill(self._bot(), channel, text, marker)

    async def find_drill(self, channel: str, marker: str, text: str, since: datetime) -> str | None:
        """A drill a crash left without its thread key, found by its words in the channel."""
        return await drills.find_drill(self._bot(), channel, marker, text, since)

    async def post_scheduled(self, queued: Queued, png: bytes | None = None) -> str:
        """One scheduled post, its marker as the nonce; the message's id (a pair's thread)."""
        return await drills.post_scheduled(self._bot(), queued, png)

    async def find_scheduled(self, queued: Queued) -> str | None:
        """A scheduled post a crash left unsaved, found by its words."""
        return await drills.find_scheduled(self._bot(), queued)

    # ---- the PairPoster protocol: peer-mock pairs ---------------------------------------------

    async def deliver_peer(self, outcome: PeerOutcome) -> None:
        """A peer session's clock posts in its private thread; its notes and form by DM."""
        await peers.deliver(self._bot(), outcome)


def build_discord_runner(
    container: Container,
    *,
    message_content: bool | None = None,
    edit_interval: float = 1.0,
    guild_ready_timeout: float = 2.0,
    identify_interval: float = 5.0,
) -> DiscordRunner:
    """The Discord runner from the application's settings."""
    settings = container.settings
    if settings.discord_token is None:
        raise PlatformConfigError("DISCORD_TOKEN is not set")
    if message_content is None:
        message_content = settings.discord_message_content
    return DiscordRunner(
        ChatController.wired(container, bold="**", forget_confirm=FORGET_CONFIRM),
        settings.discord_token.get_secret_value(),
        api_url=settings.discord_api_url,
        guild_id=settings.discord_guild_id,
        message_content=message_content,
        edit_interval=edit_interval,
        guild_ready_timeout=guild_ready_timeout,
        shard_count=settings.discord_shard_count,
        shard_ids=settings.discord_shard_ids,
        identify_interval=identify_interval,
    )
