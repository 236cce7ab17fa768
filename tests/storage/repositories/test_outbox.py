"""The outbox of scheduled posts on SQLite and PostgreSQL: a post added once by its key, taken by
one caller, taken again (as a retake) only after the lease while unposted, never once posted or
past its expiry; a claim and its posts are stored together or not at all; posted rows past the
retention are purged in bounded batches, and no other row."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import Engine, update
from sqlmodel import Session, col, select

from interviewer.outbox import Kind, Post
from interviewer.peers.ports import NewSession
from storage.models import ScheduledPost
from storage.repositories.outbox import SqlOutboxRepository
from storage.repositories.peers import SqlPeerRepository

NOW = datetime(2026, 12, 7, 9, 0, tzinfo=UTC)
LEASE = timedelta(minutes=2)
DAY = timedelta(days=1)
KEPT = 14 * DAY


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


def keys(engine: Engine) -> set[str]:
    with Session(engine) as session:
        return set(session.exec(select(ScheduledPost.key)).all())


def posted(outbox: SqlOutboxRepository, key: str, at: datetime) -> int:
    """A post added, taken and posted at `at`; its id."""
    outbox.enqueue([post(key)], at)
    [taken] = outbox.take(at, LEASE, keys=[key])
    outbox.mark_posted(taken.id, f"C1:{key}", at)
    return taken.id


def test_only_posts_posted_before_the_retention_are_purged(engine: Engine) -> None:
    outbox = SqlOutboxRepository(engine)
    posted(outbox, "old", NOW - 20 * DAY)
    posted(outbox, "recent", NOW - 13 * DAY)
    outbox.enqueue([post("waiting")], NOW - 30 * DAY)  # never taken: a month old, unposted
    outbox.enqueue([post("lost")], NOW - 30 * DAY)
    outbox.take(NOW - 30 * DAY, LEASE, keys=["lost"])  # claimed by a process that crashed
    outbox.enqueue([post("leased")], NOW - 30 * DAY)
    outbox.take(NOW - LEASE / 2, LEASE, keys=["leased"])  # being posted now
    # a posted row claimed within the lease (another replica's clock running ahead): kept
    skewed = posted(outbox, "skewed", NOW - 20 * DAY)
    with engine.begin() as connection:
        connection.execute(
            update(ScheduledPost).where(col(ScheduledPost.id) == skewed).values(claimed_at=NOW)
        )
    assert outbox.purge_posted(NOW - KEPT, NOW, LEASE, 1000) == 1
    assert keys(engine) == {"recent", "waiting", "lost", "leased", "skewed"}
    assert outbox.posted_id("old") is None and outbox.posted_id("recent") == "C1:recent"
    assert outbox.purge_posted(NOW - KEPT, NOW, LEASE, 1000) == 0
    # what waits is still taken (the leased one after its lease): the purge left it all as it was
    assert {q.post.key for q in outbox.take(NOW, LEASE)} == {"waiting", "lost"}
    assert [q.post.key for q in outbox.take(NOW + LEASE / 2, LEASE)] == ["leased"]


def test_a_purge_deletes_at_most_its_batch_the_oldest_first(engine: Engine) -> None:
    outbox = SqlOutboxRepository(engine)
    for day in range(5):
        posted(outbox, f"day-{day}", NOW - (30 - day) * DAY)
    posted(outbox, "recent", NOW - DAY)
    assert outbox.purge_posted(NOW - KEPT, NOW, LEASE, 2) == 2
    assert keys(engine) == {"day-2", "day-3", "day-4", "recent"}
    assert outbox.purge_posted(NOW - KEPT, NOW, LEASE, 2) == 2
    assert outbox.purge_posted(NOW - KEPT, NOW, LEASE, 2) == 1
    assert outbox.purge_posted(NOW - KEPT, NOW, LEASE, 2) == 0
    assert keys(engine) == {"recent"}
