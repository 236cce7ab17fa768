"""The quota settings reach the service that build() wires, counted in the real database."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.bootstrap import build
from bot.settings import Settings
from interviewer.commands import Command
from interviewer.quotas import QuotaExceeded
from interviewer.service import Who
from tests.clock import FakeClock

ADA = Who("slack", "U0ADA", "Ada")


async def test_the_limits_from_the_environment_apply(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("MOCKROOM_INTERVIEWS_PER_DAY", "1")
    monkeypatch.setenv("MOCKROOM_MESSAGES_PER_MINUTE", "1")
    settings = Settings(database_url=f"sqlite:///{tmp_path / 'q.db'}", llm_model="offline")
    assert settings.workspace_daily_tokens == 0
    clock = FakeClock()
    container = build(settings, clock=clock)
    try:
        service = container.service
        await service.start(ADA, "dm", "model-serving")
        await service.answer(ADA, "dm", "How many users do we expect?")
        with pytest.raises(QuotaExceeded, match="wait 60 seconds"):
            await service.answer(ADA, "dm", "And the peak QPS?")
        await service.command(ADA, "dm", Command.END)
        with pytest.raises(QuotaExceeded, match="started 1 interview today, the limit is 1;"):
            await service.start(ADA, "dm", "model-serving")
    finally:
        container.close()


def test_the_defaults_are_ten_a_day_twelve_a_minute_and_no_budget() -> None:
    settings = Settings(_env_file=None)
    assert (settings.interviews_per_day, settings.messages_per_minute) == (10, 12)
    assert settings.workspace_daily_tokens == 0
