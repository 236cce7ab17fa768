"""The `/mockroom` slash command group: the same subcommands as Slack, as bot.chat.controller text."""

from __future__ import annotations

import shlex
from typing import Any

import discord
from discord import app_commands

from bot.chat.controller import ChatController, OpenThread
from bot.chat.render import clip
from bot.discord.drills import board_message, markup
from bot.discord.respond import (
    ReplyPoster,
    finish_command,
    place_of,
    send_export,
    who_of,
)
from bot.discord.subcommands import LEADERBOARD_VIEWS, DrillCommands
from interviewer.commands import COMMAND_HELP, Command
from interviewer.core.stages import Format

AnyInteraction = discord.Interaction[Any]

FORMAT_CHOICES = [
    app_commands.Choice(name="standard (45 min)", value=Format.STANDARD.value),
    app_commands.Choice(name="extended (60 min)", value=Format.EXTENDED.value),
    app_commands.Choice(name="drill (15 min)", value=Format.DRILL.value),
    app_commands.Choice(name="async (no clock)", value=Format.ASYNC.value),
]

DISCORD_HELP = """
Under each interviewer message: *Hint*, *Next stage* and *End* buttons (only the candidate's \
presses count, or anyone's in a design-along)."""

# How the forget-me warning says to confirm: Discord shows a boolean option as `name:True`.
FORGET_CONFIRM = "run `/mockroom forget-me confirm:True`"

NO_CONTENT_HELP = """
This bot runs without the Message Content intent: in a server thread, mention it \
(@{name}) at the start of each answer so it can read it. Direct messages always work."""


def thread_opener(interaction: AnyInteraction) -> OpenThread | None:
    """In a text channel: post a parent message, open a thread from it, return its id."""
    channel = interaction.channel
    if not isinstance(channel, discord.TextChannel):
        return None
    name = interaction.user.display_name

    async def open_thread(parent_text: str) -> str:
        parent = await channel.send(parent_text)
        thread = await parent.create_thread(
            name=clip(f"Mock interview · {name}", 100), auto_archive_duration=1440
        )
        return str(thread.id)

    return open_thread


def start_text(question: str | None, fmt: str | None, group: bool) -> str:
    """The bot.chat.controller command text for `/mockroom start` options."""
    words = ["start"]
    if question:
        words.append(shlex.quote(question))
    if fmt:
        words.append(fmt)
    if group:
        words.append("--group")
    return " ".join(words)


def may_manage(interaction: AnyInteraction) -> bool:
    """Whether the user has Manage Channels where the command ran (drill subscriptions)."""
    return interaction.guild_id is not None and interaction.permissions.manage_channels


class MockroomCommands(app_commands.Group):
    """`/mockroom start|hint|next|time|end|history|questions|drill|leaderboard|export|
    forget-me|help`."""

    def __init__(
        self, controller: ChatController, poster: ReplyPoster, *, reads_content: bool
    ) -> None:
        super().__init__(name="mockroom", description="Mock system design interviews")
        self.controller = controller
        self.poster = poster
        self.reads_content = reads_content
        DrillCommands(self.run_private, controller.bank, parent=self)

    async def run_private(self, interaction: AnyInteraction, text: str) -> None:
        """Run a command whose answer only the user sees."""
        await self.run(interaction, text, private=True)

    async def run(self, interaction: AnyInteraction, text: str, *, private: bool) -> None:
        """Acknowledge at once, run the command, then follow up."""
        await interaction.response.defer(thinking=True, ephemeral=private)
        place = place_of(interaction.channel)
        open_thread = thread_opener(interaction)
        drills = text.startswith(("drill", "leaderboard"))
        who, workspace = who_of(interaction.user), str(interaction.guild_id or "")
        response = await self.controller.command(
            who,
            place,
            text,
            open_thread=open_thread,
            workspace=workspace,
            is_admin=may_manage(interaction),
        )
        if drills and response.private is not None:
            response.private = markup(response.private)  # the drill texts use Slack's *bold*
        if response.export is not None:  # the file by DM; its summary is the private answer
            await send_export(interaction, response.export)
            return
        if response.board is not None:
            # Private, with the caller's own standing beside the (viewer-less) board.
            standing = await self.controller.service.db.run(
                self.controller.standing, who, workspace
            )
            embed, files = board_message(response.board, standing)
            await interaction.edit_original_response(embed=embed, attachments=files)
            return
        if text == "help" and response.private is not None:
            response.private += DISCORD_HELP
            if not self.reads_content:
                me = interaction.client.user
                response.private += NO_CONTENT_HELP.format(name=me.name if me else "mockroom")
        await finish_command(interaction, response, self.poster, private=private)

    @app_commands.command(description="Start a mock interview (here in a DM, or in a new thread)")
    @app_commands.describe(
        question="A question id or a topic; random when left out",
        fmt="How long the interview runs",
        group="A design-along: everyone in the thread answers",
    )
    @app_commands.rename(fmt="format")
    @app_commands.choices(fmt=FORMAT_CHOICES)
    async def start(
        self,
        interaction: AnyInteraction,
        question: str | None = None,
        fmt: app_commands.Choice[str] | None = None,
        group: bool = False,
    ) -> None:
        """`/mockroom start [question] [format] [group]`."""
        text = start_text(question, fmt.value if fmt else None, group)
        await self.run(interaction, text, private=False)

    @start.autocomplete("question")
    async def question_ids(
        self, interaction: AnyInteraction, current: str
    ) -> list[app_commands.Choice[str]]:
        """Question ids whose id or title holds what was typed, at most 25."""
        needle = current.strip().lower()
        choices = []
        for problem in self.controller.bank.problems.values():
            if needle in problem.id or needle in problem.title.lower():
                label = clip(f"{problem.id} · {problem.title}", 100)
                choices.append(app_commands.Choice(name=label, value=problem.id))
        return choices[:25]

    @app_commands.command(description=COMMAND_HELP[Command.HINT])
    async def hint(self, interaction: AnyInteraction) -> None:
        """`/mockroom hint`."""
        await self.run(interaction, "hint", private=False)

    @app_commands.command(name="next", description=COMMAND_HELP[Command.NEXT])
    async def next_stage(self, interaction: AnyInteraction) -> None:
        """`/mockroom next`."""
        await self.run(interaction, "next", private=False)

    @app_commands.command(description=COMMAND_HELP[Command.TIME])
    async def time(self, interaction: AnyInteraction) -> None:
        """`/mockroom time`."""
        await self.run(interaction, "time", private=False)

    @app_commands.command(description=COMMAND_HELP[Command.END])
    async def end(self, interaction: AnyInteraction) -> None:
        """`/mockroom end`."""
        await self.run(interaction, "end", private=False)

    @app_commands.command(description="Your past interviews and scores")
    async def history(self, interaction: AnyInteraction) -> None:
        """`/mockroom history`."""
        await self.run(interaction, "history", private=True)

    @app_commands.command(description="The question bank")
    async def questions(self, interaction: AnyInteraction) -> None:
        """`/mockroom questions`."""
        await self.run(interaction, "questions", private=True)

    @app_commands.command(description="The server's leaderboard, your standing, your name on it")
    @app_commands.describe(view="This week (the default), all time, your standing, or your name")
    @app_commands.choices(view=LEADERBOARD_VIEWS)
    async def leaderboard(
        self, interaction: AnyInteraction, view: app_commands.Choice[str] | None = None
    ) -> None:
        """`/mockroom leaderboard [week|all|me|show-me|hide-me]`, answered privately."""
        await self.run(interaction, f"leaderboard {view.value if view else 'week'}", private=True)

    @app_commands.command(description="All your data as a JSON file, sent to you by DM")
    async def export(self, interaction: AnyInteraction) -> None:
        """`/mockroom export`, answered privately; the file goes by direct message."""
        await self.run(interaction, "export", private=True)

    @app_commands.command(
        name="forget-me", description="Delete everything stored about you (asks first)"
    )
    @app_commands.describe(confirm="True deletes; left out, it lists what would be deleted")
    async def forget_me(self, interaction: AnyInteraction, confirm: bool = False) -> None:
        """`/mockroom forget-me [confirm]`, answered privately."""
        await self.run(interaction, "forget-me confirm" if confirm else "forget-me", private=True)

    @app_commands.command(name="help", description="How mockroom works")
    async def help_(self, interaction: AnyInteraction) -> None:
        """`/mockroom help`."""
        await self.run(interaction, "help", private=True)
