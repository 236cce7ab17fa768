"""The `/mockroom` slash command group: the same subcommands as Slack, as bot.chat.controller text."""

from __future__ import annotations

import shlex
from typing import Any

import discord
from discord import app_commands

from bot.chat.controller import CannotPost, ChatController, OpenThread
from bot.chat.grammar import SERVER_COMMANDS
from bot.chat.render import clip
from bot.discord.drills import board_message, markup
from bot.discord.peers import respond as respond_peer
from bot.discord.respond import (
    ReplyPoster,
    finish_command,
    place_of,
    send_export,
    who_of,
)
from bot.discord.settings import SettingsCommands
from bot.discord.subcommands import LEADERBOARD_VIEWS, DrillCommands, zone_choices
from interviewer.commands import COMMAND_HELP, Command
from interviewer.core.rubric import Level
from interviewer.core.stages import Format

AnyInteraction = discord.Interaction[Any]

REMIND_ACTIONS = [
    app_commands.Choice(name="on", value="on"),
    app_commands.Choice(name="off", value="off"),
    app_commands.Choice(name="snooze", value="snooze"),
]

PAIR_ACTIONS = [
    app_commands.Choice(name="join: pair me in this channel", value="join"),
    app_commands.Choice(name="leave", value="leave"),
    app_commands.Choice(name="weekly: set the channel's pairing", value="weekly"),
    app_commands.Choice(name="stop the channel's pairing", value="stop"),
]
PEER_ACTIONS = [
    app_commands.Choice(name="start: the clock starts in this thread", value="start"),
    app_commands.Choice(name="end: the AI grades, the interviewer scores", value="end"),
]

FORMAT_CHOICES = [
    app_commands.Choice(name="standard (45 min)", value=Format.STANDARD.value),
    app_commands.Choice(name="extended (60 min)", value=Format.EXTENDED.value),
    app_commands.Choice(name="drill (15 min)", value=Format.DRILL.value),
    app_commands.Choice(name="async (no clock)", value=Format.ASYNC.value),
]
LEVEL_CHOICES = [app_commands.Choice(name=level.value, value=level.value) for level in Level]

DISCORD_HELP = """
Under each interviewer message: *Hint*, *Next stage* and *End* buttons (only the candidate's \
presses count, or anyone's in a design-along)."""

CANNOT_POST_HERE = (
    "I cannot post in this channel, so I cannot run an interview here. Ask someone who "
    "manages it to let me send messages and create threads here, or start one in a "
    "direct message with me."
)

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
        try:
            parent = await channel.send(parent_text)
        except discord.Forbidden:
            raise CannotPost(CANNOT_POST_HERE) from None
        thread = await parent.create_thread(
            name=clip(f"Mock interview · {name}", 100), auto_archive_duration=1440
        )
        return str(thread.id)

    return open_thread


def start_text(
    question: str | None,
    fmt: str | None,
    group: bool,
    new: bool = False,
    level: str | None = None,
) -> str:
    """The bot.chat.controller command text for `/mockroom start` options."""
    words = ["start"]
    if question:
        words.append(shlex.quote(question))
    if fmt:
        words.append(fmt)
    if level:
        words.append(f"--level={level}")
    if group:
        words.append("--group")
    if new:
        words.append("--new")
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
        SettingsCommands(self.run_private, controller.bank, parent=self)

    async def run_private(self, interaction: AnyInteraction, text: str) -> None:
        """Run a command whose answer only the user sees."""
        await self.run(interaction, text, private=True)

    async def run(self, interaction: AnyInteraction, text: str, *, private: bool) -> None:
        """Acknowledge at once, run the command, then follow up."""
        await interaction.response.defer(thinking=True, ephemeral=private)
        place = place_of(interaction.channel)
        open_thread = thread_opener(interaction)
        drills = text.startswith(SERVER_COMMANDS)
        who, workspace = who_of(interaction.user), str(interaction.guild_id or "")
        response = await self.controller.command(
            who,
            place,
            text,
            open_thread=open_thread,
            workspace=workspace,
            is_admin=may_manage(interaction),
        )
        if (drills or response.peer is not None) and response.private is not None:
            response.private = markup(response.private)  # these texts use Slack's *bold*
        if response.shared is not None:  # `review N share`: the link, for the channel
            channel = interaction.channel
            if not isinstance(channel, discord.abc.Messageable):
                raise TypeError("a shared link needs a channel that takes messages")
            await channel.send(response.shared, allowed_mentions=discord.AllowedMentions.none())
        if response.export is not None:  # the file by DM; its summary is the private answer
            await send_export(interaction, response.export)
            return
        if response.board is not None and response.board.public:
            embed, files = board_message(response.board)
            channel = interaction.channel
            if not isinstance(channel, discord.abc.Messageable):
                raise TypeError("a shared board needs a channel that takes messages")
            await channel.send(embed=embed, files=files)
            await interaction.edit_original_response(content="The board is posted in the channel.")
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
        await respond_peer(interaction.client, response)
        await finish_command(interaction, response, self.poster, private=private)

    @app_commands.command(description="Start a mock interview (here in a DM, or in a new thread)")
    @app_commands.describe(
        question="A question id or a topic; random when left out",
        fmt="How long the interview runs",
        group="A design-along: everyone in the thread answers",
        new="End the interview you have running first (with its scorecard)",
        level="The level the hire bar is set for (senior when left out)",
    )
    @app_commands.rename(fmt="format")
    @app_commands.choices(fmt=FORMAT_CHOICES, level=LEVEL_CHOICES)
    async def start(
        self,
        interaction: AnyInteraction,
        question: str | None = None,
        fmt: app_commands.Choice[str] | None = None,
        group: bool = False,
        new: bool = False,
        level: app_commands.Choice[str] | None = None,
    ) -> None:
        """`/mockroom start [question] [format] [group] [new] [level]`."""
        text = start_text(
            question, fmt.value if fmt else None, group, new, level.value if level else None
        )
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

    @app_commands.command(description="Your past interviews and drills; a number opens one")
    @app_commands.describe(number="Open scorecard N of your history")
    async def history(
        self, interaction: AnyInteraction, number: app_commands.Range[int, 1] | None = None
    ) -> None:
        """`/mockroom history [number]`."""
        await self.run(
            interaction, "history" if number is None else f"history {number}", private=True
        )

    @app_commands.command(description="Your interview as an annotated page, sent privately")
    @app_commands.describe(
        number="Scorecard N of your history (the latest when left out)",
        share="Post the link in this channel, for everyone here",
    )
    async def review(
        self,
        interaction: AnyInteraction,
        number: app_commands.Range[int, 1] | None = None,
        share: bool = False,
    ) -> None:
        """`/mockroom review [number] [share]`."""
        words = ["review", *([str(number)] if number is not None else []), *(["share"] * share)]
        await self.run(interaction, " ".join(words), private=True)

    @app_commands.command(description="The question bank")
    async def questions(self, interaction: AnyInteraction) -> None:
        """`/mockroom questions`."""
        await self.run(interaction, "questions", private=True)

    @app_commands.command(description="The server's leaderboard, your standing, your name on it")
    @app_commands.describe(
        view="This week (the default), all time, your standing, or your name",
        share="Post the board in this channel for everyone (Manage Channels)",
    )
    @app_commands.choices(view=LEADERBOARD_VIEWS)
    async def leaderboard(
        self,
        interaction: AnyInteraction,
        view: app_commands.Choice[str] | None = None,
        share: bool = False,
    ) -> None:
        """`/mockroom leaderboard [week|all|me|show-me|hide-me] [share]`, answered privately;
        shared, the board is posted in the channel."""
        word = view.value if view else "week"
        await self.run(interaction, f"leaderboard {'share ' * share}{word}", private=True)

    @app_commands.command(description="Peer mocks: members interviewing each other, paired weekly")
    @app_commands.describe(
        action="join (the default), leave; weekly or stop set this channel's pairing (Manage "
        "Channels)",
        day="weekly: the day of the pairing, e.g. mon",
        time="weekly: local 24-hour time, e.g. 18:00",
        timezone="weekly: an IANA time zone, e.g. Europe/Berlin",
    )
    @app_commands.choices(action=PAIR_ACTIONS)
    async def pair(
        self,
        interaction: AnyInteraction,
        action: app_commands.Choice[str] | None = None,
        day: str | None = None,
        time: str | None = None,
        timezone: str | None = None,
    ) -> None:
        """`/mockroom pair [action] [day] [time] [timezone]`, answered privately."""
        words = ["pair", action.value if action else "join"]
        words += [w.strip() for w in (day, time, timezone) if w and w.strip()]
        await self.run(interaction, " ".join(words), private=True)

    @pair.autocomplete("timezone")
    async def pair_zones(
        self, interaction: AnyInteraction, current: str
    ) -> list[app_commands.Choice[str]]:
        """Common IANA zones first, then any zone holding what was typed."""
        return zone_choices(current)

    @app_commands.command(description="Peer mock: start or end your pair's session (its thread)")
    @app_commands.describe(action="start the clock, or end the session (the AI grades)")
    @app_commands.choices(action=PEER_ACTIONS)
    async def peer(self, interaction: AnyInteraction, action: app_commands.Choice[str]) -> None:
        """`/mockroom peer start|end`, in the pair's private thread."""
        await self.run(interaction, f"peer {action.value}", private=True)

    @app_commands.command(description="Streak reminders by DM an hour before a drill closes")
    @app_commands.describe(
        action="on (the default), off, or snooze", days="snooze: for how many days (1 to 30)"
    )
    @app_commands.choices(action=REMIND_ACTIONS)
    async def remind(
        self,
        interaction: AnyInteraction,
        action: app_commands.Choice[str] | None = None,
        days: app_commands.Range[int, 1, 30] = 3,
    ) -> None:
        """`/mockroom remind [action] [days]`, answered privately."""
        word = action.value if action else "on"
        text = f"remind snooze {days}" if word == "snooze" else f"remind {word}"
        await self.run(interaction, text, private=True)

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
