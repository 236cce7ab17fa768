"""Terminal fixtures: the app's parts on a fresh SQLite file with a test clock."""

from __future__ import annotations

import random
from collections.abc import Callable
from pathlib import Path

import pytest

from bot.bootstrap import Container, build
from bot.settings import Settings
from tests.clock import FakeClock


@pytest.fixture
def factory(tmp_path: Path) -> Callable[[], Container]:
    clock = FakeClock()
    settings = Settings(database_url=f"sqlite:///{tmp_path / 'mockroom.db'}")
    return lambda: build(settings, clock=clock, rng=random.Random(1))
