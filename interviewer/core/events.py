"""What can happen to an interview (events in) and what the machine asks for (actions out)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from interviewer.core.stages import Stage

# ---- events -------------------------------------------------------------------------------


@dataclass(frozen=True)
class CandidateMessage:
    """The candidate wrote something."""

    text: str
    author: str | None = None
    diagram: str | None = None  # the diagram drawn with it, as source (interviewer/diagrams)


@dataclass(frozen=True)
class HintAsked:
    """The candidate asked for a hint."""


@dataclass(frozen=True)
class MoveOnAsked:
    """The candidate wants to move to the next stage."""


@dataclass(frozen=True)
class TimeAsked:
    """The candidate asked how much time is left."""


@dataclass(frozen=True)
class EndAsked:
    """The candidate wants to end now and get the scorecard."""


@dataclass(frozen=True)
class Tick:
    """The clock moved; deadlines may be due."""


@dataclass(frozen=True)
class Resumed:
    """The interview is picked up again after a pause (a crash, Ctrl-C)."""

    pause_clock: bool = True


Event = CandidateMessage | HintAsked | MoveOnAsked | TimeAsked | EndAsked | Tick | Resumed

# ---- actions ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Say:
    """Say something that asks nothing: the opening, the time left, a notice."""

    kind: str
    data: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class AskFollowUp:
    """Reply to the candidate's last message with at most one question."""

    stage: Stage
    answer_facts: bool = False
    after_curveball: str | None = None


@dataclass(frozen=True)
class GiveHint:
    """Give a nudge for the current stage, never the solution."""

    stage: Stage


@dataclass(frozen=True)
class InjectCurveball:
    """Announce a new constraint."""

    curveball_id: str
    stage: Stage


@dataclass(frozen=True)
class WarnTime:
    """Tell the candidate the stage's time is nearly spent."""

    stage: Stage
    seconds_left: int


@dataclass(frozen=True)
class AdvanceStage:
    """Move to the next stage and open it."""

    from_stage: Stage
    to_stage: Stage
    # "time", "candidate" (asked to move on) or "designing" (started designing in clarify)
    reason: str


@dataclass(frozen=True)
class RequestScorecard:
    """The interview is over: grade it."""

    reason: str  # "time", "candidate" or "input_closed"


@dataclass(frozen=True)
class Persist:
    """Save the new state."""


Action = (
    Say
    | AskFollowUp
    | GiveHint
    | InjectCurveball
    | WarnTime
    | AdvanceStage
    | RequestScorecard
    | Persist
)

QUESTIONING = (AskFollowUp, InjectCurveball, AdvanceStage, RequestScorecard)
"""Actions that carry the turn's one question (or end the interview)."""
