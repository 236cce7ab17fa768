"""A channel's settings in force, resolved in one place for drills, boards and starts."""

from __future__ import annotations

from datetime import timedelta

from interviewer.core.rubric import Level
from interviewer.core.stages import Format
from interviewer.settings.resolve import ChannelResolver
from interviewer.settings.values import ChannelSettings, Defaults, Visibility


def test_a_channels_choices_win_over_the_servers_defaults() -> None:
    resolver = ChannelResolver(None, Defaults(window_hours=24, board_hour=9))
    plain = resolver.resolve(ChannelSettings())
    assert (plain.window, plain.board_day, plain.board_hour) == (timedelta(hours=24), 0, 9)
    assert (plain.board, plain.fmt, plain.level, plain.topics) == (
        Visibility.PUBLIC,
        Format.STANDARD,
        Level.SENIOR,
        None,
    )
    chosen = resolver.resolve(
        ChannelSettings(window_hours=1.5, board_day=4, board_hour=0, level=Level.STAFF, topics=())
    )
    assert (chosen.window, chosen.board_day, chosen.board_hour) == (timedelta(hours=1.5), 4, 0)
    assert chosen.level is Level.STAFF and chosen.fmt is Format.STANDARD and chosen.topics == ()
    assert resolver.channel("slack", "C1") == plain  # no store: every channel has the defaults
