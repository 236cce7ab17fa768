"""The real discord.py client against the fake: login, gateway, command sync, rate limits."""

from __future__ import annotations

import asyncio
import os
import signal
import sys
from pathlib import Path

from discord.http import Route

from bot.bootstrap import Container
from bot.discord.runner import INVITE_PERMISSIONS, invite_url, rest_base
from tests.bot.discord import payloads
from tests.bot.discord.conftest import ADA, StartBot
from tests.bot.discord.fake_discord import TOKEN, FakeDiscord
from tests.bot.discord.fake_gateway import HEARTBEAT, IDENTIFY, MESSAGE_CONTENT
from tests.bot.discord.test_dm import done
from tests.support import wait_until


async def test_the_bot_logs_in_identifies_and_syncs_its_commands(
    fake: FakeDiscord, start_bot: StartBot
) -> None:
    before = Route.BASE
    runner = await start_bot()
    assert runner.bot is not None and runner.bot.is_ready()
    assert fake.api == Route.BASE
    assert fake.calls_to("GET", "/users/@me") and fake.calls_to("GET", "/gateway/bot")
    assert fake.gateway.ops(IDENTIFY) == 1 and fake.gateway.ops(HEARTBEAT) >= 1
    assert fake.gateway.shards == [[0, 1]]  # no shard settings: Discord's count, one process
    assert fake.gateway.intents[0] & MESSAGE_CONTENT
    (sync,) = fake.calls_to("PUT", r"/applications/\d+/commands")
    (group,) = sync.body
    subcommands = {o["name"] for o in group["options"]}
    assert subcommands == {
        *("start", "hint", "next", "time", "end", "history", "questions", "help", "review"),
        *("drill", "leaderboard", "export", "forget-me", "pair", "remind", "peer", "settings"),
    }
    settings = next(o for o in group["options"] if o["name"] == "settings")
    assert settings["type"] == payloads.SUB_COMMAND_GROUP
    assert {o["name"] for o in settings["options"]} == {"show", "set"}
    forget = next(o for o in group["options"] if o["name"] == "forget-me")
    [confirm] = forget["options"]
    assert (confirm["name"], confirm["type"], confirm.get("required", False)) == (
        "confirm",
        payloads.BOOLEAN,
        False,
    )
    drill = next(o for o in group["options"] if o["name"] == "drill")
    assert drill["type"] == payloads.SUB_COMMAND_GROUP
    assert {o["name"] for o in drill["options"]} == {"subscribe", "unsubscribe", "list"}
    subscribe = next(o for o in drill["options"] if o["name"] == "subscribe")
    assert [(o["name"], o.get("required", False)) for o in subscribe["options"]] == [
        ("time", True),
        ("timezone", True),
        ("weekdays", False),
        ("topic", False),
    ]
    board = next(o for o in group["options"] if o["name"] == "leaderboard")
    assert [c["value"] for c in board["options"][0]["choices"]] == [
        "week",
        "all",
        "me",
        "show-me",
        "hide-me",
    ]
    start = next(o for o in group["options"] if o["name"] == "start")
    options = {o["name"]: o for o in start["options"]}
    assert options["question"]["autocomplete"] is True
    assert [c["value"] for c in options["format"]["choices"]] == [
        "standard",
        "extended",
        "drill",
        "async",
    ]
    await runner.stop()
    assert before == Route.BASE


def test_rest_base_keeps_or_adds_the_api_path() -> None:
    assert rest_base("http://127.0.0.1:5/") == "http://127.0.0.1:5/api/v10"
    assert rest_base("https://proxy.example/api/v9") == "https://proxy.example/api/v9"


async def test_a_development_guild_gets_the_commands_at_once(
    fake: FakeDiscord, start_bot: StartBot, container: Container
) -> None:
    container.settings.discord_guild_id = int(payloads.GUILD_ID)
    await start_bot()
    assert fake.calls_to("PUT", rf"/applications/\d+/guilds/{payloads.GUILD_ID}/commands")
    assert not fake.calls_to("PUT", r"/applications/\d+/commands")
    helped = await fake.slash(ADA, payloads.TEXT_CHANNEL_ID, "help")  # a guild command
    text = await wait_until(lambda: done(helped), "the help")
    assert "/mockroom start" in text["content"] and "Next stage" in text["content"]


def test_the_invite_url_asks_for_the_readme_permissions() -> None:
    url = invite_url(int(payloads.APP_ID))
    assert "scope=bot+applications.commands" in url
    permissions = f"permissions={INVITE_PERMISSIONS.value}"
    assert permissions in url
    readme = (Path(__file__).parents[3] / "README.md").read_text()
    assert permissions in readme


async def test_mockroom_serve_discord_connects_and_stops_on_sigterm(
    fake: FakeDiscord, tmp_path: Path
) -> None:
    env = {
        **os.environ,
        "DISCORD_TOKEN": TOKEN,
        "MOCKROOM_DISCORD_API_URL": f"http://127.0.0.1:{fake.port}",
        "MOCKROOM_DATABASE_URL": f"sqlite:///{tmp_path / 'serve.db'}",
        "SLACK_BOT_TOKEN": "",
    }
    env.pop("OPENAI_API_KEY", None)
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-c",
        "import sys; from bot.terminal.cli import main; sys.argv[0] = 'mockroom'; main()",
        "serve",
        "discord",
        env=env,
        cwd=tmp_path,
        stderr=asyncio.subprocess.PIPE,
    )
    try:
        await wait_until(lambda: fake.gateway.ops(IDENTIFY) == 1, "the IDENTIFY", within=30)
        process.send_signal(signal.SIGTERM)
        _, stderr = await asyncio.wait_for(process.communicate(), 30)
    finally:
        if process.returncode is None:
            process.kill()
            await process.wait()
    assert process.returncode == 0, stderr.decode()
    assert b"discord is connected" in stderr
    for trouble in (b"Unclosed", b"Task was destroyed", b"bot.discord"):
        assert trouble not in stderr, stderr.decode()
