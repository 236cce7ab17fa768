"""What a platform runner does for the scheduler: post drills, recaps, private notes and boards."""

from __future__ import annotations

from datetime import datetime
from typing import Protocol, runtime_checkable

from interviewer.outbox import Queued
from interviewer.peers.outcome import PeerOutcome


@runtime_checkable
class Poster(Protocol):
    """Posting on one platform; a PlatformRunner that implements it gets drills and boards."""

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

    async def post_in_thread(self, thread_key: str, text: str) -> None:
        """Post in a drill's thread (the recap)."""
        ...

    async def send_private(self, user_id: str, conversation: str, text: str) -> None:
        """Show a member a private note about a conversation (Slack ephemeral, Discord DM)."""
        ...

    async def post_board(self, channel: str, text: str, png: bytes | None) -> None:
        """Post a leaderboard in a channel, with its chart when there is one."""
        ...


@runtime_checkable
class PairPoster(Protocol):
    """Opening peer-mock pairs on one platform."""

    platform: str

    async def open_pair(self, channel: str, interviewer: str, candidate: str, text: str) -> str:
        """A conversation only the two members (and the bot) see, with `text` posted in it;
        its key."""
        ...

    async def send_dm(self, user_id: str, text: str) -> None:
        """A direct message to one member (the interviewer's brief, a streak reminder)."""
        ...

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
