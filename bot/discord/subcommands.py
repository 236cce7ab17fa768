"""`/mockroom drill subscribe|unsubscribe|list` and the `/mockroom leaderboard` options.

Each command becomes the bot.chat.controller text (`drill subscribe 09:30 Europe/Berlin mon-fri`); the
drill service checks the schedule and who may change it, and words the errors.
"""

from __future__ import annotations

import functools
import zoneinfo
from collections.abc import Awaitable, Callable
from typing import Any

import discord
from discord import app_commands

from interviewer.bank import QuestionBank

AnyInteraction = discord.Interaction[Any]
Run = Callable[[AnyInteraction, str], Awaitable[None]]
"""Runs a bot.chat.controller command text for an interaction and answers privately."""

MAX_CHOICES = 25
COMMON_ZONES = (
    "UTC",
    "Europe/London",
    "Europe/Berlin",
    "Europe/Paris",
    "Europe/Madrid",
    "Europe/Warsaw",
    "Europe/Kyiv",
    "America/New_York",
    "America/Chicago",
    "America/Denver",
    "America/Los_Angeles",
    "America/Sao_Paulo",
    "America/Toronto",
    "Asia/Kolkata",
    "Asia/Singapore",
    "Asia/Shanghai",
    "Asia/Tokyo",
    "Asia/Dubai",
    "Australia/Sydney",
    "Pacific/Auckland",
)
WEEKDAY_SUGGESTIONS = ("daily", "mon-fri", "weekends", "mon,wed,fri", "tue,thu")

LEADERBOARD_VIEWS = [
    app_commands.Choice(name="this week", value="week"),
    app_commands.Choice(name="all time", value="all"),
    app_commands.Choice(name="my standing (rank, streak, trends)", value="me"),
    app_commands.Choice(name="show my name on boards and recaps", value="show-me"),
    app_commands.Choice(name="hide my name on boards and recaps", value="hide-me"),
]


def subscribe_text(time: str, timezone: str, weekdays: str | None, topic: str | None) -> str:
    """The bot.chat.controller text for `/mockroom drill subscribe`; a weekday list loses its spaces."""
    words = ["drill", "subscribe", time.strip(), timezone.strip()]
    if weekdays and weekdays.strip():
        words.append("".join(weekdays.split()))
    if topic and topic.strip():
        words.append(topic.strip())
    return " ".join(words)


@functools.cache
def _all_zones() -> tuple[str, ...]:
    others = sorted(zoneinfo.available_timezones() - set(COMMON_ZONES))
    return (*COMMON_ZONES, *others)


def zone_choices(typed: str) -> list[app_commands.Choice[str]]:
    """IANA zones holding what was typed, the common ones first, at most 25."""
    needle = typed.strip().lower().replace(" ", "_")
    zones = COMMON_ZONES if not needle else [z for z in _all_zones() if needle in z.lower()]
    return [app_commands.Choice(name=z, value=z) for z in zones[:MAX_CHOICES]]


def topic_choices(bank: QuestionBank, typed: str) -> list[app_commands.Choice[str]]:
    """The bank's levels and topics holding what was typed, at most 25."""
    levels = bank.levels
    topics = [t for t in bank.topics if t not in levels]
    needle = typed.strip().lower()
    found = [w for w in (*levels, *topics) if needle in w.lower()]
    return [app_commands.Choice(name=w, value=w) for w in found[:MAX_CHOICES]]


class DrillCommands(app_commands.Group):
    """`/mockroom drill subscribe|unsubscribe|list`, all answered privately."""

    def __init__(self, run: Run, bank: QuestionBank, *, parent: app_commands.Group) -> None:
        super().__init__(
            name="drill", description="A daily design drill in this channel", parent=parent
        )
        self.run = run
        self.bank = bank

    @app_commands.command(description="Post a daily drill in this channel (Manage Channels)")
    @app_commands.describe(
        time="Local 24-hour time, e.g. 09:30",
        timezone="An IANA time zone, e.g. Europe/Berlin or America/New_York",
        weekdays="e.g. mon-fri, sat,sun, weekends, daily (the default)",
        topic="A topic, level or question id from the bank; any question when left out",
    )
    async def subscribe(
        self,
        interaction: AnyInteraction,
        time: str,
        timezone: str,
        weekdays: str | None = None,
        topic: str | None = None,
    ) -> None:
        """`/mockroom drill subscribe time timezone [weekdays] [topic]`."""
        await self.run(interaction, subscribe_text(time, timezone, weekdays, topic))

    @subscribe.autocomplete("timezone")
    async def zones(
        self, interaction: AnyInteraction, current: str
    ) -> list[app_commands.Choice[str]]:
        """Common IANA zones first, then any zone holding what was typed."""
        return zone_choices(current)

    @subscribe.autocomplete("weekdays")
    async def days(
        self, interaction: AnyInteraction, current: str
    ) -> list[app_commands.Choice[str]]:
        """A few weekday patterns, and what was typed."""
        typed = "".join(current.split())
        shown = [w for w in WEEKDAY_SUGGESTIONS if typed.lower() in w]
        if typed and typed not in shown:
            shown.insert(0, typed)
        return [app_commands.Choice(name=w, value=w) for w in shown[:MAX_CHOICES]]

    @subscribe.autocomplete("topic")
    async def topics(
        self, interaction: AnyInteraction, current: str
    ) -> list[app_commands.Choice[str]]:
        """The bank's levels and topics."""
        return topic_choices(self.bank, current)

    @app_commands.command(description="Stop this channel's daily drill (Manage Channels)")
    async def unsubscribe(self, interaction: AnyInteraction) -> None:
        """`/mockroom drill unsubscribe`."""
        await self.run(interaction, "drill unsubscribe")

    @app_commands.command(name="list", description="This server's channels with a daily drill")
    async def list_(self, interaction: AnyInteraction) -> None:
        """`/mockroom drill list`."""
        await self.run(interaction, "drill list")
