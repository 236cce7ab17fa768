"""The interview service: what front ends call to start, answer, command and tick interviews.

It finds the conversation's interview and checks who may act; the engine under it
(interviewer/steps.py) runs the pure machine and carries its actions out through ports.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Sequence
from dataclasses import replace
from datetime import timedelta

from interviewer.commands import Command
from interviewer.core import machine
from interviewer.core.events import (
    CandidateMessage,
    EndAsked,
    Event,
    HintAsked,
    MoveOnAsked,
    Resumed,
    Tick,
    TimeAsked,
)
from interviewer.core.rubric import Level, Scorecard, parse_level
from interviewer.core.stages import Format
from interviewer.core.text import excerpt, normalize
from interviewer.core.transcript import Role, Transcript, Turn, TurnKind
from interviewer.diagrams.extract import READ_TOO_LONG, Extracted, read_typed
from interviewer.diagrams.graph import Graph
from interviewer.diagrams.view import DiagramView, drawn_before
from interviewer.ports import (
    DeltaSink,
    HistoryEntry,
    StaleInterview,
    StoredInterview,
    Utterance,
    error_line,
)
from interviewer.quotas import UNLIMITED_PLATFORMS, Quotas
from interviewer.replies import (
    AlreadyRunning,
    BadMessage,
    Busy,
    DatabaseUnavailable,
    InterviewError,
    NoInterview,
    NotYourInterview,
    Outbound,
    Overloaded,
    Reply,
    ReplyDelayed,
    Who,
)
from interviewer.steps import (
    DEFAULT_MAX_MESSAGE_CHARS,
    READ_DEADLINE,
    STALE_ATTEMPTS,
    InterviewSteps,
    ScorecardHook,
    pending_answer,
)

__all__ = [
    "DEFAULT_MAX_MESSAGE_CHARS",
    "STALE_ATTEMPTS",
    "AlreadyRunning",
    "BadMessage",
    "Busy",
    "DatabaseUnavailable",
    "InterviewError",
    "InterviewService",
    "NoInterview",
    "NotYourInterview",
    "Outbound",
    "Overloaded",
    "Reply",
    "ReplyDelayed",
    "ScorecardHook",
    "Who",
]

log = logging.getLogger(__name__)

_COMMAND_EVENTS: dict[Command, Event] = {
    Command.HINT: HintAsked(),
    Command.NEXT: MoveOnAsked(),
    Command.TIME: TimeAsked(),
    Command.END: EndAsked(),
}


class InterviewService(InterviewSteps):
    """Starts interviews, feeds them events, writes every turn, grades the end."""

    # ---- starting ---------------------------------------------------------------------------

    async def start(
        self,
        who: Who,
        channel: str,
        question_id: str | None = None,
        fmt: Format | str = Format.STANDARD,
        *,
        group: bool = False,
        level: Level | str = Level.SENIOR,
        peer: bool = False,
    ) -> Reply:
        """Start an interview for `who` in a conversation; refuse while one runs there."""
        fmt = Format(fmt) if isinstance(fmt, Format) else self._parse_format(fmt)
        try:
            level = level if isinstance(level, Level) else parse_level(level)
        except ValueError as exc:
            raise InterviewError(str(exc)) from None
        user_id, running = await self.db.run(
            self.repo.conversation, who.platform, who.user_id, who.display_name, channel
        )
        if running is not None:
            if running.user_id == user_id:
                raise AlreadyRunning(
                    f"You already have an interview running here ({running.state.question_id}, "
                    f"{running.state.stage.label.lower()} stage). Carry on answering, or end "
                    "it with /end before starting another."
                )
            raise AlreadyRunning(
                "Someone else's interview is running in this conversation. "
                "Start yours in a new thread or a direct message."
            )
        quotas = self._limits(who.platform)
        if quotas is not None:
            await self.db.run(quotas.check_start, user_id, self.clock())
        problem_id = question_id or self._rng.choice(sorted(self.bank.problems))
        try:
            problem = self.bank.problem(problem_id)
        except KeyError as exc:
            raise InterviewError(str(exc.args[0])) from None
        options = [(c, tuple(self.bank.curveballs[c].stages)) for c in problem.curveballs]
        now = self.clock()
        state, actions = machine.start(
            problem.id,
            fmt,
            options,
            now,
            seed=self._rng.randrange(2**31),
            group=group,
            level=level,
            peer=peer,
        )
        interview_id = await self.db.run(
            self.repo.create_interview, user_id, who.platform, channel, state, [], self.brain.name
        )
        stored = StoredInterview(interview_id, user_id, who.platform, channel, state, [])
        return await self._carry_out(stored, state, actions, [])

    # ---- inbound ------------------------------------------------------------------------------

    async def answer(
        self,
        who: Who,
        channel: str,
        text: str,
        *,
        event_key: str | None = None,
        on_delta: DeltaSink | None = None,
    ) -> Reply | None:
        """A message in a conversation: record the candidate's answer, then reply.

        None when the message is not for the interviewer: an observer talking in the
        thread of someone else's interview, or a repeated delivery of one already handled
        (`event_key` identifies it on the platform). Overloaded, with nothing read or
        stored, when too many answers are waiting already (interviewer/admission.py).
        """
        async with self.admission.slot():
            return await self._answer(who, channel, text, event_key, on_delta)

    async def _answer(
        self,
        who: Who,
        channel: str,
        text: str,
        event_key: str | None,
        on_delta: DeltaSink | None,
    ) -> Reply | None:
        text = normalize(text)
        fits = bool(text) and len(text) <= self.max_message_chars
        # One trip to a worker thread: the conversation, the event's claim when it is ours,
        # and the rate limit when the message is one to record.
        stored, first = await self.db.run(self._read_and_claim, who, channel, event_key, fits)
        if stored is None:
            raise NoInterview("No interview is running here. Start one first.")
        if not first:
            return None  # an observer's message, or a repeated delivery
        if not text:
            raise BadMessage("That message was empty. Write your answer, or /help for commands.")
        if len(text) > self.max_message_chars:
            raise BadMessage(
                f"That message is {len(text):,} characters; the limit is "
                f"{self.max_message_chars:,}. Nothing was recorded: split it into parts."
            )
        # Diagrams (interviewer/diagrams): a diagram that reads well leaves the prose and is kept
        # with the turn; one that does not stays in the prose, and the reply says why.
        found, graph = await self._read(text)
        prose = found.prose if found.source else text
        # The platform's user id: stable across renames; chat front ends render it as a mention.
        event = CandidateMessage(prose, author=who.user_id, diagram=found.source)
        reply = await self._event(stored.id, event, on_delta, loaded=stored)
        shown = None
        if graph is not None:
            shown = DiagramView(drawn_before(stored.turns) + 1, graph, who.user_id)
        return replace(reply, diagram=shown, notices=(*reply.notices, *found.problems))

    async def _read(self, text: str) -> tuple[Extracted, Graph | None]:
        """The answer's diagrams, read and typed on a reader thread (CPU work stays off the
        loop); past READ_DEADLINE the answer is kept whole as prose, with a notice."""
        try:
            return await asyncio.wait_for(
                self.reader.run(read_typed, text, self.concepts), READ_DEADLINE
            )
        except TimeoutError:
            log.warning("reading an answer's diagrams took over %ss", READ_DEADLINE)
            return Extracted(text, problems=(READ_TOO_LONG,)), None

    async def command(
        self,
        who: Who,
        channel: str,
        command: Command,
        *,
        interview_id: int | None = None,
        on_delta: DeltaSink | None = None,
    ) -> Reply:
        """A command (/hint, /next, /time, /end) on the conversation's interview.

        A button names its interview by id; only its candidate (or, in a design-along,
        anyone in the conversation) may use it.
        """
        event = _COMMAND_EVENTS.get(command)
        if event is None:
            raise InterviewError(f"/{command.value} is handled by the front end.")
        if interview_id is None:
            stored, user_id = await self._conversation(who, channel)
        else:
            user_id = await self.db.run(
                self.repo.ensure_user, who.platform, who.user_id, who.display_name
            )
            found = await self.db.run(self.repo.load, interview_id)
            if found is None or found.platform != who.platform or found.channel != channel:
                raise NoInterview("That interview is not in this conversation.")
            stored = found
        if not stored.state.group and stored.user_id != user_id:
            raise NotYourInterview(
                "That's not your interview: only its candidate can do that. "
                "Start your own with /mockroom start."
            )
        return await self._event(stored.id, event, on_delta, loaded=stored)

    async def act(self, interview_id: int, command: Command) -> Reply:
        """A command on an interview the caller has checked may be acted on (a peer mock's
        pair: either member ends it, its interviewer moves the stage on)."""
        event = _COMMAND_EVENTS.get(command)
        if event is None:
            raise InterviewError(f"/{command.value} is handled by the front end.")
        return await self._event(interview_id, event)

    async def interviewer_turn(self, interview_id: int, text: str, author: str) -> bool:
        """Store a peer mock's human interviewer's message as an interviewer turn; False when
        the interview is over or the message has no text (a file alone) to keep."""
        text = normalize(text)
        if not text:
            return False
        for _ in range(STALE_ATTEMPTS):
            stored = await self._reload(interview_id)
            if not stored.state.active:
                return False  # over: the pair talks freely, whatever the length
            if len(text) > self.max_message_chars:
                raise BadMessage(
                    f"Messages here are kept up to {self.max_message_chars:,} characters: split it."
                )
            now = self.clock()
            state = machine.note_question(stored.state, now)
            turn = Turn(
                Role.INTERVIEWER, state.stage, text, TurnKind.MESSAGE.value, now, None, author
            )
            try:
                await self.db.run(
                    self.repo.save_step, stored.id, state, [turn], expected_version=stored.version
                )
                return True
            except StaleInterview:
                continue  # the clock spoke meanwhile: store it on top of that
        raise Busy("That session is busy right now and nothing was recorded: send it again.")

    async def resume(
        self, who: Who, channel: str | None = None, *, pause_clock: bool = True
    ) -> Reply:
        """Pick the user's running interview up again; the time away does not count."""
        stored = await self._running(who, channel)
        async with self._lock(stored.id):
            stored = await self._reload(stored.id)
            state, actions = machine.step(stored.state, Resumed(pause_clock), self.clock())
            reply = await self._carry_out(stored, state, actions, [])
            if pending_answer(stored) is not None and state.active:
                # An answer stored without its reply (a crash mid-answer): reply to it now.
                stored = await self._reload(stored.id)
                pending = await self.reply_pending(stored)
                reply.messages.extend(pending.messages)
                return reply
            last = next((t for t in reversed(stored.turns) if t.role is Role.INTERVIEWER), None)
            if last is not None:
                # Repeat where we were, without storing it twice.
                reply.messages.append(
                    self._outbound(state, Utterance(last.text, TurnKind(last.kind)))
                )
            return reply

    async def tick(self, interview_id: int) -> Reply:
        """Let the clock act on one interview: warnings, curveballs, stage moves, the end.

        When another replica ticked the same interview first, this one says nothing.
        """
        async with self._lock(interview_id):
            stored = await self._reload(interview_id)
            state, actions = machine.step(stored.state, Tick(), self.clock())
            try:
                return await self._carry_out(stored, state, actions, [])
            except StaleInterview:
                log.info("interview %s was ticked by another process", interview_id)
                return Reply(
                    stored.id, state.question_id, platform=stored.platform, channel=stored.channel
                )

    async def tick_due(self, limit: int = 100) -> list[Reply]:
        """Tick every interview whose deadline has come; the replies that say something."""
        # Together (at most `limit`): interviews started together fall due together, and each
        # tick may wait for the model or grade, so one after another would fall behind.
        due = await self.db.run(self.repo.due_interviews, self.clock(), limit)
        ticked = await asyncio.gather(*(self._tick_logged(i) for i in due))
        # a peer mock's clock posts went out through the outbox: it said something all the same
        return [r for r in ticked if r is not None and (r.messages or r.announced)]

    async def _tick_logged(self, interview_id: int) -> Reply | None:
        try:
            return await self.tick(interview_id)
        except Exception as exc:
            self.telemetry.error("clock")
            log.exception(
                "the clock could not tick interview %s: %s", interview_id, error_line(exc)
            )
            return None

    async def owed_replies(self, interview_id: int | None = None) -> list[Reply]:
        """Retry the replies that failed after their answer was stored, those whose backoff is
        up (only `interview_id`'s, when given); the replies to deliver, each for its own
        conversation. A reply given meanwhile (a resend, a resume, another replica) is not
        given again."""
        replies = []
        for owed_id in self.owed.due(self.clock(), interview_id):
            try:
                reply = await self._retry_reply(owed_id)
            except Exception as exc:
                again = self.owed.failed(owed_id, self.clock())
                log.warning(
                    "interview %s: retrying the reply failed (%s): %s",
                    owed_id,
                    "tried again later" if again else "given up",
                    error_line(exc),
                    exc_info=not isinstance(exc, DatabaseUnavailable),
                )
                continue
            self.owed.settle(owed_id)
            if reply is not None and reply.messages:
                replies.append(reply)
        return replies

    async def find_unanswered(self, platforms: Sequence[str], older_than: timedelta) -> int:
        """Note answers left without a reply for longer than `older_than` (a crash, a reply
        whose tries ran out) so that owed_replies retries them at once; how many."""
        before = self.clock() - older_than
        found = await self.db.run(self.repo.unanswered, before, platforms)
        for interview_id in found:
            self.owed.owe(interview_id, self.clock(), at_once=True)
        return len(found)

    async def _retry_reply(self, interview_id: int) -> Reply | None:
        """The reply to an interview's unanswered answer (saying nothing when none is owed any
        more); None when the interview is gone."""
        async with self._lock(interview_id):
            stored = await self.db.run(self.repo.load, interview_id)
            if stored is None:
                return None  # forgotten
            try:
                # A Reply with nothing to say when it was answered meanwhile or has ended.
                return await self.reply_pending(stored)
            except StaleInterview:
                log.info("interview %s was answered by another process", interview_id)
                return None

    def _read_and_claim(
        self, who: Who, channel: str, event_key: str | None, fits: bool
    ) -> tuple[StoredInterview | None, bool]:
        """The conversation's interview, and whether the event is a first
        delivery of a message for it (runs on a worker thread). A first delivery that `fits`
        (one to record) is held to the message rate limit here, before anything is stored, so
        nothing is half-recorded; QuotaExceeded when it is over. One database connection
        for all of it (on PostgreSQL a statement each, in autocommit)."""
        with self.repo.one_connection():
            user_id, stored = self.repo.conversation(
                who.platform, who.user_id, who.display_name, channel
            )
            if stored is None or (not stored.state.group and stored.user_id != user_id):
                return stored, False
            first = event_key is None or self.repo.claim_event(who.platform, event_key)
            quotas = self._limits(who.platform)
            if first and fits and quotas is not None:
                quotas.check_message(user_id, who.user_id, stored.id, self.clock())
            return stored, first

    def _limits(self, platform: str) -> Quotas | None:
        """The quotas a platform's members are held to; None for the local terminal user (the
        limits protect a shared chat bot, not one's own machine) or when there are none."""
        return None if platform in UNLIMITED_PLATFORMS else self.quotas

    async def first_delivery(self, platform: str, event_key: str | None) -> bool:
        """Whether a platform event is seen for the first time (retries and replays are not)."""
        return event_key is None or await self.db.run(self.repo.claim_event, platform, event_key)

    async def recover(self, who: Who | None = None) -> list[Reply]:
        """Grade interviews a crash left without a scorecard (one member's, or everyone's at
        `serve` start); each Reply carries the scorecard for the member."""
        user_id = None
        if who is not None:
            user_id = await self.db.run(
                self.repo.ensure_user, who.platform, who.user_id, who.display_name
            )
        return await self.grade_unscored(user_id)

    async def current_async(self, who: Who, channel: str | None = None) -> StoredInterview | None:
        """The user's running interview, if any, read off the event loop."""
        return await self.db.run(self.current, who, channel)

    def current(self, who: Who, channel: str | None = None) -> StoredInterview | None:
        """The user's running interview, if any."""
        user_id = self.repo.ensure_user(who.platform, who.user_id, who.display_name)
        return self.repo.active_interview(user_id, channel)

    def history(self, who: Who, limit: int = 20) -> list[HistoryEntry]:
        """The user's past interviews, newest first."""
        user_id = self.repo.ensure_user(who.platform, who.user_id, who.display_name)
        return self.repo.history(user_id, limit)

    async def grade_transcript(self, transcript: Transcript) -> Scorecard:
        """Grade a transcript that did not run here (a file), with the configured grader."""
        card = await self._grade(transcript, None)
        if transcript.question_id not in self.bank.problems:
            card.notes.append(
                f"Unknown question id {excerpt(transcript.question_id)!r}: graded on the rubric alone."
            )
        return card

    # ---- internals ----------------------------------------------------------------------------

    def _parse_format(self, name: str) -> Format:
        try:
            return Format(name.lower())
        except ValueError:
            names = ", ".join(f.value for f in Format)
            raise InterviewError(
                f"Unknown format {excerpt(name)!r}: choose one of {names}."
            ) from None

    async def _running(self, who: Who, channel: str | None) -> StoredInterview:
        stored = await self.current_async(who, channel)
        if stored is None:
            raise NoInterview("No interview is running here. Start one first.")
        return stored

    async def _conversation(self, who: Who, channel: str) -> tuple[StoredInterview, int]:
        """The conversation's running interview and the asking user's id."""
        user_id, stored = await self.db.run(
            self.repo.conversation, who.platform, who.user_id, who.display_name, channel
        )
        if stored is None:
            raise NoInterview("No interview is running here. Start one first.")
        return stored, user_id
