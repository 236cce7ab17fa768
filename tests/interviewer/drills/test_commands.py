"""The words after `/mockroom drill` and `/mockroom leaderboard`, as the chat layer passes them."""

from __future__ import annotations

import pytest

from interviewer.drills.commands import BoardResponse, drill_command, leaderboard_command
from interviewer.drills.service import DrillError
from interviewer.service import Who
from tests.clock import FakeClock
from tests.interviewer.drills.harness import ADMIN, SLACK, TEAM, Replica, utc

ANA = Who(SLACK, "UANA", "Ana")


def test_drill_subcommands(world: Replica, clock: FakeClock) -> None:
    clock.now = utc(2026, 11, 25, 7, 0)
    said = drill_command(world.drills, SLACK, TEAM, "C1", ADMIN, True, "subscribe 09:30 UTC")
    assert said.startswith("Daily drill subscribed: 09:30 UTC, daily.")
    assert "<#C1>: 09:30 UTC, daily" in drill_command(
        world.drills, SLACK, TEAM, "C1", ANA, False, "list"
    )
    with pytest.raises(DrillError, match="Only people"):
        drill_command(world.drills, SLACK, TEAM, "C1", ANA, False, "unsubscribe")
    assert "unsubscribed" in drill_command(
        world.drills, SLACK, TEAM, "C1", ADMIN, True, "UNSUBSCRIBE"
    )
    for bad in ("", "remove", "list everything"):
        with pytest.raises(DrillError, match="drill subscribe 09:30 Europe/Berlin mon-fri"):
            drill_command(world.drills, SLACK, TEAM, "C1", ADMIN, True, bad)


def test_leaderboard_subcommands(world: Replica) -> None:
    week = leaderboard_command(world.drills, SLACK, TEAM, ANA, "")
    assert week.board is not None and week.text.startswith("*Leaderboard, week of")
    assert leaderboard_command(world.drills, SLACK, TEAM, ANA, "all").text.startswith(
        "*Leaderboard, all time*"
    )
    assert leaderboard_command(world.drills, SLACK, TEAM, ANA, "me").text.startswith(
        "*Your standing*"
    )
    assert leaderboard_command(world.drills, SLACK, TEAM, ANA, "show-me") == BoardResponse(
        "Your name now shows on this workspace's boards and drill recaps."
    )
    assert world.drills.repo.members(SLACK, TEAM)["UANA"].show_name
    assert "hidden" in leaderboard_command(world.drills, SLACK, TEAM, ANA, "hide-me").text
    assert not world.drills.repo.members(SLACK, TEAM)["UANA"].show_name
    with pytest.raises(DrillError, match=r"leaderboard \[week\|all\|me\|show-me\|hide-me\]"):
        leaderboard_command(world.drills, SLACK, TEAM, ANA, "month")
