"""Pages from storage: a peer mock's page holds the human's scores, a drill answer has a page,
and `review N` opens the member's own N only."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from bot.bootstrap import Container
from bot.review.card import review_command
from bot.review.pages import drill_ref, interview_ref
from interviewer.core.rubric import Criterion, CriterionScore, HireSignal, Scorecard
from interviewer.core.stages import Format, Stage
from interviewer.core.state import InterviewState, Status
from interviewer.core.transcript import Role, Turn
from interviewer.drills.schedule import DrillSchedule
from interviewer.history import History
from interviewer.replies import InterviewError, Who
from storage.repositories.drills import SqlDrillRepository
from storage.repositories.peers import SqlPeerRepository
from tests.bot.review.sample import container
from tests.clock import FakeClock

T0 = datetime(2026, 11, 25, 9, 0, tzinfo=UTC)
ADA, BOB = Who("slack", "U0ADA", "Ada"), Who("slack", "U0BOB", "Bob")


@pytest.fixture
def parts(tmp_path: Path) -> Iterator[Container]:
    app = container(tmp_path / "db.sqlite", FakeClock(T0))
    yield app
    app.close()


def card(score: int) -> Scorecard:
    return Scorecard({c: CriterionScore(score) for c in Criterion}, float(score), HireSignal.HIRE)


def stored_interview(parts: Container, who: Who, *, peer: bool = False) -> int:
    user = parts.repo.ensure_user(who.platform, who.user_id, who.display_name)
    state = InterviewState("url-shortener", Format.STANDARD, Stage.WRAP_UP, T0, T0, T0)
    state.status, state.peer = Status.ENDED, peer
    turns = [Turn(Role.CANDIDATE, Stage.CLARIFY, "How many <b>writes</b>?", at=T0)]
    interview_id = parts.repo.create_interview(user, who.platform, "D1", state, turns, "offline")
    parts.repo.save_scorecard(interview_id, card(2))
    return interview_id


def test_a_peer_mocks_page_shows_the_humans_scores(parts: Container) -> None:
    interview_id = stored_interview(parts, ADA, peer=True)
    peers = SqlPeerRepository(parts.engine)
    session = peers.add_session("slack", "C1", T0, "U0BOB", "U0ADA", "url-shortener")
    peers.set_interview(session, interview_id)
    for c in Criterion:
        peers.set_score(session, c.value, 4 if c is Criterion.SCALABILITY else 2)
    assert peers.claim_scored(session, T0 + timedelta(hours=1))
    stored = parts.repo.load(interview_id)
    assert stored is not None and parts.review is not None
    source = parts.review.source(interview_ref(stored))
    assert source is not None and source.kind == "peer mock"
    assert source.human is not None and source.human[Criterion.SCALABILITY] == 4
    html = parts.review.html(source)
    assert "Human interviewer" in html and "How many &lt;b&gt;writes&lt;/b&gt;?" in html


def test_a_drill_answer_has_a_page_and_only_its_own(parts: Container) -> None:
    drills = SqlDrillRepository(parts.engine)
    every_day = DrillSchedule(T0.time(), "UTC", frozenset(range(7)))
    sub, _ = drills.subscribe("slack", "T1", "C1", every_day, None, "U1", T0)
    post = drills.claim_post(sub, T0, "url-shortener", T0 + timedelta(days=1))
    assert post is not None and parts.review is not None
    answer = drills.claim_answer(post.id, "slack", ADA.user_id, "Shard <it> & cache", "e1")
    assert answer is not None
    drills.save_grade(answer.id, card(3), T0)
    drill = parts.review.reads.drill_page(answer.id)
    assert drill is not None
    source = parts.review.source(drill_ref(drill))
    assert source is not None and source.kind == "drill answer"
    assert "Shard &lt;it&gt; &amp; cache" in parts.review.html(source)
    assert parts.review.source(replace(drill_ref(drill), owner="slack:U0BOB")) is None


def test_review_n_is_the_members_own_numbering(parts: Container) -> None:
    assert parts.review is not None
    history = History(parts.service, parts.drills.repo if parts.drills else None)
    stored_interview(parts, BOB)
    mine = stored_interview(parts, ADA)
    answer = review_command(parts.review, history, ADA, None)
    stored = parts.review.repo.load(mine)
    assert stored is not None and parts.review.links is not None
    assert parts.review.links.url(interview_ref(stored)) in answer.text
    with pytest.raises(InterviewError, match="no number 2"):
        review_command(parts.review, history, ADA, 2)  # Bob's is not Ada's number 2
