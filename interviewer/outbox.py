"""Scheduled posts, exactly once through crashes: one outbox of what the bot is to post.

A producer (a drill's recap, a weekly board, a streak reminder, a round's pairs, a peer mock's
clock) adds its posts here in the same step that claims them, each under a unique key, so a
post is either recorded or not made at all. A sender then takes each one (a compare-and-set
of its claim time), posts it carrying a marker (`marker`), and saves the id the platform gave
it. A post claimed but not saved as posted for longer than the lease (a process killed
between the claim and the post, or after the platform took it) is taken again by one
process, which looks for its marker on the platform first and posts it only when it is not
there. A post whose `expires_at` has passed is not posted any more (a reminder after its
drill closed, a recap a day late).
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Protocol, runtime_checkable

POST_LEASE = timedelta(minutes=2)
"""A post claimed this long ago and not saved as posted was lost to a crash (a post takes
seconds; its platform calls time out well before this): taken again, looked for first."""

POSTS_KEPT = timedelta(days=14)
"""How long a post's row stays once posted (its key, where it went), by default: a posted row
is never read again by the sender, so the table is purged of older ones (`purge_posted`)."""
PURGE_BATCH = 1000
"""Posted rows deleted at most per purge run: one short transaction, whatever the backlog."""


class Kind:
    """What a scheduled post is, which decides how the platform posts and finds it."""

    THREAD = "thread"  # in a conversation or thread (a drill's recap, a peer mock's clock)
    BOARD = "board"  # a leaderboard in a channel, with its chart
    DM = "dm"  # a direct message to a member (a reminder, a brief, a sat-out note)
    PAIR = "pair"  # a peer pair's private conversation, opened, with its intro


@dataclass(frozen=True)
class Post:
    """One post to make: `key` is unique (the same post added twice is added once)."""

    key: str
    kind: str
    platform: str
    target: str  # a conversation key, a channel, or a member's id (DM)
    text: str
    expires_at: datetime | None = None
    extra: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Queued:
    """A post taken from the outbox by this process. A retake (taken again after the lease)
    may be on the platform already: look for `marker` there before posting."""

    id: int
    post: Post
    retake: bool = False

    @property
    def marker(self) -> str:
        """What the post carries so that it can be found again (Slack metadata, Discord nonce)."""
        return f"mockroom-post-{self.id}"


@runtime_checkable
class OutboxRepository(Protocol):
    """Where scheduled posts wait; the compare-and-set of their claim time is the claim."""

    def enqueue(self, posts: Sequence[Post], now: datetime) -> int:
        """Add posts not added before (by key); how many were new."""
        ...

    def take(
        self,
        now: datetime,
        lease: timedelta,
        platforms: Collection[str] | None = None,
        keys: Collection[str] | None = None,
    ) -> list[Queued]:
        """Claim the unposted, unexpired posts never taken, or taken longer than `lease` ago
        (those are retakes); only `keys` when given. Each is taken by one caller."""
        ...

    def mark_posted(self, post_id: int, posted_id: str, now: datetime) -> None:
        """Record that a post is on its platform, and its id there."""
        ...

    def posted_id(self, key: str) -> str | None:
        """The platform id of a post made, by its key."""
        ...

    def purge_posted(self, before: datetime, now: datetime, lease: timedelta, limit: int) -> int:
        """Delete at most `limit` posts posted before `before` (never one unposted, nor one
        claimed within `lease` of `now`); how many went."""
        ...


class Sender(Protocol):
    """What posts the outbox's posts now (bot/posts.py): the engine hands a peer mock's clock
    posts to it, so that the end's notice is out before grading starts."""

    def handles(self, platform: str) -> bool:
        """Whether posts on this platform are sent from here."""
        ...

    async def send(self, keys: Collection[str] | None = None) -> int:
        """Post what is waiting (only `keys`, when given); how many went out."""
        ...


class InMemoryOutbox:
    """The OutboxRepository in a list, for a service without a database (unit tests)."""

    def __init__(self) -> None:
        self.rows: dict[int, _Row] = {}
        self._next_id = 1

    def enqueue(self, posts: Sequence[Post], now: datetime) -> int:
        """Add posts not added before (by key); how many were new."""
        known = {row.post.key for row in self.rows.values()}
        new = [p for p in posts if p.key not in known]
        for post in new:
            self.rows[self._next_id] = _Row(post)
            self._next_id += 1
        return len(new)

    def take(
        self,
        now: datetime,
        lease: timedelta,
        platforms: Collection[str] | None = None,
        keys: Collection[str] | None = None,
    ) -> list[Queued]:
        """Claim what is waiting or was left past the lease."""
        taken = []
        for post_id, row in self.rows.items():
            post, claimed = row.post, row.claimed_at
            if row.posted_at is not None or (
                post.expires_at is not None and post.expires_at <= now
            ):
                continue
            if platforms is not None and post.platform not in platforms:
                continue
            if keys is not None and post.key not in keys:
                continue
            if claimed is None or claimed <= now - lease:
                row.claimed_at = now
                taken.append(Queued(post_id, post, retake=claimed is not None))
        return taken

    def mark_posted(self, post_id: int, posted_id: str, now: datetime) -> None:
        """Record a post as made."""
        row = self.rows[post_id]
        row.posted_at, row.posted_id = now, posted_id

    def posted_id(self, key: str) -> str | None:
        """The platform id of a post made, by its key."""
        return next((r.posted_id for r in self.rows.values() if r.post.key == key), None)

    def purge_posted(self, before: datetime, now: datetime, lease: timedelta, limit: int) -> int:
        """Delete at most `limit` posts posted before `before`, none claimed within the lease."""
        old = [
            post_id
            for post_id, row in self.rows.items()
            if row.posted_at is not None
            and row.posted_at < before
            and (row.claimed_at is None or row.claimed_at <= now - lease)
        ][:limit]
        for post_id in old:
            del self.rows[post_id]
        return len(old)


@dataclass
class _Row:
    """A post in the InMemoryOutbox, with its claim and where it went."""

    post: Post
    claimed_at: datetime | None = None
    posted_at: datetime | None = None
    posted_id: str | None = None
