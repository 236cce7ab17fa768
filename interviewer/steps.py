"""The interview engine under InterviewService: one event through an interview.

The machine's step, the interviewer's words (the model, or the offline brain standing in),
the save on top of the version that was read, the grade at the end, the token ledger.
InterviewService (interviewer/service.py) finds the interview and checks who may act.
"""

from __future__ import annotations

import asyncio
import logging
import random
import time
from collections.abc import Callable, Sequence
from dataclasses import replace
from datetime import datetime, timedelta

from interviewer.admission import Admission
from interviewer.bank import QuestionBank
from interviewer.core import machine
from interviewer.core.events import (
    Action,
    AskFollowUp,
    CandidateMessage,
    Event,
    Persist,
    RequestScorecard,
)
from interviewer.core.rubric import Contribution, Scorecard
from interviewer.core.state import InterviewState
from interviewer.core.transcript import Role, Transcript, Turn, TurnKind
from interviewer.diagrams.design import drawn_by
from interviewer.diagrams.view import final_design
from interviewer.outbox import Kind, Post, Sender
from interviewer.owed import OwedReplies
from interviewer.peers.clock import peer_words
from interviewer.ports import (
    Brain,
    DeltaSink,
    Grader,
    MetersUsage,
    NoTelemetry,
    Repository,
    StaleInterview,
    StoredInterview,
    Telemetry,
    TurnContext,
    UsageDelta,
    Utterance,
    error_line,
    usage_key,
)
from interviewer.quotas import BUDGET_NOTICE, Quotas
from interviewer.replies import (
    MODEL_FALLBACK_NOTICE,
    Busy,
    DatabaseUnavailable,
    NoInterview,
    Outbound,
    Reply,
    ReplyDelayed,
)
from interviewer.workers import WorkerPool

log = logging.getLogger(__name__)

DEFAULT_MAX_MESSAGE_CHARS = 8000
READ_WORKERS = 2
READ_DEADLINE = 2.0
"""Seconds reading one answer's diagrams may take; past it the answer is kept as prose."""
STALE_ATTEMPTS = 5
"""Times an event is taken again on top of other replicas' steps before giving up."""

PEER_POSTS_LATE_LIMIT = timedelta(hours=1)
"""A peer mock's clock post not out an hour later (a long outage) is not posted any more."""

RESEND_WINDOW = timedelta(minutes=10)
"""How long an identical answer sent again counts as a resend of the unanswered one."""

REPLY_DELAYED = (
    "Your answer is saved; the interviewer's reply did not come through yet and is being "
    "retried, so it will follow here. No need to send it again (a resend is not stored twice)."
)

ScorecardHook = Callable[[StoredInterview, Scorecard], object]
"""Called with a finished interview and its scorecard once the scorecard is saved."""


class InterviewSteps:
    """Holds the interview's parts and carries events through them (see the module doc)."""

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
        db: WorkerPool | None = None,
        admission: Admission | None = None,
        reader: WorkerPool | None = None,
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
        # Repository and quota calls run here, off the event loop (interviewer/workers.py).
        self.db = db or WorkerPool()
        # Reading an answer's diagrams is CPU work: on its own threads, never on the loop.
        self.reader = reader or WorkerPool(READ_WORKERS, deadline=None, name="mockroom-read")
        # Replies that failed after their answer was stored, retried with backoff (owed.py).
        self.owed = OwedReplies()
        # The bounded queue in front of answers (interviewer/admission.py).
        self.admission = admission or Admission()
        # The concept lexicon as diagrams use it, to type their components (interviewer/diagrams).
        self.concepts = bank.concept_patterns
        # Where a peer mock's clock posts go (the scheduler's outbox sender, bot/posts.py):
        # stored in the outbox with the step and posted at once, the end's notice before
        # grading starts. None: they go back in the Reply, as an AI interview's do.
        self.announce: Sender | None = None

    async def _reload(self, interview_id: int) -> StoredInterview:
        stored = await self.db.run(self.repo.load, interview_id)
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
            stored = loaded if fresh and loaded is not None else await self._reload(interview_id)
            if not stored.state.active:
                raise NoInterview("That interview has already ended. Start a new one.")
            now = self.clock()
            if isinstance(event, CandidateMessage) and self._is_resend(stored, event, now):
                # The same answer again, stored earlier without its reply (the member was told
                # to resend, or the platform redelivered it): reply to it, store it once.
                log.info("interview %s: a resent answer gets its reply", interview_id)
                return await self.reply_pending(stored, on_delta)
            state, actions = machine.step(stored.state, event, now)
            new_turns: list[Turn] = []
            if isinstance(event, CandidateMessage):
                # The candidate's words are stored before the interviewer says anything.
                turn = Turn(
                    Role.CANDIDATE,
                    stored.state.stage,
                    event.text,
                    at=now,
                    author=event.author,
                    diagram=event.diagram,
                )
                version = await self.db.run(
                    self.repo.save_step, stored.id, state, [turn], expected_version=stored.version
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
                except Exception as exc:
                    # The answer is stored: calling it failed would have the member send it
                    # twice. The reply is retried (owed_replies), or comes on a resend or resume.
                    self.telemetry.error("reply")
                    self.owed.owe(interview_id, self.clock())
                    log.warning(
                        "interview %s: the reply failed after the answer was stored: %s",
                        interview_id,
                        error_line(exc),
                        exc_info=not isinstance(exc, DatabaseUnavailable),
                    )
                    raise ReplyDelayed(REPLY_DELAYED) from exc
            return await self._carry_out(stored, state, actions, new_turns, on_delta)

    def _is_resend(self, stored: StoredInterview, event: CandidateMessage, now: datetime) -> bool:
        """Whether the message repeats the last, still unanswered, answer within the window."""
        last = pending_answer(stored)
        return (
            last is not None
            and last.text == event.text
            and last.author == event.author
            and (last.at is None or now - last.at <= RESEND_WINDOW)
        )

    async def reply_pending(
        self, stored: StoredInterview, on_delta: DeltaSink | None = None
    ) -> Reply:
        """The interviewer's reply to a stored answer that has none (a crash, a failure)."""
        state = stored.state
        if pending_answer(stored) is None or not state.active:
            return Reply(
                stored.id,
                state.question_id,
                platform=stored.platform,
                channel=stored.channel,
                ended=not state.active,
            )
        return await self._carry_out(stored, state, [AskFollowUp(state.stage)], [], on_delta)

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
        offline = await self._over_budget(stored.platform, actions)
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
        posts = self._peer_posts(stored, state, messages)
        if posts:
            messages = []  # they go out from the outbox, exactly once
        if actions:
            # Raises StaleInterview when another replica saved a step meanwhile: its words
            # stand and ours are dropped, so nothing is said twice.
            usage = self._take_usage(stored.id)
            outbox = {"posts": posts} if posts else {}  # only a peer mock's steps carry posts
            try:
                await self.db.run(
                    self.repo.save_step,
                    stored.id,
                    state,
                    new_turns,
                    expected_version=stored.version,
                    usage=usage,
                    **outbox,
                )
            except StaleInterview:
                # the tokens were spent all the same
                await self.db.run(self._store_usage, stored.id, usage)
                raise
            for _ in new_turns:
                self.telemetry.turn(stored.platform, Role.INTERVIEWER.value)
        if posts:
            # Out before grading: "The peer mock is over. The AI is grading." is seen while the
            # AI grades, and a process that dies meanwhile leaves it in the outbox to post.
            await self._announce(stored.id, [p.key for p in posts])
        if any(isinstance(a, RequestScorecard) for a in actions):
            transcript = Transcript(
                state.question_id, state.format, (*turns, *new_turns), state.level
            )
            scorecard = await self._score(stored, transcript, offline=offline)
            messages.append(Outbound(TurnKind.CLOSING, "", state.stage, scorecard=scorecard))
        await self._record_usage(stored.id)
        return Reply(
            stored.id,
            state.question_id,
            messages,
            ended=not state.active,
            platform=stored.platform,
            channel=stored.channel,
            peer=state.peer,
            announced=len(posts),
        )

    def _peer_posts(
        self, stored: StoredInterview, state: InterviewState, messages: Sequence[Outbound]
    ) -> list[Post]:
        """A peer mock's clock posts for the outbox, keyed by the version they are saved on
        (a step is saved once); none when they go back in the Reply."""
        announce = self.announce
        if not state.peer or announce is None or not announce.handles(stored.platform):
            return []
        expires = self.clock() + PEER_POSTS_LATE_LIMIT
        return [
            Post(
                f"peer:{stored.id}:{stored.version}:{i}",
                Kind.THREAD,
                stored.platform,
                stored.channel,
                m.text,
                expires,
            )
            for i, m in enumerate(messages)
            if m.text
        ]

    async def _announce(self, interview_id: int, keys: list[str]) -> None:
        """Post a peer mock's clock posts now; a failure leaves them to the outbox's lease."""
        if self.announce is None:
            return
        try:
            await self.announce.send(keys)
        except Exception:
            log.warning(
                "interview %s: its clock posts wait in the outbox", interview_id, exc_info=True
            )

    async def _score(
        self, stored: StoredInterview, transcript: Transcript, *, offline: bool = False
    ) -> Scorecard:
        """Grade an ended interview, store its scorecard and tell the hook."""
        scorecard = await self._grade(transcript, usage_key(stored.id), offline=offline)
        scorecard.at_level(stored.state.level)
        if stored.state.group:
            scorecard.contributors = await self._credit(transcript)
        await self.db.run(self._save_scorecard, stored, scorecard)
        return scorecard

    async def grade_unscored(self, user_id: int | None = None) -> list[Reply]:
        """Grade interviews that ended without a scorecard (a crash while grading): the sweep
        at `serve` start and before the terminal's resume and history. Each is a Reply
        carrying the scorecard, for the member."""
        replies = []
        for interview_id in await self.db.run(self.repo.unscored, user_id):
            stored = await self._reload(interview_id)
            if stored.scorecard is not None:
                continue
            state = stored.state
            transcript = Transcript(
                state.question_id, state.format, tuple(stored.turns), state.level
            )
            log.info("interview %s ended without a scorecard: grading it now", interview_id)
            try:
                card = await self._score(stored, transcript)
            except Exception as exc:
                self.telemetry.error("grader")
                log.exception("interview %s could not be graded: %s", interview_id, error_line(exc))
                continue
            await self._record_usage(stored.id)
            closing = Outbound(TurnKind.CLOSING, "", state.stage, scorecard=card)
            replies.append(
                Reply(
                    stored.id,
                    state.question_id,
                    [closing],
                    ended=True,
                    platform=stored.platform,
                    channel=stored.channel,
                    peer=state.peer,
                )
            )
        return replies

    def _save_scorecard(self, stored: StoredInterview, scorecard: Scorecard) -> None:
        """Store the scorecard, then tell the on_scorecard hook (the leaderboard's points), in
        one trip to a worker thread; the hook's failure ends nothing."""
        self.repo.save_scorecard(stored.id, scorecard)
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

    async def _over_budget(self, platform: str, actions: Sequence[Action]) -> bool:
        """Whether the model's daily token budget is spent, so the offline parts stand in."""
        quotas = self.quotas
        if not (
            quotas is not None
            and quotas.policy.workspace_daily_tokens > 0  # no budget: no database read
            and any(not isinstance(a, Persist) for a in actions)
            and self.fallback_brain is not None
            and isinstance(self.brain, MetersUsage)  # only a model spends tokens
        ):
            return False
        # Remembered for a while (Quotas.recheck): then no trip to a worker thread and back.
        known = quotas.budget_known(platform, self.clock())
        if known is not None:
            return known
        return await self.db.run(quotas.budget_spent, platform, self.clock())

    async def _speak(
        self, ctx: TurnContext, action: Action, on_delta: DeltaSink | None, *, offline: bool = False
    ) -> Utterance:
        if ctx.state.peer:  # a peer mock: a member asks; the bot keeps the clock (peers/clock.py)
            return peer_words(self.bank, ctx.state.format, action)
        if offline and self.fallback_brain is not None:
            return await self.fallback_brain.speak(ctx, action, on_delta)
        started = time.perf_counter()
        try:
            utterance = await self.brain.speak(ctx, action, on_delta)
            self.telemetry.reply_time(self.brain.name, time.perf_counter() - started)
            return utterance
        except Exception as exc:
            self.telemetry.error("brain")
            if self.fallback_brain is None:
                raise
            log.exception(
                "the %s brain failed (%s); the offline interviewer takes the turn",
                self.brain.name,
                error_line(exc),
            )
            utterance = await self.fallback_brain.speak(ctx, action)
            if any(MODEL_FALLBACK_NOTICE in t.text for t in ctx.turns):
                return utterance  # told once per interview
            return replace(utterance, text=f"{MODEL_FALLBACK_NOTICE}\n\n{utterance.text}")

    async def _credit(self, transcript: Transcript) -> list[Contribution]:
        """Each design-along member graded on their own messages (by the offline scorer)."""
        grader = self.fallback_grader or self.grader
        problem = self.bank.problems.get(transcript.question_id)
        authors: dict[str, int] = {}
        drawn = drawn_by(transcript.turns)
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
            scores = {c: score.score for c, score in card.criteria.items()}
            drew = drawn.get(author, [])  # the boxes of the final diagram they drew first
            credits.append(Contribution(author, count, card.overall, strengths, scores, drew))
        return sorted(credits, key=lambda c: (-c.overall, -c.messages, c.author))

    async def _record_usage(self, interview_id: int) -> None:
        """Store the model's token use and cost for this interview since the last step."""
        usage = self._take_usage(interview_id)
        if usage:  # most steps saved theirs with the step: no trip to the database
            await self.db.run(self._store_usage, interview_id, usage)

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
        """The scorecard from the grader (or the offline scorer), showing the final diagram."""
        card = await self._grade_by(transcript, key, offline=offline)
        # Diagrams (interviewer/diagrams): the scorecard shows the design as it ended.
        design = final_design(transcript.turns, self.concepts)
        if design is not None:
            card.diagram = design.text.replace("Your design", "The final design", 1)
        return card

    async def _grade_by(
        self, transcript: Transcript, key: str | None, *, offline: bool = False
    ) -> Scorecard:
        problem = self.bank.problems.get(transcript.question_id)
        if offline and self.fallback_grader is not None:
            card = await self.fallback_grader.grade(transcript, problem)
            card.notes.append("Today's AI budget was used up: the offline scorer graded.")
            return card
        try:
            return await self.grader.grade(transcript, problem, usage_key=key)
        except Exception as exc:
            self.telemetry.error("grader")
            if self.fallback_grader is None:
                raise
            log.exception(
                "the %s grader failed (%s); the offline scorer grades",
                self.grader.name,
                error_line(exc),
            )
            card = await self.fallback_grader.grade(transcript, problem)
            card.notes.append(
                f"The AI grader ({self.grader.name}) gave no usable scorecard ({exc}); "
                "the offline scorer graded this interview."
            )
            return card


def pending_answer(stored: StoredInterview) -> Turn | None:
    """The last turn when it is the candidate's, still without the interviewer's reply. A peer
    mock owes none: its human interviewer answers, the bot only keeps the clock."""
    if stored.state.peer:
        return None
    if stored.turns and stored.turns[-1].role is Role.CANDIDATE:
        return stored.turns[-1]
    return None
