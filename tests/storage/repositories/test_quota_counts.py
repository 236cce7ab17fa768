"""The quota counts (SqlQuotaCounts) on SQLite and PostgreSQL alike."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta

from sqlalchemy import Engine

from interviewer.core.stages import Format, Stage
from interviewer.core.state import InterviewState
from interviewer.core.transcript import Role, Turn
from interviewer.quotas import QuotaCounts
from storage.repositories.interviews import SqlRepository
from storage.repositories.quotas import SqlQuotaCounts

T0 = datetime(2026, 11, 25, 9, 0, tzinfo=UTC)


def state(at: datetime) -> InterviewState:
    return InterviewState("model-serving", Format.STANDARD, Stage.CLARIFY, at, at, at)


def said(author: str, at: datetime, role: Role = Role.CANDIDATE) -> Turn:
    return Turn(role, Stage.CLARIFY, f"{author} at {at:%H:%M:%S}", at=at, author=author)


def interview(repo: SqlRepository, user_id: int, channel: str, at: datetime) -> int:
    return repo.create_interview(user_id, "slack", channel, state(at), [], "llm:fake")


def step(repo: SqlRepository, interview_id: int, at: datetime, *turns: Turn) -> None:
    repo.save_step(interview_id, replace(state(T0), last_event_at=at), list(turns))


def test_interviews_started_since_counts_only_the_users_own_from_that_time(
    repo: SqlRepository, engine: Engine
) -> None:
    counts: QuotaCounts = SqlQuotaCounts(engine)
    ada = repo.ensure_user("slack", "U0ADA")
    bob = repo.ensure_user("slack", "U0BOB")
    interview(repo, ada, "d1", T0 - timedelta(days=1))
    interview(repo, ada, "d2", T0)
    interview(repo, ada, "d3", T0 + timedelta(hours=3))
    interview(repo, bob, "d4", T0 + timedelta(hours=3))
    assert counts.interviews_started_since(ada, T0) == 2
    assert counts.interviews_started_since(ada, T0 + timedelta(seconds=1)) == 1
    assert counts.interviews_started_since(bob, T0 - timedelta(days=2)) == 1


def test_messages_since_are_the_authors_candidate_turns_oldest_first(
    repo: SqlRepository, engine: Engine
) -> None:
    counts = SqlQuotaCounts(engine)
    ada = repo.ensure_user("slack", "U0ADA")
    bob = repo.ensure_user("slack", "U0BOB")
    own = interview(repo, ada, "dm", T0)
    group = interview(repo, bob, "C1:1.0", T0)
    other = interview(repo, bob, "C1:2.0", T0)
    s = timedelta(seconds=1)
    step(repo, own, T0 + 30 * s, said("U0ADA", T0 + 30 * s), said("U0ADA", T0 + 5 * s))
    step(repo, own, T0 + 31 * s, said("U0ADA", T0 + 31 * s, Role.INTERVIEWER))
    step(repo, group, T0 + 20 * s, said("U0ADA", T0 + 20 * s), said("U0BOB", T0 + 21 * s))
    step(repo, other, T0 + 40 * s, said("U0ADA", T0 + 40 * s))  # Bob's other thread
    times = counts.messages_since(ada, "U0ADA", group, T0 + 10 * s)
    assert times == [T0 + 20 * s, T0 + 30 * s]
    assert all(t.tzinfo is not None for t in times)
    assert counts.messages_since(bob, "U0BOB", group, T0) == [T0 + 21 * s]
    assert counts.messages_since(ada, "U0ADA", own, T0 + 41 * s) == []


def test_tokens_since_sum_the_platforms_interviews_active_since_then(
    repo: SqlRepository, engine: Engine
) -> None:
    counts = SqlQuotaCounts(engine)
    ada = repo.ensure_user("slack", "U0ADA")
    carol = repo.ensure_user("discord", "42")
    assert counts.tokens_since("slack", T0) == 0
    old = interview(repo, ada, "d0", T0 - timedelta(days=1))
    repo.add_usage(old, 5000, 500, 0.01)
    today = interview(repo, ada, "d1", T0)
    repo.add_usage(today, 1000, 200, 0.001)
    repo.add_usage(today, 300, 40, 0.001)
    elsewhere = repo.create_interview(carol, "discord", "g1", state(T0), [], "llm:fake")
    repo.add_usage(elsewhere, 7, 3, 0.0)
    assert counts.tokens_since("slack", T0) == 1540
    assert counts.tokens_since("discord", T0) == 10
    step(repo, old, T0 + timedelta(minutes=1))  # yesterday's interview acts again today
    assert counts.tokens_since("slack", T0) == 1540 + 5500
