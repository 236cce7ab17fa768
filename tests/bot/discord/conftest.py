"""Fixtures: a fake Discord on loopback, the wired app on a temporary SQLite file, a runner."""

from __future__ import annotations

import random
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from bot.bootstrap import Container, build
from bot.discord.runner import DiscordRunner, build_discord_runner
from bot.settings import Settings
from tests.bot.discord import payloads
from tests.bot.discord.fake_discord import TOKEN, FakeDiscord
from tests.clock import FakeClock

ADA = payloads.user("1100000000000001001", "ada")
BOB = payloads.user("1100000000000001002", "bob")
CYD = payloads.user("1100000000000001003", "cyd")

StartBot = Callable[..., Awaitable[DiscordRunner]]


@pytest.fixture
async def fake() -> AsyncIterator[FakeDiscord]:
    server = FakeDiscord()
    await server.start()
    yield server
    await server.close()


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def container(fake: FakeDiscord, tmp_path: Path, clock: FakeClock) -> Iterator[Container]:
    settings = Settings(
        _env_file=None,
        DISCORD_TOKEN=TOKEN,
        discord_api_url=f"http://127.0.0.1:{fake.port}",
        database_url=f"sqlite:///{tmp_path / 'mockroom.db'}",
    )
    parts = build(settings, clock=clock, rng=random.Random(7))
    yield parts
    parts.close()


@pytest.fixture
async def start_bot(container: Container) -> AsyncIterator[StartBot]:
    runners: list[DiscordRunner] = []

    async def start(**options: Any) -> DiscordRunner:
        options.setdefault("guild_ready_timeout", 0.05)
        options.setdefault("edit_interval", 0.0)
        options.setdefault("identify_interval", 0.0)  # discord.py waits 5 s between shards
        runner = build_discord_runner(container, **options)
        await runner.start()
        runners.append(runner)
        return runner

    yield start
    for runner in reversed(runners):
        await runner.stop()
