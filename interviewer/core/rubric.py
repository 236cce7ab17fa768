"""The rubric's criteria, pitfalls and the scorecard (INTERVIEW_SPEC.md section 4)."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from interviewer.core.text import excerpt

SCALE_MIN = 1
SCALE_MAX = 4


class Criterion(StrEnum):
    """The seven rubric criteria, by their fixed ids."""

    SCALABILITY = "scalability"
    RELIABILITY = "reliability"
    PERFORMANCE = "performance"
    AI_INFRASTRUCTURE = "ai_infrastructure"
    SECURITY_PRIVACY = "security_privacy"
    TRADEOFFS = "tradeoffs"
    CLARITY = "clarity"

    @property
    def label(self) -> str:
        """The criterion's name as the scorecard shows it."""
        return CRITERION_TITLES[self]


CRITERION_TITLES = {
    Criterion.SCALABILITY: "Scalability",
    Criterion.RELIABILITY: "Reliability & fault tolerance",
    Criterion.PERFORMANCE: "Performance",
    Criterion.AI_INFRASTRUCTURE: "AI infrastructure knowledge",
    Criterion.SECURITY_PRIVACY: "Security & data privacy",
    Criterion.TRADEOFFS: "Trade-off awareness",
    Criterion.CLARITY: "Clarity of thought",
}


class Pitfall(StrEnum):
    """Pitfalls the scorecard names when it sees them."""

    DESIGNED_BEFORE_CLARIFYING = "designed_before_clarifying"
    IGNORED_NONFUNCTIONAL = "ignored_nonfunctional"
    LOST_IN_DETAILS = "lost_in_details"
    IGNORED_CURVEBALL = "ignored_curveball"
    WRONG_CLAIM = "wrong_claim"  # a catalogued misconception (prompts/misconceptions/)


class HireSignal(StrEnum):
    """The overall recommendation, strongest first."""

    STRONG_HIRE = "strong_hire"
    HIRE = "hire"
    LEAN_HIRE = "lean_hire"
    LEAN_NO_HIRE = "lean_no_hire"
    NO_HIRE = "no_hire"


def clamp_score(value: float) -> int:
    """A score rounded and clamped to the scale."""
    return max(SCALE_MIN, min(SCALE_MAX, round(value)))


class Level(StrEnum):
    """The seniority an interview is calibrated for: it moves the hire bar."""

    MID = "mid"
    SENIOR = "senior"
    STAFF = "staff"


# How far each level moves the bar: a mid candidate reaches "hire" a quarter point lower.
LEVEL_BAR_SHIFT: dict[Level, float] = {Level.MID: -0.25, Level.SENIOR: 0.0, Level.STAFF: 0.25}


def parse_level(text: str) -> Level:
    """A level by name; a clear ValueError naming the choices otherwise."""
    try:
        return Level(text.strip().lower())
    except ValueError:
        names = ", ".join(level.value for level in Level)
        raise ValueError(f"unknown level {excerpt(text)!r}: choose one of {names}") from None


def hire_signal_for(overall: float, level: Level = Level.SENIOR) -> HireSignal:
    """The hire signal an overall score maps to, at a level's bar."""
    overall -= LEVEL_BAR_SHIFT[level]
    if overall >= 3.5:
        return HireSignal.STRONG_HIRE
    if overall >= 3.0:
        return HireSignal.HIRE
    if overall >= 2.5:
        return HireSignal.LEAN_HIRE
    if overall >= 1.75:
        return HireSignal.LEAN_NO_HIRE
    return HireSignal.NO_HIRE


@dataclass
class CriterionScore:
    """One criterion's score, the quotes that support it and what to do about it."""

    score: int
    evidence: list[str] = field(default_factory=list)
    feedback: str = ""
    # A model-graded card records both opinions behind the score it shows.
    model_score: int | None = None
    offline_score: int | None = None

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict (the two opinions only when recorded)."""
        data: dict[str, Any] = {
            "score": self.score,
            "evidence": list(self.evidence),
            "feedback": self.feedback,
        }
        if self.model_score is not None:
            data["model_score"] = self.model_score
        if self.offline_score is not None:
            data["offline_score"] = self.offline_score
        return data


@dataclass
class PitfallSeen:
    """A pitfall and what in the interview showed it."""

    id: Pitfall
    detail: str

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict."""
        return {"id": self.id.value, "detail": self.detail}


@dataclass
class Contribution:
    """One member's share of a design-along, graded on their own messages."""

    author: str  # the platform's user id
    messages: int
    overall: float
    strengths: list[Criterion] = field(default_factory=list)
    scores: dict[Criterion, int] = field(default_factory=dict)  # per criterion, for their radar
    drew: list[str] = field(default_factory=list)  # boxes of the final diagram they drew first

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict."""
        return {
            "author": self.author,
            "messages": self.messages,
            "overall": self.overall,
            "strengths": [c.value for c in self.strengths],
            "scores": {c.value: s for c, s in self.scores.items()},
            **({"drew": list(self.drew)} if self.drew else {}),
        }


@dataclass
class Scorecard:
    """The end-of-interview verdict."""

    criteria: dict[Criterion, CriterionScore]
    overall: float
    hire_signal: HireSignal
    pitfalls: list[PitfallSeen] = field(default_factory=list)
    improvements: list[str] = field(default_factory=list)
    grader: str = "offline"
    notes: list[str] = field(default_factory=list)
    contributors: list[Contribution] = field(default_factory=list)
    diagram: str | None = None  # the final diagram's text layout (interviewer/diagrams)
    level: Level = Level.SENIOR

    def at_level(self, level: Level) -> Scorecard:
        """The same card judged at a level's hire bar."""
        self.level = level
        self.hire_signal = hire_signal_for(self.overall, level)
        return self

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict; `criteria` keyed by criterion id in rubric order."""
        return {
            "criteria": {c.value: self.criteria[c].to_dict() for c in Criterion},
            "overall": self.overall,
            "hire_signal": self.hire_signal.value,
            "pitfalls": [p.to_dict() for p in self.pitfalls],
            "improvements": list(self.improvements),
            "grader": self.grader,
            "notes": list(self.notes),
            "contributors": [c.to_dict() for c in self.contributors],
            **({"diagram": self.diagram} if self.diagram else {}),
            "level": self.level.value,
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Scorecard:
        """The inverse of to_dict."""
        return cls(
            criteria={
                Criterion(k): CriterionScore(
                    score=int(v["score"]),
                    evidence=list(v.get("evidence", [])),
                    feedback=str(v.get("feedback", "")),
                    model_score=v.get("model_score"),
                    offline_score=v.get("offline_score"),
                )
                for k, v in data["criteria"].items()
            },
            overall=float(data["overall"]),
            hire_signal=HireSignal(data["hire_signal"]),
            pitfalls=[PitfallSeen(Pitfall(p["id"]), p.get("detail", "")) for p in data["pitfalls"]],
            improvements=list(data.get("improvements", [])),
            grader=str(data.get("grader", "offline")),
            notes=list(data.get("notes", [])),
            contributors=[
                Contribution(
                    author=str(c["author"]),
                    messages=int(c["messages"]),
                    overall=float(c["overall"]),
                    strengths=[Criterion(x) for x in c.get("strengths", [])],
                    scores={Criterion(k): int(v) for k, v in c.get("scores", {}).items()},
                    drew=[str(x) for x in c.get("drew", [])],
                )
                for c in data.get("contributors", [])
            ],
            diagram=data.get("diagram"),
            level=Level(data.get("level", Level.SENIOR.value)),
        )
