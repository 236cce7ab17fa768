"""The peer repository's sessions on SQLite and PostgreSQL: found by their conversation and
interview, started once, scored until submitted, submitted once."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import Engine

from storage.repositories.peers import SqlPeerRepository

ROUND = datetime(2026, 12, 2, 17, 0, tzinfo=UTC)


@pytest.fixture
def peers(engine: Engine) -> SqlPeerRepository:
    return SqlPeerRepository(engine)


def paired(peers: SqlPeerRepository, at: datetime = ROUND, interviewer: str = "U1") -> int:
    candidate = "U2" if interviewer == "U1" else "U1"
    session_id = peers.add_session("slack", "C1", at, interviewer, candidate, "url-shortener")
    peers.set_thread(session_id, "G12")
    return session_id


def test_a_session_is_found_by_its_conversation_latest_first(peers: SqlPeerRepository) -> None:
    first = paired(peers)
    second = paired(peers, ROUND + timedelta(days=7), interviewer="U2")
    found = peers.in_thread("slack", "G12")
    assert found is not None and found.id == second
    assert (found.interviewer, found.candidate) == ("U2", "U1")
    assert found.members == frozenset({"U1", "U2"})
    assert peers.in_thread("discord", "G12") is None  # another platform's conversation
    assert peers.in_thread("slack", "G99") is None
    loaded = peers.load(first)
    assert loaded is not None and loaded.interviewer == "U1" and loaded.interview_id is None


def test_a_session_starts_once_and_records_its_interview(peers: SqlPeerRepository) -> None:
    session_id = paired(peers)
    assert peers.claim_start(session_id, ROUND)
    assert not peers.claim_start(session_id, ROUND + timedelta(seconds=1))  # the other member
    peers.reset_start(session_id)  # the start failed: it may come again
    assert peers.claim_start(session_id, ROUND)
    peers.set_interview(session_id, 42)
    peers.reset_start(session_id)  # a started session with its interview stays started
    assert not peers.claim_start(session_id, ROUND)
    found = peers.by_interview(42)
    assert found is not None and found.id == session_id
    assert peers.by_interview(43) is None


def test_scores_change_until_submitted_and_submit_once(peers: SqlPeerRepository) -> None:
    session_id = paired(peers)
    peers.set_score(session_id, "scalability", 2)
    peers.set_score(session_id, "scalability", 3)  # changed their mind
    peers.set_score(session_id, "clarity", 4)
    found = peers.load(session_id)
    assert found is not None and found.scores == {"scalability": 3, "clarity": 4}
    assert found.scored_at is None
    assert peers.claim_scored(session_id, ROUND)
    assert not peers.claim_scored(session_id, ROUND)  # a replayed Submit
    peers.set_score(session_id, "clarity", 1)  # after Submit: kept as submitted
    found = peers.load(session_id)
    assert found is not None and found.scores["clarity"] == 4 and found.scored_at == ROUND
