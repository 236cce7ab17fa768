"""The interview service: runs the pure machine and carries its actions out through ports."""

from __future__ import annotations

import asyncio
import logging
import random
import time
from collections.abc import Callable, Sequence
from dataclasses import replace
from datetime import datetime

from interviewer.bank import QuestionBank
from interviewer.commands import Command
from interviewer.core import machine
from interviewer.core.events import (
    Action,
    AskFollowUp,
    CandidateMessage,
    EndAsked,
    Event,
    HintAsked,
    MoveOnAsked,
    Persist,
    RequestScorecard,
    Resumed,
    Tick,
    TimeAsked,
)
from interviewer.core.rubric import Contribution, Scorecard
from interviewer.core.stages import Format
from interviewer.core.state import InterviewState
from interviewer.core.text import normalize
from interviewer.core.transcript import Role, Transcript, Turn, TurnKind
from interviewer.ports import (
    Brain,
    DeltaSink,
    Grader,
    HistoryEntry,
    MetersUsage,
    NoTelemetry,
    Repository,
    StaleInterview,
    StoredInterview,
    Telemetry,
    TurnContext,
    UsageDelta,
    Utterance,
    usage_key,
)
from interviewer.quotas import BUDGET_NOTICE, Quotas
from interviewer.replies import (
    AlreadyRunning,
    BadMessage,
    Busy,
    InterviewError,
    NoInterview,
    NotYourInterview,
    Outbound,
    Reply,
    Who,
)

__all__ = [
    "AlreadyRunning",
    "BadMessage",
    "Busy",
    "InterviewError",
    "InterviewService",
    "NoInterview",
    "NotYourInterview",
    "Outbound",
    "Reply",
    "Who",
]

log = logging.getLogger(__name__)

DEFAULT_MAX_MESSAGE_CHARS = 8000
STALE_ATTEMPTS = 5
"""Times an event is taken again on top of other replicas' steps before giving up."""

ScorecardHook = Callable[[StoredInterview, Scorecard], object]
"""Called with a finished interview and its scorecard once the scorecard is saved."""


_COMMAND_EVENTS: dict[Command, Event] = {
    Command.HINT: HintAsked(),
    Command.NEXT: MoveOnAsked(),
    Command.TIME: TimeAsked(),
    Command.END: EndAsked(),
}


class InterviewService:
    """Starts interviews, feeds them events, writes every turn, grades the end."""

    def __init__(
        self,
        repo: Repository,
        bank: QuestionBank,
        brain: Brain,
        grader: Grader,
        clock: Callable[[], datetime],
        *,
        fallback_brain: Brain | None = None,
        fallback_grader: Grader | None = None,
        max_message_chars: int = DEFAULT_MAX_MESSAGE_CHARS,
        rng: random.Random | None = None,
        on_scorecard: ScorecardHook | None = None,
        telemetry: Telemetry | None = None,
        quotas: Quotas | None = None,
    ) -> None:
        self.repo = repo
        self.bank = bank
        self.brain = brain
        self.grader = grader
        self.clock = clock
        self.fallback_brain = fallback_brain
        self.fallback_grader = fallback_grader
        self.max_message_chars = max_message_chars
        self._rng = rng or random.Random()
        self._locks: dict[int, asyncio.Lock] = {}
        self.on_scorecard = on_scorecard
        self.telemetry: Telemetry = telemetry or NoTelemetry()
        self.quotas = quotas  # None: no limits

    # ---- starting ---------------------------------------------------------------------------

    async def start(
        self,
        who: Who,
        channel: str,
        question_id: str | None = None,
        fmt: Format | str = Format.STANDARD,
        *,
        group: bool = False,
    ) -> Reply:
        """Start an interview for `who` in a conversation; refuse while one runs there."""
        fmt = Format(fmt) if isinstance(fmt, Format) else self._parse_format(fmt)
        user_id = self.repo.ensure_user(who.platform, who.user_id, who.display_name)
        running = self.repo.active_in_channel(who.platform, channel)
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
        if self.quotas is not None:
            self.quotas.check_start(user_id, self.clock())
        problem_id = question_id or self._rng.choice(sorted(self.bank.problems))
        try:
            problem = self.bank.problem(problem_id)
        except KeyError as exc:
            raise InterviewError(str(exc.args[0])) from None
        options = [(c, tuple(self.bank.curveballs[c].stages)) for c in problem.curveballs]
        now = self.clock()
        state, actions = machine.start(
            problem.id, fmt, options, now, seed=self._rng.randrange(2**31), group=group
        )
        interview_id = self.repo.create_interview(
            user_id, who.platform, channel, state, [], self.brain.name
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
        (`event_key` identifies it on the platform).
        """
        stored, user_id = self._conversation(who, channel)
        if not stored.state.group and stored.user_id != user_id:
            return None
        if not self.first_delivery(who.platform, event_key):
            return None
        text = normalize(text)
        if not text:
            raise BadMessage("That message was empty. Write your answer, or /help for commands.")
        if len(text) > self.max_message_chars:
            raise BadMessage(
                f"That message is {len(text):,} characters; the limit is "
                f"{self.max_message_chars:,}. Nothing was recorded: split it into parts."
            )
        if self.quotas is not None:  # before anything is stored, so nothing half-recorded
            self.quotas.check_message(user_id, who.user_id, stored.id, self.clock())
        # The platform's user id: stable across renames; chat front ends render it as a mention.
        event = CandidateMessage(text, author=who.user_id)
        return await self._event(stored.id, event, on_delta, loaded=stored)

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
            stored, user_id = self._conversation(who, channel)
        else:
            user_id = self.repo.ensure_user(who.platform, who.user_id, who.display_name)
            found = self.repo.load(interview_id)
            if found is None or found.platform != who.platform or found.channel != channel:
                raise NoInterview("That interview is not in this conversation.")
            stored = found
        if not stored.state.group and stored.user_id != user_id:
            raise NotYourInterview(
                "That's not your interview: only its candidate can do that. "
                "Start your own with /mockroom start."
            )
        return await self._event(stored.id, event, on_delta, loaded=stored)

    async def resume(
        self, who: Who, channel: str | None = None, *, pause_clock: bool = True
    ) -> Reply:
        """Pick the user's running interview up again; the time away does not count."""
        stored = self._running(who, channel)
        async with self._lock(stored.id):
            stored = self._reload(stored.id)
            state, actions = machine.step(stored.state, Resumed(pause_clock), self.clock())
            reply = await self._carry_out(stored, state, actions, [])
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
            stored = self._reload(interview_id)
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
        replies = []
        for interview_id in self.repo.due_interviews(self.clock(), limit):
            try:
                reply = await self.tick(interview_id)
            except Exception:
                self.telemetry.error("clock")
                log.exception("the clock could not tick interview %s", interview_id)
                continue
            if reply.messages:
                replies.append(reply)
        return replies

    def first_delivery(self, platform: str, event_key: str | None) -> bool:
        """Whether a platform event is seen for the first time (retries and replays are not)."""
        return event_key is None or self.repo.claim_event(platform, event_key)

    def current(self, who: Who, channel: str | None = None) -> StoredInterview | None:
        """The user's running interview, if any."""
        user_id = self.repo.ensure_user(who.platform, who.user_id, who.display_name)
        return self.repo.active_interview(user_id, channel)

    def history(self, who: Who, limit: int = 20) -> list[HistoryEntry]:
        """The user's past interviews, newest first."""
        user_id = self.repo.ensure_user(who.platform, who.user_id, who.display_name)
        return self.repo.history(user_id, limit)

    # ---- internals ----------------------------------------------------------------------------

    def _parse_format(self, name: str) -> Format:
        try:
            return Format(name.lower())
        except ValueError:
            names = ", ".join(f.value for f in Format)
            raise InterviewError(f"Unknown format {name!r}: choose one of {names}.") from None

    def _running(self, who: Who, channel: str | None) -> StoredInterview:
        stored = self.current(who, channel)
        if stored is None:
            raise NoInterview("No interview is running here. Start one first.")
        return stored

    def _conversation(self, who: Who, channel: str) -> tuple[StoredInterview, int]:
        """The conversation's running interview and the asking user's id."""
        user_id = self.repo.ensure_user(who.platform, who.user_id, who.display_name)
        stored = self.repo.active_in_channel(who.platform, channel)
        if stored is None:
            raise NoInterview("No interview is running here. Start one first.")
        return stored, user_id

    def _reload(self, interview_id: int) -> StoredInterview:
        stored = self.repo.load(interview_id)
        if stored is None:
            raise NoInterview(f"Interview {interview_id} does not exist.")
        return stored

    def _lock(self, interview_id: int) -> asyncio.Lock:
        return self._locks.setdefault(interview_id, asyncio.Lock())

    async def _event(
        self,
        interview_id: int,
        event: Event,
        on_delta: DeltaSink | None = None,
        *,
        loaded: StoredInterview | None = None,
    ) -> Reply:
        """Feed an event to an interview; `loaded` is the interview as just read, if it was."""
        for attempt in range(STALE_ATTEMPTS):
            try:
                return await self._event_once(
                    interview_id, event, on_delta, loaded if attempt == 0 else None
                )
            except StaleInterview:
                # Another replica moved the interview on (its clock, another message) as this
                # event came: take the event again on top of what it saved. Nothing of this
                # attempt was stored, and a candidate's message is saved before the model runs.
                log.info("interview %s changed meanwhile; taking the event again", interview_id)
                await asyncio.sleep(random.uniform(0, 0.02 * (attempt + 1)))
        raise Busy(
            "That interview is busy elsewhere right now and nothing was recorded: "
            "send that again in a moment."
        )

    async def _event_once(
        self,
        interview_id: int,
        event: Event,
        on_delta: DeltaSink | None,
        loaded: StoredInterview | None = None,
    ) -> Reply:
        lock = self._lock(interview_id)
        # A free lock is taken without yielding, so nothing here has changed the interview
        # since it was read; read it again only after waiting for another event's step.
        # (Another replica's step shows as StaleInterview when saving, and is retried.)
        fresh = loaded is not None and not lock.locked()
        async with lock:
            stored = loaded if fresh and loaded is not None else self._reload(interview_id)
            if not stored.state.active:
                raise NoInterview("That interview has already ended. Start a new one.")
            now = self.clock()
            state, actions = machine.step(stored.state, event, now)
            new_turns: list[Turn] = []
            if isinstance(event, CandidateMessage):
                # The candidate's words are stored before the interviewer says anything.
                turn = Turn(
                    Role.CANDIDATE, stored.state.stage, event.text, at=now, author=event.author
                )
                version = self.repo.save_step(
                    stored.id, state, [turn], expected_version=stored.version
                )
                self.telemetry.turn(stored.platform, Role.CANDIDATE.value)
                stored = replace(stored, turns=[*stored.turns, turn], version=version)
                try:
                    return await self._carry_out(stored, state, actions, new_turns, on_delta)
                except StaleInterview:
                    # The answer is stored; another replica's clock spoke meanwhile and its
                    # words stand. Taking the event again would store the answer twice.
                    log.info("interview %s moved on while answering", interview_id)
                    return Reply(
                        stored.id,
                        state.question_id,
                        platform=stored.platform,
                        channel=stored.channel,
                    )
            return await self._carry_out(stored, state, actions, new_turns, on_delta)

    async def _carry_out(
        self,
        stored: StoredInterview,
        state: InterviewState,
        actions: Sequence[Action],
        new_turns: list[Turn],
        on_delta: DeltaSink | None = None,
    ) -> Reply:
        """Write the words for each action, persist, and grade when the interview ends."""
        problem = self.bank.problem(state.question_id)
        messages: list[Outbound] = []
        turns = list(stored.turns)
        scorecard: Scorecard | None = None
        offline = self._over_budget(stored.platform, actions)
        for action in actions:
            if isinstance(action, Persist):
                continue
            now = self.clock()
            ctx = TurnContext(stored.id, state, problem, self.bank, [*turns, *new_turns], now)
            # Only the reply to the candidate streams; notices and stage moves come whole.
            sink = on_delta if isinstance(action, AskFollowUp) else None
            notice = offline and not any(BUDGET_NOTICE in t.text for t in [*turns, *new_turns])
            if notice and sink is not None:
                await sink(f"{BUDGET_NOTICE}\n\n")
            utterance = await self._speak(ctx, action, sink, offline=offline)
            if notice:  # told once per interview: the notice is in its stored turns
                utterance = replace(utterance, text=f"{BUDGET_NOTICE}\n\n{utterance.text}")
            if utterance.question_key:
                state = machine.note_asked(state, utterance.question_key)
            if utterance.hint_key:
                state = machine.note_hint(state, utterance.hint_key)
            stage = state.stage
            new_turns.append(
                Turn(
                    Role.INTERVIEWER,
                    stage,
                    utterance.text,
                    kind=utterance.kind.value,
                    at=now,
                    curveball_id=getattr(action, "curveball_id", None),
                )
            )
            messages.append(self._outbound(state, utterance))
        if actions:
            # Raises StaleInterview when another replica saved a step meanwhile: its words
            # stand and ours are dropped, so nothing is said twice.
            usage = self._take_usage(stored.id)
            try:
                self.repo.save_step(
                    stored.id, state, new_turns, expected_version=stored.version, usage=usage
                )
            except StaleInterview:
                self._store_usage(stored.id, usage)  # the tokens were spent all the same
                raise
            for _ in new_turns:
                self.telemetry.turn(stored.platform, Role.INTERVIEWER.value)
        if any(isinstance(a, RequestScorecard) for a in actions):
            transcript = Transcript(state.question_id, state.format, (*turns, *new_turns))
            scorecard = await self._grade(transcript, usage_key(stored.id), offline=offline)
            if state.group:
                scorecard.contributors = await self._credit(transcript)
            self.repo.save_scorecard(stored.id, scorecard)
            self._scored(stored, scorecard)
            messages.append(Outbound(TurnKind.CLOSING, "", state.stage, scorecard=scorecard))
        self._record_usage(stored.id)
        return Reply(
            stored.id,
            state.question_id,
            messages,
            ended=not state.active,
            platform=stored.platform,
            channel=stored.channel,
        )

    def _scored(self, stored: StoredInterview, scorecard: Scorecard) -> None:
        """Tell the on_scorecard hook (the leaderboard's points); its failure ends nothing."""
        if self.on_scorecard is None:
            return
        try:
            self.on_scorecard(stored, scorecard)
        except Exception:
            log.exception("the scorecard hook failed for interview %s", stored.id)

    def _outbound(self, state: InterviewState, utterance: Utterance) -> Outbound:
        now = self.clock()
        return Outbound(
            utterance.kind,
            utterance.text,
            state.stage,
            state.stage_seconds_left(now) if state.active else None,
            state.total_seconds_left(now) if state.active else None,
        )

    def _over_budget(self, platform: str, actions: Sequence[Action]) -> bool:
        """Whether the model's daily token budget is spent, so the offline parts stand in."""
        return (
            self.quotas is not None
            and any(not isinstance(a, Persist) for a in actions)
            and self.fallback_brain is not None
            and isinstance(self.brain, MetersUsage)  # only a model spends tokens
            and self.quotas.budget_spent(platform, self.clock())
        )

    async def _speak(
        self, ctx: TurnContext, action: Action, on_delta: DeltaSink | None, *, offline: bool = False
    ) -> Utterance:
        if offline and self.fallback_brain is not None:
            return await self.fallback_brain.speak(ctx, action, on_delta)
        started = time.perf_counter()
        try:
            utterance = await self.brain.speak(ctx, action, on_delta)
            self.telemetry.reply_time(self.brain.name, time.perf_counter() - started)
            return utterance
        except Exception:
            self.telemetry.error("brain")
            if self.fallback_brain is None:
                raise
            log.exception(
                "the %s brain failed; the offline interviewer takes the turn", self.brain.name
            )
            return await self.fallback_brain.speak(ctx, action)

    async def grade_transcript(self, transcript: Transcript) -> Scorecard:
        """Grade a transcript that did not run here (a file), with the configured grader."""
        card = await self._grade(transcript, None)
        if transcript.question_id not in self.bank.problems:
            card.notes.append(
                f"Unknown question id {transcript.question_id!r}: graded on the rubric alone."
            )
        return card

    async def _credit(self, transcript: Transcript) -> list[Contribution]:
        """Each design-along member graded on their own messages (by the offline scorer)."""
        grader = self.fallback_grader or self.grader
        problem = self.bank.problems.get(transcript.question_id)
        authors: dict[str, int] = {}
        for turn in transcript.candidate_turns():
            if turn.author:
                authors[turn.author] = authors.get(turn.author, 0) + 1
        credits = []
        for author, count in authors.items():
            own = tuple(
                t for t in transcript.turns if t.role is Role.INTERVIEWER or t.author == author
            )
            card = await grader.grade(replace(transcript, turns=own), problem)
            strengths = [c for c, score in card.criteria.items() if score.score >= 3]
            credits.append(Contribution(author, count, card.overall, strengths))
        return sorted(credits, key=lambda c: (-c.overall, -c.messages, c.author))

    def _record_usage(self, interview_id: int) -> None:
        """Store the model's token use and cost for this interview since the last step."""
        self._store_usage(interview_id, self._take_usage(interview_id))

    def _take_usage(self, interview_id: int) -> UsageDelta:
        """The brain's and grader's token use for this interview since the last call."""
        key = usage_key(interview_id)
        total = UsageDelta()
        for source in {id(s): s for s in (self.brain, self.grader)}.values():
            if isinstance(source, MetersUsage):
                delta = source.take_usage(key)
                if delta:
                    self.telemetry.tokens(
                        delta.prompt_tokens, delta.completion_tokens, delta.cost_usd
                    )
                    total = UsageDelta(
                        total.prompt_tokens + delta.prompt_tokens,
                        total.completion_tokens + delta.completion_tokens,
                        total.cost_usd + delta.cost_usd,
                    )
        return total

    def _store_usage(self, interview_id: int, usage: UsageDelta) -> None:
        if usage:
            self.repo.add_usage(
                interview_id, usage.prompt_tokens, usage.completion_tokens, usage.cost_usd
            )

    async def _grade(
        self, transcript: Transcript, key: str | None, *, offline: bool = False
    ) -> Scorecard:
        problem = self.bank.problems.get(transcript.question_id)
        if offline and self.fallback_grader is not None:
            card = await self.fallback_grader.grade(transcript, problem)
            card.notes.append("Today's AI budget was used up: the offline scorer graded.")
            return card
        try:
            return await self.grader.grade(transcript, problem, usage_key=key)
        except Exception:
            self.telemetry.error("grader")
            if self.fallback_grader is None:
                raise
            log.exception("the %s grader failed; the offline scorer grades", self.grader.name)
            card = await self.fallback_grader.grade(transcript, problem)
            card.notes.append(
                f"The {self.grader.name} grader was unavailable; the offline scorer graded."
            )
            return card
