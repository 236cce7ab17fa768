"""The persistent Hint / Next stage / End buttons under interviewer messages.

Each button's custom_id names its action and interview ("mockroom:hint:42"); they are
DynamicItems registered in setup_hook, so buttons on old messages work after a restart.
"""

from __future__ import annotations

import re
from typing import Any, Protocol, cast

import discord

TEMPLATE = r"mockroom:(?P<action>hint|next|end):(?P<interview>[0-9]+)"

_LOOKS = {
    "hint": ("Hint", discord.ButtonStyle.secondary),
    "next": ("Next stage", discord.ButtonStyle.primary),
    "end": ("End", discord.ButtonStyle.danger),
}


class ButtonHandler(Protocol):
    """What the client does when an interview button is pressed."""

    async def press(
        self, interaction: discord.Interaction[Any], interview_id: int, action: str
    ) -> None:
        """Run the button's action."""
        ...


class InterviewButton(
    discord.ui.DynamicItem[discord.ui.Button[discord.ui.View]], template=TEMPLATE
):
    """One action on one interview."""

    def __init__(self, action: str, interview_id: int) -> None:
        label, style = _LOOKS[action]
        super().__init__(
            discord.ui.Button(
                label=label, style=style, custom_id=f"mockroom:{action}:{interview_id}"
            )
        )
        self.action = action
        self.interview_id = interview_id

    @classmethod
    async def from_custom_id(
        cls,
        interaction: discord.Interaction[Any],
        item: discord.ui.Item[Any],
        match: re.Match[str],
        /,
    ) -> InterviewButton:
        """Rebuild the button from its custom_id."""
        return cls(match["action"], int(match["interview"]))

    async def callback(self, interaction: discord.Interaction[Any]) -> None:
        """Hand the press to the client (which owns the error boundary)."""
        await cast(ButtonHandler, interaction.client).press(
            interaction, self.interview_id, self.action
        )


def interview_view(interview_id: int) -> discord.ui.View:
    """The three buttons of an interview, with no timeout."""
    view = discord.ui.View(timeout=None)
    for action in _LOOKS:
        view.add_item(InterviewButton(action, interview_id))
    return view
