"""What a platform runner does for the scheduler: post drills, a peer mock's replies, and the
outbox's scheduled posts (recaps, boards, reminders, pairs)."""

from __future__ import annotations

from datetime import datetime
from typing import Protocol, runtime_checkable

from interviewer.outbox import Queued
from interviewer.peers.outcome import PeerOutcome


@runtime_checkable
class Poster(Protocol):
    """Posting drills on one platform; a PlatformRunner that implements it gets them."""

    platform: str

    async def post_drill(self, channel: str, text: str, marker: str | None = None) -> str:
        """Post a drill as a parent message; the thread key its replies will arrive with.

        The key must equal the `Place.key` the adapter gives messages in that thread, since
        answers are matched to the drill by it. The post carries `marker` where the platform
        keeps it (Slack's message metadata), so that `find_drill` finds it again.
        """
        ...

    async def find_drill(self, channel: str, marker: str, text: str, since: datetime) -> str | None:
        """The thread key of a drill (`marker`, `text`) posted since `since`: a post that
        reached the platform though a crash lost its key. None when there is none."""
        ...


@runtime_checkable
class PairPoster(Protocol):
    """A peer mock's replies on one platform."""

    platform: str

    async def deliver_peer(self, outcome: PeerOutcome) -> None:
        """A peer session's posts in the pair's conversation, its private notes, and the
        scoring form to the interviewer alone."""
        ...


@runtime_checkable
class OutboxPoster(Protocol):
    """Posting the outbox's scheduled posts on one platform (interviewer/outbox.py)."""

    platform: str

    async def post_scheduled(self, queued: Queued, png: bytes | None = None) -> str:
        """Make one post carrying `queued.marker` where the platform keeps it; the id it got
        (a pair's conversation key, else the message's)."""
        ...

    async def find_scheduled(self, queued: Queued) -> str | None:
        """The id of a post a crash left unsaved, found by its marker or words on the
        platform; None when it never got there."""
        ...
