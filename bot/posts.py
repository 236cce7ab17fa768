"""The sender of scheduled posts (interviewer/outbox.py): takes what waits in the outbox, looks
for a retaken post on its platform before posting it, and saves where each went.

Every scheduled post (a drill's recap, a weekly board, a streak reminder, a round's pairs and
briefs, a peer mock's clock) goes through here, so each is posted once through crashes.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Collection, Sequence
from datetime import datetime, timedelta

from bot.chat.poster import OutboxPoster
from bot.delivery import post_each
from interviewer.outbox import POST_LEASE, PURGE_BATCH, Kind, OutboxRepository, Post, Queued
from interviewer.peers.service import PeerService
from interviewer.workers import WorkerPool

log = logging.getLogger(__name__)


class ScheduledPosts:
    """Posts the outbox's posts on the platforms of `runners` (a Sender for the engine)."""

    def __init__(
        self,
        repo: OutboxRepository,
        db: WorkerPool,
        clock: Callable[[], datetime],
        runners: Sequence[object],
        peers: PeerService | None = None,
    ) -> None:
        self.repo = repo
        self.db = db
        self.clock = clock
        self.peers = peers
        self.runners: dict[str, OutboxPoster] = {
            r.platform: r for r in runners if isinstance(r, OutboxPoster)
        }
        self.charts: dict[str, bytes | None] = {}
        """Board charts by post key, drawn when the board was made; a board retaken by
        another process after a crash goes without its chart."""

    def handles(self, platform: str) -> bool:
        """Whether posts on this platform are sent from here."""
        return platform in self.runners

    async def add(self, posts: Sequence[Post]) -> int:
        """Put posts in the outbox (a post added before is not added again); how many were new."""
        if not posts:
            return 0
        return await self.db.run(self.repo.enqueue, posts, self.clock())

    async def send(self, keys: Collection[str] | None = None) -> int:
        """Post what waits in the outbox, or was left past its lease (only `keys`, when given);
        how many went out."""
        if not self.runners:
            return 0
        now = self.clock()
        taken = await self.db.run(self.repo.take, now, POST_LEASE, list(self.runners), keys)
        return await post_each("a scheduled post", taken, self._post)

    async def purge(self, kept: timedelta) -> int:
        """Delete one batch of the posts posted more than `kept` ago (their rows are never read
        again); how many went. Unposted posts and posts under their lease stay."""
        now = self.clock()
        return await self.db.run(self.repo.purge_posted, now - kept, now, POST_LEASE, PURGE_BATCH)

    async def _post(self, item: Queued) -> None:
        """One post: found again when retaken, else made; then where it went is saved. A
        failure leaves it claimed: the lease retries it, looking for it first."""
        runner = self.runners[item.post.platform]
        posted = await runner.find_scheduled(item) if item.retake else None
        if posted is not None:
            log.info("scheduled post %s was on %s already", item.post.key, item.post.platform)
        else:
            posted = await runner.post_scheduled(item, self.charts.get(item.post.key))
        if item.post.kind == Kind.PAIR and self.peers is not None:
            session = int(item.post.extra["session"])
            await self.db.run(self.peers.opened, session, posted)
        await self.db.run(self.repo.mark_posted, item.id, posted, self.clock())
        self.charts.pop(item.post.key, None)
