"""Drills post at the channel's local time, once; late within the grace period; rotated."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from interviewer.bank import QuestionBank
from tests.clock import FakeClock
from tests.interviewer.drills.harness import (
    ADMIN,
    SLACK,
    TEAM,
    RecordingPoster,
    Replica,
    count,
    replica,
    utc,
)

BERLIN = ZoneInfo("Europe/Berlin")


def posted_questions(world: Replica) -> list[str]:
    """Question ids in posting order, read from the drill_post table."""
    with world.engine.connect() as connection:
        rows = connection.exec_driver_sql(
            "SELECT question_id FROM drill_post WHERE thread_key IS NOT NULL ORDER BY occurrence_at"
        )
        return [r[0] for r in rows]


async def test_a_drill_posts_at_the_local_time_once(
    world: Replica, clock: FakeClock, sqlite_url: str, bank: QuestionBank
) -> None:
    clock.now = utc(2026, 11, 25, 6, 0)
    world.drills.subscribe(SLACK, TEAM, "C1", ADMIN, True, "09:30 Europe/Berlin")
    clock.now = datetime(2026, 11, 25, 9, 29, 59, tzinfo=BERLIN)
    await world.scheduler.run_once()
    assert world.poster.drills == []
    clock.now = datetime(2026, 11, 25, 9, 30, tzinfo=BERLIN)
    await world.scheduler.run_once()
    await world.scheduler.run_once()
    # a restarted process (a new scheduler over the same database) does not post it again
    again = replica(sqlite_url, bank, clock)
    await again.scheduler.run_once()
    again.close()
    assert again.poster.drills == []
    [(channel, key, text)] = world.poster.drills
    assert channel == "C1" and "*Daily design drill:" in text
    assert "Answer in this thread by Thu 26 Nov 09:30 Europe/Berlin" in text
    post = world.drills.repo.post_by_thread(SLACK, key)
    assert post is not None and post.occurrence_at == utc(2026, 11, 25, 8, 30)
    # the next day, the next drill
    clock.now = datetime(2026, 11, 26, 9, 31, tzinfo=BERLIN)
    await world.scheduler.run_once()
    assert len(world.poster.drills) == 2


async def test_down_at_drill_time_posts_late_once_within_the_grace_period(
    world: Replica, clock: FakeClock
) -> None:
    clock.now = utc(2026, 11, 24, 12, 0)
    world.drills.subscribe(SLACK, TEAM, "C1", ADMIN, True, "09:00 UTC")
    clock.now = utc(2026, 11, 25, 9, 59)  # back 59 minutes late
    await world.scheduler.run_once()
    clock.now = utc(2026, 11, 25, 10, 30)
    await world.scheduler.run_once()
    assert len(world.poster.drills) == 1
    [occurrence] = [p for p in [world.drills.repo.last_occurrence(1)] if p]
    assert occurrence == utc(2026, 11, 25, 9, 0)


async def test_down_beyond_the_grace_period_skips_the_day(world: Replica, clock: FakeClock) -> None:
    clock.now = utc(2026, 11, 24, 12, 0)
    world.drills.subscribe(SLACK, TEAM, "C1", ADMIN, True, "09:00 UTC")
    clock.now = utc(2026, 11, 25, 10, 1)  # back 61 minutes late
    await world.scheduler.run_once()
    assert world.poster.drills == []
    assert count(world.engine, "drill_post") == 0
    clock.now = utc(2026, 11, 26, 9, 0)  # the next day goes as planned
    await world.scheduler.run_once()
    assert len(world.poster.drills) == 1


async def test_subscribing_after_today_s_time_waits_for_tomorrow(
    world: Replica, clock: FakeClock
) -> None:
    clock.now = utc(2026, 11, 25, 9, 10)  # ten minutes after today's time, within grace
    world.drills.subscribe(SLACK, TEAM, "C1", ADMIN, True, "09:00 UTC")
    await world.scheduler.run_once()
    assert world.poster.drills == []


async def test_daylight_saving_neither_doubles_nor_drops_a_drill(
    world: Replica, clock: FakeClock
) -> None:
    new_york = ZoneInfo("America/New_York")
    clock.now = utc(2026, 3, 5, 0, 0)
    world.drills.subscribe(SLACK, TEAM, "C1", ADMIN, True, "02:30 America/New_York")
    # sweep every 10 minutes from 6 to 10 March: 8 March has no 02:30 (spring forward)
    while clock.now < utc(2026, 3, 10, 12, 0):
        clock.advance(minutes=10)
        await world.scheduler.run_once()
    with world.engine.connect() as connection:
        rows = connection.exec_driver_sql("SELECT occurrence_at FROM drill_post").all()
    local = sorted(
        (r[0] if isinstance(r[0], datetime) else datetime.fromisoformat(str(r[0])))
        .replace(tzinfo=ZoneInfo("UTC"))
        .astimezone(new_york)
        for r in rows
    )
    assert [d.day for d in local] == [5, 6, 7, 8, 9, 10]
    assert [d.strftime("%H:%M") for d in local] == ["02:30"] * 3 + ["03:30"] + ["02:30"] * 2
    assert len(world.poster.drills) == 6


async def test_a_failed_post_is_released_and_retried_within_grace(
    sqlite_url: str, bank: QuestionBank, clock: FakeClock
) -> None:
    flaky = replica(sqlite_url, bank, clock, poster=RecordingPoster(fail_posts=1))
    clock.now = utc(2026, 11, 24, 12, 0)
    flaky.drills.subscribe(SLACK, TEAM, "C1", ADMIN, True, "09:00 UTC")
    clock.now = utc(2026, 11, 25, 9, 0)
    await flaky.scheduler.run_once()
    assert flaky.poster.drills == [] and count(flaky.engine, "drill_post") == 0
    clock.advance(30)
    await flaky.scheduler.run_once()
    assert len(flaky.poster.drills) == 1 and count(flaky.engine, "drill_post") == 1
    flaky.close()


async def test_rotation_never_repeats_while_the_bank_has_fresh_problems(
    world: Replica, clock: FakeClock, bank: QuestionBank, sqlite_url: str
) -> None:
    clock.now = utc(2026, 11, 1, 0, 0)
    # a topic with fewer problems than the 30-day window, so the pool runs out of fresh ones
    world.drills.subscribe(SLACK, TEAM, "C1", ADMIN, True, "09:00 UTC classic")
    size = len(bank.matching("classic"))
    assert 3 <= size < 30
    for _ in range(size + 3):
        clock.advance(minutes=24 * 60)
        clock.now = clock.now.replace(hour=9, minute=0)
        await world.scheduler.run_once()
    asked = posted_questions(world)
    assert len(asked) == size + 3
    # every problem before any repeat
    assert sorted(asked[:size]) == sorted(p.id for p in bank.matching("classic"))
    # then the longest unseen comes back first, never one from the last 30 days if avoidable
    assert asked[size:] == asked[:3]


async def test_rotation_is_deterministic_and_honours_the_topic(
    world: Replica, clock: FakeClock, bank: QuestionBank, sqlite_url: str
) -> None:
    clock.now = utc(2026, 11, 1, 0, 0)
    world.drills.subscribe(SLACK, TEAM, "C1", ADMIN, True, "09:00 UTC daily staff")
    for _ in range(4):
        clock.advance(minutes=24 * 60)
        clock.now = clock.now.replace(hour=9, minute=0)
        await world.scheduler.run_once()
    asked = posted_questions(world)
    staff = sorted(p.id for p in bank.problems.values() if p.level == "staff")
    assert len(asked) == 4 and set(asked) <= set(staff)
    assert len(set(asked[: len(staff)])) == min(4, len(staff))
    # the same seed, channel and instant choose the same problem in any process
    chosen = world.drills._choose(SLACK, "C1", "staff", utc(2026, 12, 1, 9, 0))
    other = replica(sqlite_url, bank, clock)
    assert other.drills._choose(SLACK, "C1", "staff", utc(2026, 12, 1, 9, 0)) == chosen
    other.close()
