"""Daily drills and leaderboards on Discord: drill posts and threads, DMs, board embeds.

The drill texts come from the shared backend in Slack's markup; `markup` turns its `*bold*`
into Discord's `**bold**`. A drill's thread key is the id of the thread opened from its post,
which is the `Place.key` messages in that thread carry.
"""

from __future__ import annotations

import io
import logging
import re
from datetime import datetime

import discord

from bot.chat.controller import BoardView
from bot.chat.render import clip
from bot.discord.render import COLOUR, DESCRIPTION_LIMIT, FIELD_LIMIT, TITLE_LIMIT, pieces
from bot.discord.syntax import discord_syntax
from interviewer.outbox import Kind, Queued

log = logging.getLogger(__name__)

BOARD_FILE = "leaderboard.png"
THREAD_NAME_LIMIT = 100
CANNOT_DM = 50007  # Discord's "Cannot send messages to this user"
NO_DM_NOTE = (
    "<@{user}> I could not send you your drill score: allow direct messages from members of "
    "this server (Privacy Settings), then see it with `/mockroom leaderboard me`."
)

_BOLD = re.compile(r"(?<![*\w])\*(?=\S)([^*\n]+?)(?<=\S)\*(?![*\w])")


def markup(text: str) -> str:
    """Slack's `*bold*` as Discord's `**bold**` (other marks mean the same on both), and the
    commands the text names in Discord's option syntax."""
    return discord_syntax(_BOLD.sub(r"**\1**", text))


def thread_name(drill_text: str) -> str:
    """The drill thread's name: the post's first line without markup."""
    first = drill_text.strip().splitlines()[0] if drill_text.strip() else "Daily design drill"
    first = first.replace("*", "").strip()
    return clip(first or "Daily design drill", THREAD_NAME_LIMIT)


async def messageable(client: discord.Client, channel_id: str) -> discord.abc.Messageable:
    """A channel or thread by id: from the cache, else fetched."""
    channel = client.get_channel(int(channel_id))
    if channel is None:
        channel = await client.fetch_channel(int(channel_id))
    if not isinstance(channel, discord.abc.Messageable):
        raise TypeError(f"Discord channel {channel_id} cannot take messages")
    return channel


async def post_drill(
    client: discord.Client, channel_id: str, text: str, marker: str | None = None
) -> str:
    """Post the drill in a text channel, open a thread from it, return the thread's id."""
    channel = await messageable(client, channel_id)
    first, *rest = pieces(markup(text))
    parent = await (channel.send(first, nonce=marker[-25:]) if marker else channel.send(first))
    return await _drill_thread(parent, text, rest)


async def find_drill(
    client: discord.Client, channel_id: str, marker: str, text: str, since: datetime
) -> str | None:
    """A drill a crash left without its thread key: the bot's message with the drill's words
    among the channel's latest 100 (a lookup; Discord keeps no nonce in history), its thread
    made when the crash came before it. None when the drill never reached Discord."""
    channel = await messageable(client, channel_id)
    if not isinstance(channel, discord.TextChannel):
        return None
    first, *rest = pieces(markup(text))
    mine = client.user.id if client.user is not None else None
    async for message in channel.history(limit=100):  # a lost post is recent
        if message.author.id == mine and message.content == first:
            if message.thread is not None:
                return str(message.thread.id)
            return await _drill_thread(message, text, rest)
    return None


async def _drill_thread(parent: discord.Message, text: str, rest: list[str]) -> str:
    thread = await parent.create_thread(name=thread_name(text), auto_archive_duration=1440)
    for part in rest:
        await thread.send(part)
    return str(thread.id)


async def open_pair(
    client: discord.Client, channel_id: str, interviewer: str, candidate: str, text: str
) -> str:
    """A private thread for a peer-mock pair: both added, `text` posted mentioning them."""
    channel = await messageable(client, channel_id)
    if not isinstance(channel, discord.TextChannel):
        raise TypeError(f"Discord channel {channel_id} cannot hold private threads")
    thread = await channel.create_thread(
        name="Peer mock", type=discord.ChannelType.private_thread, invitable=False
    )
    for user in (interviewer, candidate):
        await thread.add_user(discord.Object(int(user)))
    mentioned = discord.AllowedMentions(
        users=[discord.Object(int(interviewer)), discord.Object(int(candidate))]
    )
    for part in pieces(markup(text)):
        await thread.send(part, allowed_mentions=mentioned)
    return str(thread.id)


async def send_dm(client: discord.Client, user_id: str, text: str) -> None:
    """A direct message to a member (discord.Forbidden when they do not take DMs)."""
    dm = await client.create_dm(discord.Object(int(user_id)))
    for part in pieces(markup(text)):
        await dm.send(part)


async def send_drill_note(client: discord.Client, message: discord.Message, text: str) -> None:
    """A drill answer's note, by DM; a short pointer in the thread if DMs are closed."""
    try:
        await send_dm(client, str(message.author.id), text)
    except discord.Forbidden as exc:
        if exc.code != CANNOT_DM:
            raise
        log.info("member %s does not take DMs; told them in the thread", message.author.id)
        # The client allows no mentions by default: this one must reach the member it names.
        await message.channel.send(
            NO_DM_NOTE.format(user=message.author.id),
            allowed_mentions=discord.AllowedMentions(users=[message.author]),
        )


def board_message(
    board: BoardView, standing: str | None = None
) -> tuple[discord.Embed, list[discord.File]]:
    """A leaderboard as an embed (title, ranking, maybe your standing) and its chart file."""
    lines = markup(board.text).strip().splitlines() or [""]
    title = lines[0].replace("*", "").strip() or "Leaderboard"
    embed = discord.Embed(
        title=clip(title, TITLE_LIMIT),
        description=clip("\n".join(lines[1:]).strip(), DESCRIPTION_LIMIT) or None,
        colour=COLOUR,
    )
    if standing:
        first, *trend = markup(standing).strip().splitlines()
        embed.add_field(
            name="Your standing",
            value=clip("\n".join([first.replace("**Your standing**: ", ""), *trend]), FIELD_LIMIT),
            inline=False,
        )
    files = []
    if board.png is not None:
        embed.set_image(url=f"attachment://{BOARD_FILE}")
        files.append(discord.File(io.BytesIO(board.png), filename=BOARD_FILE))
    return embed, files


async def post_scheduled(client: discord.Client, queued: Queued, png: bytes | None = None) -> str:
    """One scheduled post (interviewer/outbox.py), its first message carrying the marker as its
    nonce; the message's id (a pair's thread id)."""
    post, nonce = queued.post, queued.marker[-25:]
    if post.kind == Kind.PAIR:
        extra = post.extra
        return await open_pair(
            client, post.target, extra["interviewer"], extra["candidate"], post.text
        )
    target = await _scheduled_target(client, queued)
    if post.kind == Kind.BOARD:
        embed, files = board_message(BoardView(post.text, png))
        return str((await target.send(embed=embed, files=files, nonce=nonce)).id)
    first, *rest = pieces(markup(post.text))
    sent = await target.send(first, nonce=nonce)
    for part in rest:
        await target.send(part)
    return str(sent.id)


async def find_scheduled(client: discord.Client, queued: Queued) -> str | None:
    """A scheduled post a crash left unsaved: the bot's message with its words (a board: its
    embed's title) among the target's latest 100 (Discord keeps no nonce in history). A
    pair's private thread is not listed: None, and it is opened again."""
    post = queued.post
    if post.kind == Kind.PAIR:
        return None
    target = await _scheduled_target(client, queued)
    mine = client.user.id if client.user is not None else None
    first = pieces(markup(post.text))[0]
    title = board_message(BoardView(post.text, None))[0].title
    async for message in target.history(limit=100):  # a lost post is recent
        if message.author.id != mine:
            continue
        if post.kind == Kind.BOARD:
            if message.embeds and message.embeds[0].title == title:
                return str(message.id)
        elif message.content == first:
            return str(message.id)
    return None


async def _scheduled_target(client: discord.Client, queued: Queued) -> discord.abc.Messageable:
    post = queued.post
    if post.kind == Kind.DM:
        return await client.create_dm(discord.Object(int(post.target)))
    if post.kind == Kind.THREAD:  # a drill's or a pair's thread, by id: no lookup first
        return client.get_partial_messageable(int(post.target))
    return await messageable(client, post.target)
