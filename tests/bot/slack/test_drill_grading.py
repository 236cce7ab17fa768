"""Grading a drill answer holds up no one: the scorer runs off the event loop.

A scorer registered here blocks its thread until the test lets it go; while it holds Bob's
drill answer, Ada's command is answered. Graded on the loop, Ada would wait for Bob's grade.
"""

from __future__ import annotations

import threading
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.bootstrap import Container
from bot.slack.runner import SlackRunner, build_slack_runner
from interviewer.bank import Problem
from interviewer.core.rubric import Scorecard
from interviewer.core.transcript import Transcript
from interviewer.drills.service import DrillService
from interviewer.offline.scorer import OfflineGrader
from interviewer.workers import Offload
from storage.repositories.drills import SqlDrillRepository
from tests.bot.slack import payloads
from tests.bot.slack.conftest import ADA, BOB, CHANNEL, Harness, dm_of, make_container, until
from tests.bot.slack.fake_slack import FakeSlack
from tests.bot.slack.test_drills import (
    ANSWER,
    DRILL_AT,
    SUBSCRIBE,
    clock_of,
    make_admin,
    notes_to,
    top_level,
)
from tests.clock import FakeClock

HELD = 10.0  # seconds the scorer waits at most: a loop it blocked would show, not hang


class HeldScorer(OfflineGrader):
    """The offline scorer, holding its thread until released (a long transcript's CPU time)."""

    def __init__(self, container: Container, run: Offload) -> None:
        super().__init__(container.bank, run=run)
        self.started = threading.Event()
        self.release = threading.Event()
        self.finished = threading.Event()

    def score(self, transcript: Transcript, problem: Problem | None) -> Scorecard:
        self.started.set()
        self.release.wait(HELD)
        try:
            return super().score(transcript, problem)
        finally:
            self.finished.set()


@pytest.fixture
async def held(fake: FakeSlack, tmp_path: Path) -> AsyncIterator[tuple[Harness, HeldScorer]]:
    clock = FakeClock()
    container = make_container(tmp_path / "m.db", clock, fake, slack_app_token="xapp-test")
    assert container.grading is not None
    scorer = HeldScorer(container, container.grading.run)

    async def grade(transcript: Transcript) -> Scorecard:
        return await scorer.grade(transcript, container.bank.problems.get(transcript.question_id))

    container.drills = DrillService(
        SqlDrillRepository(container.engine),
        container.bank,
        grade,
        clock,
        run=container.service.db.run,
    )
    runner: SlackRunner = build_slack_runner(container, 0, host="127.0.0.1")
    await runner.start()
    await fake.wait_connected()
    try:
        yield Harness(fake, container, runner, clock), scorer
    finally:
        scorer.release.set()
        await runner.stop()
        container.close()


async def test_another_member_is_answered_while_a_drill_answer_is_graded(
    held: tuple[Harness, HeldScorer],
) -> None:
    slack, scorer = held
    make_admin(slack, ADA, "Ada")
    await slack.command(ADA, CHANNEL, SUBSCRIBE)
    slack.clock.now = DRILL_AT
    assert await clock_of(slack).sweep_drills() == 1
    [parent] = top_level(slack, "Daily design drill")

    answer = payloads.message(BOB, CHANNEL, ANSWER, slack.fake.next_ts(), thread_ts=parent.ts)
    await slack.fake.send_envelope("events_api", payloads.event_callback(answer))
    await until(scorer.started.is_set)  # Bob's answer is being graded, and stays so

    await slack.fake.send_envelope("slash_commands", payloads.slash(ADA, dm_of(ADA), "help"))
    await until(lambda: any("help" in m.text.lower() for m in slack.fake.conversation(dm_of(ADA))))
    assert not scorer.finished.is_set()  # Ada was answered while Bob's grade was still held

    scorer.release.set()
    await slack.runner.drain()
    [note] = notes_to(slack, BOB, parent.ts)
    assert "/4" in str(note["text"])  # Bob's short scorecard, privately
