"""Streaming a reply into Discord by editing one message at a measured pace."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable

import discord

from bot.chat.render import DRAFT_REPLACED
from bot.discord.render import CONTENT_LIMIT

log = logging.getLogger(__name__)

CURSOR = " ▌"


def preview(text: str) -> str:
    """The text so far with a cursor, its tail kept when it outgrows a message."""
    room = CONTENT_LIMIT - len(CURSOR)
    shown = text if len(text) <= room else "…" + text[-(room - 1) :]
    return shown + CURSOR


class StreamEditor:
    """Posts the first piece of a reply, then edits that message at most once per interval.

    Never a message per token: pieces that arrive between edits are shown by the next edit,
    and the caller's final edit replaces the preview with the finished message.
    """

    def __init__(
        self,
        channel: discord.abc.Messageable,
        *,
        interval: float = 1.0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.channel = channel
        self.interval = interval
        self.clock = clock
        self.text = ""
        self.message: discord.Message | None = None
        self._last = 0.0

    async def push(self, delta: str) -> None:
        """Take the next piece of the reply."""
        self.text += delta
        if not self.text.strip():
            return
        now = self.clock()
        if self.message is None:
            self.message = await self.channel.send(preview(self.text))
            self._last = now
        elif now - self._last >= self.interval:
            self.message = await self.message.edit(content=preview(self.text))
            self._last = now

    async def retract(self) -> None:
        """Delete a preview whose reply was not stored (the reply failed and comes later, or
        another replica's words stand): a member sees only what the interview holds."""
        if self.message is None:
            return
        message, self.message = self.message, None
        try:
            await message.delete()
        except discord.HTTPException:  # it cannot be deleted: say plainly that it does not count
            log.warning("Discord: could not delete a draft reply; rewriting it", exc_info=True)
            await message.edit(content=DRAFT_REPLACED)
