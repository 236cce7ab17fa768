"""The chat front controller that Slack and Discord share: parse, call the service, answer.

Adapters turn platform events into (who, place, text) and render the ChatResponse; every
decision about interviews is made here or in the service, never in an adapter.
"""

from __future__ import annotations

import asyncio
import random
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from enum import StrEnum

from bot.chat.grammar import (
    DrillRequest,
    ForgetRequest,
    SimpleRequest,
    StartRequest,
    UsageError,
    parse_request,
    usage,
)
from interviewer.bank import Problem, QuestionBank
from interviewer.commands import Command
from interviewer.drills.commands import drill_command, leaderboard_command
from interviewer.drills.leaderboard import render_standing
from interviewer.drills.service import DrillService
from interviewer.ports import DeltaSink, HistoryEntry
from interviewer.privacy.service import ExportFile, PrivacyService
from interviewer.service import InterviewError, InterviewService, NoInterview, Reply, Who

NO_THREADS_HERE = (
    "Interviews run in a direct message or in a thread of a text channel: run `{cmd} start` there."
)
"""A start in a channel where no thread can be opened; `{cmd}` is the platform's command."""

NO_SERVER = "Daily drills and leaderboards belong to a server: run this in one of its channels."
"""A drill or leaderboard command outside any workspace (a Discord DM)."""

OpenThread = Callable[[str], Awaitable[str]]
"""Posts a parent message in a channel and returns the conversation key of its thread."""


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


@dataclass(frozen=True)
class BoardView:
    """A leaderboard as text and, when there is data, a chart image."""

    text: str
    png: bytes | None = None


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
    ) -> None:
        self.service = service
        self.bank = bank
        self.command_name = command_name
        self.bold = bold
        self.drills = drills
        self.privacy = privacy
        # How the forget-me warning says to confirm; None: the chat form, `forget-me confirm`.
        self.forget_confirm = forget_confirm
        self._rng = rng or random.Random()

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
                return await self._start(who, place, request, open_thread)
            if isinstance(request, DrillRequest):
                return await self._drills(who, place, request, workspace, is_admin)
            if isinstance(request, ForgetRequest) or request.name == "export":
                # export and forget-me read and write the database: off the event loop
                return await self.service.db.run(self._privacy, who, request)
            if request.name == "help":
                return ChatResponse(private=usage(self.command_name, self.bold))
            if request.name == "history":
                return ChatResponse(history=await self.service.history_async(who))
            if request.name == "questions":
                return ChatResponse(questions=list(self.bank.problems.values()))
            if place.kind is PlaceKind.CHANNEL:
                # Slack cannot run a slash command inside a thread: from the channel, the
                # command goes to the user's running interview, and so does its answer.
                running = await self.service.current_async(who)
                if running is not None and running.channel != place.key:
                    reply = await self.service.command(
                        who, running.channel, Command(request.name), on_delta=on_delta
                    )
                    return ChatResponse(reply=reply, conversation=running.channel)
            reply = await self.service.command(
                who, place.key, Command(request.name), on_delta=on_delta
            )
            return ChatResponse(reply=reply)
        except UsageError as exc:
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
            return ChatResponse(private=f"Unknown button {action!r}.")
        try:
            reply = await self.service.command(who, place.key, command, interview_id=interview_id)
        except InterviewError as exc:
            return ChatResponse(private=str(exc))
        return ChatResponse(reply=reply)

    def standing(self, who: Who, workspace: str) -> str | None:
        """The member's rank, streak and trend per criterion (App Home, Discord output)."""
        if self.drills is None:
            return None
        return render_standing(self.drills.me(who.platform, workspace, who))

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
            return ChatResponse(private=NO_SERVER)
        if self.drills is None:
            return ChatResponse(private="Drills and leaderboards are not set up on this server.")
        if request.name == "leaderboard":
            shown = await self.service.db.run(
                leaderboard_command, self.drills, who.platform, workspace, who, request.args
            )
            if shown.board is None:
                return ChatResponse(private=shown.text)
            from bot.chat.charts import board_png  # matplotlib: only when drawn

            png = await asyncio.to_thread(board_png, shown.board) if shown.board.rows else None
            return ChatResponse(board=BoardView(shown.text, png))
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
        key = place.key
        if place.kind is PlaceKind.CHANNEL and open_thread is not None:
            kind = "design-along" if request.group else "mock interview"
            name = who.display_name or who.user_id
            key = await open_thread(
                f"{name} started a {request.fmt.value} {kind}: *{problem.title}*. "
                + (
                    "Everyone in this thread can answer."
                    if request.group
                    else "Answers go in this thread; anyone can watch."
                )
            )
        reply = await self.service.start(
            who, key, problem.id, request.fmt, group=request.group, level=request.level
        )
        return ChatResponse(reply=reply, conversation=key if key != place.key else None)

    def _choose(self, query: str | None) -> Problem:
        if query is None:
            return self.bank.problems[self._rng.choice(sorted(self.bank.problems))]
        found = self.bank.find(query)
        if not found:
            raise UsageError(
                f"No question matches {query!r}. `{self.command_name} questions` lists them."
            )
        if found[0].id == query.strip().lower():
            return found[0]
        return self._rng.choice(found[: max(1, min(len(found), 4))])
