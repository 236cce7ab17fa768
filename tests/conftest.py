"""Test-wide safety: no test reads the developer's keys or reaches a real model or chat platform."""

from __future__ import annotations

import os

import pytest

_OUTSIDE = ("OPENAI_", "SLACK_", "DISCORD_", "MOCKROOM_")
_KEEP = {"MOCKROOM_TEST_POSTGRES_URL"}


@pytest.fixture(autouse=True)
def _no_outside_configuration(
    monkeypatch: pytest.MonkeyPatch, tmp_path_factory: pytest.TempPathFactory
) -> None:
    for name in list(os.environ):
        if name.startswith(_OUTSIDE) and name not in _KEEP:
            monkeypatch.delenv(name)
    # Settings also read a .env file from the working directory: run from an empty one.
    monkeypatch.chdir(tmp_path_factory.mktemp("cwd"))
