"""The review page's reads on SQLite and PostgreSQL: a member's earlier cards (theirs only, before
this one), a graded drill answer with its owner, a peer session's submitted human scores."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import Engine

from interviewer.core.rubric import Criterion, CriterionScore, HireSignal, Scorecard
from interviewer.core.stages import Format, Stage
from interviewer.core.state import InterviewState
from interviewer.drills.schedule import DrillSchedule
from storage.repositories.drills import SqlDrillRepository
from storage.repositories.interviews import SqlRepository
from storage.repositories.peers import SqlPeerRepository
from storage.repositories.review import SqlReviewReads

T0 = datetime(2026, 11, 25, 9, 0, tzinfo=UTC)


@pytest.fixture
def reads(engine: Engine) -> SqlReviewReads:
    return SqlReviewReads(engine)


def card(score: int) -> Scorecard:
    return Scorecard({c: CriterionScore(score) for c in Criterion}, float(score), HireSignal.HIRE)


def scored(repo: SqlRepository, user: int, at: datetime, score: int | None) -> int:
    state = InterviewState("url-shortener", Format.DRILL, Stage.CLARIFY, at, at, at)
    interview_id = repo.create_interview(user, "slack", "D1", state, [], "offline")
    if score is not None:
        repo.save_scorecard(interview_id, card(score))
    return interview_id


def test_earlier_cards_are_the_members_own_before_this_one(
    repo: SqlRepository, reads: SqlReviewReads
) -> None:
    ada = repo.ensure_user("slack", "U1")
    bob = repo.ensure_user("slack", "U2")
    scored(repo, ada, T0, 1)
    scored(repo, ada, T0 + timedelta(hours=1), None)  # never scored: not a point of progress
    same_instant = scored(repo, ada, T0 + timedelta(hours=2), 2)
    scored(repo, bob, T0 + timedelta(hours=2), 4)  # another member's
    this = scored(repo, ada, T0 + timedelta(hours=2), 3)  # started at the same instant
    scored(repo, ada, T0 + timedelta(hours=3), 4)  # later
    found = reads.earlier_cards(ada, this, T0 + timedelta(hours=2))
    assert [(at, c.overall) for at, c in found] == [(T0, 1.0), (T0 + timedelta(hours=2), 2.0)]
    assert reads.earlier_cards(ada, same_instant, T0 + timedelta(hours=2)) == found[:1]
    assert len(reads.earlier_cards(ada, this, T0 + timedelta(hours=2), limit=1)) == 1


def test_a_drill_page_is_a_graded_answer_with_its_owner(
    engine: Engine, reads: SqlReviewReads
) -> None:
    drills = SqlDrillRepository(engine)
    sub, _ = drills.subscribe(
        "slack", "T1", "C1", DrillSchedule(T0.time(), "UTC", frozenset(range(7))), None, "U1", T0
    )
    post = drills.claim_post(sub, T0, "url-shortener", T0 + timedelta(days=1))
    assert post is not None
    answer = drills.claim_answer(post.id, "slack", "U9", "Shard by <hash> & cache", "ev1")
    assert answer is not None
    assert reads.drill_page(answer.id) is None  # not graded yet
    drills.save_grade(answer.id, card(3), T0 + timedelta(minutes=5))
    page = reads.drill_page(answer.id)
    assert page is not None
    assert (page.platform, page.user_id, page.question_id) == ("slack", "U9", "url-shortener")
    assert page.text == "Shard by <hash> & cache" and page.scorecard.overall == 3.0
    assert reads.drill_page(answer.id + 1000) is None


def test_human_scores_once_submitted(
    engine: Engine, repo: SqlRepository, reads: SqlReviewReads
) -> None:
    peers = SqlPeerRepository(engine)
    session_id = peers.add_session("slack", "C1", T0, "U1", "U2", "url-shortener")
    interview_id = scored(repo, repo.ensure_user("slack", "U2"), T0, 2)
    peers.set_interview(session_id, interview_id)
    peers.set_score(session_id, "scalability", 4)
    assert reads.human_scores(interview_id) is None  # scoring, not submitted
    assert peers.claim_scored(session_id, T0 + timedelta(minutes=50))
    assert reads.human_scores(interview_id) == {"scalability": 4}
    assert reads.human_scores(interview_id + 1000) is None
