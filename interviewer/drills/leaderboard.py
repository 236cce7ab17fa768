"""Leaderboards from the points ledger: weekly and all-time boards, streaks, trends, their text.

Pure: it reads ledger entries and members and takes the time as an argument.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from enum import StrEnum
from zoneinfo import ZoneInfo

from interviewer.core.rubric import Criterion
from interviewer.drills.ports import LedgerEntry, Member

HIDDEN_NAME = "a member"
TREND_WINDOW = 5  # the last N scorecards against the N before


class Period(StrEnum):
    """Which points a board counts."""

    WEEK = "week"
    ALL = "all"


@dataclass(frozen=True)
class BoardRow:
    """One line of a board; `name` is "a member" unless the member opted in."""

    rank: int
    user_id: str
    name: str
    points: int
    streak: int


@dataclass(frozen=True)
class Board:
    """A workspace's ranking for a period (a week starting on `starts`, or all time)."""

    period: Period
    starts: date | None
    rows: list[BoardRow]

    @property
    def title(self) -> str:
        """'Leaderboard, week of 23 Nov 2026' or 'Leaderboard, all time'."""
        if self.starts is None:
            return "Leaderboard, all time"
        return f"Leaderboard, week of {self.starts.day} {self.starts:%b %Y}"


@dataclass(frozen=True)
class Trend:
    """A criterion's mean score over the last scorecards, and over the ones before."""

    criterion: Criterion
    recent: float
    previous: float | None

    @property
    def arrow(self) -> str:
        """↑, ↓ or → (or · with nothing to compare)."""
        if self.previous is None:
            return "·"
        delta = self.recent - self.previous
        return "↑" if delta >= 0.25 else "↓" if delta <= -0.25 else "→"


@dataclass(frozen=True)
class Standing:
    """A member's own rank, points, streak and trend per criterion."""

    rank_week: int | None
    rank_all: int | None
    points_week: int
    points_all: int
    streak: int
    members: int
    trends: list[Trend]


def week_start(now: datetime, zone: str, weeks_ago: int = 0) -> date:
    """The Monday of the week `now` falls in (in `zone`), `weeks_ago` weeks back."""
    today = now.astimezone(ZoneInfo(zone)).date()
    return today - timedelta(days=today.weekday() + 7 * weeks_ago)


def drill_streak(days: Iterable[date], today: date, weekdays: frozenset[int]) -> int:
    """Consecutive drill days answered, ending today (or the last drill day while today's is open).

    Days without a drill (a weekend on a mon-fri schedule) neither count nor break a streak;
    an answer given on such a day counts for the drill day before it.
    """
    have = {_on_or_before(d, weekdays) for d in days}
    day = _on_or_before(today, weekdays)
    if day not in have:
        day = _on_or_before(day - timedelta(days=1), weekdays)
    count = 0
    while day in have:
        count += 1
        day = _on_or_before(day - timedelta(days=1), weekdays)
    return count


STREAK_KINDS = ("drill", "peer")  # what keeps a streak going: a drill answer or a peer mock


def member_streak(entries: Sequence[LedgerEntry], user_id: str, now: datetime) -> int:
    """A member's streak of drill days (a peer mock that day counts too), in the zone and
    weekdays of the last channel they answered a drill in."""
    own = [e for e in entries if e.user_id == user_id and e.source_kind in STREAK_KINDS]
    if not own:
        return 0
    last = next((e for e in reversed(own) if e.source_kind == "drill"), own[-1])
    today = now.astimezone(ZoneInfo(last.zone)).date()
    return drill_streak((e.local_day for e in own), today, last.weekdays)


def build_board(
    entries: Sequence[LedgerEntry],
    members: Mapping[str, Member],
    period: Period,
    now: datetime,
    *,
    zone: str = "UTC",
    weeks_ago: int = 0,
    viewer: str | None = None,
    limit: int = 10,
) -> Board:
    """Rank members by points in the period; ties share a rank; hidden names stay hidden."""
    starts = week_start(now, zone, weeks_ago) if period is Period.WEEK else None
    counted = entries
    if starts is not None:
        ends = starts + timedelta(days=7)
        counted = [e for e in entries if starts <= e.local_day < ends]
    totals: dict[str, int] = {}
    for e in counted:
        totals[e.user_id] = totals.get(e.user_id, 0) + e.points
    ranked = sorted(((p, u) for u, p in totals.items() if p > 0), key=lambda t: (-t[0], t[1]))
    rows: list[BoardRow] = []
    for i, (pts, user) in enumerate(ranked):
        rank = rows[-1].rank if rows and rows[-1].points == pts else i + 1
        if rank > limit and user != viewer:
            continue
        rows.append(BoardRow(rank, user, _name(members.get(user), user, viewer), pts, 0))
    with_streaks = [
        BoardRow(r.rank, r.user_id, r.name, r.points, member_streak(entries, r.user_id, now))
        for r in rows
    ]
    return Board(period, starts, with_streaks)


def standing(
    entries: Sequence[LedgerEntry],
    members: Mapping[str, Member],
    user_id: str,
    now: datetime,
    zone: str = "UTC",
) -> Standing:
    """A member's rank this week and all time, points, streak and trends."""
    week = build_board(entries, members, Period.WEEK, now, zone=zone, viewer=user_id)
    ever = build_board(entries, members, Period.ALL, now, zone=zone, viewer=user_id)
    mine_week = next((r for r in week.rows if r.user_id == user_id), None)
    mine_all = next((r for r in ever.rows if r.user_id == user_id), None)
    own = [e for e in entries if e.user_id == user_id]
    return Standing(
        rank_week=mine_week.rank if mine_week else None,
        rank_all=mine_all.rank if mine_all else None,
        points_week=mine_week.points if mine_week else 0,
        points_all=mine_all.points if mine_all else 0,
        streak=member_streak(entries, user_id, now),
        members=len({e.user_id for e in entries if e.points > 0}),
        trends=trends(own),
    )


def trends(entries: Sequence[LedgerEntry], window: int = TREND_WINDOW) -> list[Trend]:
    """Per criterion: the mean of the last `window` scorecards against the `window` before."""
    cards = [e.criteria for e in entries if e.criteria]
    if not cards:
        return []
    recent, previous = cards[-window:], cards[-2 * window : -window]
    return [Trend(c, _mean(recent, c), _mean(previous, c) if previous else None) for c in Criterion]


def render_board(board: Board, command_name: str = "/mockroom") -> str:
    """The board as chat text."""
    if not board.rows:
        return f"*{board.title}*\nNo points yet: answer a daily drill or finish an interview."
    lines = [f"*{board.title}*"]
    for r in board.rows:
        streak = f" · streak {r.streak}" if r.streak else ""
        lines.append(f"{r.rank}. {r.name}: {r.points} pts{streak}")
    lines.append(
        f"Names show only for members who opted in (`{command_name} leaderboard show-me`)."
    )
    return "\n".join(lines)


def render_standing(s: Standing) -> str:
    """A member's own standing as chat text."""
    week = f"#{s.rank_week}" if s.rank_week else "unranked"
    ever = f"#{s.rank_all}" if s.rank_all else "unranked"
    days = "day" if s.streak == 1 else "days"
    lines = [
        f"*Your standing*: {week} this week ({s.points_week} pts), {ever} all time "
        f"({s.points_all} pts) of {s.members}; drill streak {s.streak} {days}.",
    ]
    for t in s.trends:
        before = f" (was {t.previous:.1f})" if t.previous is not None else ""
        lines.append(f"{t.arrow} {t.criterion.label}: {t.recent:.1f}/4{before}")
    return "\n".join(lines)


def _on_or_before(day: date, weekdays: frozenset[int]) -> date:
    for _ in range(7):
        if day.weekday() in weekdays:
            return day
        day -= timedelta(days=1)
    return day  # no weekdays at all: every day stands for itself


def _name(member: Member | None, user_id: str, viewer: str | None) -> str:
    if member is not None and member.show_name:
        return member.display_name or user_id
    return "you" if user_id == viewer else HIDDEN_NAME


def _mean(cards: Sequence[Mapping[str, int]], c: Criterion) -> float:
    scores = [card[c.value] for card in cards if c.value in card]
    return round(sum(scores) / len(scores), 2) if scores else 0.0
