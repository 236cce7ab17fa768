"""Daily drills and leaderboards: subscribe channels, post, grade answers once, recap, rank.

Every once-only step is claimed with a unique row through the DrillRepository, so any
number of processes can call the due_* methods at the same time and each thing happens once.
"""

from __future__ import annotations

import random
from collections.abc import Awaitable, Callable, Collection
from dataclasses import dataclass, replace
from datetime import UTC, datetime, time, timedelta, tzinfo

from interviewer.bank import Problem, QuestionBank
from interviewer.core.rubric import Scorecard
from interviewer.core.stages import Format, Stage
from interviewer.core.text import normalize
from interviewer.core.transcript import Role, Transcript, Turn, TurnKind
from interviewer.drills import text as drill_text
from interviewer.drills.args import parse_subscribe
from interviewer.drills.leaderboard import (
    Board,
    Period,
    member_streak,
    render_board,
)
from interviewer.drills.points import DrillError, PointsService, ledger_entry
from interviewer.drills.ports import DrillPost, DrillRepository, Subscription
from interviewer.drills.schedule import (
    DrillSchedule,
    ScheduleError,
    due_occurrence,
    next_occurrence,
)
from interviewer.outbox import Kind, Post
from interviewer.service import Who
from interviewer.settings.managers import WHO_MANAGES, is_manager
from interviewer.settings.ports import SettingsRepository
from interviewer.settings.resolve import ChannelResolver
from interviewer.settings.values import ChannelSettings, Defaults, Visibility
from interviewer.workers import Offload, inline

GradeFn = Callable[[Transcript], Awaitable[Scorecard]]
NO_REPEAT = timedelta(days=30)
RECAP_LATE_LIMIT = timedelta(days=1)  # after a long outage, stale recaps are dropped
BOARD_LATE_LIMIT = timedelta(days=1)  # a board not out a day after its hour is not posted
MAX_ANSWER_CHARS = 8000


CLAIM_LEASE = timedelta(minutes=2)
"""A drill claimed this long ago and still without its thread was lost to a crash: taken
again (a post takes seconds; its platform calls time out well before this)."""


@dataclass(frozen=True)
class PlannedPost:
    """A drill this process claimed: post `text` in `post.subscription.channel`. A retake (a
    claim a crash left unposted) may have reached the platform already: look for `marker`
    there first, and post only when it is not found."""

    post: DrillPost
    text: str
    retake: bool = False

    @property
    def marker(self) -> str:
        """What the post carries so that it can be found again (Slack metadata, Discord nonce)."""
        return f"mockroom-drill-{self.post.id}"


@dataclass(frozen=True)
class BoardPost:
    """A weekly board put in the outbox, with its data for the chart."""

    post: Post
    board: Board


@dataclass(frozen=True)
class _TakenAnswer:
    """An answer claimed for grading: its drill, claim, problem, normalised text and time."""

    post: DrillPost
    claim_id: int
    problem: Problem
    text: str
    now: datetime


@dataclass(frozen=True)
class DrillReply:
    """What a drill answer gets: a private note (None for a repeated delivery) and the card."""

    private: str | None
    scorecard: Scorecard | None = None
    points: int = 0


class DrillService(PointsService):
    """Drill subscriptions, posts, once-only grading, recaps, points and leaderboards."""

    def __init__(
        self,
        repo: DrillRepository,
        bank: QuestionBank,
        grade: GradeFn,
        clock: Callable[[], datetime],
        *,
        window: timedelta = timedelta(hours=24),
        grace: timedelta = timedelta(hours=1),
        admins: Collection[str] = (),
        board_hour: int = 9,
        seed: int = 0,
        command_name: str = "/mockroom",
        channels: SettingsRepository | ChannelResolver | None = None,
        run: Offload = inline,
    ) -> None:
        super().__init__(repo, clock, command_name)
        # per-channel settings (interviewer/settings, resolved there) override the window,
        # the board and the topics; a bare repository is resolved against these defaults
        defaults = Defaults(window_hours=window.total_seconds() / 3600, board_hour=board_hour)
        self.settings = (
            channels
            if isinstance(channels, ChannelResolver)
            else ChannelResolver(channels, defaults)
        )
        self.run = run  # where the database work of an answer runs (off the loop in `serve`)
        self.bank = bank
        self.grade = grade
        self.grace = grace
        self.admins = frozenset(admins)
        self.seed = seed

    # ---- subscriptions ------------------------------------------------------------------------

    def may_manage(self, platform: str, user_id: str, is_admin: bool) -> bool:
        """Whether someone may (un)subscribe a channel: a platform admin or a named admin."""
        return is_manager(self.admins, platform, user_id, is_admin)

    def subscribe(
        self, platform: str, workspace: str, channel: str, who: Who, is_admin: bool, args: str
    ) -> str:
        """`drill subscribe HH:MM TIMEZONE [weekdays] [topic|level]`; the confirmation."""
        self._require_admin(platform, who, is_admin)
        try:
            schedule, topic = parse_subscribe(args, self.bank, self.cmd)
        except ScheduleError as exc:
            raise DrillError(str(exc)) from None
        now = self.clock()
        _, old = self.repo.subscribe(
            platform, workspace, channel, schedule, topic, who.user_id, now
        )
        first = drill_text.local(next_occurrence(schedule, now), schedule)
        on = f" on {topic}" if topic else ""
        replaced = f" (replacing {old.schedule.describe()})" if old else ""
        hours = self.settings.channel(platform, channel).window.total_seconds() / 3600
        return (
            f"Daily drill{on} subscribed: {schedule.describe()}{replaced}. "
            f"The first one comes {first}; answers are open for "
            f"{hours:g} hour{'' if hours == 1 else 's'}."
        )

    def unsubscribe(self, platform: str, channel: str, who: Who, is_admin: bool) -> str:
        """`drill unsubscribe`; the confirmation."""
        self._require_admin(platform, who, is_admin)
        ended = self.repo.unsubscribe(platform, channel)
        if ended is None:
            return "This channel has no daily drill."
        return f"Daily drill unsubscribed ({ended.schedule.describe()})."

    def listing(self, platform: str, workspace: str) -> str:
        """`drill list`: the workspace's subscriptions."""
        return drill_text.listing(self.repo.subscriptions(platform, workspace), self.cmd)

    # ---- posting ------------------------------------------------------------------------------

    def due_posts(self, platforms: Collection[str] | None = None) -> list[PlannedPost]:
        """Claim and return the drills to post now (late within the grace period, else skipped)."""
        now = self.clock()
        planned = []
        subs = [
            s for s in self.repo.subscriptions() if platforms is None or s.platform in platforms
        ]
        lasts = self.repo.last_occurrences() if subs else {}
        overrides = self.settings.every_channel() if subs else {}
        plain = self.settings.resolve(ChannelSettings())
        for sub in subs:
            last = max(lasts.get(sub.id) or sub.created_at, sub.created_at)
            at = due_occurrence(sub.schedule, now, last, self.grace)
            if at is None:
                continue
            chosen = overrides.get((sub.platform, sub.channel), plain)
            topics = chosen.topics
            if topics is None:
                topics = () if sub.topic_or_level is None else (sub.topic_or_level,)
            problem = self._choose(sub.platform, sub.channel, topics, at)
            ends = at + chosen.window
            post = self.repo.claim_post(sub, at, problem.id, ends, now)
            if post is not None:
                text = drill_text.post_text(problem, ends, sub.schedule, self.cmd)
                planned.append(PlannedPost(post, text))
        for post in self.repo.retake_stale(now, CLAIM_LEASE, platforms):
            found = self.bank.problems.get(post.question_id)
            if found is not None:
                schedule = post.subscription.schedule
                text = drill_text.post_text(found, post.window_ends_at, schedule, self.cmd)
                planned.append(PlannedPost(post, text, retake=True))
        return planned

    def posted(self, post_id: int, thread_key: str) -> None:
        """Record the thread a claimed drill was posted with."""
        self.repo.mark_posted(post_id, thread_key, self.clock())

    def post_failed(self, post_id: int) -> None:
        """Release a claimed drill that could not be posted; a later sweep may try again."""
        self.repo.release_post(post_id)

    def due_recaps(self, platforms: Collection[str] | None = None) -> list[Post]:
        """Claim the recaps of drills whose answer window has ended, each put in the outbox
        with its claim (interviewer/outbox.py); the posts added."""
        now = self.clock()
        recaps = []
        active: set[int] | None = None  # the active subscriptions' ids, read once when needed
        for post in self.repo.recaps_due(now, platforms):
            if post.thread_key is None or now - post.window_ends_at > RECAP_LATE_LIMIT:
                self.repo.claim_recap(post.id, now)  # too late after an outage: dropped
                continue
            sub = post.subscription
            members = self.repo.members(sub.platform, sub.workspace)
            if active is None:
                active = {s.id for s in self.repo.subscriptions()}
            # After now, not after this drill: the next one may have just been posted.
            nxt = next_occurrence(sub.schedule, now) if sub.id in active else None
            text = drill_text.recap_text(
                self._title(post.question_id),
                self.repo.answers(post.id),
                members,
                None if nxt is None else drill_text.local(nxt, sub.schedule),
                self.cmd,
            )
            recap = Post(
                f"recap:{post.id}",
                Kind.THREAD,
                sub.platform,
                post.thread_key,
                text,
                expires_at=post.window_ends_at + RECAP_LATE_LIMIT,
            )
            if self.repo.claim_recap(post.id, now, [recap]):
                recaps.append(recap)
        return recaps

    def due_boards(self, platforms: Collection[str] | None = None) -> list[BoardPost]:
        """Claim last week's boards for subscribed channels on Monday morning, each put in
        the outbox with its claim; the boards added (for their charts)."""
        now = self.clock()
        boards = []
        subs = [
            s for s in self.repo.subscriptions() if platforms is None or s.platform in platforms
        ]
        lasts = self.repo.last_jobs([_board_key(s) for s in subs]) if subs else {}
        overrides = self.settings.every_channel() if subs else {}
        plain = self.settings.resolve(ChannelSettings())
        for sub in subs:
            chosen = overrides.get((sub.platform, sub.channel), plain)
            if chosen.board is Visibility.PRIVATE:
                continue  # members see it with `leaderboard`; nothing is posted
            weekly = DrillSchedule(
                time(chosen.board_hour), sub.schedule.zone, frozenset({chosen.board_day})
            )
            key = _board_key(sub)
            last = max(lasts.get(key) or sub.created_at, sub.created_at)
            at = due_occurrence(weekly, now, last, self.grace)
            if at is None:
                continue
            # Once a week whatever the day and hour: a board moved later in the week after
            # this week's was posted waits for next week. The claim is the week's start.
            week = week_start(at, sub.schedule.tz)
            if (lasts.get(key) or week - timedelta(days=1)) >= week:
                continue
            board = self.leaderboard(
                sub.platform, sub.workspace, Period.WEEK, zone=sub.schedule.zone, weeks_ago=1
            )
            post = None
            if board.rows:  # an empty week is claimed, and nothing is posted
                text = "Last week's " + render_board(board, self.cmd)
                post = Post(
                    f"{key}:{week.isoformat()}",
                    Kind.BOARD,
                    sub.platform,
                    sub.channel,
                    text,
                    expires_at=at + BOARD_LATE_LIMIT,
                )
            if self.repo.claim_job(key, week, [] if post is None else [post]) and post:
                boards.append(BoardPost(post, board))
        return boards

    # ---- answers ------------------------------------------------------------------------------

    def is_drill_thread(self, platform: str, thread_key: str) -> bool:
        """Whether a thread is a drill's (its messages are answers to grade)."""
        return self.repo.post_by_thread(platform, thread_key) is not None

    async def answer(
        self, platform: str, thread_key: str, who: Who, text: str, event_key: str | None = None
    ) -> DrillReply | None:
        """Grade a member's answer once and count its points; None when not a drill thread.

        The database work runs through `self.run` and the grading is awaited, so neither
        holds up the event loop (the offline scorer grades on its own threads)."""
        taken = await self.run(self._take_answer, platform, thread_key, who, text, event_key)
        if not isinstance(taken, _TakenAnswer):
            return taken
        try:
            card = await self.grade(_one_answer(taken.problem, taken.text, who, taken.now))
        except Exception:
            await self.run(self.repo.release_answer, taken.claim_id)
            raise
        return await self.run(self._record_grade, taken, who, card)

    def _take_answer(
        self, platform: str, thread_key: str, who: Who, text: str, event_key: str | None
    ) -> _TakenAnswer | DrillReply | None:
        """Claim a member's first answer to grade, or what to tell them instead."""
        post = self.repo.post_by_thread(platform, thread_key)
        if post is None:
            return None
        now, sub = self.clock(), post.subscription
        if now >= post.window_ends_at:
            nxt = drill_text.local(next_occurrence(sub.schedule, now), sub.schedule)
            return DrillReply(f"This drill has closed. The next one: {nxt}.")
        text = normalize(text)
        if not text or len(text) > MAX_ANSWER_CHARS:
            return DrillReply(
                f"Answers are 1 to {MAX_ANSWER_CHARS:,} characters; nothing was recorded."
            )
        self.repo.note_member(platform, sub.workspace, who.user_id, who.display_name)
        claim = self.repo.claim_answer(post.id, platform, who.user_id, text, event_key)
        if claim is None:
            first = self.repo.answer_of(post.id, who.user_id)
            if first is None or (event_key is not None and first.event_key == event_key):
                return DrillReply(None)  # the same message delivered again
            score = "" if first.overall is None else f" ({first.overall:.1f}/4)"
            return DrillReply(
                f"You already answered this drill{score}; only your first answer counts."
            )
        return _TakenAnswer(post, claim.id, self.bank.problem(post.question_id), text, now)

    def _record_grade(self, taken: _TakenAnswer, who: Who, card: Scorecard) -> DrillReply:
        """Store a graded answer and its points; the member's short card."""
        sub, problem, now = taken.post.subscription, taken.problem, taken.now
        self.repo.save_grade(taken.claim_id, card, now)
        entry = ledger_entry(
            sub.platform, sub.workspace, who.user_id, "drill", str(taken.claim_id), card, now
        )
        earned, ledger = self.award_with_ledger(
            replace(
                entry,
                question_id=problem.id,
                local_day=now.astimezone(sub.schedule.tz).date(),
                zone=sub.schedule.zone,
                weekdays=sub.schedule.weekdays,
            )
        )
        streak = member_streak(ledger, who.user_id, now)
        note = drill_text.short_scorecard(problem.title, card, earned, streak)
        return DrillReply(note, card, earned)

    # ---- internals ----------------------------------------------------------------------------

    def _require_admin(self, platform: str, who: Who, is_admin: bool) -> None:
        if not self.may_manage(platform, who.user_id, is_admin):
            raise DrillError(
                f"Only people who may manage this channel can change its daily drill {WHO_MANAGES}."
            )

    def _title(self, question_id: str) -> str:
        problem = self.bank.problems.get(question_id)
        return problem.title if problem else question_id

    def _choose(
        self, platform: str, channel: str, topics: tuple[str, ...], at: datetime
    ) -> Problem:
        """A problem not posted in the channel for 30 days (else the longest unseen), seeded."""
        chosen = [p for t in topics for p in self.bank.matching(t)]
        chosen = list({p.id: p for p in chosen}.values())
        pool = sorted(chosen or self.bank.problems.values(), key=_id)
        recent = self.repo.recent_questions(platform, channel, at - NO_REPEAT)
        fresh = [p for p in pool if p.id not in recent]
        if not fresh:
            return min(pool, key=lambda p: (recent[p.id], p.id))
        return random.Random(f"{self.seed}:{platform}:{channel}:{at.isoformat()}").choice(fresh)


def _id(p: Problem) -> str:
    return p.id


def week_start(at: datetime, tz: tzinfo) -> datetime:
    """Midnight of the local Monday of `at`'s week, as an instant."""
    local = at.astimezone(tz)
    monday = local.date() - timedelta(days=local.weekday())
    return datetime.combine(monday, time(), tzinfo=tz).astimezone(UTC)


def _board_key(sub: Subscription) -> str:
    """The once-only job key of a channel's weekly board."""
    return f"board:{sub.platform}:{sub.channel}"


def _one_answer(problem: Problem, text: str, who: Who, now: datetime) -> Transcript:
    """A drill answer as a one-answer transcript in the async format."""
    return Transcript(
        problem.id,
        Format.ASYNC,
        (
            Turn(Role.INTERVIEWER, Stage.HIGH_LEVEL, problem.prompt, TurnKind.OPENING.value, now),
            Turn(Role.CANDIDATE, Stage.HIGH_LEVEL, text, at=now, author=who.display_name),
        ),
    )
