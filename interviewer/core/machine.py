"""The interview state machine: (state, event, now) -> (new state, actions).

Pure: no I/O, no clock of its own, no randomness beyond the seed it is given.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from copy import deepcopy
from datetime import datetime, timedelta

from interviewer.core.events import (
    QUESTIONING,
    Action,
    AdvanceStage,
    AskFollowUp,
    CandidateMessage,
    EndAsked,
    Event,
    GiveHint,
    HintAsked,
    InjectCurveball,
    MoveOnAsked,
    Persist,
    RequestScorecard,
    Resumed,
    Say,
    Tick,
    TimeAsked,
    WarnTime,
)
from interviewer.core.rubric import Level
from interviewer.core.stages import Format, Stage, format_spec
from interviewer.core.state import CurveballPlan, InterviewState, Status
from interviewer.core.text import asks_questions

Step = tuple[InterviewState, list[Action]]
# How long an unanswered question holds back a due curveball.
CURVEBALL_GRACE_SECONDS = 120


def start(
    question_id: str,
    fmt: Format,
    curveball_options: Sequence[tuple[str, Sequence[Stage]]],
    now: datetime,
    seed: int = 0,
    group: bool = False,
    level: Level = Level.SENIOR,
    peer: bool = False,
) -> Step:
    """A new interview: its state and the actions that open it.

    `curveball_options` are the problem's curveballs with the stages each fits; one is
    chosen per slot of the format, never the same one twice.
    """
    spec = format_spec(fmt)
    rng = random.Random(seed)
    remaining = list(curveball_options)
    rng.shuffle(remaining)
    plans: list[CurveballPlan] = []
    for slot in spec.curveballs:
        fitting = [c for c in remaining if slot.stage in c[1]] or remaining
        if not fitting:
            break
        chosen = fitting[0]
        remaining.remove(chosen)
        plans.append(CurveballPlan(chosen[0], slot.stage, slot.at_fraction))
    first = spec.order()[0]
    state = InterviewState(
        question_id=question_id,
        format=fmt,
        stage=first,
        started_at=now,
        stage_started_at=now,
        last_event_at=now,
        curveballs=plans,
        group=group,
        level=level,
        peer=peer,
    )
    state.awaiting_answer, state.question_at = True, now  # the opening asks the first question
    return state, [Say("opening", {"stage": first.value}), Persist()]


def step(state: InterviewState, event: Event, now: datetime) -> Step:
    """Apply one event at time `now`; the input state is left untouched."""
    new = deepcopy(state)
    actions: list[Action] = []
    if not new.active:
        if not isinstance(event, Tick):
            actions.append(Say("already_ended"))
        return new, actions

    if isinstance(event, Resumed):
        if event.pause_clock:
            # The time away does not count against the candidate.
            gap = now - new.last_event_at
            new.stage_started_at += gap
            new.started_at += gap
    elif isinstance(event, CandidateMessage):
        _candidate_message(new, event, now, actions)
    elif isinstance(event, HintAsked):
        _apply_clock(new, now, actions)
        if new.active:
            actions.append(GiveHint(new.stage))
    elif isinstance(event, MoveOnAsked):
        _advance(new, now, actions, reason="candidate")
    elif isinstance(event, TimeAsked):
        _apply_clock(new, now, actions)
        actions.append(
            Say(
                "time_left",
                {
                    "stage": new.stage.value,
                    "stage_seconds_left": new.stage_seconds_left(now),
                    "total_seconds_left": new.total_seconds_left(now),
                },
            )
        )
    elif isinstance(event, EndAsked):
        _end(new, actions, reason="candidate")
    elif isinstance(event, Tick):
        _apply_clock(new, now, actions)

    if any(isinstance(a, QUESTIONING) for a in actions):
        new.awaiting_answer, new.question_at = True, now
    if actions or isinstance(event, Resumed):
        new.last_event_at = now
        actions.append(Persist())
    return new, actions


def note_asked(state: InterviewState, key: str) -> InterviewState:
    """Remember that the interviewer asked a question (by its key) so it is not repeated."""
    new = deepcopy(state)
    if key and key not in new.asked:
        new.asked.append(key)
    return new


def note_question(state: InterviewState, now: datetime) -> InterviewState:
    """A peer mock's human interviewer asked something: a curveball waits for the answer."""
    new = deepcopy(state)
    new.awaiting_answer, new.question_at, new.last_event_at = True, now, now
    return new


def note_hint(state: InterviewState, key: str) -> InterviewState:
    """Remember that a hint was given so the next one differs."""
    new = deepcopy(state)
    if key not in new.hints_given:
        new.hints_given.append(key)
    return new


def next_deadline(state: InterviewState) -> datetime | None:
    """When the clock next needs a Tick (warning, curveball or stage end); None if never."""
    if not state.active:
        return None
    budget = state.spec.budget(state.stage)
    if budget is None:
        return None
    candidates = [state.stage_started_at + timedelta(seconds=budget)]
    if not state.warned:
        candidates.append(
            state.stage_started_at + timedelta(seconds=budget * state.spec.warn_fraction)
        )
    if state.pending_curveball is None:
        for plan in state.curveballs:
            if plan.stage == state.stage and plan.injected_at is None:
                due = state.stage_started_at + timedelta(seconds=budget * plan.at_fraction)
                candidates.append(max(due, _curveball_allowed(state)))
    return min(candidates)


# ---- internals ----------------------------------------------------------------------------


def _candidate_message(
    state: InterviewState, event: CandidateMessage, now: datetime, actions: list[Action]
) -> None:
    state.candidate_turns += 1
    state.awaiting_answer = False
    answered: str | None = None
    if state.pending_curveball is not None:
        for plan in state.curveballs:
            if plan.curveball_id == state.pending_curveball and plan.response is None:
                plan.response = event.text
        answered = state.pending_curveball
        state.pending_curveball = None
    stage_before = state.stage
    _apply_clock(state, now, actions)
    if not state.active or any(isinstance(a, QUESTIONING) for a in actions) or state.peer:
        return  # in a peer mock the human interviewer asks the follow-ups
    answer_facts = stage_before is Stage.CLARIFY and asks_questions(event.text)
    if state.stage is Stage.CLARIFY and _starts_designing(state, event.text, answer_facts):
        _advance(state, now, actions, reason="designing")
        return
    actions.append(AskFollowUp(state.stage, answer_facts=answer_facts, after_curveball=answered))


# A statement this long in clarify is design talk or an assumption, not "ok" or "got it".
STATEMENT_WORDS = 12


def _starts_designing(state: InterviewState, text: str, asking: bool) -> bool:
    """Whether the candidate has stopped asking and started designing: the second message in
    a row in clarify that states (STATEMENT_WORDS or more) rather than asks. The first gets the
    interviewer's clarifying nudge; after the second, the clarify stage is over whatever its
    clock says, as an interviewer moves on once the candidate is designing."""
    if asking:
        state.clarify_statements = 0
        return False
    if len(text.split()) < STATEMENT_WORDS:
        return False
    state.clarify_statements += 1
    return state.clarify_statements >= 2


def _apply_clock(state: InterviewState, now: datetime, actions: list[Action]) -> None:
    """Fire at most one stage move, one warning and one curveball that are due."""
    budget = state.spec.budget(state.stage)
    if budget is None or not state.active:
        return
    used = (now - state.stage_started_at).total_seconds()
    if used >= budget:
        _advance(state, now, actions, reason="time")
        return
    if not state.warned and used >= budget * state.spec.warn_fraction:
        state.warned = True
        actions.append(WarnTime(state.stage, max(0, int(budget - used))))
    # One open question at a time: a due curveball waits until the last question is answered.
    if state.pending_curveball is None and now >= _curveball_allowed(state):
        for plan in state.curveballs:
            if (
                plan.stage == state.stage
                and plan.injected_at is None
                and used >= budget * plan.at_fraction
            ):
                plan.injected_at = now
                state.pending_curveball = plan.curveball_id
                actions.append(InjectCurveball(plan.curveball_id, state.stage))
                break


def _curveball_allowed(state: InterviewState) -> datetime:
    """From when a curveball may fall: once the open question is answered, or, when the
    candidate stays silent, after a grace period (a silent candidate still meets it)."""
    if not state.awaiting_answer or state.question_at is None:
        return state.stage_started_at
    return state.question_at + timedelta(seconds=CURVEBALL_GRACE_SECONDS)


def _advance(state: InterviewState, now: datetime, actions: list[Action], reason: str) -> None:
    nxt = state.spec.next_stage(state.stage)
    if nxt is None:
        _end(state, actions, reason=reason)
        return
    # A curveball nobody answered before the stage ended stays unanswered.
    state.pending_curveball = None
    actions.append(AdvanceStage(state.stage, nxt, reason))
    state.stage = nxt
    state.stage_started_at = now
    state.warned = False


def _end(state: InterviewState, actions: list[Action], reason: str) -> None:
    state.status = Status.ENDED
    state.end_reason = reason
    state.pending_curveball = None
    actions.append(RequestScorecard(reason))
