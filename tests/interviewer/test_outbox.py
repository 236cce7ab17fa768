"""The in-memory outbox (a service without a database) purges like the SQL one: posted posts
before the cutoff, at most a batch, never an unposted one; the ids of the rest stay."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from interviewer.outbox import POST_LEASE, InMemoryOutbox, Kind, Post

NOW = datetime(2026, 12, 7, 9, 0, tzinfo=UTC)
DAY = timedelta(days=1)


def test_only_old_posted_posts_are_purged_a_batch_at_a_time() -> None:
    outbox = InMemoryOutbox()
    for key, days in (("a", 30), ("b", 20), ("recent", 1)):
        outbox.enqueue([Post(key, Kind.DM, "slack", "U1", key)], NOW - days * DAY)
        [taken] = outbox.take(NOW - days * DAY, POST_LEASE, keys=[key])
        outbox.mark_posted(taken.id, f"D1:{key}", NOW - days * DAY)
    outbox.enqueue([Post("waiting", Kind.DM, "slack", "U1", "w")], NOW - 30 * DAY)
    assert outbox.purge_posted(NOW - 14 * DAY, NOW, POST_LEASE, 1) == 1
    assert outbox.purge_posted(NOW - 14 * DAY, NOW, POST_LEASE, 1) == 1
    assert outbox.purge_posted(NOW - 14 * DAY, NOW, POST_LEASE, 1) == 0
    assert outbox.posted_id("a") is None and outbox.posted_id("recent") == "D1:recent"
    [waiting] = outbox.take(NOW, POST_LEASE)  # its id unchanged by the purge
    outbox.mark_posted(waiting.id, "D1:waiting", NOW)
    assert outbox.posted_id("waiting") == "D1:waiting"
