"""A reply that grows in one Slack message as the interviewer's words arrive."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from typing import Any

from bot.slack.render import MAX_BLOCKS, escape, fallback, sections

log = logging.getLogger(__name__)


class StreamingMessage:
    """Posts one message on the first words, then edits it at most once per `interval` seconds.

    Never a message per token: the words so far replace the message's text. A failed post
    or edit stops the streaming (the full reply is then posted whole) and never reaches
    the brain, which would otherwise take it for its own failure.
    """

    def __init__(
        self,
        client: Any,
        channel: str,
        thread_ts: str | None,
        *,
        interval: float = 1.0,
        now: Callable[[], float] = time.monotonic,
    ) -> None:
        self.client = client
        self.channel = channel
        self.thread_ts = thread_ts
        self.interval = interval
        self.now = now
        self.text = ""
        self.ts: str | None = None
        self.failed = False
        self._last = 0.0

    async def on_delta(self, piece: str) -> None:
        """Receive the next piece of the interviewer's words."""
        self.text += piece
        if self.failed or not self.text.strip():
            return
        try:
            if self.ts is None:
                response = await self.client.chat_postMessage(
                    channel=self.channel, thread_ts=self.thread_ts, **self._body()
                )
                self.ts = str(response["ts"])
                self._last = self.now()
            elif self.now() - self._last >= self.interval:
                await self.client.chat_update(channel=self.channel, ts=self.ts, **self._body())
                self._last = self.now()
        except Exception:
            log.exception("Slack: streaming a reply failed; it will be posted whole")
            self.failed = True

    def _body(self) -> dict[str, Any]:
        blocks = sections(escape(self.text) + " …")[:MAX_BLOCKS]
        return {"text": fallback(self.text), "blocks": blocks}
