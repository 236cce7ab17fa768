"""The scheduler: deadlines after a restart fire once; APScheduler only paces the sweeps."""

from __future__ import annotations

import asyncio

from interviewer.bank import QuestionBank
from interviewer.core.stages import Format, Stage
from interviewer.core.transcript import TurnKind
from interviewer.service import Who
from tests.clock import FakeClock
from tests.interviewer.drills.harness import ADMIN, SLACK, TEAM, Replica, replica, utc

ANA = Who(SLACK, "UANA", "Ana")


async def test_an_overdue_deadline_fires_once_after_a_restart(
    sqlite_url: str, bank: QuestionBank, clock: FakeClock
) -> None:
    before = replica(sqlite_url, bank, clock)
    started = await before.service.start(ANA, "D1", "model-serving", Format.DRILL)
    before.close()  # the process dies; its scheduler never ran
    clock.advance(minutes=3)  # clarify (2 minutes) is over while nothing runs

    after = replica(sqlite_url, bank, clock)
    await after.scheduler.run_once()
    await after.scheduler.run_once()
    third = replica(sqlite_url, bank, clock)  # and another restart later
    await third.scheduler.run_once()
    [moved] = after.poster.delivered
    assert moved.interview_id == started.interview_id and moved.channel == "D1"
    assert [m.kind for m in moved.messages] == [TurnKind.STAGE_INTRO]
    assert third.poster.delivered == []
    # the interview carries on from where the clock moved it
    stored = after.service.current(ANA, "D1")
    assert stored is not None and stored.state.stage is Stage.HIGH_LEVEL
    reply = await after.service.answer(ANA, "D1", "A gateway in front of GPU model servers.")
    assert reply is not None and reply.messages
    after.close()
    third.close()


async def test_apscheduler_runs_the_sweeps_with_fixed_job_ids(
    world: Replica, clock: FakeClock
) -> None:
    clock.now = utc(2026, 11, 24, 12, 0)
    world.drills.subscribe(SLACK, TEAM, "C1", ADMIN, True, "09:00 UTC")
    clock.now = utc(2026, 11, 25, 9, 0)
    world.scheduler.interval = world.scheduler.drill_interval = 0.01
    world.scheduler.start()
    try:
        jobs = {job.id for job in world.scheduler._scheduler.get_jobs()}
        assert jobs == {
            "interview-deadlines",
            "owed-replies",
            "unanswered-answers",
            "drill-sweep",
            "weekly-boards",
            "retention",  # the outbox's posted posts, past 14 days
        }
        for _ in range(200):  # the first sweep runs at once; wait for it, not for a time
            if world.poster.drills:
                break
            await asyncio.sleep(0.01)
        await asyncio.sleep(0.05)  # several more sweeps
    finally:
        world.scheduler.shutdown()
    assert len(world.poster.drills) == 1


async def test_a_sweep_that_fails_is_logged_and_runs_again(
    world: Replica, clock: FakeClock
) -> None:
    calls = 0

    async def broken() -> int:
        nonlocal calls
        calls += 1
        raise RuntimeError("the database is away")

    run = world.scheduler._exclusive("broken", broken)
    await run()
    await run()
    assert calls == 2
