"""What the bot says in a peer mock's shared thread: it keeps the clock and throws the
curveballs, and leaves every question to the human interviewer.

Pure: the interview engine asks for these words instead of a brain's when the interview is a
peer mock (the same machine, stage budgets and curveball schedule as an AI interview).
"""

from __future__ import annotations

from datetime import datetime

from interviewer.bank import QuestionBank
from interviewer.core.events import (
    Action,
    AdvanceStage,
    InjectCurveball,
    RequestScorecard,
    Say,
    WarnTime,
)
from interviewer.core.stages import Format, Stage, format_spec
from interviewer.core.state import InterviewState
from interviewer.core.transcript import TurnKind
from interviewer.ports import Utterance


def budget_text(fmt: Format, stage: Stage) -> str:
    """'12 min' for a stage's budget in a format, or 'no clock'."""
    seconds = format_spec(fmt).budget(stage)
    return "no clock" if seconds is None else f"{max(1, round(seconds / 60))} min"


def peer_words(bank: QuestionBank, fmt: Format, action: Action) -> Utterance:
    """The bot's line for one action of a peer mock's clock."""
    if isinstance(action, Say) and action.kind == "opening":
        stage = Stage(action.data.get("stage", Stage.CLARIFY.value))
        plan = " → ".join(
            f"{b.stage.label} ({budget_text(fmt, b.stage)})" for b in format_spec(fmt).stages
        )
        return Utterance(
            f"⏱ The peer mock starts now: {plan}. First, *{stage.label}* "
            f"({budget_text(fmt, stage)}). The interviewer asks; the candidate answers here.",
            TurnKind.OPENING,
        )
    if isinstance(action, AdvanceStage):
        return Utterance(
            f"⏱ Time for *{action.from_stage.label}* is up. Now *{action.to_stage.label}* "
            f"({budget_text(fmt, action.to_stage)}).",
            TurnKind.STAGE_INTRO,
        )
    if isinstance(action, WarnTime):
        minutes = max(1, round(action.seconds_left / 60))
        return Utterance(
            f"⏱ About {minutes} min left for *{action.stage.label}*.", TurnKind.TIME_WARNING
        )
    if isinstance(action, InjectCurveball):
        found = bank.curveballs.get(action.curveball_id)
        text = found.text if found is not None else "A new constraint arrives: how do you adapt?"
        return Utterance(f"🎯 Curveball: {text}", TurnKind.CURVEBALL)
    if isinstance(action, RequestScorecard):
        return Utterance("⏱ The peer mock is over. The AI is grading.", TurnKind.CLOSING)
    if isinstance(action, Say) and action.kind == "already_ended":
        return Utterance("This peer mock has ended.", TurnKind.NOTICE)
    return Utterance("⏱ The clock is running.", TurnKind.NOTICE)


def time_left_text(state: InterviewState, now: datetime) -> str:
    """The clock as either member of a peer mock asks for it (privately)."""
    stage_left, total_left = state.stage_seconds_left(now), state.total_seconds_left(now)
    if stage_left is None or total_left is None:
        return f"⏱ *{state.stage.label}*: this session has no clock."
    return (
        f"⏱ *{state.stage.label}*: {_minutes(stage_left)} left in this stage, "
        f"{_minutes(total_left)} in the session."
    )


def _minutes(seconds: int) -> str:
    minutes = max(1, round(seconds / 60)) if seconds else 0
    return f"{minutes} min"
