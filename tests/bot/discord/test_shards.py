"""Shards: one bot split across processes by shard, or every shard in one process."""

from __future__ import annotations

import asyncio
import random
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from discord.gateway import DiscordWebSocket
from discord.http import Route

from bot.bootstrap import Container, build
from bot.discord.runner import DiscordRunner, build_discord_runner
from bot.settings import Settings
from tests.bot.discord import payloads
from tests.bot.discord.conftest import ADA, StartBot
from tests.bot.discord.fake_discord import TOKEN, FakeDiscord
from tests.bot.discord.fake_gateway import IDENTIFY, RESUME, shard_of
from tests.bot.discord.test_dm import done
from tests.clock import FakeClock
from tests.support import wait_until

GUILD = int(payloads.GUILD_ID)


def test_the_fakes_guild_is_on_shard_1_of_2() -> None:
    # What the tests below rely on: the guild's events reach shard 1, DMs shard 0.
    assert shard_of(payloads.GUILD_ID, 2) == 1
    assert shard_of(None, 2) == 0


async def answered_in_dm_and_guild(fake: FakeDiscord) -> None:
    """/mockroom help in a DM (shard 0) and in the guild's channel: both are answered."""
    in_dm = await fake.slash(ADA, fake.dm_channel(ADA), "help")
    in_guild = await fake.slash(ADA, payloads.TEXT_CHANNEL_ID, "help")
    for interaction, where in ((in_dm, "the DM"), (in_guild, "the guild")):
        text = await wait_until(lambda i=interaction: done(i), f"the help in {where}")
        assert "/mockroom start" in text["content"]


class Replicas:
    """Two `mockroom serve discord` processes, as two replicas run them: one database,
    the same shard count, one shard each."""

    def __init__(self, fake: FakeDiscord, database: Path, clock: FakeClock) -> None:
        self.containers: list[Container] = []
        self.runners: list[DiscordRunner] = []
        for shard_ids in ("0", "1"):  # as MOCKROOM_DISCORD_SHARD_IDS spells them
            settings = Settings(
                _env_file=None,
                DISCORD_TOKEN=TOKEN,
                discord_api_url=f"http://127.0.0.1:{fake.port}",
                database_url=f"sqlite:///{database}",
                discord_shard_count=2,
                discord_shard_ids=shard_ids,
            )
            container = build(settings, clock=clock, rng=random.Random(7))
            self.containers.append(container)
            self.runners.append(
                build_discord_runner(container, guild_ready_timeout=0.05, edit_interval=0.0)
            )

    async def start(self, index: int) -> DiscordRunner:
        """Start one replica; a bounded wait, so a connection that never comes fails."""
        runner = self.runners[index]
        await asyncio.wait_for(runner.start(), 10)
        return runner

    async def stop(self) -> None:
        """Stop both, the last started first (each puts back the class attributes it set)."""
        for runner in reversed(self.runners):
            await runner.stop()
        for container in self.containers:
            container.close()
        self.runners, self.containers = [], []


@pytest.fixture
async def replicas(fake: FakeDiscord, tmp_path: Path, clock: FakeClock) -> AsyncIterator[Replicas]:
    both = Replicas(fake, tmp_path / "shared.db", clock)
    yield both
    await both.stop()


async def test_two_processes_each_identify_with_only_their_own_shard(
    fake: FakeDiscord, replicas: Replicas
) -> None:
    rest, gateway = Route.BASE, DiscordWebSocket.DEFAULT_GATEWAY
    fake.gateway.recommended_shards = 3  # a given shard count wins over Discord's advice
    first = await replicas.start(0)
    assert fake.gateway.shards == [[0, 2]]
    second = await replicas.start(1)
    assert fake.gateway.shards == [[0, 2], [1, 2]]
    assert fake.gateway.ops(IDENTIFY) == 2

    assert first.bot is not None and second.bot is not None
    assert first.bot.is_ready() and second.bot.is_ready()
    assert (first.bot.shard_count, sorted(first.bot.shards)) == (2, [0])
    assert (second.bot.shard_count, sorted(second.bot.shards)) == (2, [1])
    # Each process holds only its own shard's guilds.
    assert first.bot.get_guild(GUILD) is None
    assert second.bot.get_guild(GUILD) is not None

    # The DM reaches only the first process and the guild only the second: both answer.
    await answered_in_dm_and_guild(fake)

    await replicas.stop()
    assert (rest, gateway) == (Route.BASE, DiscordWebSocket.DEFAULT_GATEWAY)  # restored


async def test_a_replica_without_the_guild_still_posts_the_drill_there(
    fake: FakeDiscord, replicas: Replicas
) -> None:
    # The clock's sweeps run in every replica; whichever claims a drill posts it over REST.
    first = await replicas.start(0)
    await replicas.start(1)
    assert first.bot is not None and first.bot.get_guild(GUILD) is None
    thread_id = await first.post_drill(payloads.TEXT_CHANNEL_ID, "*Design a URL shortener*")
    assert fake.calls_to("GET", f"/channels/{payloads.TEXT_CHANNEL_ID}")  # not in its cache
    (thread,) = fake.threads()
    assert thread["id"] == thread_id and thread["parent_id"] == payloads.TEXT_CHANNEL_ID
    (post,) = fake.by_bot(payloads.TEXT_CHANNEL_ID)
    assert post["content"] == "**Design a URL shortener**"


async def test_without_shard_settings_one_process_runs_every_recommended_shard(
    fake: FakeDiscord, start_bot: StartBot, container: Container
) -> None:
    assert container.settings.discord_shard_count is None
    assert container.settings.discord_shard_ids is None
    fake.gateway.recommended_shards = 2
    runner = await start_bot()
    assert runner.bot is not None and runner.bot.is_ready()
    assert fake.gateway.shards == [[0, 2], [1, 2]]
    assert (runner.bot.shard_count, sorted(runner.bot.shards)) == (2, [0, 1])
    assert runner.bot.get_guild(GUILD) is not None
    await answered_in_dm_and_guild(fake)


async def test_an_invalidated_session_identifies_again_at_the_same_gateway(
    fake: FakeDiscord, start_bot: StartBot
) -> None:
    # After INVALID_SESSION discord.py dials its fixed default gateway, not /gateway/bot's.
    await start_bot()
    await fake.gateway.drop(4000, forget=True)
    await wait_until(lambda: fake.gateway.ops(IDENTIFY) == 2, "the second IDENTIFY")
    assert fake.gateway.ops(RESUME) == 1  # tried, refused
    dm = fake.dm_channel(ADA)
    await fake.say(dm, ADA, "still there?")
    await wait_until(lambda: fake.by_bot(dm), "an answer on the new session")
