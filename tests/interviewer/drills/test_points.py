"""Points and boards: quality over volume, weekly and all-time, hidden names, streaks, trends."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from interviewer.bank import QuestionBank
from interviewer.commands import Command
from interviewer.core.stages import Format
from interviewer.drills.leaderboard import (
    HIDDEN_NAME,
    Period,
    render_board,
    render_standing,
    trends,
)
from interviewer.drills.ports import LedgerEntry
from interviewer.drills.schedule import DAILY_CAP
from interviewer.service import Who
from tests.clock import FakeClock
from tests.interviewer.drills.harness import (
    ADMIN,
    SLACK,
    TEAM,
    FixedGrader,
    Replica,
    count,
    replica,
    utc,
)

ANA = Who(SLACK, "UANA", "Ana")
BEN = Who(SLACK, "UBEN", "Ben")
PNG_MAGIC = b"\x89PNG\r\n\x1a\n"
ANSWER = "A gateway, stateless servers, a cache, sharded storage with replicas, autoscaling."


async def drill(world: Replica, clock: FakeClock, channel: str, args: str, at: datetime) -> str:
    """Subscribe a channel (if new), post its drill at `at`; the thread key."""
    if channel not in {s.channel for s in world.drills.repo.subscriptions()}:
        clock.now = at - timedelta(days=1)
        world.drills.subscribe(SLACK, TEAM, channel, ADMIN, True, args)
    clock.now = at
    before = len(world.poster.drills)
    await world.scheduler.sweep_drills()
    mine = [key for c, key, _ in world.poster.drills[before:] if c == channel]
    assert len(mine) == 1, f"no drill posted in {channel} at {at}"
    return mine[0]


async def test_a_daily_cap_rewards_quality_not_volume(world: Replica, clock: FakeClock) -> None:
    world.drills.grade = FixedGrader(4.0)
    topics = ["url-shortener", "chat-system", "news-feed", "model-serving", "feature-store"]
    earned = []
    for i, topic in enumerate(topics):
        key = await drill(world, clock, f"C{i}", f"09:00 UTC daily {topic}", utc(2026, 11, 25, 9))
        reply = await world.drills.answer(SLACK, key, ANA, ANSWER)
        assert reply is not None
        earned.append(reply.points)
    assert earned == [40, 40, 40, 30, 0]
    assert sum(earned) == DAILY_CAP


async def test_repeats_of_a_question_earn_less_each_time(world: Replica, clock: FakeClock) -> None:
    world.drills.grade = FixedGrader(4.0)
    first = await drill(world, clock, "C1", "09:00 UTC daily url-shortener", utc(2026, 11, 24, 9))
    a = await world.drills.answer(SLACK, first, ANA, ANSWER)
    second = await drill(world, clock, "C2", "09:00 UTC daily url-shortener", utc(2026, 11, 25, 9))
    b = await world.drills.answer(SLACK, second, ANA, ANSWER)
    assert a is not None and b is not None and (a.points, b.points) == (40, 20)


async def test_weekly_and_all_time_boards_hide_names_by_default(
    world: Replica, clock: FakeClock
) -> None:
    world.drills.grade = FixedGrader(4.0, 2.5)
    last_week = await drill(world, clock, "C1", "09:00 UTC", utc(2026, 11, 18, 9))
    await world.drills.answer(SLACK, last_week, ANA, ANSWER)  # 40 points, last week
    this_week = await drill(world, clock, "C1", "09:00 UTC", utc(2026, 11, 24, 9))
    await world.drills.answer(SLACK, this_week, BEN, ANSWER)  # 20 points, this week
    clock.now = utc(2026, 11, 25, 12)

    week = world.drills.leaderboard(SLACK, TEAM, "week")
    assert [(r.rank, r.name, r.points) for r in week.rows] == [(1, HIDDEN_NAME, 20)]
    ever = world.drills.leaderboard(SLACK, TEAM, Period.ALL, BEN)
    assert [(r.rank, r.name, r.points) for r in ever.rows] == [(1, HIDDEN_NAME, 40), (2, "you", 20)]
    text = render_board(ever)
    assert "Ana" not in text and "Ben" not in text and "show-me" in text

    world.drills.show_me(SLACK, TEAM, ANA)
    assert [r.name for r in world.drills.leaderboard(SLACK, TEAM, "all").rows] == [
        "Ana",
        HIDDEN_NAME,
    ]
    world.drills.show_me(SLACK, TEAM, ANA, show=False)
    assert world.drills.leaderboard(SLACK, TEAM, "all").rows[0].name == HIDDEN_NAME
    # another workspace's board is its own
    assert world.drills.leaderboard(SLACK, "T2", "all").rows == []


async def test_streaks_follow_local_midnight_in_the_channel_s_zone(
    world: Replica, clock: FakeClock
) -> None:
    tokyo = ZoneInfo("Asia/Tokyo")
    late = await drill(
        world, clock, "C1", "23:30 Asia/Tokyo", datetime(2026, 11, 25, 23, 30, tzinfo=tokyo)
    )
    early = await drill(
        world, clock, "C2", "00:00 Asia/Tokyo", datetime(2026, 11, 26, 0, 0, tzinfo=tokyo)
    )
    # 23:50 and 00:10 in Tokyo: the same day in UTC, two days in the channel's zone
    clock.now = datetime(2026, 11, 25, 23, 50, tzinfo=tokyo)
    await world.drills.answer(SLACK, late, ANA, ANSWER)
    clock.now = datetime(2026, 11, 26, 0, 10, tzinfo=tokyo)
    reply = await world.drills.answer(SLACK, early, ANA, ANSWER)
    assert reply is not None and reply.private is not None and "streak 2 days" in reply.private
    # the next day, before answering, the streak still stands; a missed day ends it
    clock.now = datetime(2026, 11, 27, 20, 0, tzinfo=tokyo)
    assert world.drills.me(SLACK, TEAM, ANA).streak == 2
    clock.now = datetime(2026, 11, 28, 0, 1, tzinfo=tokyo)
    assert world.drills.me(SLACK, TEAM, ANA).streak == 0


async def test_the_same_answers_in_utc_are_one_day(world: Replica, clock: FakeClock) -> None:
    late = await drill(world, clock, "C1", "14:30 UTC", utc(2026, 11, 25, 14, 30))
    early = await drill(world, clock, "C2", "15:00 UTC", utc(2026, 11, 25, 15, 0))
    clock.now = utc(2026, 11, 25, 14, 50)
    await world.drills.answer(SLACK, late, ANA, ANSWER)
    clock.now = utc(2026, 11, 25, 15, 10)
    await world.drills.answer(SLACK, early, ANA, ANSWER)
    assert world.drills.me(SLACK, TEAM, ANA).streak == 1


async def test_a_weekday_schedule_keeps_a_streak_over_the_weekend(
    world: Replica, clock: FakeClock
) -> None:
    for day in (26, 27, 30):  # Thursday, Friday, then Monday
        key = await drill(world, clock, "C1", "09:00 UTC mon-fri", utc(2026, 11, day, 9))
        await world.drills.answer(SLACK, key, ANA, ANSWER)
    assert world.drills.me(SLACK, TEAM, ANA).streak == 3


async def test_my_standing_shows_rank_streak_and_trend(world: Replica, clock: FakeClock) -> None:
    world.drills.grade = FixedGrader(2.0, 4.0)
    for day in (23, 24):
        key = await drill(world, clock, "C1", "09:00 UTC", utc(2026, 11, day, 9))
        await world.drills.answer(SLACK, key, ANA, ANSWER)
        await world.drills.answer(SLACK, key, BEN, ANSWER)
    me = world.drills.me(SLACK, TEAM, BEN)
    assert (me.rank_week, me.streak, me.members) == (1, 2, 2)
    text = render_standing(me)
    assert text.startswith("*Your standing*: #1 this week")
    assert "· Scalability: 4.0/4" in text.splitlines()


def test_trends_compare_the_last_scorecards_with_the_ones_before() -> None:
    def entry(score: int) -> LedgerEntry:
        return LedgerEntry(
            SLACK,
            TEAM,
            "U",
            "drill",
            str(score),
            "q",
            score,
            10,
            date(2026, 11, 1),
            "UTC",
            {"scalability": score, "clarity": 5 - score},
            utc(2026, 11, 1),
        )

    found = trends([entry(1), entry(1), entry(3), entry(3)], window=2)
    by_id = {t.criterion.value: t for t in found}
    assert (by_id["scalability"].recent, by_id["scalability"].previous) == (3.0, 1.0)
    assert by_id["scalability"].arrow == "↑" and by_id["clarity"].arrow == "↓"
    assert trends([entry(2)], window=2)[0].arrow == "·"


async def test_finished_interviews_add_points_on_every_board_the_member_is_on(
    world: Replica, clock: FakeClock
) -> None:
    reply = await world.service.start(ANA, "D1", "url-shortener", Format.ASYNC)
    await world.service.answer(ANA, "D1", ANSWER)
    ended = await world.service.command(ANA, "D1", Command.END)
    assert ended.scorecard is not None
    assert count(world.engine, "points_ledger") == 1
    [entry] = world.drills.repo.ledger(SLACK, user_id="UANA")
    assert (entry.source_kind, entry.source_id, entry.workspace) == (
        "interview",
        str(reply.interview_id),
        "",
    )
    assert entry.question_id == "url-shortener"
    assert (entry.overall, entry.points) == (1.4, 13)  # (1.4 - 1) / 3 * 4 * 25, rounded
    # counted on a workspace's board once the member has been seen there
    assert world.drills.leaderboard(SLACK, TEAM, "all").rows == []
    world.drills.me(SLACK, TEAM, ANA)
    [row] = world.drills.leaderboard(SLACK, TEAM, "all").rows
    assert (row.user_id, row.points) == ("UANA", 13)
    assert world.drills.leaderboard("discord", TEAM, "all").rows == []


async def test_the_weekly_board_posts_on_monday_morning_once_per_channel(
    world: Replica, clock: FakeClock, sqlite_url: str, bank: QuestionBank
) -> None:
    from bot.scheduler import board_chart

    world.scheduler.chart = board_chart
    berlin = ZoneInfo("Europe/Berlin")
    key = await drill(
        world, clock, "C1", "09:00 Europe/Berlin", datetime(2026, 11, 25, 9, tzinfo=berlin)
    )
    await world.drills.answer(SLACK, key, ANA, ANSWER)
    clock.now = datetime(2026, 11, 30, 8, 59, tzinfo=berlin)
    await world.scheduler.post_boards()
    assert world.poster.boards == []
    clock.now = datetime(2026, 11, 30, 9, 0, tzinfo=berlin)
    await world.scheduler.post_boards()
    await world.scheduler.post_boards()
    other = replica(sqlite_url, bank, clock)
    await other.scheduler.post_boards()
    other.close()
    assert other.poster.boards == []
    [(channel, text, png)] = world.poster.boards
    assert channel == "C1"
    assert text.startswith("Last week's *Leaderboard, week of 23 Nov 2026*")
    assert f"1. {HIDDEN_NAME}: 27 pts" in text
    assert png is not None and png.startswith(PNG_MAGIC)
