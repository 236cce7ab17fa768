"""`.env.example` lists every setting, and its dummy secrets are refused as placeholders."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from pydantic import ValidationError

from bot.settings import Settings

EXAMPLE = Path(__file__).resolve().parents[2] / ".env.example"


def example_names() -> set[str]:
    names = set()
    for line in EXAMPLE.read_text().splitlines():
        match = re.match(r"^#?\s*([A-Z][A-Z0-9_]+)=", line)
        if match:
            names.add(match.group(1))
    return names


def test_every_setting_is_in_the_example() -> None:
    listed = example_names()
    missing = []
    for name, field in Settings.model_fields.items():
        spellings = {f"MOCKROOM_{name.upper()}"}
        spellings |= {c for c in getattr(field.validation_alias, "choices", ()) if c.isupper()}
        if not spellings & listed:
            missing.append(name)
    assert missing == []


def test_the_examples_secrets_are_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    for line in EXAMPLE.read_text().splitlines():
        if line and not line.startswith("#") and "=" in line:
            name, value = line.split("=", 1)
            monkeypatch.setenv(name, value)
    with pytest.raises(ValidationError, match="still a placeholder"):
        Settings()


def test_a_slack_only_env_from_the_example_works(monkeypatch: pytest.MonkeyPatch) -> None:
    """Fill in Slack's values only: `serve all` (the container default) then runs Slack alone."""
    for line in EXAMPLE.read_text().splitlines():
        if line and not line.startswith("#") and "=" in line:
            name, value = line.split("=", 1)
            monkeypatch.setenv(name, value)
    monkeypatch.setenv("SLACK_BOT_TOKEN", "xoxb-1234-5678-abcdef")
    monkeypatch.setenv("SLACK_APP_TOKEN", "xapp-1-A1-2345-abcdef")
    monkeypatch.setenv("MOCKROOM_DATABASE_URL", "sqlite:///mockroom.db")
    monkeypatch.setenv("POSTGRES_PASSWORD", "s3cret")
    settings = Settings(_env_file=None)
    assert settings.slack_bot_token is not None and settings.discord_token is None
