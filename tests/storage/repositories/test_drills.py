"""The drill repository on SQLite and PostgreSQL: unique rows and compare-and-set are the claims."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

import pytest
from sqlalchemy import Engine
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session

from interviewer.core.rubric import Criterion, CriterionScore, HireSignal, Scorecard
from interviewer.drills.ports import LedgerEntry
from interviewer.drills.schedule import DrillSchedule
from interviewer.outbox import Kind, Post
from storage.models import DrillSubscription
from storage.repositories.drills import SqlDrillRepository
from storage.repositories.outbox import SqlOutboxRepository

NOW = datetime(2026, 11, 25, 9, 0, tzinfo=UTC)
DAILY = DrillSchedule(time(9, 30), "Europe/Berlin", frozenset(range(5)))


@pytest.fixture
def drills(engine: Engine) -> SqlDrillRepository:
    return SqlDrillRepository(engine)


def entry(source: str, user: str = "U1", workspace: str = "T1", pts: int = 10) -> LedgerEntry:
    return LedgerEntry(
        "slack",
        workspace,
        user,
        "drill",
        source,
        "q",
        3.0,
        pts,
        date(2026, 11, 25),
        "Europe/Berlin",
        {"clarity": 3},
        NOW,
        frozenset({0, 2}),
    )


def test_subscriptions_round_trip_and_one_is_active_per_channel(
    drills: SqlDrillRepository, engine: Engine
) -> None:
    sub, old = drills.subscribe("slack", "T1", "C1", DAILY, "senior", "U1", NOW)
    assert old is None
    assert (sub.schedule, sub.topic_or_level, sub.created_at) == (DAILY, "senior", NOW)
    new, old = drills.subscribe("slack", "T1", "C1", DAILY, None, "U2", NOW)
    assert old is not None and old.id == sub.id and new.id != sub.id
    assert [s.id for s in drills.subscriptions("slack", "T1")] == [new.id]
    # the partial unique index refuses a second active row for the channel
    with Session(engine) as session:
        session.add(
            DrillSubscription(
                platform="slack",
                workspace="T1",
                channel="C1",
                at="09:00",
                zone="UTC",
                weekdays="0",
                created_by="U3",
            )
        )
        with pytest.raises(IntegrityError):
            session.commit()
    assert drills.unsubscribe("slack", "C1") is not None
    assert drills.unsubscribe("slack", "C1") is None
    assert drills.subscriptions() == []


def test_a_post_is_claimed_once_and_released_only_before_posting(
    drills: SqlDrillRepository,
) -> None:
    sub, _ = drills.subscribe("slack", "T1", "C1", DAILY, None, "U1", NOW)
    ends = NOW + timedelta(days=1)
    post = drills.claim_post(sub, NOW, "url-shortener", ends)
    assert post is not None and post.occurrence_at == NOW and post.thread_key is None
    assert drills.claim_post(sub, NOW, "chat-system", ends) is None
    assert drills.last_occurrence(sub.id) == NOW
    drills.release_post(post.id)
    again = drills.claim_post(sub, NOW, "url-shortener", ends)
    assert again is not None
    drills.mark_posted(again.id, "C1:1.2", NOW)
    drills.release_post(again.id)  # posted: the release changes nothing
    found = drills.post_by_thread("slack", "C1:1.2")
    assert found is not None and found.id == again.id and found.subscription.id == sub.id
    assert drills.recent_questions("slack", "C1", NOW - timedelta(days=30)) == {
        "url-shortener": NOW
    }


def test_an_unposted_claim_is_taken_again_once_after_its_lease(drills: SqlDrillRepository) -> None:
    sub, _ = drills.subscribe("slack", "T1", "C1", DAILY, None, "U1", NOW)
    lease = timedelta(minutes=2)
    post = drills.claim_post(sub, NOW, "url-shortener", NOW + timedelta(days=1), now=NOW)
    assert post is not None
    assert drills.retake_stale(NOW + timedelta(minutes=1), lease) == []  # inside the lease
    after = NOW + lease
    assert drills.retake_stale(after, lease, platforms=["discord"]) == []
    [taken] = drills.retake_stale(after, lease)
    assert taken.id == post.id
    assert drills.retake_stale(after, lease) == []  # taken once: its lease starts again
    [again] = drills.retake_stale(after + lease, lease)  # still unposted a lease later
    assert again.id == post.id
    drills.mark_posted(post.id, "C1:1.2", after + lease)
    assert drills.retake_stale(after + 3 * lease, lease) == []  # posted: never again
    ended = drills.claim_post(sub, after, "chat-system", after + timedelta(minutes=1), now=NOW)
    assert ended is not None
    assert drills.retake_stale(after + 3 * lease, lease) == []  # its window has closed


def test_recaps_are_claimed_once_when_the_window_has_ended(
    drills: SqlDrillRepository, engine: Engine
) -> None:
    sub, _ = drills.subscribe("slack", "T1", "C1", DAILY, None, "U1", NOW)
    post = drills.claim_post(sub, NOW, "q", NOW + timedelta(days=1))
    assert post is not None
    drills.mark_posted(post.id, "C1:1.2", NOW)
    assert drills.recaps_due(NOW + timedelta(hours=23)) == []
    later = NOW + timedelta(days=1)
    assert drills.recaps_due(later, platforms=["discord"]) == []
    assert [p.id for p in drills.recaps_due(later)] == [post.id]
    recap = Post(f"recap:{post.id}", Kind.THREAD, "slack", "C1:1.2", "Recap")
    assert drills.claim_recap(post.id, later, [recap])
    assert not drills.claim_recap(post.id, later, [recap])  # once, ever
    assert drills.recaps_due(later) == []
    outbox = SqlOutboxRepository(engine)
    [queued] = outbox.take(later, timedelta(minutes=2))  # the claim came with its post
    assert queued.post == recap


def test_an_answer_is_claimed_once_per_member_then_graded(drills: SqlDrillRepository) -> None:
    sub, _ = drills.subscribe("slack", "T1", "C1", DAILY, None, "U1", NOW)
    post = drills.claim_post(sub, NOW, "q", NOW + timedelta(days=1))
    assert post is not None
    claim = drills.claim_answer(post.id, "slack", "U9", "my \x00 answer", "ev1")
    assert claim is not None and claim.overall is None
    assert drills.claim_answer(post.id, "slack", "U9", "again", "ev2") is None
    assert drills.answers(post.id) == []  # not graded yet
    card = Scorecard({c: CriterionScore(3) for c in Criterion}, 3.0, HireSignal.HIRE)
    drills.save_grade(claim.id, card, NOW)
    drills.release_answer(claim.id)  # graded: the release changes nothing
    [graded] = drills.answers(post.id)
    assert graded.overall == 3.0 and graded.scorecard == card
    assert graded.text == "my \ufffd answer" and graded.event_key == "ev1"


def test_jobs_and_ledger_sources_count_once(drills: SqlDrillRepository) -> None:
    assert drills.claim_job("board:slack:C1", NOW)
    assert not drills.claim_job("board:slack:C1", NOW)
    assert drills.last_job("board:slack:C1") == NOW
    assert drills.last_job("board:slack:C2") is None
    assert drills.add_points(entry("1"))
    assert not drills.add_points(entry("1", pts=99))
    [stored] = drills.ledger("slack", "T1")
    assert stored == entry("1")


def test_a_workspace_ledger_holds_its_members_interviews(drills: SqlDrillRepository) -> None:
    drills.add_points(entry("1", user="U1"))
    drills.add_points(entry("2", user="U2", workspace="T2"))
    interview = LedgerEntry(
        "slack", "", "U2", "interview", "7", "q", 3.0, 50, date(2026, 11, 25), "UTC", {}, NOW
    )
    drills.add_points(interview)
    assert [e.source_id for e in drills.ledger("slack", "T1")] == ["1"]
    member = drills.note_member("slack", "T1", "U2", "Bea")
    assert (member.display_name, member.show_name) == ("Bea", False)
    assert [e.source_id for e in drills.ledger("slack", "T1")] == ["1", "7"]
    assert [e.source_id for e in drills.ledger("slack", user_id="U2")] == ["2", "7"]
    drills.set_show_name("slack", "T1", "U2", True)
    drills.note_member("slack", "T1", "U2", None)  # a later sighting keeps name and choice
    assert drills.members("slack", "T1")["U2"].display_name == "Bea"
    assert drills.members("slack", "T1")["U2"].show_name


def test_the_sweeps_batch_reads_match_the_single_reads(drills: SqlDrillRepository) -> None:
    first, _ = drills.subscribe("slack", "T1", "C1", DAILY, None, "U1", NOW)
    second, _ = drills.subscribe("slack", "T1", "C2", DAILY, None, "U1", NOW)
    quiet, _ = drills.subscribe("slack", "T1", "C3", DAILY, None, "U1", NOW)
    later = NOW + timedelta(days=1)
    ends = later + timedelta(days=1)
    for sub, at in ((first, NOW), (first, later), (second, NOW)):
        assert drills.claim_post(sub, at, "url-shortener", ends) is not None
    latest = drills.last_occurrences()
    assert latest == {first.id: later, second.id: NOW}  # none for a channel never posted in
    assert all(at.tzinfo is not None and at.utcoffset() == timedelta(0) for at in latest.values())
    assert latest[first.id] == drills.last_occurrence(first.id)
    assert quiet.id not in latest
    drills.unsubscribe("slack", "C2")
    assert set(drills.last_occurrences()) == {first.id}  # only active subscriptions
    assert drills.claim_job("board:slack:C1", NOW) and drills.claim_job("board:slack:C1", later)
    assert drills.claim_job("recap:slack:C9", NOW)
    assert drills.last_jobs(["board:slack:C1", "board:slack:C2"]) == {"board:slack:C1": later}
    assert drills.last_jobs([]) == {}
