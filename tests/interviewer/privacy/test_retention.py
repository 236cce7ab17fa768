"""Retention: ended transcripts past the cutoff lose their text; scores and cards stay."""

from __future__ import annotations

import json
from datetime import timedelta

from sqlmodel import Session, select

from bot.scheduler import ClockScheduler
from interviewer.core.stages import Format
from interviewer.privacy.ports import Purged
from interviewer.privacy.redact import QUOTES_REMOVED
from interviewer.privacy.service import PrivacyService
from storage.models import DrillAnswerRow, Interview, ScorecardRow
from storage.repositories.privacy import SqlPrivacyRepository
from tests.interviewer.privacy.world import ANA, BEN, World, interview, rows, traces

DAYS = 30


async def age(world: World) -> tuple[int, int]:
    """A running interview from the start, 40 days on, a recent ended one; their ids."""
    running = await interview(
        world,
        "running",
        ANA,
        "D-ana2",
        [(ANA, "Ana-running: a queue.")],
        fmt=Format.ASYNC,
        end=False,
    )
    world.clock.advance(minutes=40 * 24 * 60)
    recent = await interview(world, "recent", BEN, "D-ben2", [(BEN, "Ben-recent: a cache.")])
    return running, recent


def scores(world: World) -> tuple[list[object], list[object], list[object]]:
    with Session(world.engine) as session:
        return (
            sorted(session.exec(select(Interview.id, Interview.overall)).all()),
            sorted(session.exec(select(ScorecardRow.interview_id, ScorecardRow.overall)).all()),
            sorted(session.exec(select(DrillAnswerRow.id, DrillAnswerRow.overall)).all()),
        )


async def test_old_ended_transcripts_are_purged_and_scores_stay(world: World) -> None:
    running, recent = await age(world)
    before = scores(world)
    ledger = rows(world.engine, "points_ledger")
    turns = rows(world.engine, "interview_turn")
    purged = world.privacy.purge(world.clock() - timedelta(days=DAYS))
    assert purged.interviews == 6 and purged.drill_answers == 2  # 2 solo, 2 group, 2 peer
    assert purged.turns == turns - _turns(world, running) - _turns(world, recent) > 0
    # Every old word is gone: turns, quotes in cards, curveball answers in states, drills.
    assert traces(world.engine, "Ana-zephyr", "Ben-quasar") == []
    assert _turns(world, running) and _turns(world, recent)
    assert traces(world.engine, "Ana-running") and traces(world.engine, "Ben-recent")
    assert scores(world) == before
    assert rows(world.engine, "points_ledger") == ledger
    old = world.interviews["ana-solo"]
    card = _card(world, old)
    assert all(c["evidence"] == [] for c in card["criteria"].values())
    assert QUOTES_REMOVED in card["notes"]
    assert card["improvements"] and all(c["feedback"] for c in card["criteria"].values())


async def test_a_second_purge_finds_nothing_more(world: World) -> None:
    await age(world)
    cutoff = world.clock() - timedelta(days=DAYS)
    assert world.privacy.purge(cutoff).total == 8
    assert world.privacy.purge(cutoff) == Purged()


async def test_nothing_younger_than_the_cutoff_is_purged(world: World) -> None:
    turns = rows(world.engine, "interview_turn")
    assert world.privacy.purge(world.clock() - timedelta(days=DAYS)) == Purged()
    assert rows(world.engine, "interview_turn") == turns
    assert traces(world.engine, "Ana-zephyr")


async def test_the_daily_run_is_claimed_once_across_replicas(world: World) -> None:
    await age(world)
    replicas = [
        PrivacyService(SqlPrivacyRepository(world.engine), world.clock, retention_days=DAYS)
        for _ in range(2)
    ]
    claims = rows(world.engine, "scheduler_claim")  # the pairing rounds', her reminder's
    first, second = (r.due_purge() for r in replicas)
    assert first is not None and first.interviews == 6
    assert second is None
    world.clock.advance(minutes=24 * 60)
    assert replicas[1].due_purge() == Purged()  # the next day's run, with nothing left
    assert rows(world.engine, "scheduler_claim") == claims + 2


async def test_retention_zero_keeps_everything(world: World) -> None:
    await age(world)
    claims = rows(world.engine, "scheduler_claim")
    keep = PrivacyService(SqlPrivacyRepository(world.engine), world.clock, retention_days=0)
    assert keep.due_purge() is None
    assert rows(world.engine, "scheduler_claim") == claims
    assert traces(world.engine, "Ana-zephyr")


async def test_the_scheduler_runs_the_purge(world: World) -> None:
    await age(world)
    privacy = PrivacyService(SqlPrivacyRepository(world.engine), world.clock, retention_days=DAYS)
    scheduler = ClockScheduler(world.parts.service, [], privacy=privacy)
    await scheduler.run_once()
    assert traces(world.engine, "Ana-zephyr", "Ben-quasar") == []
    assert await scheduler.purge_transcripts() == 0  # claimed for today already


def _turns(world: World, interview_id: int) -> int:
    stored = world.parts.repo.load(interview_id)
    assert stored is not None
    return len(stored.turns)


def _card(world: World, interview_id: int) -> dict[str, object]:
    with Session(world.engine) as session:
        row = session.exec(
            select(ScorecardRow).where(ScorecardRow.interview_id == interview_id)
        ).one()
    data: dict[str, object] = json.loads(row.card_json)
    return data
