"""`/mockroom settings show|set`: a channel's settings on Discord, as bot.chat.controller text.

The settings service checks the value and who may change it (Manage Channels, or a member
named in MOCKROOM_DRILL_ADMINS, as for drills) and words the errors.
"""

from __future__ import annotations

from collections.abc import Sequence

from discord import app_commands

from bot.chat.settings import CHOICES
from bot.discord.subcommands import MAX_CHOICES, AnyInteraction, Run
from interviewer.bank import QuestionBank
from interviewer.settings.values import ALLOWED, RESET, Key

KEY_CHOICES = [
    app_commands.Choice(name=f"{k.value}: {ALLOWED[k]}"[:100], value=k.value) for k in Key
]
SUGGESTED: dict[str, tuple[str, ...]] = {Key.WINDOW: ("12", "24", "36", "48", "72"), **CHOICES}


def value_choices(
    bank_topics: Sequence[str], key: str | None, typed: str
) -> list[app_commands.Choice[str]]:
    """Values for the chosen key holding what was typed; for topics, the last word of a list
    is completed after the ones already typed. `default` resets any key."""
    if key == Key.TOPICS:
        done, _, last = typed.rpartition(",")
        chosen = {w.strip().lower() for w in done.split(",")}
        prefix = f"{done}," if done else ""
        found = [
            f"{prefix}{t}" for t in bank_topics if last.strip().lower() in t and t not in chosen
        ]
        # `any` and `default` stand alone: not offered after a topic and a comma
        values = [*found[: MAX_CHOICES - 2], "any", RESET] if not done else found
    else:
        values = [v for v in SUGGESTED.get(key or "", ()) if typed.strip().lower() in v]
        values.append(RESET)
    return [app_commands.Choice(name=v[:100], value=v[:100]) for v in values[:MAX_CHOICES]]


class SettingsCommands(app_commands.Group):
    """`/mockroom settings show` (anyone) and `/mockroom settings set` (Manage Channels)."""

    def __init__(self, run: Run, bank: QuestionBank, *, parent: app_commands.Group) -> None:
        super().__init__(
            name="settings",
            description="This channel's drill, board and interview settings",
            parent=parent,
        )
        self.run = run
        self.topics = bank.topics

    @app_commands.command(description="This channel's settings")
    async def show(self, interaction: AnyInteraction) -> None:
        """`/mockroom settings show`."""
        await self.run(interaction, "settings")

    @app_commands.command(name="set", description="Change a channel setting (Manage Channels)")
    @app_commands.describe(key="The setting", value="Its new value; default resets it")
    @app_commands.choices(key=KEY_CHOICES)
    async def set_(
        self, interaction: AnyInteraction, key: app_commands.Choice[str], value: str
    ) -> None:
        """`/mockroom settings set key value`."""
        await self.run(interaction, f"settings set {key.value} {' '.join(value.split())}")

    @set_.autocomplete("value")
    async def values(
        self, interaction: AnyInteraction, current: str
    ) -> list[app_commands.Choice[str]]:
        """The values the chosen key takes."""
        key = getattr(interaction.namespace, "key", None)
        return value_choices(self.topics, None if key is None else str(key), current)
