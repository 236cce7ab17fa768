"""`/mockroom drill …` and `/mockroom leaderboard …`: the words after the command, answered.

The chat layer passes the text after `drill` or `leaderboard`; DrillError (an InterviewError)
carries a message to show the user privately.
"""

from __future__ import annotations

from dataclasses import dataclass

from interviewer.drills.args import SUBSCRIBE_USAGE
from interviewer.drills.leaderboard import Board, render_board, render_standing
from interviewer.drills.points import DrillError
from interviewer.drills.service import DrillService
from interviewer.service import Who

LEADERBOARD_USAGE = "leaderboard [week|all|me|show-me|hide-me]"


@dataclass(frozen=True)
class BoardResponse:
    """What `leaderboard …` shows: text, and the board when a chart image should follow."""

    text: str
    board: Board | None = None


def drill_command(
    drills: DrillService,
    platform: str,
    workspace: str,
    channel: str,
    who: Who,
    is_admin: bool,
    args: str,
) -> str:
    """`drill subscribe …`, `drill unsubscribe` or `drill list`; the text to show."""
    head, _, rest = args.strip().partition(" ")
    head = head.lower()
    if head == "subscribe":
        return drills.subscribe(platform, workspace, channel, who, is_admin, rest)
    if head == "unsubscribe" and not rest.strip():
        return drills.unsubscribe(platform, channel, who, is_admin)
    if head == "list" and not rest.strip():
        return drills.listing(platform, workspace)
    cmd = drills.cmd
    raise DrillError(
        f"Usage: `{cmd} {SUBSCRIBE_USAGE}`, `{cmd} drill unsubscribe` or `{cmd} drill list`, "
        f"e.g. `{cmd} drill subscribe 09:30 Europe/Berlin mon-fri`."
    )


def leaderboard_command(
    drills: DrillService,
    platform: str,
    workspace: str,
    who: Who,
    args: str,
    *,
    shared: bool = False,
) -> BoardResponse:
    """`leaderboard [week|all]`, `leaderboard me`, `show-me` or `hide-me`."""
    word = args.strip().lower() or "week"
    if word in ("week", "all"):
        # A shared board has no viewer, so a hidden member's row never reads "you" in the
        # channel; shown to the member alone, their row is theirs.
        board = drills.leaderboard(platform, workspace, word, None if shared else who)
        return BoardResponse(render_board(board, drills.cmd), board)
    if word == "me":
        return BoardResponse(render_standing(drills.me(platform, workspace, who)))
    if word in ("show-me", "hide-me"):
        return BoardResponse(drills.show_me(platform, workspace, who, show=word == "show-me"))
    raise DrillError(f"Usage: `{drills.cmd} {LEADERBOARD_USAGE}`.")
