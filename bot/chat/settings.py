"""The values a platform's settings picker offers per channel setting (Slack's modal selects,
Discord's autocomplete): one list, so the platforms offer the same choices."""

from __future__ import annotations

from collections.abc import Mapping

from interviewer.core.rubric import Level
from interviewer.core.stages import Format
from interviewer.drills.schedule import WEEKDAY_NAMES
from interviewer.settings.values import Key, Visibility

CHOICES: Mapping[str, tuple[str, ...]] = {
    Key.BOARD_DAY: WEEKDAY_NAMES,
    Key.BOARD_HOUR: tuple(str(h) for h in range(24)),
    Key.BOARD: tuple(v.value for v in Visibility),
    Key.FORMAT: tuple(f.value for f in Format),
    Key.LEVEL: tuple(lv.value for lv in Level),
}
"""The settings chosen from a fixed list (the window is typed, topics come from the bank)."""
