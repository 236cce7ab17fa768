"""The interview's state: everything the machine needs, serialisable to JSON."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import Any

from interviewer.core.rubric import Level
from interviewer.core.stages import Format, FormatSpec, Stage, format_spec


class Status(StrEnum):
    """Whether the interview still runs."""

    ACTIVE = "active"
    ENDED = "ended"


@dataclass
class CurveballPlan:
    """A curveball scheduled on a stage's clock, and what became of it."""

    curveball_id: str
    stage: Stage
    at_fraction: float
    injected_at: datetime | None = None
    response: str | None = None


@dataclass
class InterviewState:
    """The interview at one moment. The machine returns a new one for every event."""

    question_id: str
    format: Format
    stage: Stage
    started_at: datetime
    stage_started_at: datetime
    last_event_at: datetime
    status: Status = Status.ACTIVE
    warned: bool = False
    curveballs: list[CurveballPlan] = field(default_factory=list)
    pending_curveball: str | None = None
    asked: list[str] = field(default_factory=list)
    hints_given: list[str] = field(default_factory=list)
    candidate_turns: int = 0
    end_reason: str | None = None
    group: bool = False  # a design-along: everyone in the conversation answers
    # The interviewer's last question has not been answered yet: a curveball waits for it.
    awaiting_answer: bool = False
    question_at: datetime | None = None  # when that question was asked
    level: Level = Level.SENIOR  # the seniority the interview is calibrated for
    peer: bool = False  # a peer mock: a member asks, the bot only keeps the clock
    # Messages in a row in clarify that state rather than ask: the second moves the stage on.
    clarify_statements: int = 0

    @property
    def spec(self) -> FormatSpec:
        """The format's stages and budgets."""
        return format_spec(self.format)

    @property
    def active(self) -> bool:
        """Whether the interview still takes messages."""
        return self.status is Status.ACTIVE

    def stage_seconds_left(self, now: datetime) -> int | None:
        """Seconds left in the current stage (None when unclocked)."""
        budget = self.spec.budget(self.stage)
        if budget is None:
            return None
        used = (now - self.stage_started_at).total_seconds()
        return max(0, int(budget - used))

    def total_seconds_left(self, now: datetime) -> int | None:
        """Seconds left in the whole interview (None when unclocked)."""
        left = self.stage_seconds_left(now)
        if left is None:
            return None
        order = self.spec.order()
        later = order[order.index(self.stage) + 1 :]
        return left + sum(self.spec.budget(s) or 0 for s in later)

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict (datetimes as ISO strings)."""
        data = asdict(self)

        def conv(value: Any) -> Any:
            if isinstance(value, datetime):
                return value.isoformat()
            if isinstance(value, dict):
                return {k: conv(v) for k, v in value.items()}
            if isinstance(value, list):
                return [conv(v) for v in value]
            return value

        return {k: conv(v) for k, v in data.items()}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> InterviewState:
        """The inverse of to_dict."""

        def dt(value: str | None) -> datetime | None:
            return datetime.fromisoformat(value) if value else None

        return cls(
            question_id=data["question_id"],
            format=Format(data["format"]),
            stage=Stage(data["stage"]),
            started_at=datetime.fromisoformat(data["started_at"]),
            stage_started_at=datetime.fromisoformat(data["stage_started_at"]),
            last_event_at=datetime.fromisoformat(data["last_event_at"]),
            status=Status(data["status"]),
            warned=bool(data["warned"]),
            curveballs=[
                CurveballPlan(
                    curveball_id=c["curveball_id"],
                    stage=Stage(c["stage"]),
                    at_fraction=float(c["at_fraction"]),
                    injected_at=dt(c.get("injected_at")),
                    response=c.get("response"),
                )
                for c in data.get("curveballs", [])
            ],
            pending_curveball=data.get("pending_curveball"),
            asked=list(data.get("asked", [])),
            hints_given=list(data.get("hints_given", [])),
            candidate_turns=int(data.get("candidate_turns", 0)),
            end_reason=data.get("end_reason"),
            group=bool(data.get("group", False)),
            awaiting_answer=bool(data.get("awaiting_answer", False)),
            question_at=dt(data.get("question_at")),
            level=Level(data.get("level", Level.SENIOR.value)),
            peer=bool(data.get("peer", False)),
            clarify_statements=int(data.get("clarify_statements", 0)),
        )
