"""SqlRepository against the Repository port, on SQLite and PostgreSQL alike."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import replace
from datetime import UTC, datetime, timedelta, timezone
from typing import Any

import pytest
from sqlalchemy import Engine, event
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from interviewer.core.rubric import (
    Criterion,
    CriterionScore,
    HireSignal,
    Pitfall,
    PitfallSeen,
    Scorecard,
)
from interviewer.core.stages import Format, Stage
from interviewer.core.state import CurveballPlan, InterviewState, Status
from interviewer.core.transcript import Role, Turn, TurnKind
from interviewer.ports import Repository
from storage.models import Interview, InterviewTurn, ScorecardRow, User
from storage.repositories.interviews import SqlRepository

T0 = datetime(2026, 11, 25, 9, 0, tzinfo=UTC)
IST = timezone(timedelta(hours=5, minutes=30))


def make_state(at: datetime = T0, **changes: Any) -> InterviewState:
    """A state with every field away from its default, so a lossy round trip shows."""
    state = InterviewState(
        question_id="model-serving",
        format=Format.STANDARD,
        stage=Stage.DEEP_DIVE,
        started_at=at,
        stage_started_at=at + timedelta(minutes=17),
        last_event_at=at + timedelta(minutes=20),
        warned=True,
        curveballs=[
            CurveballPlan("gpu-shortage", Stage.DEEP_DIVE, 0.5, at + timedelta(minutes=19), "shed"),
            CurveballPlan("region-outage", Stage.TRADEOFFS, 0.15),
        ],
        pending_curveball="gpu-shortage",
        asked=["q.capacity", "q.batching"],
        hints_given=["h.cache"],
        candidate_turns=3,
    )
    return replace(state, **changes)


def turn(text: str, role: Role = Role.CANDIDATE, **changes: Any) -> Turn:
    return replace(Turn(role, Stage.DEEP_DIVE, text), **changes)


def make_card(overall: float, signal: HireSignal, grader: str = "offline") -> Scorecard:
    return Scorecard(
        criteria={c: CriterionScore(3, [f"quote for {c.value}"], "more depth") for c in Criterion},
        overall=overall,
        hire_signal=signal,
        pitfalls=[PitfallSeen(Pitfall.IGNORED_CURVEBALL, "never came back to the GPU limit")],
        improvements=["size the KV cache"],
        grader=grader,
        notes=["graded offline"],
    )


def new_interview(
    repo: SqlRepository,
    user_id: int,
    channel: str = "C1",
    at: datetime = T0,
    turns: list[Turn] | None = None,
    **changes: Any,
) -> int:
    return repo.create_interview(
        user_id, "slack", channel, make_state(at, **changes), turns or [], "offline"
    )


def turn_rows(engine: Engine, interview_id: int) -> list[InterviewTurn]:
    with Session(engine) as session:
        statement = select(InterviewTurn).where(InterviewTurn.interview_id == interview_id)
        return list(session.exec(statement.order_by(col(InterviewTurn.seq))))


def interview_row(engine: Engine, interview_id: int) -> Interview:
    with Session(engine) as session:
        row = session.exec(select(Interview).where(Interview.id == interview_id)).one()
        session.expunge(row)
        return row


def test_is_a_repository(repo: SqlRepository) -> None:
    port: Repository = repo
    assert port is repo


def test_ensure_user_is_stable_per_platform_and_id(repo: SqlRepository, engine: Engine) -> None:
    ada = repo.ensure_user("slack", "U1", "Ada")
    assert repo.ensure_user("slack", "U1") == ada
    assert repo.ensure_user("discord", "U1") != ada
    assert repo.ensure_user("slack", "U2") != ada

    repo.ensure_user("slack", "U1", "Ada Lovelace")
    repo.ensure_user("slack", "U1", None)  # no name given: the known one stays
    with Session(engine) as session:
        users = session.exec(select(User).where(User.external_id == "U1")).all()
        names = {(u.platform, u.display_name) for u in users}
    assert names == {("slack", "Ada Lovelace"), ("discord", None)}


def test_create_and_load_round_trip(repo: SqlRepository) -> None:
    user = repo.ensure_user("slack", "U1")
    state = make_state(T0.astimezone(IST))
    turns = [
        turn("Welcome.", Role.INTERVIEWER, stage=Stage.CLARIFY, kind=TurnKind.OPENING, at=T0),
        turn("How many users?", at=T0 + timedelta(seconds=30), author="ada"),
        turn("GPUs are short.", Role.INTERVIEWER, kind="curveball", curveball_id="gpu-shortage"),
        turn("", at=T0, diagram="client -> gateway -> gpu pool"),  # a message only a diagram
    ]
    interview_id = repo.create_interview(user, "slack", "C1", state, turns, "langchain")

    stored = repo.load(interview_id)

    assert stored is not None
    assert (stored.id, stored.user_id, stored.platform, stored.channel) == (
        interview_id,
        user,
        "slack",
        "C1",
    )
    assert stored.state == state
    # Equal instants are not enough: the offset the state was written with survives too.
    assert stored.state.started_at.utcoffset() == timedelta(hours=5, minutes=30)
    assert stored.scorecard is None
    # A turn without a time takes the time of the state that brought it.
    assert stored.turns == [*turns[:2], replace(turns[2], at=state.last_event_at), turns[3]]
    assert [t.at.tzinfo for t in stored.turns if t.at] == [UTC, UTC, UTC, UTC]
    assert stored.turns[0].kind == "opening"


def test_load_unknown_interview_is_none(repo: SqlRepository) -> None:
    assert repo.load(4242) is None


def test_interview_for_unknown_user_is_refused(repo: SqlRepository) -> None:
    with pytest.raises(IntegrityError):
        new_interview(repo, user_id=999)


def test_naive_times_are_refused_before_anything_is_stored(repo: SqlRepository) -> None:
    user = repo.ensure_user("slack", "U1")
    naive = make_state(started_at=datetime(2026, 11, 25, 9, 0))
    with pytest.raises(ValueError, match="naive"):
        repo.create_interview(user, "slack", "C1", naive, [], "offline")
    assert repo.history(user) == []


def test_save_step_appends_turns_with_consecutive_seq(repo: SqlRepository, engine: Engine) -> None:
    user = repo.ensure_user("slack", "U1")
    interview_id = new_interview(repo, user, turns=[turn("t1"), turn("t2")])

    repo.save_step(interview_id, make_state(), [turn("t3"), turn("t4"), turn("t5")])
    repo.save_step(interview_id, make_state(), [])
    repo.save_step(interview_id, make_state(), [turn("t6")])

    rows = turn_rows(engine, interview_id)
    assert [(r.seq, r.text) for r in rows] == [(i, f"t{i}") for i in range(1, 7)]
    stored = repo.load(interview_id)
    assert stored is not None
    assert [t.text for t in stored.turns] == [f"t{i}" for i in range(1, 7)]


def test_save_step_mirrors_the_state_onto_the_row(repo: SqlRepository, engine: Engine) -> None:
    user = repo.ensure_user("slack", "U1")
    interview_id = new_interview(repo, user)
    later = T0 + timedelta(minutes=40)

    repo.save_step(interview_id, make_state(stage=Stage.TRADEOFFS, last_event_at=later), [])
    row = interview_row(engine, interview_id)
    assert (row.status, row.stage, row.updated_at, row.ended_at) == (
        "active",
        "tradeoffs",
        later,
        None,
    )
    assert row.created_at == T0
    assert row.updated_at.tzinfo == UTC

    ended = make_state(status=Status.ENDED, stage=Stage.WRAP_UP, last_event_at=later)
    repo.save_step(interview_id, ended, [])
    repo.save_step(interview_id, replace(ended, last_event_at=later + timedelta(hours=1)), [])
    row = interview_row(engine, interview_id)
    assert (row.status, row.stage, row.ended_at) == ("ended", "wrap_up", later)
    assert row.updated_at == later + timedelta(hours=1)
    stored = repo.load(interview_id)
    assert stored is not None
    assert stored.state.status is Status.ENDED


@contextmanager
def failing_statement(engine: Engine, prefix: str) -> Iterator[None]:
    """Make the database fail on the first statement that starts with `prefix`."""

    def fail(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        if statement.lstrip().upper().startswith(prefix):
            raise RuntimeError(f"injected failure on {prefix}")

    event.listen(engine, "before_cursor_execute", fail)
    try:
        yield
    finally:
        event.remove(engine, "before_cursor_execute", fail)


@pytest.mark.parametrize("prefix", ["INSERT INTO INTERVIEW_TURN", "UPDATE INTERVIEW"])
def test_save_step_is_one_transaction(repo: SqlRepository, engine: Engine, prefix: str) -> None:
    # Whichever half fails (the turns or the state), the other half must not be kept.
    user = repo.ensure_user("slack", "U1")
    interview_id = new_interview(repo, user, turns=[turn("t1")])
    before = repo.load(interview_id)
    moved_on = make_state(stage=Stage.TRADEOFFS, candidate_turns=9)

    with failing_statement(engine, prefix), pytest.raises(RuntimeError, match="injected"):
        repo.save_step(interview_id, moved_on, [turn("t2"), turn("t3")])

    assert repo.load(interview_id) == before
    assert [r.seq for r in turn_rows(engine, interview_id)] == [1]
    assert interview_row(engine, interview_id).stage == "deep_dive"
    # The failure left no damage: the next step numbers on from the kept turns.
    repo.save_step(interview_id, moved_on, [turn("t2")])
    assert [(r.seq, r.text) for r in turn_rows(engine, interview_id)] == [(1, "t1"), (2, "t2")]


def test_concurrent_steps_number_turns_without_gaps(repo: SqlRepository, engine: Engine) -> None:
    user = repo.ensure_user("slack", "U1")
    interview_id = new_interview(repo, user)
    writers, steps = 6, 5
    start = threading.Barrier(writers)
    errors: list[BaseException] = []

    def write(w: int) -> None:
        try:
            start.wait()
            for s in range(steps):
                repo.save_step(interview_id, make_state(), [turn(f"w{w}s{s}a"), turn(f"w{w}s{s}b")])
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=write, args=(w,)) for w in range(writers)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()

    assert errors == []
    rows = turn_rows(engine, interview_id)
    assert [r.seq for r in rows] == list(range(1, writers * steps * 2 + 1))
    texts = [r.text for r in rows]
    for w in range(writers):
        mine = [t for t in texts if t.startswith(f"w{w}s")]
        # Each step's two turns stay together and each writer's steps stay in order.
        assert mine == [f"w{w}s{s}{half}" for s in range(steps) for half in "ab"]
        first = texts.index(f"w{w}s0a")
        assert texts[first + 1] == f"w{w}s0b"


def test_save_step_for_unknown_interview_raises(repo: SqlRepository) -> None:
    with pytest.raises(LookupError, match="4242"):
        repo.save_step(4242, make_state(), [turn("lost")])


def test_scorecard_round_trip_and_replacement(repo: SqlRepository, engine: Engine) -> None:
    user = repo.ensure_user("slack", "U1")
    interview_id = new_interview(repo, user)
    first = make_card(2.6, HireSignal.LEAN_HIRE)
    second = make_card(3.4, HireSignal.HIRE, grader="langchain")

    repo.save_scorecard(interview_id, first)
    stored = repo.load(interview_id)
    assert stored is not None
    assert stored.scorecard == first

    repo.save_scorecard(interview_id, second)
    stored = repo.load(interview_id)
    assert stored is not None
    assert stored.scorecard == second
    with Session(engine) as session:
        cards = session.exec(select(ScorecardRow)).all()
        assert [(c.interview_id, c.overall, c.grader) for c in cards] == [
            (interview_id, 3.4, "langchain")
        ]
    row = interview_row(engine, interview_id)
    assert (row.overall, row.hire_signal) == (3.4, "hire")


def test_save_scorecard_for_unknown_interview_raises(repo: SqlRepository) -> None:
    with pytest.raises(LookupError):
        repo.save_scorecard(4242, make_card(3.0, HireSignal.HIRE))


def test_history_is_newest_first_with_scores(repo: SqlRepository) -> None:
    ada = repo.ensure_user("slack", "U1")
    bob = repo.ensure_user("slack", "U2")
    first = new_interview(repo, ada, at=T0, status=Status.ENDED)
    second = new_interview(
        repo, ada, at=T0 + timedelta(days=1), format=Format.DRILL, stage=Stage.TRADEOFFS
    )
    third = new_interview(repo, ada, at=T0 + timedelta(days=2), question_id="rate-limiter")
    new_interview(repo, bob, at=T0 + timedelta(days=3))
    repo.save_scorecard(first, make_card(1.5, HireSignal.NO_HIRE))
    repo.save_scorecard(third, make_card(3.75, HireSignal.STRONG_HIRE))

    entries = repo.history(ada)

    assert [e.interview_id for e in entries] == [third, second, first]
    assert [(e.overall, e.hire_signal) for e in entries] == [
        (3.75, "strong_hire"),
        (None, None),
        (1.5, "no_hire"),
    ]
    assert [e.question_id for e in entries] == ["rate-limiter", "model-serving", "model-serving"]
    assert [e.format for e in entries] == ["standard", "drill", "standard"]
    assert [e.status for e in entries] == ["active", "active", "ended"]
    assert [e.started_at for e in entries] == [T0 + timedelta(days=d) for d in (2, 1, 0)]
    assert all(e.started_at.tzinfo == UTC for e in entries)
    assert [e.interview_id for e in repo.history(ada, limit=2)] == [third, second]
    assert repo.history(repo.ensure_user("discord", "U3")) == []


def test_history_breaks_ties_by_newest_id(repo: SqlRepository) -> None:
    ada = repo.ensure_user("slack", "U1")
    ids = [new_interview(repo, ada, at=T0) for _ in range(3)]
    assert [e.interview_id for e in repo.history(ada)] == ids[::-1]


def test_active_interview_per_user_and_channel(repo: SqlRepository) -> None:
    ada = repo.ensure_user("slack", "U1")
    bob = repo.ensure_user("slack", "U2")
    a_c1 = new_interview(repo, ada, "C1", at=T0)
    a_c2 = new_interview(repo, ada, "C2", at=T0 + timedelta(hours=1))
    new_interview(repo, ada, "C1", at=T0 + timedelta(hours=2), status=Status.ENDED)
    b_c1 = new_interview(repo, bob, "C1", at=T0 + timedelta(hours=3))

    def active_id(user: int, channel: str | None = None) -> int | None:
        found = repo.active_interview(user, channel)
        if found is not None:
            assert found.user_id == user
            assert found.state.active
        return None if found is None else found.id

    assert active_id(ada) == a_c2
    assert active_id(ada, "C1") == a_c1
    assert active_id(ada, "C2") == a_c2
    assert active_id(ada, "C3") is None
    assert active_id(bob) == b_c1
    assert active_id(bob, "C2") is None
    assert active_id(repo.ensure_user("discord", "U1")) is None

    repo.save_step(a_c2, make_state(status=Status.ENDED), [])
    assert active_id(ada) == a_c1
    repo.save_step(a_c1, make_state(status=Status.ENDED), [])
    assert active_id(ada) is None
    assert active_id(bob, "C1") == b_c1


def test_active_interview_carries_turns_and_scorecard(repo: SqlRepository) -> None:
    ada = repo.ensure_user("slack", "U1")
    interview_id = new_interview(repo, ada, turns=[turn("hello")])
    repo.save_step(interview_id, make_state(), [turn("more")])
    card = make_card(3.0, HireSignal.HIRE)
    repo.save_scorecard(interview_id, card)

    found = repo.active_interview(ada, "C1")

    assert found is not None
    assert [t.text for t in found.turns] == ["hello", "more"]
    assert found.scorecard == card
    assert found == repo.load(interview_id)


ODD_TEXTS = [
    "👩‍👩‍👧‍👦 family, 🇺🇦 flag, 👍🏽 skin tone",
    "\u202bשלום עולם\u202c and مرحبا بالعالم with \u200f marks",
    "e\u0301 vs \u00e9, 𝔘𝔫𝔦𝔠𝔬𝔡𝔢, \ufeffBOM, zero\u200bwidth, \uffff, \U0010fffd",
    "line\u2028separator\r\nand\ttabs\n",
    "'; DROP TABLE interview; -- and %s and %(x)s and :param",
    "",
]


def test_odd_and_huge_text_survives(repo: SqlRepository) -> None:
    huge = ("ab😀ש\u0301 " * 20_000)[:100_000]
    assert len(huge) == 100_000
    texts = [*ODD_TEXTS, huge]
    user = repo.ensure_user("slack", "U🙂", display_name=ODD_TEXTS[1])
    state = make_state(end_reason=ODD_TEXTS[0], asked=ODD_TEXTS[:3], pending_curveball=huge)
    interview_id = repo.create_interview(
        user, "slack", "C1", state, [turn(t, author=ODD_TEXTS[2]) for t in texts], "offline"
    )
    card = make_card(2.0, HireSignal.LEAN_NO_HIRE)
    card.improvements.extend(texts)
    repo.save_scorecard(interview_id, card)

    stored = repo.load(interview_id)

    assert stored is not None
    assert [t.text for t in stored.turns] == texts
    assert {t.author for t in stored.turns} == {ODD_TEXTS[2]}
    assert stored.state == state
    assert stored.scorecard == card
    assert repo.ensure_user("slack", "U🙂") == user


def test_characters_no_column_can_hold_become_replacement_chars(repo: SqlRepository) -> None:
    user = repo.ensure_user("slack", "U1")
    # The state is JSON and keeps them exactly; turn text is a column and cannot.
    state = make_state(end_reason="nul\x00 and lone \ud800 surrogate")
    interview_id = repo.create_interview(
        user, "slack", "C1", state, [turn("a\x00b\udfffc", author="x\x00y")], "offline"
    )

    stored = repo.load(interview_id)

    assert stored is not None
    assert [(t.text, t.author) for t in stored.turns] == [("a\ufffdb\ufffdc", "x\ufffdy")]
    assert stored.state == state


def test_unanswered_finds_running_interviews_whose_last_turn_is_an_answer(
    repo: SqlRepository,
) -> None:
    user = repo.ensure_user("slack", "U1")
    asked = turn("Design it.", Role.INTERVIEWER, at=T0)
    waiting = new_interview(repo, user, "C1", turns=[asked, turn("An answer", at=T0)])
    replied = new_interview(repo, user, "C2", turns=[turn("An answer", at=T0), asked])
    fresh = new_interview(repo, user, "C3", turns=[turn("Just now", at=T0 + timedelta(hours=1))])
    ended = new_interview(repo, user, "C4", turns=[turn("An answer", at=T0)], status=Status.ENDED)
    before = T0 + timedelta(minutes=5)
    assert repo.unanswered(before, ["slack"]) == [waiting]
    assert repo.unanswered(before + timedelta(hours=1), ["slack"]) == [waiting, fresh]
    assert repo.unanswered(before, ["discord"]) == [] and repo.unanswered(before, []) == []
    assert {replied, ended}.isdisjoint(repo.unanswered(T0 + timedelta(days=1), ["slack"]))
