"""What the interview service hands its front ends: who spoke, replies, and user errors."""

from __future__ import annotations

from dataclasses import dataclass, field

from interviewer.core.rubric import Scorecard
from interviewer.core.stages import Stage
from interviewer.core.transcript import TurnKind
from interviewer.diagrams.view import DiagramView

MODEL_FALLBACK_NOTICE = (
    "(A note from mockroom: the AI interviewer is not giving usable replies right now, so the "
    "built-in interviewer is taking over. Your interview carries on and nothing is lost.)"
)
"""Told once per interview whenever the model fails, whatever the kind of failure."""


class InterviewError(Exception):
    """Something the user can fix; the message says what to do."""


class NoInterview(InterviewError):
    """There is no running interview where the user asked."""


class AlreadyRunning(InterviewError):
    """The user asked to start while an interview runs."""


class BadMessage(InterviewError):
    """An empty or oversized message."""


class Busy(InterviewError):
    """Other replicas kept changing the interview; nothing was recorded, try again."""


class Overloaded(InterviewError):
    """Too many answers are waiting; nothing was recorded, and the message says when to resend."""


class DatabaseUnavailable(InterviewError):
    """The database is slow or gone; the message says what was kept and what to resend."""


class ReplyDelayed(InterviewError):
    """The answer is stored but the interviewer's reply failed; it comes on the next try."""


class NotYourInterview(InterviewError):
    """Someone pressed a button or gave a command on another person's interview."""


@dataclass(frozen=True)
class Who:
    """The person behind an inbound message, on one platform."""

    platform: str
    user_id: str
    display_name: str | None = None


@dataclass(frozen=True)
class Outbound:
    """One thing the front end shows: words, with the clock, or the scorecard."""

    kind: TurnKind
    text: str
    stage: Stage
    stage_seconds_left: int | None = None
    total_seconds_left: int | None = None
    scorecard: Scorecard | None = None


@dataclass(frozen=True)
class Reply:
    """What the service answers to one inbound event."""

    interview_id: int
    question_id: str
    messages: list[Outbound] = field(default_factory=list)
    ended: bool = False
    platform: str = ""
    channel: str = ""
    diagram: DiagramView | None = None  # the diagram this answer drew, to show back
    notices: tuple[str, ...] = ()  # what the front end says first (a diagram not taken)
    peer: bool = False  # a peer mock's: the front ends post it through interviewer/peers
    announced: int = 0  # posts that went out through the outbox instead (a peer mock's clock)

    @property
    def scorecard(self) -> Scorecard | None:
        """The scorecard, when this reply ended the interview."""
        for m in self.messages:
            if m.scorecard is not None:
                return m.scorecard
        return None
