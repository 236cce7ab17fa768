"""The clock of `mockroom serve`: APScheduler paces sweeps, the database decides what is due.

Design: every job is a short-interval sweep that asks the database what is due *now* (by the
injected clock), rather than one APScheduler job per deadline or drill. Interview deadlines
move at every step (stage moves, resumes, the end), drills change with subscriptions, and a
second replica must not fire what the first did: per-item jobs would have to be re-armed by
every process after every change and would still need the database's claims. A sweep over
indexed columns (`interview.deadline_at`, the drill tables) is cheap, loses nothing on a
restart (an overdue deadline is simply due at the first sweep) and duplicates nothing across
replicas (interview steps are versioned, drills and answers are claimed with unique rows).
The job store is in memory; jobs have fixed ids and replace_existing=True.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable, Mapping, Sequence
from datetime import UTC, datetime, timedelta
from typing import Any

from bot.chat.poster import Poster
from bot.delivery import Deliverer, DeliveryRouter, post_each
from bot.posts import ScheduledPosts
from interviewer.drills.leaderboard import Board
from interviewer.drills.reminders import ReminderService
from interviewer.drills.service import DrillService, PlannedPost
from interviewer.outbox import POSTS_KEPT, InMemoryOutbox, OutboxRepository
from interviewer.peers.service import PeerService, PlannedPair
from interviewer.privacy.service import PrivacyService
from interviewer.service import InterviewService, Reply

__all__ = ["ClockScheduler", "Deliverer"]

log = logging.getLogger(__name__)

INTERVIEW_JOB = "interview-deadlines"
DRILL_JOB = "drill-sweep"
BOARD_JOB = "weekly-boards"
PAIR_JOB = "peer-pairs"
OWED_JOB = "owed-replies"
UNANSWERED_JOB = "unanswered-answers"
RETENTION_SWEEP = "retention"  # transcripts (claimed once a day) and posted posts
UNANSWERED_AFTER = timedelta(minutes=2)
"""An answer without a reply for this long is replied to by the sweep (a crash, a reply
whose retries ran out); younger ones may still be on their way."""
RETENTION_INTERVAL = 600.0
"""Seconds between retention runs: the transcripts' is claimed once per UTC day; each run also
deletes one batch of posts posted longer ago than kept (1,000 a run: 144,000 a day)."""
Chart = Callable[[Board], bytes | None]


def board_chart(board: Board) -> bytes | None:
    """The board as a PNG, or None when the chart cannot be drawn."""
    try:
        from bot.chat.charts import board_png

        return board_png(board)
    except Exception:
        log.exception("could not draw the leaderboard chart")
        return None


class ClockScheduler:
    """Sweeps for due interview deadlines, drills, recaps, weekly boards and retention (of
    transcripts, and of posted rows in the outbox: `posts_kept`, None keeps them forever)."""

    def __init__(
        self,
        service: InterviewService,
        runners: Sequence[Deliverer],
        *,
        drills: DrillService | None = None,
        interval: float = 1.0,
        drill_interval: float = 30.0,
        chart: Chart = board_chart,
        privacy: PrivacyService | None = None,
        peers: PeerService | None = None,
        reminders: ReminderService | None = None,
        posts_kept: timedelta | None = POSTS_KEPT,
    ) -> None:
        self.service = service
        self.posts_kept = posts_kept
        self.reminders = reminders
        self.drills = drills
        self.privacy = privacy
        self.interval = interval
        self.drill_interval = drill_interval
        self.chart = chart
        self.router = DeliveryRouter(runners, peers)  # the runners by platform, and the peers
        self.posters: Mapping[str, Poster] = {
            r.platform: r for r in runners if isinstance(r, Poster)
        }
        outbox = service.repo if isinstance(service.repo, OutboxRepository) else InMemoryOutbox()
        # Recaps, boards, reminders, pairs and peer mocks' clock posts: put in the outbox with
        # their claims, posted from it (exactly once through crashes: bot/posts.py).
        self.posts = ScheduledPosts(outbox, service.db, service.clock, runners, peers)
        service.announce = self.posts  # a peer mock's clock posts, the end's before grading
        self._running: set[str] = set()
        self._scheduler: Any = None

    @property
    def peers(self) -> PeerService | None:
        """The peer mocks: their rounds here, their replies through the router."""
        return self.router.peers

    @peers.setter
    def peers(self, peers: PeerService | None) -> None:
        self.router.peers = peers
        self.posts.peers = peers

    def start(self) -> None:
        """Add the sweeps to an AsyncIOScheduler on the running loop; each runs at once."""
        from apscheduler.schedulers.asyncio import AsyncIOScheduler

        scheduler = AsyncIOScheduler(
            timezone=UTC,
            # A missed run (a blocked loop) runs late rather than never, and several missed
            # runs collapse into one: a sweep catches up on everything due anyway.
            job_defaults={"coalesce": True, "misfire_grace_time": None, "max_instances": 2},
        )
        jobs: list[tuple[str, Callable[[], Awaitable[int]], float]] = [
            (INTERVIEW_JOB, self.tick_interviews, self.interval),
            # their own jobs: a retry waiting on a slow database never holds up the deadlines
            (OWED_JOB, self.retry_replies, self.interval),
            (UNANSWERED_JOB, self.sweep_unanswered, self.drill_interval),
        ]
        if self.drills is not None:
            jobs += [
                (DRILL_JOB, self.sweep_drills, self.drill_interval),
                (BOARD_JOB, self.post_boards, self.drill_interval),
            ]
        if self.peers is not None:
            jobs.append((PAIR_JOB, self.pair_rounds, self.drill_interval))
        if self.posts_kept is not None or (
            self.privacy is not None and self.privacy.retention_days > 0
        ):
            jobs.append((RETENTION_SWEEP, self.purge_retained, RETENTION_INTERVAL))
        for job_id, func, seconds in jobs:
            scheduler.add_job(
                self._exclusive(job_id, func),
                "interval",
                seconds=seconds,
                id=job_id,
                replace_existing=True,
                next_run_time=datetime.now(UTC),
            )
        scheduler.start()
        self._scheduler = scheduler

    def shutdown(self) -> None:
        """Stop the sweeps (a sweep in flight finishes on its own)."""
        if self._scheduler is not None:
            with contextlib.suppress(Exception):
                self._scheduler.shutdown(wait=False)
            self._scheduler = None

    async def run_once(self) -> None:
        """Run every sweep once, in order (what tests drive, with a controllable clock)."""
        await self.tick_interviews()
        await self.retry_replies()
        await self.sweep_unanswered()
        if self.drills is not None:
            await self.sweep_drills()
            await self.post_boards()
        await self.pair_rounds()
        await self.purge_retained()

    async def tick_interviews(self) -> int:
        """Tick interviews whose deadline has come and deliver what they say."""
        return await self._deliver(await self.service.tick_due())

    async def retry_replies(self) -> int:
        """Retry the replies that failed after their answer was stored (past their backoff)
        and deliver them."""
        return await self._deliver(await self.service.owed_replies())

    async def sweep_unanswered(self) -> int:
        """Reply to answers left without a reply (a crash, a reply whose retries ran out)."""
        await self.service.find_unanswered(list(self.router.runners), UNANSWERED_AFTER)
        # and scheduled posts a crash left in the outbox (a peer mock's clock, on any server)
        return await self.retry_replies() + await self.posts.send()  # what it found is owed now

    async def _deliver(self, replies: Sequence[Reply]) -> int:
        """Post each reply in its conversation (the peer way for a peer mock); how many."""
        return await post_each("a clock message", replies, self.router.deliver)

    async def sweep_drills(self) -> int:
        """Post the drills that are due and the recaps of drills that closed."""
        if self.drills is None:
            return 0
        drills, db = self.drills, self.service.db  # database work runs off the event loop

        async def drill(planned: PlannedPost) -> None:
            # Exactly once through crashes: the post carries a marker; a claim a crash left
            # without its thread (retaken after a lease) is looked for on the platform first.
            sub, poster = (
                planned.post.subscription,
                self.posters[planned.post.subscription.platform],
            )
            key = None
            if planned.retake:
                since = planned.post.occurrence_at
                key = await poster.find_drill(sub.channel, planned.marker, planned.text, since)
            try:
                key = key or await poster.post_drill(sub.channel, planned.text, planned.marker)
            except Exception:
                if not planned.retake:  # a retake keeps its claim: the lease retries it
                    await db.run(drills.post_failed, planned.post.id)
                raise
            await db.run(drills.posted, planned.post.id, key)

        done = await post_each(
            "a drill", await db.run(drills.due_posts, self.posters.keys()), drill
        )
        await db.run(drills.due_recaps, self.posts.runners.keys())
        return done + await self.posts.send() + await self.remind()

    async def remind(self) -> int:
        """Streak reminders for drills closing within the hour (each member once a drill)."""
        if self.reminders is None:
            return 0
        await self.service.db.run(self.reminders.due, self.posts.runners.keys())
        return await self.posts.send()

    async def post_boards(self) -> int:
        """Post last week's board in each subscribed channel on Monday morning, once."""
        if self.drills is None:
            return 0
        for item in await self.service.db.run(self.drills.due_boards, self.posts.runners.keys()):
            self.posts.charts[item.post.key] = await asyncio.to_thread(self.chart, item.board)
        return await self.posts.send()

    async def pair_rounds(self) -> int:
        """Pair the opted-in members of channels whose weekly pairing is due (once, claimed):
        a private conversation per pair with its proposed time, the brief to the interviewer;
        a member left out is told. How many pairs were opened."""
        if self.peers is None:
            return 0
        due = await self.service.db.run(self.peers.due_rounds, self.posts.runners.keys())
        await self.posts.send()
        return sum(isinstance(planned, PlannedPair) for planned in due)

    async def purge_retained(self) -> int:
        """The retention job: today's transcript purge (once a day), and a batch of the outbox's
        posts posted longer ago than `posts_kept`; how many rows went."""
        return await self.purge_transcripts() + await self.purge_posts()

    async def purge_posts(self) -> int:
        """Delete one batch of posts posted longer ago than `posts_kept` (none when None): the
        outbox keeps only what a sender may still read, so its claims scan a bounded table."""
        if self.posts_kept is None:
            return 0
        return await self.posts.purge(self.posts_kept)

    async def purge_transcripts(self) -> int:
        """Once a day (claimed, so one replica does it), purge transcripts past retention."""
        if self.privacy is None:
            return 0
        purged = await asyncio.to_thread(self.privacy.due_purge)
        return 0 if purged is None else purged.total

    def _exclusive(
        self, name: str, func: Callable[[], Awaitable[int]]
    ) -> Callable[[], Awaitable[None]]:
        """The sweep, skipped while the previous run is still going; errors are logged."""

        async def run() -> None:
            if name in self._running:
                return
            self._running.add(name)
            try:
                await func()
            except Exception:
                log.exception("the %s sweep failed; it runs again next time", name)
            finally:
                self._running.discard(name)

        return run
