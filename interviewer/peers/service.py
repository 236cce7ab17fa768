"""Peer mocks in a channel: opt in, the weekly pairing an admin sets, and each round's pairs
with their problem, proposed time and the interviewer's brief. Every round is claimed once."""

from __future__ import annotations

import random
from collections.abc import Callable, Collection
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from interviewer.bank import Problem, QuestionBank
from interviewer.core.stages import Format
from interviewer.drills.schedule import (
    ScheduleError,
    due_occurrence,
    next_occurrence,
    parse_schedule,
)
from interviewer.drills.text import local
from interviewer.outbox import Kind, Post
from interviewer.peers.brief import interviewer_brief
from interviewer.peers.pairing import CANDIDATE, INTERVIEWER, Pair, pair_round
from interviewer.peers.ports import NewSession, PairingPlan, PeerError, PeerRepository
from interviewer.replies import Who
from interviewer.settings.managers import is_manager

if TYPE_CHECKING:
    from interviewer.peers.session import PeerSessions

USAGE = (
    "`{cmd} pair` (pair me in this channel's peer mocks), `{cmd} pair leave`, "
    "`{cmd} pair weekly DAY HH:MM TIMEZONE` (channel managers: pair opted-in members every "
    "week, e.g. `{cmd} pair weekly mon 18:00 Europe/Berlin`), `{cmd} pair stop`"
)
PROPOSE_AFTER = timedelta(days=1)  # the proposed session: a day after pairing, same hour
POSTS_LATE_LIMIT = timedelta(days=1)  # a round's posts not out a day later are not posted
__all__ = ["PeerError", "PeerService", "PlannedPair"]  # PeerError lives in ports (no cycle)


@dataclass(frozen=True)
class PlannedPair:
    """One pair of a claimed round, for the platform to open their private thread."""

    session_id: int
    platform: str
    channel: str
    pair: Pair
    problem: Problem
    intro: str  # for the pair's private thread
    brief: str  # for the interviewer alone


@dataclass(frozen=True)
class SatOut:
    """A member a claimed round left out (an odd count), to be told so privately."""

    platform: str
    channel: str
    user_id: str
    text: str


class PeerService:
    """Opt-ins, weekly pairings and each round's pairs."""

    def __init__(
        self,
        repo: PeerRepository,
        bank: QuestionBank,
        clock: Callable[[], datetime],
        *,
        admins: Collection[str] = (),
        grace: timedelta = timedelta(hours=1),
        command_name: str = "/mockroom",
    ) -> None:
        self.repo = repo
        self.bank = bank
        self.clock = clock
        self.admins = frozenset(admins)
        self.grace = grace
        self.cmd = command_name
        self.sessions: PeerSessions | None = None  # the sessions themselves (bootstrap sets it)
        self.example = f"{command_name} pair weekly mon 18:00 Europe/Berlin"

    def command(
        self, platform: str, workspace: str, channel: str, who: Who, is_admin: bool, args: str
    ) -> str:
        """`pair`, `pair leave`, `pair weekly DAY HH:MM ZONE`, `pair stop`: the answer."""
        words = args.split()
        head = words[0].lower() if words else ""
        now = self.clock()
        if head in ("", "join", "me"):
            self.repo.set_member(
                platform, workspace, channel, who.user_id, who.display_name, True, now
            )
            plan = next((p for p in self.repo.plans([platform]) if p.channel == channel), None)
            when = (
                f" The next pairing: {local(next_occurrence(plan.schedule, now), plan.schedule)}."
                if plan
                else " This channel has no weekly pairing yet: a channel manager can start one "
                f"with `{self.example}`."
            )
            return (
                "You are in this channel's peer mocks: I will pair you with another member." + when
            )
        if head == "leave" and len(words) == 1:
            self.repo.set_member(
                platform, workspace, channel, who.user_id, who.display_name, False, now
            )
            return "You left this channel's peer mocks; `pair` brings you back."
        if head in ("weekly", "stop"):
            if not is_manager(self.admins, platform, who.user_id, is_admin):
                raise PeerError(
                    "Only people who may manage this channel can set its weekly pairing."
                )
            if head == "stop":
                ended = self.repo.end_plan(platform, channel)
                return "Weekly pairing stopped." if ended else "This channel has no weekly pairing."
            if len(words) != 4:
                raise PeerError(f"Use {USAGE.format(cmd=self.cmd)}.")
            try:
                schedule = parse_schedule(words[2], words[3], words[1], example=self.example)
            except ScheduleError as exc:
                raise PeerError(str(exc)) from None
            if len(schedule.weekdays) != 1:
                raise PeerError("Pairing is weekly: name one day, e.g. `mon`.")
            self.repo.set_plan(platform, workspace, channel, schedule, who.user_id, now)
            first = local(next_occurrence(schedule, now), schedule)
            return f"Weekly pairing set: {schedule.describe()}. The first round: {first}."
        raise PeerError(f"Use {USAGE.format(cmd=self.cmd)}.")

    def due_rounds(self, platforms: Collection[str] | None = None) -> list[PlannedPair | SatOut]:
        """Claim the rounds due now and pair their members (each round once, on any replica):
        the claim, the sessions and their posts (each pair's private conversation and intro,
        the interviewer's brief, a note to a member left out) are stored together, the posts
        in the outbox (interviewer/outbox.py). What each round planned."""
        now = self.clock()
        planned: list[PlannedPair | SatOut] = []
        for plan in self.repo.plans(platforms):
            key = f"pair:{plan.platform}:{plan.channel}"
            last = max(self.repo.last_job(key) or plan.created_at, plan.created_at)
            at = due_occurrence(plan.schedule, now, last, self.grace)
            if at is not None:
                planned.extend(self._round(key, plan, at))
        return planned

    def opened(self, session_id: int, thread_key: str) -> None:
        """Record the private thread a pair talks in."""
        self.repo.set_thread(session_id, thread_key)

    def _round(self, key: str, plan: PairingPlan, at: datetime) -> list[PlannedPair | SatOut]:
        members = self.repo.members(plan.platform, plan.channel)
        past = self.repo.sessions(plan.platform, plan.channel)
        met = [frozenset((s.interviewer, s.candidate)) for s in past]
        roles: dict[str, str] = {}
        for s in past:  # oldest first: the last role wins
            roles[s.interviewer], roles[s.candidate] = INTERVIEWER, CANDIDATE
        latest = max((s.occurrence_at for s in past), default=None)
        last_round = {
            m for s in past if s.occurrence_at == latest for m in (s.interviewer, s.candidate)
        }
        sat_out = [m for m in members if latest is not None and m not in last_round]
        pair_interviewer = {frozenset((s.interviewer, s.candidate)): s.interviewer for s in past}
        found = pair_round(
            list(members), met, roles, sat_out, seed=plan.channel, pair_interviewer=pair_interviewer
        )
        proposed = local(at + PROPOSE_AFTER, plan.schedule)
        rng = random.Random(f"{plan.platform}:{plan.channel}:{at.isoformat()}")
        expires = at + POSTS_LATE_LIMIT
        notes: list[Post] = []
        left_out: list[PlannedPair | SatOut] = []
        if found.sitting_out is not None:
            why = (
                "an odd number of members opted in, so one sits out; you come first next week"
                if found.pairs
                else "nobody else in the channel is opted in yet"
            )
            text = (
                f"No peer mock for you this week in <#{plan.channel}>: {why}. "
                f"`{self.cmd} pair leave` takes you out of the pairings."
            )
            who = found.sitting_out
            notes.append(
                Post(
                    f"{key}:{at.isoformat()}:out:{who}", Kind.DM, plan.platform, who, text, expires
                )
            )
            left_out.append(SatOut(plan.platform, plan.channel, who, text))
        pairs: list[PlannedPair] = []
        new: list[NewSession] = []
        for pair in found.pairs:
            problem = self.bank.problems[rng.choice(sorted(self.bank.problems))]
            candidate = members.get(pair.candidate) or "your partner"
            intro = (
                f"Peer mock this week: <@{pair.interviewer}> interviews <@{pair.candidate}> on "
                f"*{problem.title}*. Proposed time: {proposed} (agree on another here if it does "
                f"not suit). <@{pair.interviewer}>, your brief came privately. Roles swap next time."
            )
            brief = interviewer_brief(problem, Format.STANDARD, candidate)
            planned = PlannedPair(0, plan.platform, plan.channel, pair, problem, intro, brief)

            def posts(session_id: int, planned: PlannedPair = planned) -> list[Post]:
                pairs.append(replace(planned, session_id=session_id))
                who = planned.pair.interviewer
                room = {
                    "session": str(session_id),
                    "interviewer": who,
                    "candidate": planned.pair.candidate,
                }
                return [
                    Post(
                        f"pair:{session_id}",
                        Kind.PAIR,
                        plan.platform,
                        plan.channel,
                        planned.intro,
                        expires,
                        room,
                    ),
                    Post(
                        f"brief:{session_id}", Kind.DM, plan.platform, who, planned.brief, expires
                    ),
                ]

            new.append(NewSession(pair.interviewer, pair.candidate, problem.id, posts))
        if not self.repo.open_round(key, plan.platform, plan.channel, at, new, notes):
            return []  # another process claimed this round
        return [*left_out, *pairs]
