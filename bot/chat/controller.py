"""The chat front controller that Slack and Discord share: parse, call the service, answer.

Adapters turn platform events into (who, place, text) and render the ChatResponse; every
decision about interviews is made here or in the service, never in an adapter.
"""

from __future__ import annotations

import asyncio
import functools
import random
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from enum import StrEnum
from typing import TYPE_CHECKING

from bot.chat.grammar import (
    DrillRequest,
    ForgetRequest,
    HistoryRequest,
    ReviewRequest,
    SimpleRequest,
    StartRequest,
    UsageError,
    parse_request,
    usage,
)
from interviewer.bank import Problem, QuestionBank
from interviewer.commands import Command
from interviewer.core.rubric import Level
from interviewer.core.stages import Format
from interviewer.core.text import excerpt
from interviewer.drills.commands import drill_command, leaderboard_command
from interviewer.drills.leaderboard import render_standing
from interviewer.drills.points import DrillError
from interviewer.drills.reminders import ReminderService
from interviewer.drills.service import DrillService
from interviewer.history import History, PastScorecard
from interviewer.peers.outcome import PeerOutcome
from interviewer.peers.service import PeerService
from interviewer.peers.session import PeerSessions
from interviewer.ports import DeltaSink, HistoryEntry
from interviewer.privacy.service import ExportFile, PrivacyService
from interviewer.service import InterviewError, InterviewService, NoInterview, Reply, Who
from interviewer.settings.service import SettingsService

if TYPE_CHECKING:
    from bot.bootstrap import Container
    from bot.review.card import CardReview
    from bot.review.pages import ReviewPages

NO_THREADS_HERE = (
    "Interviews run in a direct message or in a thread of a text channel: run `{cmd} start` there."
)
"""A start in a channel where no thread can be opened; `{cmd}` is the platform's command."""

NO_SERVER = {
    "drill": "Daily drills belong to a server's channels",
    "leaderboard": "Leaderboards belong to a server: each server has its own",
    "remind": "Streak reminders follow a server's daily drills",
    "pair": "Peer mocks are paired in a server's channel",
    "settings": "Settings belong to a server's channels",
}
"""A server-only command outside any workspace (a Discord DM), by command: what to do instead
is added ("run it in …")."""

ASK_FIRST = (
    "You already have an interview running ({title}, {stage} stage); one at a time keeps "
    "`{cmd} end` and the clock unambiguous. Carry on answering there, end it with `{cmd} end`, "
    "or run `{cmd} {again} --new` to end it (with its scorecard) and start this one."
)
"""A start while the member's interview runs: asks first instead of starting a second."""

NO_PEERS = "Peer mocks are not set up on this server."
ONLY_MANAGERS_SHARE = (
    "Only people who may manage this channel can post the board in it. `{cmd} leaderboard` "
    "shows it to you."
)

OpenThread = Callable[[str], Awaitable[str]]
"""Posts a parent message in a channel and returns the conversation key of its thread."""


class CannotPost(Exception):
    """The bot cannot post where the command was typed; the message says what to do."""


class PlaceKind(StrEnum):
    """What kind of conversation an event came from."""

    DM = "dm"
    CHANNEL = "channel"
    THREAD = "thread"


@dataclass(frozen=True)
class Place:
    """Where an event happened: its kind and its conversation key."""

    kind: PlaceKind
    key: str


@dataclass
class ChatResponse:
    """What the adapter shows: interviewer messages, a private note, lists."""

    reply: Reply | None = None
    private: str | None = None
    history: list[HistoryEntry] | None = None
    questions: list[Problem] | None = None
    conversation: str | None = None  # where the reply goes when it is not where the event was
    board: BoardView | None = None  # a leaderboard to show in the channel
    # `export`: send `export.content` (UTF-8 JSON) as a file named `export.filename` to the
    # member privately (a DM, never the channel), with `export.summary` as its message.
    export: ExportFile | None = None
    drill: bool = False  # a note for an answer in a drill thread (scores stay private)
    past: PastScorecard | None = None  # `history N`: a past scorecard, shown privately
    chart: bytes | None = None  # `history`: the member's progress chart (PNG), privately
    ended: Reply | None = None  # `start --new`: the interview it ended, for its own conversation
    peer: PeerOutcome | None = None  # a peer session's posts, private notes and scoring form
    shared: str | None = None  # `review N share`: posted for everyone where it was typed


def keeps_draft(response: ChatResponse | None) -> bool:
    """Whether a draft streamed while answering stands: only when the response carries
    interviewer words the interview stored (otherwise the adapter retracts the draft, so a
    member sees only what the interview holds)."""
    return response is not None and response.reply is not None and bool(response.reply.messages)


@dataclass(frozen=True)
class BoardView:
    """A leaderboard as text and, when there is data, a chart image."""

    text: str
    png: bytes | None = None
    public: bool = False  # posted in the channel (`leaderboard share`), else shown privately


class ChatController:
    """Runs chat commands, messages and button presses against the interview service."""

    def __init__(
        self,
        service: InterviewService,
        bank: QuestionBank,
        *,
        command_name: str = "/mockroom",
        bold: str = "*",
        drills: DrillService | None = None,
        privacy: PrivacyService | None = None,
        forget_confirm: str | None = None,
        rng: random.Random | None = None,
        peers: PeerService | None = None,
        reminders: ReminderService | None = None,
        settings: SettingsService | None = None,
        review: ReviewPages | None = None,
    ) -> None:
        self.service = service
        self.bank = bank
        self.command_name = command_name
        self.bold = bold
        self.drills = drills
        self.privacy = privacy
        self.peers = peers
        self.reminders = reminders
        self.settings = settings  # per-channel settings (interviewer/settings)
        self.review = review  # review pages (bot/review)
        # How the forget-me warning says to confirm; None: the chat form, `forget-me confirm`.
        self.forget_confirm = forget_confirm
        self._rng = rng or random.Random()
        self.history = History(service, drills.repo if drills is not None else None)

    @classmethod
    def wired(
        cls, parts: Container, *, bold: str = "*", forget_confirm: str | None = None
    ) -> ChatController:
        """A platform's controller over every service the container wired: a feature added
        to the container reaches Slack and Discord alike."""
        return cls(
            parts.service,
            parts.bank,
            bold=bold,
            drills=parts.drills,
            privacy=parts.privacy,
            forget_confirm=forget_confirm,
            peers=parts.peers,
            reminders=parts.reminders,
            settings=parts.channel_settings,
            review=parts.review,
        )

    @property
    def _sessions(self) -> PeerSessions | None:
        """The peer sessions, when peer mocks are set up."""
        return self.peers.sessions if self.peers is not None else None

    async def command(
        self,
        who: Who,
        place: Place,
        text: str,
        *,
        open_thread: OpenThread | None = None,
        on_delta: DeltaSink | None = None,
        workspace: str = "",
        is_admin: bool = False,
    ) -> ChatResponse:
        """A `/mockroom …` command; `workspace` (Slack team, Discord guild) and whether the
        user may manage the channel matter to drills and leaderboards."""
        try:
            request = parse_request(text, self.command_name, self.bold)
            if isinstance(request, StartRequest):
                if workspace and self.drills is not None:
                    # seen here: the interview's points count on this workspace's boards
                    await self.service.db.run(
                        self.drills.repo.note_member,
                        who.platform,
                        workspace,
                        who.user_id,
                        who.display_name,
                    )
                return await self._start(who, place, request, open_thread)
            if isinstance(request, DrillRequest) and request.name == "peer":
                return await self._peer(who, place, request.args)
            if isinstance(request, DrillRequest):
                return await self._drills(who, place, request, workspace, is_admin)
            if isinstance(request, HistoryRequest):
                past = await self.service.db.run(self.history.open, who, request.number)
                return ChatResponse(past=past)
            if isinstance(request, ReviewRequest):
                return await self.service.db.run(self._review, who, request)
            if isinstance(request, ForgetRequest) or request.name == "export":
                # export and forget-me read and write the database: off the event loop
                return await self.service.db.run(self._privacy, who, request)
            if request.name == "help":
                return ChatResponse(private=usage(self.command_name, self.bold))
            if request.name == "history":
                entries = await self.service.db.run(self.history.entries, who)
                return ChatResponse(history=entries, chart=await self._progress(who))
            if request.name == "questions":
                return ChatResponse(questions=list(self.bank.problems.values()))
            command = Command(request.name)
            sessions = self._sessions
            # A peer mock owns its conversation: its commands go the peer way, never the AI's.
            peer = await sessions.typed(who, place.key, command) if sessions else None
            if peer is not None:
                return _peer_response(who, peer)
            if place.kind is PlaceKind.CHANNEL:
                # Slack cannot run a slash command inside a thread: from the channel, the
                # command goes to the user's running interview, and so does its answer.
                running = await self.service.current_async(who)
                if running is not None and running.channel != place.key:
                    if running.state.peer and sessions is not None:
                        peer = await sessions.typed(who, running.channel, command)
                        return _peer_response(who, peer) if peer else ChatResponse()
                    reply = await self.service.command(
                        who, running.channel, command, on_delta=on_delta
                    )
                    return ChatResponse(reply=reply, conversation=running.channel)
            reply = await self.service.command(who, place.key, command, on_delta=on_delta)
            return ChatResponse(reply=reply)
        except (UsageError, CannotPost) as exc:
            return ChatResponse(private=str(exc))
        except NoInterview:
            return ChatResponse(
                private="No interview is running here. Start one with "
                f"`{self.command_name} start`, or `{self.command_name} help`."
            )
        except InterviewError as exc:
            return ChatResponse(private=str(exc))

    async def message(
        self,
        who: Who,
        place: Place,
        text: str,
        *,
        event_key: str | None = None,
        on_delta: DeltaSink | None = None,
    ) -> ChatResponse | None:
        """A plain message; None when it is not for the interviewer."""
        if place.kind is PlaceKind.CHANNEL:
            return None  # interviews live in DMs and threads; channel chatter is not ours
        sessions = self._sessions
        if sessions is not None:  # a pair's conversation: the session records it, no AI speaks
            try:
                peer = await sessions.message(who, place.key, text, event_key)
            except InterviewError as exc:
                return ChatResponse(private=str(exc))
            if peer is not None:
                said = peer.posts or peer.notes or peer.form or peer.diagram
                return _peer_response(who, peer) if said else None
        if (
            place.kind is PlaceKind.THREAD
            and self.drills is not None
            # every thread message asks; off the event loop, so a slow database stalls no one
            and await self.service.db.run(self.drills.is_drill_thread, who.platform, place.key)
        ):
            drilled = await self.drills.answer(who.platform, place.key, who, text, event_key)
            if drilled is not None:  # a drill thread: graded once, the card sent privately
                if drilled.private is None:
                    return None
                return ChatResponse(private=drilled.private, drill=True)
        try:
            reply = await self.service.answer(
                who, place.key, text, event_key=event_key, on_delta=on_delta
            )
        except NoInterview:
            # one note, however often the platform redelivers the message
            if place.kind is PlaceKind.DM and await self.service.first_delivery(
                who.platform, event_key
            ):
                return ChatResponse(
                    private=f"No interview is running. Start one with `{self.command_name} start`."
                )
            return None  # a thread that is not an interview
        except InterviewError as exc:
            return ChatResponse(private=str(exc))
        if reply is None:
            return None
        # Diagrams (interviewer/diagrams): a diagram not taken is said privately; the answer stands.
        return ChatResponse(reply=reply, private="\n".join(reply.notices) or None)

    async def button(self, who: Who, place: Place, interview_id: int, action: str) -> ChatResponse:
        """A button on an interviewer message: hint, next or end."""
        try:
            command = Command(action)
        except ValueError:
            return ChatResponse(private=f"Unknown button {excerpt(action)!r}.")
        sessions = self._sessions
        try:
            if sessions is not None:  # an End on a peer mock's old message goes the peer way
                peer = await sessions.button(who, place.key, interview_id, command)
                if peer is not None:
                    return _peer_response(who, peer)
            reply = await self.service.command(who, place.key, command, interview_id=interview_id)
        except InterviewError as exc:
            return ChatResponse(private=str(exc))
        return ChatResponse(reply=reply)

    async def peer_form(
        self, who: Who, session_id: int, criterion: str | None, score: int = 0
    ) -> ChatResponse:
        """A press on a peer session's scoring form: a score (criterion and 1-4) or Submit."""
        sessions = self._sessions
        if sessions is None:
            return ChatResponse(private=NO_PEERS)
        try:
            if criterion is None:
                return ChatResponse(peer=await sessions.submit(who, session_id))
            return ChatResponse(peer=await sessions.score(who, session_id, criterion, score))
        except InterviewError as exc:
            return ChatResponse(private=str(exc))

    async def _peer(self, who: Who, place: Place, args: str) -> ChatResponse:
        """`peer start|end` in a pair's private conversation."""
        sessions = self._sessions
        if sessions is None:
            return ChatResponse(private=NO_PEERS)
        return _peer_response(who, await sessions.command(who, place.key, args))

    async def _progress(self, who: Who) -> bytes | None:
        """The member's progress chart over their last scorecards; None with fewer than two."""
        cards = await self.service.db.run(self.history.recent_scorecards, who)
        if len(cards) < 2:
            return None
        from bot.chat.charts import progress_png  # matplotlib: only when drawn

        return await asyncio.to_thread(progress_png, cards)

    def standing(self, who: Who, workspace: str) -> str | None:
        """The member's rank, streak and trend per criterion (App Home, Discord output)."""
        if self.drills is None:
            return None
        return render_standing(self.drills.me(who.platform, workspace, who))

    def _review(self, who: Who, request: ReviewRequest) -> ChatResponse:
        """`review [N] [share]`: the page's link, or the page as a file, to the member alone;
        `share` also posts the link where the command was typed."""
        from bot.review.card import review_command

        if self.review is None:
            return ChatResponse(private="Review pages are not set up on this server.")
        answer = review_command(self.review, self.history, who, request.number, share=request.share)
        return ChatResponse(private=answer.text, export=answer.file, shared=answer.shared)

    async def card_review(
        self, page_id: int, private: bool, *, drill: bool = False
    ) -> CardReview | None:
        """A scorecard's Review link or line (`private`: the card goes to the candidate alone;
        `drill`: the id is a drill answer's)."""
        from bot.review.card import card_review

        return await self.service.db.run(
            functools.partial(card_review, drill=drill),
            self.review,
            page_id,
            private,
            self.command_name,
        )

    def _privacy(self, who: Who, request: SimpleRequest | ForgetRequest) -> ChatResponse:
        """`export`, `forget-me` and `forget-me confirm`: always about the member asking."""
        if self.privacy is None:
            return ChatResponse(private="Export and forget-me are not set up on this server.")
        if isinstance(request, SimpleRequest):
            exported = self.privacy.export_file(who)
            return ChatResponse(private=exported.summary, export=exported)
        if not request.confirm:
            warning = self.privacy.forget_warning(
                who, cmd=self.command_name, confirm=self.forget_confirm
            )
            return ChatResponse(private=warning)
        return ChatResponse(private=self.privacy.forget_confirmation(self.privacy.forget(who)))

    async def _drills(
        self, who: Who, place: Place, request: DrillRequest, workspace: str, is_admin: bool
    ) -> ChatResponse:
        if not workspace:  # a Discord DM: there is no server for a drill or a board
            why = NO_SERVER.get(request.name, "That belongs to a server")
            typed = f"{self.command_name} {request.name} {request.args}".strip()
            return ChatResponse(private=f"{why}: run `{typed}` in one of its channels.")
        if request.name == "remind":
            if self.reminders is None:
                return ChatResponse(private="Streak reminders are not set up on this server.")
            answer = await self.service.db.run(
                self.reminders.command, who.platform, workspace, who.user_id, request.args
            )
            return ChatResponse(private=answer)
        if request.name == "settings":
            if self.settings is None:
                return ChatResponse(private="Channel settings are not set up on this server.")
            if place.kind is not PlaceKind.CHANNEL:
                raise DrillError("Settings belong to a channel: run this in the channel itself.")
            answer = await self.service.db.run(
                self.settings.command,
                who.platform,
                workspace,
                place.key,
                who,
                is_admin,
                request.args,
                not_after=self.service.db.commit_by(),  # told "not recorded", never applied
            )
            return ChatResponse(private=answer)
        if request.name == "pair":
            if self.peers is None:
                return ChatResponse(private=NO_PEERS)
            if place.kind is not PlaceKind.CHANNEL:
                raise DrillError("Peer mocks belong to a channel: run this in the channel itself.")
            answer = await self.service.db.run(
                self.peers.command, who.platform, workspace, place.key, who, is_admin, request.args
            )
            return ChatResponse(private=answer)
        if self.drills is None:
            return ChatResponse(private="Drills and leaderboards are not set up on this server.")
        if request.name == "leaderboard":
            head, _, rest = request.args.strip().partition(" ")
            share = head.lower() == "share"
            if share and place.kind is not PlaceKind.CHANNEL:
                raise DrillError("Boards are shared in a channel: run this in the channel itself.")
            if share and not await self.service.db.run(
                self.drills.may_manage, who.platform, who.user_id, is_admin
            ):
                return ChatResponse(private=ONLY_MANAGERS_SHARE.format(cmd=self.command_name))
            args = rest if share else request.args
            if share and args.strip().lower() not in ("", "week", "all"):
                raise DrillError(f"Use `{self.command_name} leaderboard share [week|all]`.")
            shown = await self.service.db.run(
                leaderboard_command, self.drills, who.platform, workspace, who, args, shared=share
            )
            if shown.board is None:
                return ChatResponse(private=shown.text)
            from bot.chat.charts import board_png  # matplotlib: only when drawn

            viewer = None if share else who.user_id
            png = None
            if shown.board.rows:
                png = await asyncio.to_thread(board_png, shown.board, viewer)
            return ChatResponse(board=BoardView(shown.text, png, public=share))
        if place.kind is not PlaceKind.CHANNEL and not request.args.strip().startswith("list"):
            return ChatResponse(
                private="Drills belong to a channel: run this in the channel itself."
            )
        text = await self.service.db.run(
            drill_command,
            self.drills,
            who.platform,
            workspace,
            place.key,
            who,
            is_admin,
            request.args,
        )
        return ChatResponse(private=text)

    async def _start(
        self, who: Who, place: Place, request: StartRequest, open_thread: OpenThread | None
    ) -> ChatResponse:
        if place.kind is PlaceKind.CHANNEL and open_thread is None:
            # Answers are read in DMs and threads only: an interview here would never hear them.
            return ChatResponse(private=NO_THREADS_HERE.format(cmd=self.command_name))
        problem = self._choose(request.query)
        fmt, level = request.fmt, request.level
        if (fmt is None or level is None) and place.kind is PlaceKind.CHANNEL and self.settings:
            # the channel's defaults (interviewer/settings) when the start names none
            chosen = await self.service.db.run(
                self.settings.start_defaults, who.platform, place.key
            )
            fmt, level = fmt or chosen[0], level or chosen[1]
        fmt, level = fmt or Format.STANDARD, level or Level.SENIOR
        ended = None
        running = await self.service.current_async(who)
        if running is not None:
            if not request.new:
                title = self.bank.problems.get(running.state.question_id)
                return ChatResponse(
                    private=ASK_FIRST.format(
                        title=title.title if title else running.state.question_id,
                        stage=running.state.stage.label.lower(),
                        cmd=self.command_name,
                        again=_again(request),
                    )
                )
            ended = await self.service.command(who, running.channel, Command.END)
        key = place.key
        if place.kind is PlaceKind.CHANNEL and open_thread is not None:
            kind = "design-along" if request.group else "mock interview"
            name = who.display_name or who.user_id
            b = self.bold
            key = await open_thread(
                f"{name} started a {fmt.value} {kind}: {b}{problem.title}{b}. "
                + (
                    "Everyone in this thread can answer."
                    if request.group
                    else "Answers go in this thread; anyone can watch."
                )
            )
        reply = await self.service.start(
            who, key, problem.id, fmt, group=request.group, level=level
        )
        conversation = key if key != place.key else None
        return ChatResponse(reply=reply, conversation=conversation, ended=ended)

    def _choose(self, query: str | None) -> Problem:
        if query is None:
            return self.bank.problems[self._rng.choice(sorted(self.bank.problems))]
        found = self.bank.find(query)
        if not found:
            raise UsageError(
                f"No question matches {excerpt(query)!r}. `{self.command_name} questions` lists them."
            )
        if found[0].id == query.strip().lower():
            return found[0]
        return self._rng.choice(found[: max(1, min(len(found), 4))])


def _peer_response(who: Who, outcome: PeerOutcome) -> ChatResponse:
    """A peer-session outcome as a response: the notes for the member who asked become the
    private answer (ephemeral on both platforms); the rest goes the peer way."""
    mine = [text for user, text in outcome.notes if user == who.user_id]
    outcome.notes = [(user, text) for user, text in outcome.notes if user != who.user_id]
    return ChatResponse(private="\n".join(mine) or None, peer=outcome)


def _again(request: StartRequest) -> str:
    """The start command as typed, to repeat with --new."""
    words = ["start"]
    if request.query:
        words.append(request.query if " " not in request.query else f"'{request.query}'")
    if request.fmt is not None:
        words.append(request.fmt.value)
    if request.level is not None:
        words.append(request.level.value)
    if request.group:
        words.append("--group")
    return " ".join(words)
