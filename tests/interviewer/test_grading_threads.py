"""Grading runs off the event loop, on the bounded grading threads `serve` gives the scorer
(bot/bootstrap.py: a WorkerPool of GRADING_WORKERS threads without a deadline)."""

from __future__ import annotations

import asyncio
import threading

from bot.bootstrap import GRADING_WORKERS as GRADERS
from interviewer.bank import Problem, load_bank
from interviewer.core.rubric import Scorecard
from interviewer.core.stages import Format, Stage
from interviewer.core.transcript import Role, Transcript, Turn
from interviewer.offline.scorer import OfflineGrader
from interviewer.workers import WorkerPool
from tests.support import wait_until


def grading_pool() -> WorkerPool:
    return WorkerPool(GRADERS, deadline=None, name="mockroom-grade")


async def test_off_loop_work_runs_on_a_grading_thread_while_the_loop_stays_free() -> None:
    off_loop = grading_pool().run
    loop_thread = threading.current_thread()
    release = threading.Event()
    ran_on: list[str] = []

    def grade() -> str:
        ran_on.append(threading.current_thread().name)
        release.wait(10)  # held until the loop has shown it is free meanwhile
        return "card"

    pending = asyncio.ensure_future(off_loop(grade))
    # The loop keeps running (this test polls on it) while the grade is held on its thread.
    await wait_until(lambda: ran_on, "the grade to start")
    assert not pending.done()
    release.set()
    assert await pending == "card"
    assert ran_on[0].startswith("mockroom-grade") and ran_on[0] != loop_thread.name


async def test_gradings_past_the_bound_wait_their_turn() -> None:
    off_loop = grading_pool().run
    running = 0
    most = 0
    lock = threading.Lock()
    gate = threading.Event()

    def grade() -> None:
        nonlocal running, most
        with lock:
            running += 1
            most = max(most, running)
        gate.wait(10)
        with lock:
            running -= 1

    tasks = [asyncio.ensure_future(off_loop(grade)) for _ in range(GRADERS + 3)]
    await wait_until(lambda: running == GRADERS, "the grading threads to fill")
    await asyncio.sleep(0.05)  # room for a third to start, were the bound not kept
    assert running == GRADERS
    gate.set()
    await asyncio.gather(*tasks)
    assert most == GRADERS


async def test_the_offline_scorer_grades_on_a_grading_thread() -> None:
    bank = load_bank()
    names: list[str] = []

    class Noting(OfflineGrader):
        def score(self, transcript: Transcript, problem: Problem | None) -> Scorecard:
            names.append(threading.current_thread().name)
            return super().score(transcript, problem)

    turns = (
        Turn(Role.INTERVIEWER, Stage.HIGH_LEVEL, "How would you serve the model?"),
        Turn(Role.CANDIDATE, Stage.HIGH_LEVEL, "A router batches requests onto GPU workers."),
    )
    card = await Noting(bank, run=grading_pool().run).grade(
        Transcript("model-serving", Format.STANDARD, turns), bank.problem("model-serving")
    )
    assert card.criteria and names and names[0].startswith("mockroom-grade")
