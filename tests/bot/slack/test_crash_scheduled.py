"""Exactly once through crashes for every scheduled post (issue 22): a process posting a drill's
recap, a weekly board, a streak reminder or a round's pair (its group DM's intro and the brief)
is killed with SIGKILL after the claim (Slack holds the post), after Slack took the post (its
answer held), or after the post's id was saved; the next process, after the outbox's lease,
posts what was missing and finds what reached Slack by its metadata: one post per item.

The workers run on the test's database, SQLite or PostgreSQL (each step on SQLite; on
PostgreSQL the step where Slack took the post but its id was lost, the one a lookup settles)."""

from __future__ import annotations

import asyncio
import os
import random
import signal
import sys
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from sqlmodel import Session, select

from bot.bootstrap import build
from bot.scheduler import ClockScheduler
from bot.settings import Settings
from bot.slack.runner import build_slack_runner
from storage.models import PeerSession, ScheduledPost
from tests.bot.slack.conftest import ADA, BOB, CHANNEL, Harness, dm_of
from tests.bot.slack.fake_slack import FakeSlack, Hold, Posted
from tests.bot.slack.test_drills import ANSWER, BERLIN, DRILL_AT, SUBSCRIBE, make_admin, top_level
from tests.bot.slack.test_peers import PAIR_DM, opted_in_and_weekly
from tests.clock import FakeClock

ROOT = Path(__file__).resolve().parents[3]
CLOSES = DRILL_AT + timedelta(hours=24)
MONDAY = datetime(2026, 11, 30, 9, 0, tzinfo=BERLIN)  # the weekly board's hour


@dataclass(frozen=True)
class Scenario:
    """A scheduled post made due by `setup`, swept by the worker's `job` at `when`; `shown`
    lists what it looks like on Slack (one list per post it makes)."""

    job: str
    when: datetime
    setup: Callable[[Harness], object]
    shown: Callable[[Harness], list[list[Posted]]]


async def drill(slack: Harness) -> str:
    """Ada subscribes the channel, the drill posts (in this process) and she answers. Its ts."""
    make_admin(slack, ADA, "Ada")
    await slack.command(ADA, CHANNEL, SUBSCRIBE)
    slack.clock.now = DRILL_AT
    sweeps = ClockScheduler(slack.container.service, [slack.runner], drills=slack.container.drills)
    assert await sweeps.sweep_drills() == 1
    [parent] = top_level(slack, "Daily design drill")
    await slack.say(ADA, CHANNEL, ANSWER, thread_ts=parent.ts)
    return parent.ts


def recaps(slack: Harness) -> list[list[Posted]]:
    [parent] = top_level(slack, "Daily design drill")
    thread = slack.fake.conversation(CHANNEL, parent.ts)
    return [[m for m in thread if "Recap: " in m.shown]]


async def reminded(slack: Harness) -> None:
    await slack.command(BOB, CHANNEL, "remind on")
    await drill(slack)


def reminders(slack: Harness) -> list[list[Posted]]:
    return [[m for m in slack.fake.conversation(dm_of(BOB)) if "left to answer" in m.shown]]


def pairs(slack: Harness) -> list[list[Posted]]:
    intros = [m for m in slack.fake.conversation(PAIR_DM) if "Peer mock this week" in m.shown]
    briefs = [
        m
        for user in (ADA, BOB)
        for m in slack.fake.conversation(dm_of(user))
        if m.shown.startswith("*You interview ")
    ]
    return [intros, briefs]


SCENARIOS = {
    "recap": Scenario("recaps", CLOSES, drill, recaps),
    "board": Scenario("boards", MONDAY, drill, lambda s: [top_level(s, "Last week's")]),
    "reminder": Scenario("reminders", CLOSES - timedelta(minutes=30), reminded, reminders),
    "pair": Scenario("pairs", DRILL_AT, opted_in_and_weekly, pairs),
}
STEPS = ("claimed", "accepted", "saved")
CASES = [
    *(
        pytest.param(kind, step, "sqlite", id=f"{kind}-{step}-sqlite")
        for kind in SCENARIOS
        for step in STEPS
    ),
    *(
        pytest.param(
            kind, "accepted", "postgres", id=f"{kind}-accepted-postgres", marks=pytest.mark.postgres
        )
        for kind in SCENARIOS
    ),
]


async def app_on(url: str, fake: FakeSlack) -> Harness:
    """The app on the database at `url` (already migrated), in Socket Mode against the fake."""
    settings = Settings(
        _env_file=None,
        database_url=url,
        llm_model="offline",
        slack_api_url=fake.api_url,
        slack_bot_token="xoxb-test",
        slack_app_token="xapp-test",
    )
    clock = FakeClock()
    container = build(settings, clock=clock, rng=random.Random(7))
    runner = build_slack_runner(container, 0, host="127.0.0.1")
    await runner.start()
    await fake.wait_connected()
    return Harness(fake, container, runner, clock)


async def worker(
    url: str, fake: FakeSlack, job: str, times: list[datetime], hang: bool = False
) -> asyncio.subprocess.Process:
    """A process running one of the scheduler's sweeps at each of `times`."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("MOCKROOM_", "SLACK_"))}
    return await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "tests.bot.slack.crash_worker",
        url,
        fake.api_url,
        job,
        ",".join(t.isoformat() for t in times),
        *(["hang"] if hang else []),
        cwd=ROOT,
        env=env,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )


async def killed(first: asyncio.subprocess.Process) -> None:
    first.send_signal(signal.SIGKILL)
    assert await first.wait() == -signal.SIGKILL


@pytest.mark.parametrize(("kind", "step", "backend_name"), CASES)
async def test_a_scheduled_post_killed_at_each_step_is_posted_once_by_the_next_process(
    fake: FakeSlack, request: pytest.FixtureRequest, kind: str, step: str, backend_name: str
) -> None:
    url: str = request.getfixturevalue(f"{backend_name}_migrated_url")
    scenario = SCENARIOS[kind]
    slack = await app_on(url, fake)
    try:
        await scenario.setup(slack)  # type: ignore[misc]
        before = [len(posts) for posts in scenario.shown(slack)]
        assert before == [0] * len(before)

        if step == "saved":  # it posts, saves each id, then dies
            first = await worker(url, fake, scenario.job, [scenario.when], hang=True)
            assert first.stdout is not None
            line = await asyncio.wait_for(first.stdout.readline(), 120)
            assert line.decode().strip() == str(len(before))
            await killed(first)
        else:  # Slack holds the first post: before taking it, or after
            hold = fake.holds["chat.postMessage"] = Hold(after=step == "accepted")
            first = await worker(url, fake, scenario.job, [scenario.when])
            await asyncio.wait_for(hold.arrived.wait(), 120)
            await killed(first)
            del fake.holds["chat.postMessage"]
            hold.released.set()
            shown = len(scenario.shown(slack)[0])
            assert shown == (1 if step == "accepted" else 0)

        later = [scenario.when + timedelta(minutes=m) for m in (1, 3)]
        again = await worker(url, fake, scenario.job, later)
        out, err = await asyncio.wait_for(again.communicate(), 120)
        assert again.returncode == 0, err.decode()
        # within the lease nothing; after it, what the crash left (found again, or posted)
        assert out.decode().strip() == ("0,0" if step == "saved" else f"0,{len(before)}")
        assert [len(posts) for posts in scenario.shown(slack)] == [1] * len(before)  # once
        with Session(slack.container.engine) as session:
            rows = list(session.exec(select(ScheduledPost)))
            assert len(rows) == len(before)
            assert all(r.posted_at is not None and r.posted_id for r in rows)
            if kind == "pair":  # the pair's group DM is saved: its session runs there
                [pair] = session.exec(select(PeerSession)).all()
                assert pair.thread_key == PAIR_DM
    finally:
        await slack.runner.stop()
        slack.container.close()
