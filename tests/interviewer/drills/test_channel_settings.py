"""Channel settings change what drills and boards do: the answer window, the topics, the
board's day, hour and visibility; a board moved after this week's was posted waits for next
week, on both replicas (SQLite and PostgreSQL)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from interviewer.bank import QuestionBank
from interviewer.settings.service import SettingsService
from interviewer.settings.values import Key
from storage.repositories.settings import SqlSettingsRepository
from tests.clock import FakeClock
from tests.interviewer.drills.harness import ADMIN, SLACK, TEAM, FixedGrader, Replica, replica
from tests.interviewer.drills.test_replicas import race

BERLIN = ZoneInfo("Europe/Berlin")
ANSWER = "A gateway, stateless servers, a cache, sharded storage with replicas, autoscaling."


def berlin(month: int, day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(2026, month, day, hour, minute, tzinfo=BERLIN)  # 23 Nov 2026: a Monday


@pytest.fixture
def pair(migrated_url: str, bank: QuestionBank, clock: FakeClock) -> Iterator[list[Replica]]:
    replicas = [replica(migrated_url, bank, clock, FixedGrader(3.0)) for _ in range(2)]
    yield replicas
    for r in replicas:
        r.close()


def settings_of(r: Replica, bank: QuestionBank, clock: FakeClock) -> SettingsService:
    return SettingsService(SqlSettingsRepository(r.engine), bank, clock)


def set_(service: SettingsService, channel: str, key: Key, value: str) -> None:
    service.command(SLACK, TEAM, channel, ADMIN, True, f"set {key.value} {value}")


async def boards_at(pair: list[Replica], clock: FakeClock, when: datetime) -> int:
    """Both replicas sweep the boards at `when`, at the same instant; how many were posted."""
    clock.now = when
    before = sum(len(r.poster.boards) for r in pair)
    a, b = pair
    race(a.scheduler.post_boards, b.scheduler.post_boards)
    return sum(len(r.poster.boards) for r in pair) - before


async def answered_drill(r: Replica, clock: FakeClock, when: datetime) -> None:
    """The daily drill posts at `when` and the admin answers it (the board then has a row)."""
    clock.now = when
    before = len(r.poster.drills)
    await r.scheduler.sweep_drills()
    [(_, key, _)] = r.poster.drills[before:]
    await r.drills.answer(SLACK, key, ADMIN, ANSWER)


async def test_board_day_and_hour_move_the_board_and_a_moved_board_posts_once_a_week(
    pair: list[Replica], clock: FakeClock, bank: QuestionBank
) -> None:
    a, _ = pair
    clock.now = berlin(11, 20, 12)
    a.drills.subscribe(SLACK, TEAM, "C1", ADMIN, True, "09:00 Europe/Berlin")
    settings = settings_of(a, bank, clock)
    set_(settings, "C1", Key.BOARD_DAY, "wed")
    set_(settings, "C1", Key.BOARD_HOUR, "17")
    await answered_drill(a, clock, berlin(11, 23, 9))

    assert await boards_at(pair, clock, berlin(11, 30, 9)) == 0  # Monday 09:00: not any more
    await answered_drill(a, clock, berlin(12, 1, 9))
    assert await boards_at(pair, clock, berlin(12, 2, 16, 59)) == 0
    assert await boards_at(pair, clock, berlin(12, 2, 17)) == 1  # Wednesday 17:00, once
    assert await boards_at(pair, clock, berlin(12, 2, 17, 1)) == 0
    # moved later in the same week after it was posted: no second board this week
    set_(settings, "C1", Key.BOARD_HOUR, "20")
    assert await boards_at(pair, clock, berlin(12, 2, 20)) == 0
    # next week it comes at the new hour, once
    assert await boards_at(pair, clock, berlin(12, 9, 19, 59)) == 0
    assert await boards_at(pair, clock, berlin(12, 9, 20)) == 1
    assert await boards_at(pair, clock, berlin(12, 9, 20, 5)) == 0


async def test_a_private_board_is_not_posted(
    world: Replica, clock: FakeClock, bank: QuestionBank
) -> None:
    clock.now = berlin(11, 20, 12)
    world.drills.subscribe(SLACK, TEAM, "C1", ADMIN, True, "09:00 Europe/Berlin")
    world.drills.subscribe(SLACK, TEAM, "C2", ADMIN, True, "09:00 Europe/Berlin")
    set_(settings_of(world, bank, clock), "C1", Key.BOARD, "private")
    clock.now = berlin(11, 23, 9)
    await world.scheduler.sweep_drills()
    for _, key, _ in world.poster.drills:
        await world.drills.answer(SLACK, key, ADMIN, ANSWER)
    clock.now = berlin(11, 30, 9)
    await world.scheduler.post_boards()
    assert [channel for channel, _, _ in world.poster.boards] == ["C2"]


async def test_the_answer_window_and_topics_come_from_the_channel(
    world: Replica, clock: FakeClock, bank: QuestionBank
) -> None:
    clock.now = berlin(11, 22, 12)
    settings = settings_of(world, bank, clock)
    set_(settings, "C1", Key.WINDOW, "36")
    set_(settings, "C1", Key.TOPICS, "rag")
    confirmation = world.drills.subscribe(SLACK, TEAM, "C1", ADMIN, True, "09:00 Europe/Berlin")
    assert "answers are open for 36 hours" in confirmation
    world.drills.subscribe(SLACK, TEAM, "C2", ADMIN, True, "09:00 Europe/Berlin")
    for day in (23, 24, 25):
        clock.now = berlin(11, day, 9)
        await world.scheduler.sweep_drills()
    posts = {p.subscription.channel: p for p in _posts(world)}
    assert posts["C1"].window_ends_at - posts["C1"].occurrence_at == timedelta(hours=36)
    assert posts["C2"].window_ends_at - posts["C2"].occurrence_at == timedelta(hours=24)
    chosen = [bank.problem(p.question_id) for p in _posts(world) if p.subscription.channel == "C1"]
    assert len(chosen) == 3 and all("rag" in p.topics for p in chosen)


def _posts(world: Replica) -> list:  # type: ignore[type-arg]
    return [
        world.drills.repo.post_by_thread(SLACK, key)  # type: ignore[misc]
        for _, key, _ in world.poster.drills
    ]


def test_a_one_hour_window_reads_one_hour(
    world: Replica, clock: FakeClock, bank: QuestionBank
) -> None:
    clock.now = berlin(11, 22, 12)
    set_(settings_of(world, bank, clock), "C1", Key.WINDOW, "1")
    confirmation = world.drills.subscribe(SLACK, TEAM, "C1", ADMIN, True, "09:00 Europe/Berlin")
    assert confirmation.endswith("answers are open for 1 hour.")
