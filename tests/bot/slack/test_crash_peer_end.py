"""A peer mock's end (issue 22, item 11): "The peer mock is over. The AI is grading." is in the
pair's group DM before grading starts, and stays there, once, when the process dies while the
AI grades: a process whose clock ends the mock is killed with SIGKILL while the model (a fake
that never answers) holds the grading; the next process, as `serve` starts, grades the mock
and posts its end (the form to the interviewer) without saying the notice again."""

from __future__ import annotations

import asyncio
import os
import signal
import sys
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path

from interviewer.core.machine import next_deadline
from interviewer.core.stages import Format, format_spec
from tests.bot.slack.conftest import Harness
from tests.bot.slack.test_peer_commands import interview_id, started
from tests.bot.slack.test_peer_sessions import form_of
from tests.bot.slack.test_peers import PAIR_DM, clock_of
from tests.interviewer.llm.openai_server import FakeOpenAIServer, Reply

ROOT = Path(__file__).resolve().parents[3]
NOTICE = "The peer mock is over. The AI is grading."


async def until(condition: Callable[[], bool]) -> None:
    """Wait (polling, a minute at most: a new process starts first) until `condition` holds."""
    for _ in range(600):
        if condition():
            return
        await asyncio.sleep(0.1)
    raise AssertionError("the condition did not hold within a minute")


def said(slack: Harness, needle: str) -> list[str]:
    return [m.text for m in slack.fake.conversation(PAIR_DM) if needle in m.text]


async def in_last_stage(slack: Harness) -> None:
    """The peer mock's clock moved on (in this process) to its last stage."""
    last = format_spec(Format.STANDARD).stages[-1].stage
    for _ in range(20):
        stored = slack.container.service.repo.load(interview_id(slack))
        assert stored is not None and stored.state.active
        if stored.state.stage is last:
            return
        deadline = next_deadline(stored.state)
        assert deadline is not None
        slack.clock.now = max(slack.clock.now, deadline)
        await clock_of(slack).tick_interviews()
    raise AssertionError("the peer mock never reached its last stage")


async def worker(
    slack: Harness, job: str, minutes: list[int], model: str | None = None
) -> asyncio.subprocess.Process:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("MOCKROOM_", "SLACK_"))}
    if model is not None:
        env["CRASH_WORKER_LLM_URL"] = model
    times = [slack.clock.now + timedelta(minutes=m) for m in minutes]
    return await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "tests.bot.slack.crash_worker",
        str(slack.container.engine.url.render_as_string(hide_password=False)),
        slack.fake.api_url,
        job,
        ",".join(t.isoformat() for t in times),
        cwd=ROOT,
        env=env,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )


async def test_the_end_notice_is_out_before_grading_and_survives_a_kill_while_grading(
    slack: Harness,
) -> None:
    interviewer, _ = await started(slack)
    await in_last_stage(slack)
    assert said(slack, NOTICE) == []

    with FakeOpenAIServer(default=Reply.hang()) as model:  # the AI grades, and grades...
        first = await worker(slack, "tick", [30, 60, 90], model.url)
        await until(lambda: bool(model.requests))  # grading has started
        await until(lambda: bool(said(slack, NOTICE)))  # and the notice is out meanwhile
        assert said(slack, "The AI has graded") == []  # still grading
        first.send_signal(signal.SIGKILL)
        assert await first.wait() == -signal.SIGKILL
    stored = slack.container.service.repo.load(interview_id(slack))
    assert stored is not None and not stored.state.active and stored.scorecard is None

    again = await worker(slack, "recover", [120])  # `serve` starts again, offline
    out, err = await asyncio.wait_for(again.communicate(), 120)
    assert again.returncode == 0, err.decode()
    assert out.decode().strip() == "0"  # nothing left in the outbox: the notice was out
    assert len(said(slack, NOTICE)) == 1  # once: not said again
    [graded] = said(slack, "The AI has graded")
    assert slack.fake.conversation(PAIR_DM)[-1].text == graded  # after the notice
    assert form_of(slack, interviewer)  # the interviewer's form came
