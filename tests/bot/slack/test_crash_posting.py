"""Exactly once through crashes (issue 22, item 3): a process sweeping the drills is killed
with SIGKILL at each step of posting one, while the fake Slack holds that call; the next
process, after the claim's lease, posts it once: a drill claimed but not posted is posted,
and one that reached Slack but whose thread was not saved is found again by its metadata
(not posted twice, not lost)."""

from __future__ import annotations

import asyncio
import os
import signal
import sys
from datetime import timedelta
from pathlib import Path

import pytest
from sqlmodel import Session, select

from storage.models import DrillPostRow
from tests.bot.slack.conftest import ADA, CHANNEL, Harness
from tests.bot.slack.fake_slack import Hold
from tests.bot.slack.test_drills import DRILL_AT, SUBSCRIBE, make_admin, top_level

ROOT = Path(__file__).resolve().parents[3]


async def worker(slack: Harness, db: Path, when: str) -> asyncio.subprocess.Process:
    """A process running one drill sweep at `when` against the fake Slack."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("MOCKROOM_", "SLACK_"))}
    return await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "tests.bot.slack.crash_worker",
        f"sqlite:///{db}",
        slack.fake.api_url,
        "drills",
        when,
        cwd=ROOT,
        env=env,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )


def posts(slack: Harness) -> list[DrillPostRow]:
    with Session(slack.container.engine) as session:
        return list(session.exec(select(DrillPostRow)))


@pytest.mark.parametrize(
    ("method", "after"),
    [
        ("conversations.join", False),  # claimed, killed before anything was posted
        ("chat.postMessage", False),  # killed while Slack was slow to take the post
        ("chat.postMessage", True),  # the post is on Slack; killed before its ts was saved
    ],
)
async def test_a_drill_killed_mid_post_is_posted_once_by_the_next_process(
    slack: Harness, tmp_path: Path, method: str, after: bool
) -> None:
    db = tmp_path / "mockroom.db"  # the harness app's database
    make_admin(slack, ADA, "Ada")
    await slack.command(ADA, CHANNEL, SUBSCRIBE)
    hold = slack.fake.holds[method] = Hold(after=after)

    first = await worker(slack, db, DRILL_AT.isoformat())
    await asyncio.wait_for(hold.arrived.wait(), 60)
    first.send_signal(signal.SIGKILL)
    assert await first.wait() == -signal.SIGKILL
    del slack.fake.holds[method]
    hold.released.set()
    [claimed] = posts(slack)
    assert claimed.thread_key is None  # claimed, its thread unknown
    assert len(top_level(slack, "Daily design drill")) == (1 if after else 0)

    later = [DRILL_AT + timedelta(minutes=m) for m in (1, 3)]
    again = await worker(slack, db, ",".join(t.isoformat() for t in later))
    out, err = await asyncio.wait_for(again.communicate(), 60)
    assert again.returncode == 0, err.decode()
    assert out.decode().strip() == "0,1"  # within the claim's lease nothing; after it, once
    [drill] = top_level(slack, "Daily design drill")  # once
    [saved] = posts(slack)
    assert saved.thread_key == f"{CHANNEL}:{drill.ts}"  # answers are tracked, a recap comes
