"""The state machine, driven by a controllable clock."""

from __future__ import annotations

from datetime import timedelta

import pytest

from interviewer.core import machine
from interviewer.core.events import (
    AdvanceStage,
    AskFollowUp,
    CandidateMessage,
    EndAsked,
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
from interviewer.core.stages import FORMATS, Format, Stage
from interviewer.core.state import InterviewState, Status
from tests.clock import FakeClock

OPTIONS = [
    ("ten-x-users", (Stage.DEEP_DIVE, Stage.TRADEOFFS)),
    ("region-down", (Stage.TRADEOFFS,)),
    ("cost-cut", (Stage.TRADEOFFS,)),
]


def started(fmt: Format = Format.STANDARD, clock: FakeClock | None = None) -> InterviewState:
    clock = clock or FakeClock()
    state, actions = machine.start("model-serving", fmt, OPTIONS, clock(), seed=7)
    assert actions == [Say("opening", {"stage": state.stage.value}), Persist()]
    return state


def kinds(actions: list[object]) -> list[type]:
    return [type(a) for a in actions if not isinstance(a, Persist)]


@pytest.mark.parametrize(
    ("fmt", "total_minutes"),
    [(Format.STANDARD, 45), (Format.EXTENDED, 60), (Format.DRILL, 15), (Format.ASYNC, None)],
)
def test_format_budgets_add_up(fmt: Format, total_minutes: int | None) -> None:
    spec = FORMATS[fmt]
    assert (spec.total_seconds // 60 if spec.total_seconds else None) == total_minutes


def test_standard_budgets_follow_the_spec() -> None:
    spec = FORMATS[Format.STANDARD]
    assert [(b.stage, b.seconds) for b in spec.stages] == [
        (Stage.CLARIFY, 300),
        (Stage.HIGH_LEVEL, 720),
        (Stage.DEEP_DIVE, 1020),
        (Stage.TRADEOFFS, 420),
        (Stage.WRAP_UP, 240),
    ]


@pytest.mark.parametrize(
    ("seconds", "expected"),
    [
        (0, []),
        (239, []),
        (240, [WarnTime]),  # 80% of the 5-minute clarify budget
        (299, [WarnTime]),
        (300, [AdvanceStage]),  # spent: move on
        (1000, [AdvanceStage]),  # long overdue: still one move, not a cascade
    ],
)
def test_tick_in_clarify(seconds: int, expected: list[type]) -> None:
    clock = FakeClock()
    state = started(clock=clock)
    _, actions = machine.step(state, Tick(), clock.advance(seconds))
    assert kinds(actions) == expected


def test_warning_is_given_once_per_stage() -> None:
    clock = FakeClock()
    state = started(clock=clock)
    state, first = machine.step(state, Tick(), clock.advance(250))
    state, second = machine.step(state, Tick(), clock.advance(10))
    assert kinds(first) == [WarnTime]
    assert kinds(second) == []
    state, moved = machine.step(state, Tick(), clock.advance(60))
    assert kinds(moved) == [AdvanceStage]
    assert state.stage is Stage.HIGH_LEVEL and not state.warned
    # the new stage gets its own warning at 80% of its own budget (12 min)
    state, early = machine.step(state, Tick(), clock.advance(0.8 * 720 - 1))
    state, warned = machine.step(state, Tick(), clock.advance(1))
    assert kinds(early) == [] and kinds(warned) == [WarnTime]


def test_walks_every_stage_then_ends_when_wrap_up_is_spent() -> None:
    clock = FakeClock()
    state = started(clock=clock)
    seen = [state.stage]
    for _ in range(10):
        budget = state.spec.budget(state.stage)
        assert budget is not None
        state, actions = machine.step(state, Tick(), clock.advance(budget))
        if not state.active:
            assert kinds(actions) == [RequestScorecard]
            assert actions[0] == RequestScorecard("time")
            break
        seen.append(state.stage)
    assert seen == list(FORMATS[Format.STANDARD].order())
    assert state.status is Status.ENDED and state.end_reason == "time"


def test_a_stage_move_starts_the_new_stage_clock_at_now() -> None:
    clock = FakeClock()
    state = started(clock=clock)
    now = clock.advance(400)
    state, _ = machine.step(state, Tick(), now)
    assert state.stage_started_at == now
    assert state.stage_seconds_left(now) == 720


def _to_stage(state: InterviewState, clock: FakeClock, stage: Stage) -> InterviewState:
    while state.stage is not stage:
        state, _ = machine.step(state, MoveOnAsked(), clock())
    return state


def test_curveball_falls_on_the_deep_dive_clock_and_its_answer_is_kept() -> None:
    clock = FakeClock()
    state = _to_stage(started(clock=clock), clock, Stage.DEEP_DIVE)
    deep = state.curveballs[0]
    assert deep.stage is Stage.DEEP_DIVE
    state, before = machine.step(state, Tick(), clock.advance(0.5 * 1020 - 1))
    assert kinds(before) == []
    state, due = machine.step(state, Tick(), clock.advance(1))
    assert due[0] == InjectCurveball(deep.curveball_id, Stage.DEEP_DIVE)
    assert state.pending_curveball == deep.curveball_id
    state, reply = machine.step(
        state, CandidateMessage("Shard by user and autoscale."), clock.advance(30)
    )
    assert reply[0] == AskFollowUp(Stage.DEEP_DIVE, after_curveball=deep.curveball_id)
    assert state.pending_curveball is None
    assert state.curveballs[0].response == "Shard by user and autoscale."


def test_at_most_one_curveball_is_pending() -> None:
    clock = FakeClock()
    state = _to_stage(started(Format.EXTENDED, clock), clock, Stage.DEEP_DIVE)
    # extended has two deep-dive curveballs (40% and 80%); the second waits for an answer
    state, first = machine.step(state, Tick(), clock.advance(0.4 * 24 * 60))
    assert kinds(first) == [InjectCurveball]
    state, second = machine.step(state, Tick(), clock.advance(0.41 * 24 * 60))
    assert InjectCurveball not in kinds(second)
    # once the first is answered, the overdue second one is the reply (and the turn's question)
    state, third = machine.step(state, CandidateMessage("Add replicas."), clock.advance(1))
    assert kinds(third) == [InjectCurveball]
    ids = [c.curveball_id for c in state.curveballs]
    assert len(ids) == len(set(ids)), "a curveball is never used twice"


def test_curveballs_fit_their_stage() -> None:
    state = started(Format.STANDARD)
    by_id = dict(OPTIONS)
    for plan in state.curveballs:
        assert plan.stage in by_id[plan.curveball_id]


def test_one_question_per_turn_when_the_clock_moves_the_stage() -> None:
    clock = FakeClock()
    state = started(clock=clock)
    _, actions = machine.step(state, CandidateMessage("How many users?"), clock.advance(301))
    questioning = [
        a for a in actions if isinstance(a, (AskFollowUp, AdvanceStage, InjectCurveball))
    ]
    assert len(questioning) == 1 and isinstance(questioning[0], AdvanceStage)


def test_clarifying_question_asks_for_the_hidden_facts() -> None:
    clock = FakeClock()
    state = started(clock=clock)
    _, asking = machine.step(
        state, CandidateMessage("How many users do we have?"), clock.advance(10)
    )
    _, designing = machine.step(
        state, CandidateMessage("I'd put a load balancer in front."), clock.advance(10)
    )
    assert asking[0] == AskFollowUp(Stage.CLARIFY, answer_facts=True)
    assert designing[0] == AskFollowUp(Stage.CLARIFY, answer_facts=False)


def test_the_second_statement_in_a_row_in_clarify_moves_to_the_design() -> None:
    clock = FakeClock()
    state = started(clock=clock)
    design = "A library in each service assigns the variant and logs an exposure event."
    state, first = machine.step(state, CandidateMessage(design), clock.advance(10))
    assert first[0] == AskFollowUp(Stage.CLARIFY, answer_facts=False)  # the nudge to ask
    state, short = machine.step(state, CandidateMessage("ok, got it"), clock.advance(10))
    assert short[0] == AskFollowUp(Stage.CLARIFY, answer_facts=False)  # too short to count
    state, second = machine.step(state, CandidateMessage(design), clock.advance(10))
    assert second[0] == AdvanceStage(Stage.CLARIFY, Stage.HIGH_LEVEL, "designing")
    assert kinds(second) == [AdvanceStage] and state.stage is Stage.HIGH_LEVEL


def test_a_question_between_two_statements_keeps_clarify_going() -> None:
    clock = FakeClock()
    state = started(clock=clock)
    said = "I'll assume ten million users a day and reads far outnumbering writes here."
    for text in (said, "How many regions do we run in?", said):
        state, actions = machine.step(state, CandidateMessage(text), clock.advance(10))
        assert kinds(actions) == [AskFollowUp], text
    assert state.stage is Stage.CLARIFY
    assert InterviewState.from_dict(state.to_dict()).clarify_statements == 1


@pytest.mark.parametrize(
    ("event", "expected"),
    [
        (HintAsked(), [GiveHint]),
        (MoveOnAsked(), [AdvanceStage]),
        (TimeAsked(), [Say]),
        (EndAsked(), [RequestScorecard]),
    ],
)
def test_candidate_commands(event: object, expected: list[type]) -> None:
    clock = FakeClock()
    state = started(clock=clock)
    _, actions = machine.step(state, event, clock.advance(60))  # type: ignore[arg-type]
    assert kinds(actions) == expected


def test_time_asked_reports_stage_and_total() -> None:
    clock = FakeClock()
    state = started(clock=clock)
    _, actions = machine.step(state, TimeAsked(), clock.advance(60))
    assert actions[0] == Say(
        "time_left",
        {"stage": "clarify", "stage_seconds_left": 240, "total_seconds_left": 45 * 60 - 60},
    )


def test_move_on_from_the_last_stage_ends() -> None:
    clock = FakeClock()
    state = _to_stage(started(clock=clock), clock, Stage.WRAP_UP)
    state, actions = machine.step(state, MoveOnAsked(), clock.advance(1))
    assert actions[0] == RequestScorecard("candidate") and not state.active


def test_events_after_the_end_change_nothing() -> None:
    clock = FakeClock()
    state, _ = machine.step(started(clock=clock), EndAsked(), clock())
    after, actions = machine.step(state, CandidateMessage("one more thing"), clock.advance(5))
    assert actions == [Say("already_ended")]
    assert after == state
    _, ticked = machine.step(state, Tick(), clock.advance(5000))
    assert ticked == []


def test_async_format_has_no_clock() -> None:
    clock = FakeClock()
    state = started(Format.ASYNC, clock)
    assert state.curveballs == []
    state, actions = machine.step(state, Tick(), clock.advance(86_400))
    assert actions == [] and state.active
    assert machine.next_deadline(state) is None


def test_resume_does_not_charge_the_time_away() -> None:
    clock = FakeClock()
    state = started(clock=clock)
    state, _ = machine.step(state, CandidateMessage("What scale?"), clock.advance(100))
    state, _ = machine.step(state, Resumed(pause_clock=True), clock.advance(3600))
    assert state.stage is Stage.CLARIFY
    assert state.stage_seconds_left(clock()) == 200


def test_step_leaves_its_input_untouched() -> None:
    clock = FakeClock()
    state = started(clock=clock)
    snapshot = state.to_dict()
    machine.step(state, CandidateMessage("hello"), clock.advance(400))
    assert state.to_dict() == snapshot


def test_next_deadline_is_the_earliest_of_warning_curveball_and_end() -> None:
    clock = FakeClock()
    state = started(clock=clock)
    assert machine.next_deadline(state) == state.stage_started_at + timedelta(seconds=240)
    state = _to_stage(state, clock, Stage.DEEP_DIVE)
    assert machine.next_deadline(state) == state.stage_started_at + timedelta(seconds=510)


def test_state_round_trips_through_json() -> None:
    clock = FakeClock()
    state = _to_stage(started(clock=clock), clock, Stage.DEEP_DIVE)
    state, _ = machine.step(state, Tick(), clock.advance(600))
    state = machine.note_asked(state, "how many users")
    assert InterviewState.from_dict(state.to_dict()) == state


def test_note_asked_remembers_each_question_once() -> None:
    state = machine.note_asked(machine.note_asked(started(), "a"), "a")
    assert state.asked == ["a"]
