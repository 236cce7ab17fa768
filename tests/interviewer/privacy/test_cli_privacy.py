"""`mockroom export` and `mockroom forget-me` for the person at the terminal, in-process."""

from __future__ import annotations

import asyncio
import json
import random
from collections.abc import Callable
from pathlib import Path

import pytest

from bot.bootstrap import Container, build
from bot.terminal.cli import terminal_user
from tests.bot.terminal.invoke import run as invoke
from tests.clock import FakeClock
from tests.interviewer.privacy.world import BEN, BEN_SAYS, settings, traces

MINE = "Terminal-tamarin: a gateway with rate limits, then stateless servers behind a balancer."


@pytest.fixture
def factory(database_url: str) -> Callable[[], Container]:
    clock = FakeClock()
    return lambda: build(settings(database_url), clock=clock, rng=random.Random(1))


def run(factory: Callable[[], Container], args: list[str], stdin: str = "") -> tuple[int, str]:
    return invoke(factory, args, stdin, width=200)


async def slack_member(parts: Container) -> None:
    await parts.service.start(BEN, "D-ben", "model-serving")
    for text in BEN_SAYS:
        await parts.service.answer(BEN, "D-ben", text)


@pytest.fixture
def seeded(factory: Callable[[], Container]) -> Callable[[], Container]:
    """A terminal practice interview, and a Slack member's interview in the same database."""
    code, out = run(factory, ["practice", "-q", "model-serving", "-f", "drill"], MINE + "\n")
    assert code == 0, out
    parts = factory()
    try:
        asyncio.run(slack_member(parts))
    finally:
        parts.close()
    return factory


def test_export_writes_my_data_and_nobody_elses(
    seeded: Callable[[], Container], tmp_path: Path
) -> None:
    target = tmp_path / "me.json"
    code, out = run(seeded, ["export", "--out", str(target)])
    assert code == 0, out
    assert "Your mockroom data: 1 interview" in out and str(target) in out
    data = json.loads(target.read_text())
    assert data["user_id"] == terminal_user().user_id and data["platform"] == "terminal"
    text = target.read_text()
    assert MINE in text
    assert BEN.user_id not in text and not any(said in text for said in BEN_SAYS)


def test_export_without_a_file_prints_json(seeded: Callable[[], Container]) -> None:
    code, out = run(seeded, ["export"])
    assert code == 0
    assert MINE in json.dumps(json.loads(out), ensure_ascii=False)


def test_forget_me_asks_and_no_keeps_everything(seeded: Callable[[], Container]) -> None:
    code, out = run(seeded, ["forget-me"], "n\n")
    assert code == 1
    assert "interviews you started" in out and "mockroom forget-me --yes" in out
    assert "Nothing was deleted" in out
    code, out = run(seeded, ["history"])
    assert "model-serving" in out


def test_forget_me_yes_deletes_mine_only(seeded: Callable[[], Container]) -> None:
    code, out = run(seeded, ["forget-me"], "y\n")
    assert code == 0, out
    assert "forgotten you" in out and "interview: 1" in out
    parts = seeded()
    try:
        assert traces(parts.engine, "Terminal-tamarin", terminal_user().user_id) == []
        assert traces(parts.engine, BEN_SAYS[0])  # the Slack member keeps theirs
        assert parts.service.history(BEN)
    finally:
        parts.close()
    code, out = run(seeded, ["history"])  # using mockroom again starts afresh
    assert "No interviews yet" in out


def test_forget_me_with_yes_does_not_ask(seeded: Callable[[], Container]) -> None:
    code, out = run(seeded, ["forget-me", "--yes"])
    assert code == 0, out
    assert "interviews you started" not in out and "forgotten you" in out
