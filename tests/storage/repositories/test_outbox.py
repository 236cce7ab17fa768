"""The outbox of scheduled posts on SQLite and PostgreSQL: a post added once by its key, taken by
one caller, taken again (as a retake) only after the lease while unposted, never once posted or
past its expiry; a claim and its posts are stored together or not at all."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import Engine

from interviewer.outbox import Kind, Post
from interviewer.peers.ports import NewSession
from storage.repositories.outbox import SqlOutboxRepository
from storage.repositories.peers import SqlPeerRepository

NOW = datetime(2026, 12, 7, 9, 0, tzinfo=UTC)
LEASE = timedelta(minutes=2)


def post(key: str, platform: str = "slack", expires: datetime | None = None) -> Post:
    return Post(key, Kind.DM, platform, "U1", f"words of {key}", expires, {"session": "7"})


def test_a_post_is_added_once_and_taken_once(engine: Engine) -> None:
    outbox = SqlOutboxRepository(engine)
    assert outbox.enqueue([post("a"), post("b", "discord")], NOW) == 2
    assert outbox.enqueue([post("a")], NOW) == 0  # the same key: added once
    [a] = outbox.take(NOW, LEASE, platforms=["slack"])
    assert (a.post, a.retake) == (post("a"), False)
    assert a.marker != outbox.take(NOW, LEASE, platforms=["discord"])[0].marker
    assert outbox.take(NOW, LEASE) == []  # both taken, inside their lease


def test_an_unposted_post_is_retaken_after_the_lease_until_posted(engine: Engine) -> None:
    outbox = SqlOutboxRepository(engine)
    outbox.enqueue([post("a")], NOW)
    [first] = outbox.take(NOW, LEASE)
    assert outbox.take(NOW + LEASE - timedelta(seconds=1), LEASE) == []
    [again] = outbox.take(NOW + LEASE, LEASE)  # a crash left it: taken again, as a retake
    assert (again.id, again.retake) == (first.id, True)
    assert outbox.take(NOW + LEASE, LEASE) == []  # one process takes it
    outbox.mark_posted(first.id, "C1:1.2", NOW + LEASE)
    assert outbox.take(NOW + 10 * LEASE, LEASE) == []  # posted: never again
    assert outbox.posted_id("a") == "C1:1.2"


def test_only_the_keys_asked_for_are_taken_and_an_expired_post_never(engine: Engine) -> None:
    outbox = SqlOutboxRepository(engine)
    outbox.enqueue([post("a"), post("b"), post("old", expires=NOW)], NOW)
    assert [q.post.key for q in outbox.take(NOW, LEASE, keys=["b"])] == ["b"]
    assert [q.post.key for q in outbox.take(NOW, LEASE)] == ["a"]  # "old" has expired


def test_a_job_claim_and_its_posts_are_stored_together(engine: Engine) -> None:
    outbox = SqlOutboxRepository(engine)
    assert outbox.claim_job("board:slack:C1", NOW, [post("board")])
    assert not outbox.claim_job("board:slack:C1", NOW, [post("board-again")])
    assert [q.post.key for q in outbox.take(NOW, LEASE)] == ["board"]


def test_a_round_its_sessions_and_their_posts_are_stored_together(engine: Engine) -> None:
    peers, outbox = SqlPeerRepository(engine), SqlOutboxRepository(engine)

    def posts(session_id: int) -> list[Post]:
        return [post(f"pair:{session_id}")]

    pair = NewSession("U1", "U2", "url-shortener", posts)
    assert peers.open_round("pair:slack:C1", "slack", "C1", NOW, [pair], [post("out")])
    assert not peers.open_round("pair:slack:C1", "slack", "C1", NOW, [pair], [post("x")])
    [session] = peers.sessions("slack", "C1")  # once
    assert (session.interviewer, session.candidate) == ("U1", "U2")
    [out, opened] = sorted(q.post.key for q in outbox.take(NOW, LEASE))
    assert out == "out" and opened.startswith("pair:")
    info = peers.load(int(opened.removeprefix("pair:")))  # the post names its session
    assert info is not None and info.interviewer == "U1"
