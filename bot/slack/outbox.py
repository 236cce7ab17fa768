"""Posts what the controller answered into Slack: interviewer messages, scorecards, private notes,
drills, recaps and leaderboards.

Every call goes through the one Web API client, whose retry handlers wait out a 429's
Retry-After (and retry a dropped connection), so the clock's posts are rate limited like the rest.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Sequence
from typing import Any

from slack_sdk.errors import SlackApiError

from bot.chat.charts import members_png, radar_png
from bot.chat.controller import ChatController, ChatResponse, Place
from bot.chat.diagram import diagram_png
from bot.chat.failures import current_error, failure_text
from bot.chat.render import DRAFT_REPLACED, clip, diagram_block, fenced
from bot.slack.places import is_dm, split_key, thread_key
from bot.slack.render import (
    MAX_BLOCKS,
    Block,
    chunk,
    context,
    escape,
    fallback,
    history_blocks,
    interviewer_blocks,
    questions_blocks,
    safe,
    scorecard_blocks,
    scorecard_text,
    sections,
)
from bot.slack.stream import StreamingMessage
from bot.slack.users import UserDirectory
from interviewer.core.rubric import Scorecard
from interviewer.diagrams.view import DiagramView
from interviewer.privacy.service import ExportFile
from interviewer.service import Reply, Who

log = logging.getLogger(__name__)

APOLOGY = (
    "Sorry, something went wrong on our side and that did not go through. Your interview "
    "is saved: try again in a moment, or `/mockroom time` to see where you are."
)

NOT_HERE = (
    "_I cannot post in this conversation, so only you see this. To use me here, invite me "
    "with `/invite @mockroom`; or talk to me in a direct message._"
)
"""Said through a command's response_url when the bot cannot post where it was typed."""

# Slack's errors for a conversation the app is not in (a private channel, others' DM).
NOT_THERE = frozenset({"channel_not_found", "not_in_channel", "is_archived", "access_denied"})

EXPORT_NOT_SENT = "Your export could not be sent to you in a direct message: {why}."
_WHY = {
    "cannot_dm_bot": "Slack does not let this app open a direct message with you",
    "user_disabled": "your Slack account is deactivated",
    "user_not_found": "Slack does not know your account",
    "user_not_visible": "Slack does not let this app see your account",
    "missing_scope": "the app lacks a permission for direct messages or files "
    "(im:write, files:write): ask a workspace admin to reinstall it",
    "not_allowed_token_type": "the app's token cannot send files",
}


MARKER_EVENT = "mockroom_post"
"""The metadata event type of a scheduled post's marker."""


class SlackOutbox:
    """Turns ChatResponses and clock Replies into Web API calls."""

    def __init__(
        self, client: Any, controller: ChatController, users: UserDirectory | None = None
    ) -> None:
        self.client = client
        self.controller = controller
        self.users = users
        self._chart_lock = asyncio.Lock()  # one chart drawn at a time keeps memory flat

    async def respond(
        self,
        response: ChatResponse,
        who: Who,
        place: Place,
        stream: StreamingMessage | None = None,
        *,
        response_url: str | None = None,
    ) -> None:
        """Everything a response holds, each part where it belongs; private notes go through
        the command's `response_url` when the bot cannot post where it was typed."""
        user, key, url = who.user_id, place.key, response_url
        if response.ended is not None:  # `start --new`: the old interview's end, where it ran
            await self.reply(response.ended, response.ended.channel)
        if response.reply is not None:
            await self.reply(response.reply, response.conversation or key, stream)
        if response.shared is not None:  # `review N share`: the link, for the conversation
            if not is_dm(split_key(key)[0]):
                await self.join(split_key(key)[0])
            await self.in_thread(key, response.shared)
        if response.export is not None:  # its summary goes with the file: one note, not two
            await self.export(user, key, response.export)
        elif response.private is not None:
            await self.private(user, key, response.private, response_url=url)
        if response.history is not None:
            blocks = history_blocks(response.history, self.titles())
            await self.private(user, key, "Your interviews", blocks, response_url=url)
            if response.chart is not None and is_dm(key):  # an ephemeral note takes no image
                await self.upload(key, None, response.chart, "progress.png", "Your progress")
        if response.past is not None:
            entry, card = response.past.entry, response.past.scorecard
            title = f"{entry.number}. " + self.titles().get(entry.question_id, entry.question_id)
            drill = entry.kind == "drill"  # shown privately: its Review link may go on it
            review = await self.controller.card_review(entry.interview_id, True, drill=drill)
            blocks = scorecard_blocks(card, title, await self.names(card), review)
            await self.private(user, key, scorecard_text(card, title), blocks, response_url=url)
        if response.questions is not None:
            blocks = questions_blocks(response.questions)
            await self.private(user, key, "The question bank", blocks, response_url=url)
        if response.board is not None and response.board.public:
            try:
                await self.board(key, response.board.text, response.board.png)
            except SlackApiError as exc:
                if url is None or _error(exc) not in NOT_THERE:
                    raise
                await self.by_url(url, sections(escape(response.board.text)))
        elif response.board is not None:  # shown privately: an ephemeral note has no image
            blocks = sections(escape(response.board.text))
            await self.private(user, key, response.board.text, blocks, response_url=url)

    async def by_url(self, url: str, blocks: Sequence[Block], text: str = "") -> None:
        """A note only the commander sees, through their command's response_url, with the
        reason the bot answers this way."""
        from slack_sdk.webhook.async_client import AsyncWebhookClient

        pages = chunk([*blocks[: MAX_BLOCKS - 1], context(NOT_HERE)])
        hook = AsyncWebhookClient(url, timeout=10)
        for page in pages[:5]:  # a response_url takes up to five messages
            await hook.send(text=fallback(text or NOT_HERE), blocks=page, response_type="ephemeral")

    async def names(self, card: Scorecard) -> dict[str, str]:
        """The design-along contributors' names (users.info, cached), for credits without pings."""
        if self.users is None:
            return {}
        found: dict[str, str] = {}
        for contributor in card.contributors:
            user = await self.users.lookup(contributor.author)
            if user is not None and user.name:
                found[contributor.author] = user.name
        return found

    async def reply(self, reply: Reply, key: str, stream: StreamingMessage | None = None) -> None:
        """The interviewer's messages in a conversation; buttons on the last while it runs."""
        channel, thread_ts = split_key(key)
        words = [i for i, m in enumerate(reply.messages) if m.scorecard is None]
        streamed = self._streamed_index(reply, words, stream)
        if reply.diagram is not None:
            await self.diagram(reply.diagram, channel, thread_ts)
        for i, message in enumerate(reply.messages):
            if message.scorecard is not None:
                await self.scorecard(message.scorecard, reply, channel, thread_ts)
                continue
            controls = not reply.ended and bool(words) and i == words[-1]
            pages = interviewer_blocks(message, reply.interview_id, controls=controls)
            replaced = (
                i == streamed
                and stream is not None
                and stream.ts is not None
                and await self._replace(channel, stream.ts, pages[0], message.text)
            )
            for blocks in pages[1:] if replaced else pages:
                await self.post(channel, thread_ts, message.text, blocks)

    async def retract(self, stream: StreamingMessage) -> None:
        """Delete a streamed draft whose reply was not stored (another replica's words
        stand, or the reply failed): a member sees only what the interview holds."""
        if stream.ts is None:
            return
        stream.failed = True  # no more updates to a message that is going away
        try:
            await self.client.chat_delete(channel=stream.channel, ts=stream.ts)
        except Exception:  # it cannot be deleted: say plainly that it does not count
            log.warning("Slack: could not delete a draft reply; rewriting it", exc_info=True)
            await self._replace(stream.channel, stream.ts, sections(DRAFT_REPLACED), DRAFT_REPLACED)

    async def scorecard(
        self, card: Scorecard, reply: Reply, channel: str, thread_ts: str | None
    ) -> None:
        """The scorecard as blocks, then its radar chart as an uploaded image."""
        title = self.titles().get(reply.question_id, reply.question_id)
        names = await self.names(card)  # for the credits and the members' chart alike
        review = await self.controller.card_review(reply.interview_id, is_dm(channel))
        blocks = scorecard_blocks(card, title, names, review)
        await self.post(channel, thread_ts, scorecard_text(card, title), blocks)
        try:
            async with self._chart_lock:
                png = await asyncio.to_thread(radar_png, card, title)
            await self.client.files_upload_v2(
                channel=channel,
                thread_ts=thread_ts,
                file=png,
                filename="scorecard.png",
                title=f"Scorecard: {title}",
                alt_txt=f"Radar chart of the seven criteria; overall {card.overall:.1f} of 4",
            )
            if card.contributors:  # a design-along: each member's own radar
                async with self._chart_lock:
                    members = await asyncio.to_thread(members_png, card, names)
                if members is not None:
                    await self.upload(channel, thread_ts, members, "members.png", "Each member")
        except Exception:  # the scorecard is posted; a missing chart must not hide it
            log.exception("Slack: could not upload the scorecard chart")
        if card.diagram:  # the final design, as text (diagrams, issue 15)
            await self.code(channel, thread_ts, fenced(clip(card.diagram, 2900)))

    async def diagram(self, view: DiagramView, channel: str, thread_ts: str | None) -> None:
        """The diagram as the interviewer read it, uploaded as an image (files_upload_v2); its
        text layout when the upload fails, so the candidate always sees what was understood."""
        try:
            async with self._chart_lock:
                png = await asyncio.to_thread(diagram_png, view)
            await self.client.files_upload_v2(
                channel=channel,
                thread_ts=thread_ts,
                file=png,
                filename=f"design-v{view.version}.png",
                title=view.title,
                alt_txt=clip(view.text, 1000),
            )
        except Exception:  # what was read, as text: the same words as Discord's embed
            log.exception("Slack: could not upload the diagram")
            await self.code(channel, thread_ts, f"*{view.title}*\n{diagram_block(view, 2900)}")

    async def code(self, channel: str, thread_ts: str | None, shown: str) -> None:
        """Text holding a member's words in a code block (a diagram), every <, > and &
        escaped: a label `<@U1>` or `<!channel>` is shown, never a mention."""
        await self.post(channel, thread_ts, shown, blocks=sections(escape(shown)))

    async def upload(
        self, channel: str, thread_ts: str | None, png: bytes, filename: str, title: str
    ) -> None:
        """A chart as an uploaded image in a conversation."""
        await self.client.files_upload_v2(
            channel=channel, thread_ts=thread_ts, file=png, filename=filename, title=title
        )

    async def export(self, user_id: str, key: str, export: ExportFile) -> None:
        """A member's data as a file in their DM with the app (never in a channel), the
        summary as its message; a private note where they asked when that fails."""
        try:
            opened = await self.client.conversations_open(users=user_id)
            dm = str(opened["channel"]["id"])
            await self.client.files_upload_v2(
                channel=dm,
                filename=export.filename,
                content=export.content,
                title=export.filename,
                initial_comment=safe(export.summary),
            )
        except SlackApiError as exc:
            error = str(exc.response.get("error") or "an error")
            log.warning("Slack: could not send an export to %s (%s)", user_id, error)
            why = _WHY.get(error, f"Slack answered `{error}`")
            await self.private(user_id, key, EXPORT_NOT_SENT.format(why=why))

    async def post(
        self,
        channel: str,
        thread_ts: str | None,
        text: str,
        blocks: Sequence[Block] | None = None,
        marker: str | None = None,
    ) -> str:
        """One message; the ts Slack gave it. A `marker` goes in the message's metadata, so
        that a post whose ts was lost (a crash) is found again instead of posted twice."""
        response = await self.client.chat_postMessage(
            channel=channel,
            thread_ts=thread_ts,
            text=fallback(text),
            blocks=list(blocks) if blocks is not None else sections(safe(text))[:50],
            metadata=(
                {"event_type": MARKER_EVENT, "event_payload": {"key": marker}} if marker else None
            ),
        )
        return str(response["ts"])

    async def find(self, channel: str, marker: str, thread_ts: str | None = None) -> str | None:
        """The ts of our message carrying `marker` among the channel's (or the thread's)
        latest 200 (a lost post is recent: it was claimed minutes ago), if any."""
        if thread_ts is not None:
            response = await self.client.conversations_replies(
                channel=channel, ts=thread_ts, include_all_metadata=True, limit=200
            )
        else:
            response = await self.client.conversations_history(
                channel=channel, include_all_metadata=True, limit=200
            )
        for message in response.get("messages") or []:
            meta = message.get("metadata") or {}
            if meta.get("event_type") == MARKER_EVENT and (
                (meta.get("event_payload") or {}).get("key") == marker
            ):
                return str(message["ts"])
        return None

    async def private(
        self,
        user_id: str,
        key: str,
        text: str,
        blocks: Sequence[Block] | None = None,
        *,
        response_url: str | None = None,
    ) -> None:
        """A note only the user sees: a plain message in a DM, an ephemeral one elsewhere;
        through `response_url` when the bot cannot post in the conversation."""
        shown = list(blocks) if blocks is not None else sections(safe(text))
        try:
            await self._private(user_id, key, text, shown)
        except SlackApiError as exc:
            if response_url is None or _error(exc) not in NOT_THERE:
                raise
            log.info("Slack: not in %s; answering through the response_url", key)
            await self.by_url(response_url, shown, text)

    async def _private(self, user_id: str, key: str, text: str, blocks: list[Block]) -> None:
        channel, thread_ts = split_key(key)
        for page in chunk(blocks):
            if is_dm(channel):
                await self.post(channel, None, text, page)
            else:
                await self.client.chat_postEphemeral(
                    channel=channel,
                    user=user_id,
                    thread_ts=thread_ts,
                    text=fallback(text),
                    blocks=page,
                )

    async def text(
        self, channel: str, thread_ts: str | None, text: str, marker: str | None = None
    ) -> str:
        """Our own words (a drill, a recap, a board) as escaped sections; the first message's
        ts. The first carries `marker` (see `find`)."""
        pages = chunk(sections(escape(text)))
        stamps = [
            await self.post(channel, thread_ts, text, page, marker=marker if i == 0 else None)
            for i, page in enumerate(pages)
        ]
        return stamps[0]

    async def drill(self, channel: str, text: str, marker: str | None = None) -> str:
        """A daily drill as a parent message; the key of its thread (where answers arrive).
        The parent carries `marker` (see `find`)."""
        await self.join(channel)  # to hear the thread's replies
        pages = chunk(sections(escape(text)))
        ts = await self.post(channel, None, text, pages[0], marker=marker)
        for page in pages[1:]:
            await self.post(channel, None, text, page)
        return thread_key(channel, ts)

    async def in_thread(self, key: str, text: str) -> None:
        """A message in a thread (a drill's recap)."""
        channel, thread_ts = split_key(key)
        await self.text(channel, thread_ts, text)

    async def board(self, key: str, text: str, png: bytes | None, marker: str | None = None) -> str:
        """A leaderboard for everyone in the conversation, then its chart as an uploaded image;
        the board message's ts (it carries `marker`)."""
        channel, thread_ts = split_key(key)
        if not is_dm(channel):
            await self.join(channel)
        ts = await self.text(channel, thread_ts, text, marker)
        if png is None:
            return ts
        title = text.strip().splitlines()[0].replace("*", "") if text.strip() else "Leaderboard"
        try:
            await self.client.files_upload_v2(
                channel=channel,
                thread_ts=thread_ts,
                file=png,
                filename="leaderboard.png",
                title=title,
                alt_txt=f"Bar chart of points per member: {title}",
            )
        except Exception:  # the board is posted; a missing chart must not hide it
            log.exception("Slack: could not upload the leaderboard chart")
        return ts

    async def join(self, channel: str) -> None:
        """Join a public channel so that its thread replies reach the app (no-op elsewhere)."""
        try:
            await self.client.conversations_join(channel=channel)
        except Exception:  # a private channel: the bot must be invited; posting will tell
            log.info("Slack: could not join %s", channel, exc_info=True)

    async def apologise(self, user_id: str, key: str, response_url: str | None = None) -> None:
        """The error boundary's message: short, and the interview is safe; a database outage
        says so instead (called while the failure is being handled)."""
        text = failure_text(current_error(), APOLOGY)
        await self.private(user_id, key, text, response_url=response_url)

    def titles(self) -> dict[str, str]:
        """Question titles by id."""
        return {p.id: p.title for p in self.controller.bank.problems.values()}

    async def _replace(self, channel: str, ts: str, blocks: list[Block], text: str) -> bool:
        try:
            await self.client.chat_update(
                channel=channel, ts=ts, text=fallback(text), blocks=blocks
            )
        except Exception:
            log.exception("Slack: could not finish a streamed message; posting it anew")
            return False
        return True

    @staticmethod
    def _streamed_index(
        reply: Reply, words: list[int], stream: StreamingMessage | None
    ) -> int | None:
        if stream is None or stream.ts is None or not words:
            return None
        for i in words:
            if reply.messages[i].text.strip() == stream.text.strip():
                return i
        return words[0]


def _error(exc: SlackApiError) -> str:
    """Slack's error code in a failed call."""
    return str(exc.response.get("error") or "")
