"""Regexes of the bank, compiled once per process.

The bank holds thousands of patterns (clarifications, misconceptions, concepts), more than `re`'s
own cache of 512 keeps, so every `load_bank()` (each test module, each reload) compiled all of
them again. Only patterns written in `prompts/` go through here, never a member's text: the cache
is unbounded because the bank's patterns are finite.
"""

from __future__ import annotations

import re
from functools import cache


@cache
def compiled(pattern: str, flags: int = 0) -> re.Pattern[str]:
    """`re.compile(pattern, flags)`, remembered for the life of the process."""
    return re.compile(pattern, flags)
