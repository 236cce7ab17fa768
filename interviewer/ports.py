"""The ports the interview service talks through: brain, grader and repository."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from datetime import datetime
from typing import Protocol, runtime_checkable

from interviewer.bank import Problem, QuestionBank
from interviewer.core.events import Action
from interviewer.core.rubric import Scorecard
from interviewer.core.state import InterviewState
from interviewer.core.transcript import Transcript, Turn, TurnKind
from interviewer.outbox import Post


def usage_key(interview_id: int) -> str:
    """The key under which a model's token use for one interview is counted."""
    return f"interview:{interview_id}"


@dataclass(frozen=True)
class TurnContext:
    """What a brain sees when it writes the interviewer's words."""

    interview_id: int
    state: InterviewState
    problem: Problem
    bank: QuestionBank
    turns: Sequence[Turn]
    now: datetime


@dataclass(frozen=True)
class Utterance:
    """The interviewer's words for one action, with what they asked (to avoid repeats)."""

    text: str
    kind: TurnKind
    question_key: str | None = None
    hint_key: str | None = None


DeltaSink = Callable[[str], Awaitable[None]]
"""Receives the interviewer's words piece by piece as a brain produces them."""


class Brain(Protocol):
    """Writes the interviewer's words; the machine has already decided what happens."""

    name: str

    async def speak(
        self, ctx: TurnContext, action: Action, on_delta: DeltaSink | None = None
    ) -> Utterance:
        """The words for one action; a streaming brain passes each new piece to `on_delta`."""
        ...


class Grader(Protocol):
    """Grades a finished interview against the rubric."""

    name: str

    async def grade(
        self, transcript: Transcript, problem: Problem | None, *, usage_key: str | None = None
    ) -> Scorecard:
        """The scorecard for a transcript (model use counted under `usage_key`)."""
        ...


@dataclass(frozen=True)
class UsageDelta:
    """Tokens and estimated cost since the last report."""

    prompt_tokens: int = 0
    completion_tokens: int = 0
    cost_usd: float = 0.0

    def __bool__(self) -> bool:
        return bool(self.prompt_tokens or self.completion_tokens or self.cost_usd)


@runtime_checkable
class MetersUsage(Protocol):
    """A brain or grader that counts the model's tokens and cost per key."""

    def take_usage(self, key: str) -> UsageDelta:
        """What was used under `key` since the last call."""
        ...


@dataclass(frozen=True)
class StoredInterview:
    """An interview as the repository holds it; `version` counts its saved steps."""

    id: int
    user_id: int
    platform: str
    channel: str
    state: InterviewState
    turns: list[Turn] = field(default_factory=list)
    scorecard: Scorecard | None = None
    version: int = 0


class StaleInterview(Exception):
    """Another process saved a step of the interview since this one read it."""


@dataclass(frozen=True)
class HistoryEntry:
    """One line of a user's interview history."""

    interview_id: int
    question_id: str
    format: str
    status: str
    started_at: datetime
    overall: float | None
    hire_signal: str | None
    prompt_tokens: int = 0
    completion_tokens: int = 0
    cost_usd: float = 0.0
    kind: str = "interview"  # or "drill": then interview_id is the drill answer's id
    number: int = 0  # its place in the member's history, 1 the oldest (0: not numbered)


class Repository(Protocol):
    """Where interviews live. The database is the source of truth."""

    def ensure_user(self, platform: str, external_id: str, display_name: str | None = None) -> int:
        """The id of the user, created on first sight."""
        ...

    def create_interview(
        self,
        user_id: int,
        platform: str,
        channel: str,
        state: InterviewState,
        turns: Sequence[Turn],
        brain: str,
    ) -> int:
        """Store a new interview with its first turns; return its id."""
        ...

    def active_interview(self, user_id: int, channel: str | None = None) -> StoredInterview | None:
        """The user's most recent running interview (in one channel when given)."""
        ...

    def active_in_channel(self, platform: str, channel: str) -> StoredInterview | None:
        """The running interview of a conversation (a DM, a thread), whoever runs it."""
        ...

    def conversation(
        self, platform: str, external_id: str, display_name: str | None, channel: str
    ) -> tuple[int, StoredInterview | None]:
        """ensure_user and active_in_channel in one read: what every answer reads first."""
        ...

    def due_interviews(self, now: datetime, limit: int = 100) -> list[int]:
        """Running interviews whose clock needs a tick at `now`, most overdue first."""
        ...

    def unscored(self, user_id: int | None = None, limit: int = 50) -> list[int]:
        """Ended interviews without a scorecard (a crash while grading), oldest first."""
        ...

    def unanswered(self, before: datetime, platforms: Sequence[str], limit: int = 50) -> list[int]:
        """Running interviews whose last turn is a candidate's from before `before`."""
        ...

    def claim_event(self, platform: str, key: str) -> bool:
        """Record that an event was handled; False when it already was (a retry, a replay)."""
        ...

    def one_connection(self) -> AbstractContextManager[None]:
        """A block whose calls on this thread (to this repository, and to the quota counts
        over the same database) share one database connection: what every answer reads
        first, in one checkout. Calls that need a transaction of their own still take one."""
        ...

    def add_usage(
        self, interview_id: int, prompt_tokens: int, completion_tokens: int, cost_usd: float
    ) -> None:
        """Add a model call's token use and estimated cost to the interview."""
        ...

    def load(self, interview_id: int) -> StoredInterview | None:
        """One interview with its turns and scorecard."""
        ...

    def save_step(
        self,
        interview_id: int,
        state: InterviewState,
        new_turns: Sequence[Turn],
        expected_version: int | None = None,
        usage: UsageDelta | None = None,
        posts: Sequence[Post] = (),
    ) -> int:
        """Store the new state and append the new turns, in one transaction; the new version.
        `posts` (a peer mock's clock posts, interviewer/outbox.py) go in the outbox in the
        same transaction.

        `usage` (the model's tokens and cost for this step) is added to the interview's
        totals in the same transaction.

        Raises StaleInterview when `expected_version` is given and another step was saved
        since (another replica acted first), and LookupError for an unknown interview.
        """
        ...

    def save_scorecard(self, interview_id: int, scorecard: Scorecard) -> None:
        """Store the interview's scorecard (replacing an earlier one)."""
        ...

    def history(self, user_id: int, limit: int = 20) -> list[HistoryEntry]:
        """The user's interviews, newest first."""
        ...


# ---- daily drills and the leaderboard ---------------------------------------------------------


ERROR_LINE_CHARS = 200
"""How much of an error's message a log line keeps (the trace, when logged, has all of it)."""


def error_line(exc: BaseException) -> str:
    """An error as a log names it beside its kind: its type and the first line of its message,
    cut at ERROR_LINE_CHARS (the log handler redacts secrets from the whole line)."""
    message = next((line.strip() for line in str(exc).splitlines() if line.strip()), "")
    if len(message) > ERROR_LINE_CHARS:
        message = message[: ERROR_LINE_CHARS - 1] + "…"
    return f"{type(exc).__name__}: {message}" if message else type(exc).__name__


class Telemetry(Protocol):
    """What the service reports for metrics; the default reports nowhere. Where an error is
    counted (`error`), the log line beside it names it (`error_line`), not only its kind."""

    def turn(self, platform: str, role: str) -> None:
        """A turn was stored."""
        ...

    def reply_time(self, brain: str, seconds: float) -> None:
        """How long a brain took to write one interviewer turn."""
        ...

    def tokens(self, prompt: int, completion: int, cost_usd: float) -> None:
        """A model's tokens and estimated cost."""
        ...

    def error(self, kind: str) -> None:
        """Something failed and was handled (a brain fell back, a grader failed...)."""
        ...


class NoTelemetry:
    """Telemetry that goes nowhere (tests, the terminal)."""

    def turn(self, platform: str, role: str) -> None:
        """Nothing."""

    def reply_time(self, brain: str, seconds: float) -> None:
        """Nothing."""

    def tokens(self, prompt: int, completion: int, cost_usd: float) -> None:
        """Nothing."""

    def error(self, kind: str) -> None:
        """Nothing."""
