"""`make eval`'s entry point: replays the committed recordings through the real client stack,
and fails, saying which, when the model is down or a recording shows a fault."""

from __future__ import annotations

import json

import pytest

from bench.eval import main_async
from bench.replay import RECORDINGS
from bot.settings import Settings
from tests.interviewer.llm.openai_server import FakeOpenAIServer, Reply

HARNESS_FAULTS = ("grader error", "no recording", "offline interviewer took", "breaker", "judge")


def test_every_recording_says_whether_it_was_hand_written() -> None:
    files = sorted(RECORDINGS.rglob("*.json"))
    assert len(files) >= 3
    for path in files:
        note = json.loads(path.read_text(encoding="utf-8"))["note"]
        assert "HAND-WRITTEN" in note or "recorded from" in note, path.name


async def test_the_committed_recordings_replay_with_no_harness_fault(
    capsys: pytest.CaptureFixture[str],
) -> None:
    await main_async([])
    out = capsys.readouterr().out
    # The rule-judged turns come first, both halves of the split, with no model needed.
    assert out.index("by the rule-based judge") < out.index("replaying")
    assert "on target, tune:" in out and "on target, held out:" in out
    assert "replaying" in out and "offline" in out and "llm:openai:gpt-4o-mini" in out
    assert "hire-signal confusion, llm:openai:gpt-4o-mini" in out
    assert "one_question   100% of 8 turns" in out
    faults = [line for line in out.splitlines() if line.startswith("FAIL:")]
    assert not [f for f in faults if any(word in f for word in HARNESS_FAULTS)], faults


async def test_a_stream_that_stops_mid_sentence_fails_the_run(
    capsys: pytest.CaptureFixture[str],
) -> None:
    files = [RECORDINGS / "faults" / "stream-cut.json", *sorted(RECORDINGS.glob("*.json"))]
    args = ["--replay", *map(str, files), "--personas", "strong", "--limit", "1", "--no-turns"]
    code = await main_async(args)
    out = capsys.readouterr().out
    assert code == 1
    assert "FAIL: the offline interviewer took 1 turns" in out


async def test_eval_fails_and_says_why_when_the_model_answers_500(
    capsys: pytest.CaptureFixture[str],
) -> None:
    with FakeOpenAIServer(default=Reply.error(500)) as server:
        settings = Settings(
            llm_model="openai:fake", llm_base_url=server.url, openai_api_key="key",
            llm_max_retries=0, llm_timeout_seconds=2, llm_grader_deadline_seconds=5,
        )  # fmt: skip
        code = await main_async(["--personas", "strong", "--limit", "4", "--no-turns"], settings)
    out = capsys.readouterr().out
    assert code == 1
    # The simulated candidate runs on the same model, so the conversation itself fails.
    assert "FAIL: the strong persona's conversation failed" in out
    assert "FAIL: grader error on" in out
    assert "FAIL: the circuit breaker tripped" in out
