"""The installed `mockroom` command, run as a separate process with piped stdin."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

MOCKROOM = Path(sys.executable).parent / "mockroom"


def run(args: list[str], tmp_path: Path, stdin: str = "") -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("MOCKROOM_", "OPENAI_"))}
    env["MOCKROOM_DATABASE_URL"] = f"sqlite:///{tmp_path / 'm.db'}"
    env["COLUMNS"] = "120"
    return subprocess.run(
        [str(MOCKROOM), *args],
        input=stdin,
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
        check=False,
    )


@pytest.mark.skipif(not MOCKROOM.exists(), reason="the package is not installed in this venv")
def test_a_scripted_interview_and_its_history(tmp_path: Path) -> None:
    script = "How many users?\n/next\nA load balancer spreads traffic because one box fails.\n"
    practice = run(["practice", "-q", "url-shortener", "-f", "drill"], tmp_path, script)
    assert practice.returncode == 0, practice.stderr
    assert "Scorecard" in practice.stdout and "Overall" in practice.stdout
    history = run(["history"], tmp_path)
    assert history.returncode == 0 and "url-shortener" in history.stdout


@pytest.mark.skipif(not MOCKROOM.exists(), reason="the package is not installed in this venv")
def test_score_json_and_a_malformed_file(tmp_path: Path) -> None:
    good = tmp_path / "good.json"
    good.write_text(
        json.dumps(
            {
                "question_id": "url-shortener",
                "turns": [{"role": "candidate", "stage": "high_level", "text": "Use a cache."}],
            }
        )
    )
    scored = run(["score", str(good), "--json"], tmp_path)
    assert scored.returncode == 0, scored.stderr
    assert json.loads(scored.stdout)["hire_signal"]
    bad = tmp_path / "bad.json"
    bad.write_text('{"question_id": "url-shortener", "turns": [{"role": 1}]}')
    failed = run(["score", str(bad)], tmp_path)
    assert failed.returncode == 2
    assert "turns[0]" in failed.stderr and "Traceback" not in failed.stderr
