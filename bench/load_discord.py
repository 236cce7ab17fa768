"""The load benchmark's Discord side: the real client on a fake Discord, and its members.

mockroom's Discord client is built from the benchmark's container by
`bot.discord.runner.build_discord_runner`, as `mockroom serve discord` builds it, with the
Discord token and API URL added to a copy of its settings. It connects to tests/bot/discord's
fake Discord (REST and gateway), which runs in its own process (bench/discord_api.py), so
that the fake's work and the members' think time do not share mockroom's event loop. The
fake drives the members and times what they see on its side (bench/discord_api.py).

discord.py's REST base (`Route.BASE`) is process-wide: the runner points it at the fake
while it runs and puts it back when it stops.
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
from typing import Any

from pydantic import SecretStr

from bench.load_members import Tally, run_members
from bench.load_parts import helper
from bot.bootstrap import Container
from bot.discord.runner import DiscordRunner, build_discord_runner
from tests.bot.discord.fake_discord import TOKEN

# discord.py names the tasks that run event handlers, slash commands and button callbacks so.
HANDLER_TASKS = ("discord.py: on_", "CommandTree-invoker", "discord-ui-")
DRAIN_LIMIT = 30.0  # seconds to wait for handlers still running after the load


class DiscordMembers:
    """The fake Discord's process, mockroom's Discord client on it, and members driven there."""

    def __init__(self, container: Container) -> None:
        self.container = container
        self.runner: DiscordRunner | None = None
        self.port = 0
        self._helper = contextlib.ExitStack()

    async def start(self) -> None:
        """Start the fake Discord, then connect the client (commands synced, gateway ready)."""
        self.port = await asyncio.to_thread(self._helper.enter_context, helper("bench.discord_api"))
        settings = self.container.settings.model_copy(
            update={
                "discord_token": SecretStr(TOKEN),
                "discord_api_url": f"http://127.0.0.1:{self.port}",
            }
        )
        runner = build_discord_runner(dataclasses.replace(self.container, settings=settings))
        await runner.start()
        self.runner = runner

    async def members(self, count: int, spec: dict[str, Any], until: float) -> Tally:
        """Run `count` members (paced as `spec` says) until `until` (time.monotonic());
        what they measured."""
        if count <= 0:
            return Tally()
        return await run_members(self.port, {**spec, "count": count}, until)

    async def drain(self) -> None:
        """Wait for the client's handlers still at work (answers after acknowledgements)."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + DRAIN_LIMIT
        quiet = 0
        while quiet < 2 and loop.time() < deadline:
            busy = [
                task
                for task in asyncio.all_tasks()
                if task.get_name().startswith(HANDLER_TASKS) and task is not asyncio.current_task()
            ]
            if busy:
                quiet = 0
                await asyncio.wait(busy, timeout=max(0.0, deadline - loop.time()))
            else:
                quiet += 1
                await asyncio.sleep(0.2)  # events already on the way may yet start handlers

    async def stop(self) -> None:
        """Disconnect the client, then stop the fake Discord."""
        try:
            if self.runner is not None:
                await self.runner.stop()
                self.runner = None
        finally:
            self._helper.close()
