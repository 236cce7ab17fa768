"""Interview stages, formats and their time budgets (INTERVIEW_SPEC.md section 1)."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from interviewer.core.text import excerpt


class Stage(StrEnum):
    """A stage of the interview, in the order a round walks them."""

    CLARIFY = "clarify"
    HIGH_LEVEL = "high_level"
    DEEP_DIVE = "deep_dive"
    TRADEOFFS = "tradeoffs"
    WRAP_UP = "wrap_up"

    @property
    def label(self) -> str:
        """A human name for the stage."""
        return _TITLES[self]


_TITLES = {
    Stage.CLARIFY: "Clarify requirements",
    Stage.HIGH_LEVEL: "High-level design",
    Stage.DEEP_DIVE: "Deep dive",
    Stage.TRADEOFFS: "Trade-offs",
    Stage.WRAP_UP: "Wrap-up",
}


class Format(StrEnum):
    """How long the interview runs and how it is clocked."""

    STANDARD = "standard"
    EXTENDED = "extended"
    DRILL = "drill"
    ASYNC = "async"


@dataclass(frozen=True)
class StageBudget:
    """One stage of a format and its budget in seconds (None: no clock)."""

    stage: Stage
    seconds: int | None


@dataclass(frozen=True)
class CurveballSlot:
    """When a curveball is due: a stage and the fraction of its budget already used."""

    stage: Stage
    at_fraction: float


@dataclass(frozen=True)
class FormatSpec:
    """The stages a format walks, their budgets and when curveballs fall."""

    format: Format
    stages: tuple[StageBudget, ...]
    curveballs: tuple[CurveballSlot, ...]
    warn_fraction: float = 0.8

    @property
    def clocked(self) -> bool:
        """Whether the format enforces time at all."""
        return any(b.seconds is not None for b in self.stages)

    @property
    def total_seconds(self) -> int | None:
        """The whole interview's budget, or None for an unclocked format."""
        if not self.clocked:
            return None
        return sum(b.seconds or 0 for b in self.stages)

    def budget(self, stage: Stage) -> int | None:
        """The budget of one stage in seconds (None when unclocked)."""
        for b in self.stages:
            if b.stage == stage:
                return b.seconds
        raise KeyError(f"{stage} is not part of the {self.format} format")

    def order(self) -> tuple[Stage, ...]:
        """The stages in the order this format walks them."""
        return tuple(b.stage for b in self.stages)

    def next_stage(self, stage: Stage) -> Stage | None:
        """The stage after this one, or None after the last."""
        order = self.order()
        i = order.index(stage)
        return order[i + 1] if i + 1 < len(order) else None


def _minutes(*pairs: tuple[Stage, float]) -> tuple[StageBudget, ...]:
    return tuple(StageBudget(stage, round(m * 60)) for stage, m in pairs)


FORMATS: dict[Format, FormatSpec] = {
    # 45 minutes: 5 + 12 + 17 + 7 + 4.
    Format.STANDARD: FormatSpec(
        Format.STANDARD,
        _minutes(
            (Stage.CLARIFY, 5),
            (Stage.HIGH_LEVEL, 12),
            (Stage.DEEP_DIVE, 17),
            (Stage.TRADEOFFS, 7),
            (Stage.WRAP_UP, 4),
        ),
        (CurveballSlot(Stage.DEEP_DIVE, 0.5), CurveballSlot(Stage.TRADEOFFS, 0.15)),
    ),
    # 60 minutes: clarify and wrap-up as in standard, the middle scaled by 51/36.
    Format.EXTENDED: FormatSpec(
        Format.EXTENDED,
        _minutes(
            (Stage.CLARIFY, 5),
            (Stage.HIGH_LEVEL, 17),
            (Stage.DEEP_DIVE, 24),
            (Stage.TRADEOFFS, 10),
            (Stage.WRAP_UP, 4),
        ),
        (
            CurveballSlot(Stage.DEEP_DIVE, 0.4),
            CurveballSlot(Stage.DEEP_DIVE, 0.8),
            CurveballSlot(Stage.TRADEOFFS, 0.15),
        ),
    ),
    # About 15 minutes: a short clarify, a high-level sketch, one curveball.
    Format.DRILL: FormatSpec(
        Format.DRILL,
        _minutes(
            (Stage.CLARIFY, 2),
            (Stage.HIGH_LEVEL, 8),
            (Stage.TRADEOFFS, 4),
            (Stage.WRAP_UP, 1),
        ),
        (CurveballSlot(Stage.TRADEOFFS, 0.0),),
    ),
    # A daily drill answered in one or a few messages: no clock, no curveball.
    Format.ASYNC: FormatSpec(
        Format.ASYNC,
        (StageBudget(Stage.HIGH_LEVEL, None), StageBudget(Stage.WRAP_UP, None)),
        (),
    ),
}


def format_spec(fmt: Format | str) -> FormatSpec:
    """The spec of a format, by enum or name; a clear ValueError for an unknown name."""
    try:
        return FORMATS[Format(fmt)]
    except ValueError:
        names = ", ".join(f.value for f in Format)
        raise ValueError(f"unknown format {excerpt(str(fmt))!r}: choose one of {names}") from None
