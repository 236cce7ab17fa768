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
        self.rows: list[tuple[Post, datetime | None, str | None]] = []

    def enqueue(self, posts: Sequence[Post], now: datetime) -> int:
        """Add posts not added before (by key); how many were new."""
        known = {p.key for p, _, _ in self.rows}
        new = [p for p in posts if p.key not in known]
        self.rows.extend((p, None, None) for p in new)
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
        for i, (post, claimed, posted) in enumerate(self.rows):
            if posted is not None or (post.expires_at is not None and post.expires_at <= now):
                continue
            if platforms is not None and post.platform not in platforms:
                continue
            if keys is not None and post.key not in keys:
                continue
            if claimed is None or claimed <= now - lease:
                self.rows[i] = (post, now, None)
                taken.append(Queued(i + 1, post, retake=claimed is not None))
        return taken

    def mark_posted(self, post_id: int, posted_id: str, now: datetime) -> None:
        """Record a post as made."""
        post, claimed, _ = self.rows[post_id - 1]
        self.rows[post_id - 1] = (post, claimed, posted_id)

    def posted_id(self, key: str) -> str | None:
        """The platform id of a post made, by its key."""
        return next((posted for p, _, posted in self.rows if p.key == key), None)
