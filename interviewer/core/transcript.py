"""What was said in an interview: turns and the transcript."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import Any

from interviewer.core.rubric import Level
from interviewer.core.stages import Format, Stage


class Role(StrEnum):
    """Who said a turn."""

    INTERVIEWER = "interviewer"
    CANDIDATE = "candidate"


@dataclass(frozen=True)
class Turn:
    """One message of the interview."""

    role: Role
    stage: Stage
    text: str
    kind: str = "message"
    at: datetime | None = None
    curveball_id: str | None = None
    author: str | None = None  # who wrote a candidate turn, in group interviews
    diagram: str | None = None  # the diagram drawn with it, as source (interviewer/diagrams)

    def to_dict(self) -> dict[str, Any]:
        """The transcript-file form of the turn."""
        data: dict[str, Any] = {
            "role": self.role.value,
            "stage": self.stage.value,
            "text": self.text,
        }
        if self.kind != "message":
            data["kind"] = self.kind
        if self.curveball_id:
            data["curveball_id"] = self.curveball_id
        if self.author:
            data["author"] = self.author
        if self.diagram:
            data["diagram"] = self.diagram
        return data


@dataclass(frozen=True)
class Transcript:
    """A whole interview, as the scorer reads it."""

    question_id: str
    format: Format
    turns: tuple[Turn, ...] = field(default_factory=tuple)
    level: Level = Level.SENIOR  # the bar the scorer grades against

    def candidate_turns(self) -> list[Turn]:
        """The candidate's turns, in order."""
        return [t for t in self.turns if t.role is Role.CANDIDATE]

    def to_dict(self) -> dict[str, Any]:
        """The transcript-file form (see the README)."""
        data: dict[str, Any] = {
            "question_id": self.question_id,
            "format": self.format.value,
            "turns": [t.to_dict() for t in self.turns],
        }
        if self.level is not Level.SENIOR:
            data["level"] = self.level.value
        return data


class TurnKind(StrEnum):
    """What an interviewer turn was for (candidate turns are plain messages)."""

    MESSAGE = "message"
    OPENING = "opening"
    CLARIFICATION = "clarification"
    FOLLOW_UP = "follow_up"
    HINT = "hint"
    CURVEBALL = "curveball"
    PUSHBACK = "pushback"  # questions a technically wrong claim, without giving the answer
    TIME_WARNING = "time_warning"
    STAGE_INTRO = "stage_intro"
    TIME_LEFT = "time_left"
    CLOSING = "closing"
    NOTICE = "notice"
