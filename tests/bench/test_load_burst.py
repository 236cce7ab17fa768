"""`bench.load --burst`: every burst interview's scorecard is counted, whichever path made it."""

from __future__ import annotations

import argparse
import asyncio
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import cast

from bench.load import Run
from bench.load_parts import wire
from bench.load_seed import Seeder
from bench.load_steady import Seeding
from bot.bootstrap import build
from bot.settings import Settings
from interviewer.core.stages import Format
from interviewer.llm.grader import LLMGrader
from interviewer.service import Who


def test_a_burst_interview_ended_by_its_members_answer_counts_its_scorecard(
    tmp_path: Path,
) -> None:
    """An answer that comes after the interview's time is up, before the clock ticks it, ends
    it and is graded on the answer's path: its scorecard is the burst's all the same (it was
    left out of the burst's count when only the clock's ticks were counted)."""
    now = [datetime(2026, 12, 8, 1, 0, tzinfo=UTC)]
    settings = Settings(_env_file=None, database_url=f"sqlite:///{tmp_path / 'b.db'}")
    container = build(settings, clock=lambda: now[0])
    args = argparse.Namespace(
        delay=0.3, steady=False, burst=1, think=90.0, spread=1 / 3, interviews=0
    )
    who, channel = Who("bench", "member-0"), "dm-0"
    service = container.service

    async def go() -> bool:
        started = await service.start(who, channel, None, Format.STANDARD)
        interview_id = started.interview_id
        while True:  # the clock moves the interview on to its last stage
            stored = await service._reload(interview_id)
            state = stored.state
            budget = state.spec.budget(state.stage)
            assert budget is not None
            if state.spec.next_stage(state.stage) is None:
                break
            now[0] = state.stage_started_at + timedelta(seconds=budget + 1)
            await service.tick(interview_id)
        end = state.stage_started_at + timedelta(seconds=budget)
        seeding = Seeding(service, cast(Seeder, None))
        seeding.burst_ends[interview_id] = end
        load.seeding = seeding
        now[0] = end + timedelta(seconds=5)  # the clock has not ticked it yet
        return await load.answer(who, channel, "a cache in front of the database")

    try:
        load = Run(container, args)
        assert asyncio.run(go()) is True
        assert channel in load.ended
        assert load.out.burst_ms == [5000.0]
        assert load.out.burst_by == {"answer": 1}
    finally:
        container.close()


def test_the_loads_model_grader_grades_off_the_loop_as_serve_wires_it(tmp_path: Path) -> None:
    """bench.load's LLM grader checks its card against the service's own offline scorer, on
    the grading threads; built without one, it scored on the event loop (the burst's stalls)."""
    container = wire(f"sqlite:///{tmp_path / 'w.db'}", model_port=9, slack_port=None)
    try:
        grader = container.service.grader
        assert isinstance(grader, LLMGrader)
        assert grader.offline is container.grader
        assert container.grading is not None
        assert grader.run == container.grading.run
    finally:
        container.close()
