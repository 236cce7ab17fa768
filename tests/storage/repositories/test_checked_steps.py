"""Steps saved on top of the version they read (every step the service saves): on PostgreSQL
one statement in autocommit, whose turn numbering leans on the version check; on both
backends refused when another step got in first, and whole or not at all."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

import pytest
from sqlalchemy import Connection, Engine, text
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from interviewer.core.state import Status
from interviewer.outbox import Post
from interviewer.ports import StaleInterview, UsageDelta
from storage.models import ScheduledPost
from storage.repositories.interviews import SqlRepository
from tests.storage.repositories.test_interviews import (
    T0,
    interview_row,
    make_state,
    new_interview,
    turn,
    turn_rows,
)


def post(key: str) -> Post:
    return Post(key, "thread", "slack", "C1:1.0", f"text of {key}", T0 + timedelta(hours=1))


def post_keys(engine: Engine) -> list[str]:
    with Session(engine) as session:
        return list(session.exec(select(ScheduledPost.key).order_by(col(ScheduledPost.id))))


def test_a_checked_step_stores_state_turns_usage_and_posts(
    repo: SqlRepository, engine: Engine
) -> None:
    ada = repo.ensure_user("slack", "U1")
    interview_id = new_interview(repo, ada, turns=[turn("t1")])
    ended = make_state(T0, status=Status.ENDED)
    version = repo.save_step(
        interview_id,
        ended,
        [turn("t2"), turn("t3", diagram="a -> b", author="U1", curveball_id="gpu")],
        expected_version=0,
        usage=UsageDelta(10, 2, 0.5),
        posts=[post("p1"), post("p2")],
    )
    assert version == 1
    rows = turn_rows(engine, interview_id)
    assert [(r.seq, r.text) for r in rows] == [(1, "t1"), (2, "t2"), (3, "t3")]
    assert (rows[2].diagram, rows[2].author, rows[2].curveball_id) == ("a -> b", "U1", "gpu")
    assert rows[2].created_at == ended.last_event_at
    row = interview_row(engine, interview_id)
    assert (row.status, row.version, row.prompt_tokens, row.completion_tokens) == (
        "ended",
        1,
        10,
        2,
    )
    assert row.ended_at == ended.last_event_at
    assert post_keys(engine) == ["p1", "p2"]
    stored = repo.load(interview_id)
    assert stored is not None and stored.state == ended and stored.version == 1
    # a step with no turns (the clock's warning state) moves the version all the same
    assert repo.save_step(interview_id, ended, [], expected_version=1) == 2


def test_a_checked_step_with_a_post_stored_before_keeps_nothing(
    repo: SqlRepository, engine: Engine
) -> None:
    ada = repo.ensure_user("slack", "U1")
    interview_id = new_interview(repo, ada, turns=[turn("t1")])
    repo.enqueue([post("taken")], T0)
    with pytest.raises(IntegrityError):
        repo.save_step(
            interview_id,
            make_state(candidate_turns=9),
            [turn("t2")],
            expected_version=0,
            usage=UsageDelta(5, 5, 1.0),
            posts=[post("new"), post("taken")],
        )
    assert [r.text for r in turn_rows(engine, interview_id)] == ["t1"]
    row = interview_row(engine, interview_id)
    assert (row.version, row.prompt_tokens) == (0, 0)
    assert post_keys(engine) == ["taken"]


def test_racing_checked_steps_each_land_once_numbered_without_gaps(
    repo: SqlRepository, engine: Engine
) -> None:
    # Each writer reads, saves on top of what it read, and reads again when refused: what the
    # service does when another replica's step got in first.
    ada = repo.ensure_user("slack", "U1")
    interview_id = new_interview(repo, ada)
    writers, steps = 6, 5
    start = threading.Barrier(writers)

    def write(w: int) -> None:
        start.wait()
        for s in range(steps):
            while True:
                read = repo.load(interview_id)
                assert read is not None
                try:
                    repo.save_step(
                        interview_id,
                        read.state,
                        [turn(f"w{w}s{s}a"), turn(f"w{w}s{s}b")],
                        expected_version=read.version,
                    )
                    break
                except StaleInterview:
                    continue

    with ThreadPoolExecutor(writers) as pool:
        for done in [pool.submit(write, w) for w in range(writers)]:
            done.result()  # an IntegrityError (a turn number taken twice) would show here

    rows = turn_rows(engine, interview_id)
    assert [r.seq for r in rows] == list(range(1, writers * steps * 2 + 1))
    texts = [r.text for r in rows]
    for w in range(writers):
        assert [t for t in texts if t.startswith(f"w{w}s")] == [
            f"w{w}s{s}{half}" for s in range(steps) for half in "ab"
        ]
    assert interview_row(engine, interview_id).version == writers * steps


@pytest.fixture
def holder(engine: Engine) -> Iterator[Connection]:
    """A connection for another process's transaction."""
    with engine.connect() as connection:
        yield connection


def waiting_for_a_lock(engine: Engine) -> bool:
    with engine.connect() as connection:
        found = connection.execute(
            text(
                "SELECT count(*) FROM pg_stat_activity"
                " WHERE datname = current_database() AND wait_event_type = 'Lock'"
            )
        ).scalar_one()
    return bool(found)


def save_while_locked(
    repo: SqlRepository,
    engine: Engine,
    holder: Connection,
    interview_id: int,
    *,
    expected: int,
    commit: bool,
) -> int | BaseException:
    """Start a checked step on top of `expected` while `holder` holds the interview's row in
    an open transaction, then end that transaction: the step's statement took its snapshot
    before the holder's work was committed. What the step returned, or raised."""
    with ThreadPoolExecutor(1) as pool:
        saving = pool.submit(
            repo.save_step, interview_id, make_state(), [turn("mine")], expected_version=expected
        )
        deadline = time.monotonic() + 10
        while not waiting_for_a_lock(engine):
            assert not saving.done(), saving.result()
            assert time.monotonic() < deadline, "the step never waited for the row lock"
            time.sleep(0.01)
        (holder.commit if commit else holder.rollback)()
        try:
            return saving.result(timeout=10)
        except Exception as exc:
            return exc


@pytest.mark.postgres
@pytest.mark.parametrize("backend", ["postgres"], indirect=True)
def test_a_step_committed_while_a_checked_step_waits_for_the_row_makes_it_stale(
    repo: SqlRepository, engine: Engine, holder: Connection
) -> None:
    ada = repo.ensure_user("slack", "U1")
    interview_id = new_interview(repo, ada, turns=[turn("t1")])
    # another replica's step: a new version and its turn, not yet committed
    holder.execute(
        text("UPDATE interview SET version = version + 1 WHERE id = :i"), {"i": interview_id}
    )
    holder.execute(
        text(
            "INSERT INTO interview_turn (interview_id, seq, role, stage, kind, text, created_at)"
            " VALUES (:i, 2, 'interviewer', 'deep_dive', 'message', 'theirs', now())"
        ),
        {"i": interview_id},
    )
    outcome = save_while_locked(repo, engine, holder, interview_id, expected=0, commit=True)
    assert isinstance(outcome, StaleInterview), outcome
    assert [(r.seq, r.text) for r in turn_rows(engine, interview_id)] == [(1, "t1"), (2, "theirs")]
    assert interview_row(engine, interview_id).version == 1


@pytest.mark.postgres
@pytest.mark.parametrize("backend", ["postgres"], indirect=True)
def test_a_checked_step_waiting_behind_a_write_that_keeps_the_version_lands(
    repo: SqlRepository, engine: Engine, holder: Connection
) -> None:
    # the token ledger and the scorecard lock the row without moving the version; a step that
    # waited for them, or for a step rolled back, is on top of what it read
    ada = repo.ensure_user("slack", "U1")
    interview_id = new_interview(repo, ada, turns=[turn("t1")])
    holder.execute(
        text("UPDATE interview SET prompt_tokens = prompt_tokens + 7 WHERE id = :i"),
        {"i": interview_id},
    )
    assert save_while_locked(repo, engine, holder, interview_id, expected=0, commit=True) == 1
    # a step that takes the row and turn 3, then rolls back
    holder.execute(
        text("UPDATE interview SET version = version + 1 WHERE id = :i"), {"i": interview_id}
    )
    holder.execute(
        text(
            "INSERT INTO interview_turn (interview_id, seq, role, stage, kind, text, created_at)"
            " VALUES (:i, 3, 'interviewer', 'deep_dive', 'message', 'rolled back', now())"
        ),
        {"i": interview_id},
    )
    assert save_while_locked(repo, engine, holder, interview_id, expected=1, commit=False) == 2
    rows = turn_rows(engine, interview_id)
    assert [(r.seq, r.text) for r in rows] == [(1, "t1"), (2, "mine"), (3, "mine")]
    assert interview_row(engine, interview_id).prompt_tokens == 7
