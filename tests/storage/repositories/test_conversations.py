"""Conversation lookups, clock deadlines, event claims and token usage, on every backend."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import Engine
from sqlmodel import Session

from interviewer.core.machine import next_deadline
from interviewer.core.rubric import HireSignal
from interviewer.core.stages import Stage
from interviewer.core.state import Status
from interviewer.ports import StaleInterview, UsageDelta
from storage.models import User
from storage.repositories.interviews import SqlRepository
from tests.storage.repositories.test_interviews import T0, make_card, make_state, new_interview


def test_active_in_channel_finds_the_conversations_interview_whoever_runs_it(
    repo: SqlRepository,
) -> None:
    ada = repo.ensure_user("slack", "U1")
    bob = repo.ensure_user("slack", "U2")
    ended = new_interview(repo, ada, channel="C1:1.0", status=Status.ENDED)
    running = new_interview(repo, ada, channel="C1:1.0", at=T0 + timedelta(minutes=1))
    other = new_interview(repo, bob, channel="C1:2.0")
    found = repo.active_in_channel("slack", "C1:1.0")
    assert found is not None and found.id == running and found.user_id == ada
    assert found.id != ended
    second = repo.active_in_channel("slack", "C1:2.0")
    assert second is not None and second.id == other
    assert repo.active_in_channel("discord", "C1:1.0") is None
    assert repo.active_in_channel("slack", "C9") is None


def test_a_conversation_read_gives_the_user_and_the_running_interview_at_once(
    repo: SqlRepository, engine: Engine
) -> None:
    ada = repo.ensure_user("slack", "U1", "Ada")
    running = new_interview(repo, ada, channel="D1")
    user_id, found = repo.conversation("slack", "U1", "Ada", "D1")
    assert user_id == ada and found == repo.load(running) and found is not None
    assert found.scorecard is None
    # first sight: the user is created, and there is no interview yet
    new_id, nothing = repo.conversation("slack", "U2", "Bob", "D2")
    assert nothing is None and new_id == repo.ensure_user("slack", "U2") != ada
    # a rename is written; a message without a name keeps the stored one
    assert repo.conversation("slack", "U1", "Ada L.", "D1")[0] == ada
    assert repo.conversation("slack", "U1", None, "D1")[0] == ada
    with Session(engine) as session:
        user = session.get(User, ada)
        assert user is not None and user.display_name == "Ada L."


def test_a_loaded_interview_carries_its_scorecard(repo: SqlRepository) -> None:
    ada = repo.ensure_user("slack", "U1")
    interview_id = new_interview(repo, ada, channel="D1", status=Status.ENDED)
    assert (loaded := repo.load(interview_id)) is not None and loaded.scorecard is None
    card = make_card(3.0, HireSignal.HIRE)
    repo.save_scorecard(interview_id, card)
    assert (loaded := repo.load(interview_id)) is not None and loaded.scorecard == card


def test_due_interviews_follow_the_machines_next_deadline(repo: SqlRepository) -> None:
    ada = repo.ensure_user("slack", "U1")
    state = make_state(T0, stage=Stage.CLARIFY, warned=False, pending_curveball=None)
    interview_id = repo.create_interview(ada, "slack", "D1", state, [], "offline")
    deadline = next_deadline(state)
    assert deadline is not None
    assert repo.due_interviews(deadline - timedelta(seconds=1)) == []
    assert repo.due_interviews(deadline) == [interview_id]
    # once ended, nothing is due however late it is
    repo.save_step(interview_id, make_state(T0, status=Status.ENDED), [])
    assert repo.due_interviews(deadline + timedelta(days=1)) == []


def test_due_interviews_are_most_overdue_first(repo: SqlRepository) -> None:
    ada = repo.ensure_user("slack", "U1")
    late = new_interview(repo, ada, channel="A", at=T0, stage=Stage.CLARIFY, warned=False)
    later = new_interview(
        repo, ada, channel="B", at=T0 + timedelta(minutes=2), stage=Stage.CLARIFY, warned=False
    )
    # make_state puts stage_started_at 17 minutes after `at`
    assert repo.due_interviews(T0 + timedelta(hours=2)) == [late, later]


def test_an_event_is_claimed_once(repo: SqlRepository) -> None:
    assert repo.claim_event("slack", "Ev1") is True
    assert repo.claim_event("slack", "Ev1") is False
    assert repo.claim_event("discord", "Ev1") is True  # platforms are separate namespaces
    long_key = "k" * 400
    assert repo.claim_event("slack", long_key) is True
    assert repo.claim_event("slack", long_key) is False


def test_usage_adds_up_and_shows_in_history(repo: SqlRepository) -> None:
    ada = repo.ensure_user("slack", "U1")
    interview_id = new_interview(repo, ada)
    repo.add_usage(interview_id, 1000, 200, 0.0012)
    repo.add_usage(interview_id, 500, 100, 0.0006)
    [entry] = repo.history(ada)
    assert (entry.prompt_tokens, entry.completion_tokens) == (1500, 300)
    assert abs(entry.cost_usd - 0.0018) < 1e-9


def test_a_step_saved_on_a_stale_version_is_refused(repo: SqlRepository) -> None:
    ada = repo.ensure_user("slack", "U1")
    interview_id = new_interview(repo, ada)
    read = repo.load(interview_id)
    assert read is not None and read.version == 0
    assert repo.save_step(interview_id, read.state, [], expected_version=0) == 1
    with pytest.raises(StaleInterview, match="version 1, not 0"):
        repo.save_step(interview_id, read.state, [], expected_version=0)
    again = repo.load(interview_id)
    assert again is not None and again.version == 1
    assert repo.save_step(interview_id, again.state, []) == 2  # unchecked saves still count


def test_a_steps_usage_is_added_with_it_and_a_refused_step_adds_none(
    repo: SqlRepository,
) -> None:
    ada = repo.ensure_user("slack", "U1")
    interview_id = new_interview(repo, ada)
    repo.add_usage(interview_id, 100, 10, 0.001)
    state = make_state(T0)
    version = repo.save_step(interview_id, state, [], usage=UsageDelta(40, 4, 0.0005))
    with pytest.raises(StaleInterview):
        repo.save_step(
            interview_id, state, [], expected_version=version - 1, usage=UsageDelta(7, 7, 1.0)
        )
    [entry] = repo.history(ada)
    assert (entry.prompt_tokens, entry.completion_tokens) == (140, 14)
    assert abs(entry.cost_usd - 0.0015) < 1e-9


def test_a_step_for_an_unknown_interview_is_a_lookup_error(repo: SqlRepository) -> None:
    with pytest.raises(LookupError, match="no interview with id 999"):
        repo.save_step(999, make_state(T0), [])
