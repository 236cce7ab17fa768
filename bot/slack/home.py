"""App Home's drill part: the member's standing and the team's week board, once drills exist."""

from __future__ import annotations

from dataclasses import dataclass

from bot.chat.controller import ChatController
from bot.slack.render import escape
from interviewer.drills.leaderboard import Period, render_board
from interviewer.service import Who


@dataclass(frozen=True)
class HomeBoard:
    """What App Home shows about drills; both None in a workspace without drills or points."""

    standing: str | None = None
    board: list[str] | None = None


def home_board(controller: ChatController, who: Who, workspace: str) -> HomeBoard:
    """The member's standing and this week's board, when the workspace has drills or points."""
    drills = controller.drills
    if drills is None or not workspace:
        return HomeBoard()
    subscribed = drills.repo.subscriptions(who.platform, workspace)
    if not subscribed and not drills.leaderboard(who.platform, workspace, Period.ALL).rows:
        return HomeBoard()  # nothing real to show: no empty board, no made-up rank
    standing = controller.standing(who, workspace)
    week = drills.leaderboard(who.platform, workspace, Period.WEEK, who)
    lines = escape(render_board(week, controller.command_name)).splitlines()
    return HomeBoard(None if standing is None else escape(standing), lines)
