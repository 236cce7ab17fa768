"""Logs: secrets never written, JSON lines when asked, candidate text kept out by default."""

from __future__ import annotations

import io
import json
import logging
import random
from collections.abc import Iterator

import pytest

from bot.logs import REDACTED, configure_logging
from bot.settings import Settings
from interviewer.bank import load_bank
from interviewer.offline.brain import OfflineBrain
from interviewer.offline.scorer import OfflineGrader
from interviewer.service import InterviewService, Who
from tests.clock import FakeClock
from tests.fakes import InMemoryRepository

SLACK_TOKEN = "xoxb-1111-2222-abcdefghijklmnop"
API_KEY = "my-private-openai-key-123456"


@pytest.fixture
def stream() -> Iterator[io.StringIO]:
    root = logging.getLogger()
    saved = (list(root.handlers), root.level)
    buffer = io.StringIO()
    yield buffer
    root.handlers[:] = saved[0]
    root.setLevel(saved[1])
    for name in ("slack_sdk", "slack_bolt", "openai"):
        logging.getLogger(name).setLevel(logging.NOTSET)


def test_configured_secrets_and_token_shapes_never_reach_the_log(stream: io.StringIO) -> None:
    settings = Settings(slack_bot_token=SLACK_TOKEN, openai_api_key=API_KEY)
    configure_logging(
        "INFO", secrets=settings.secret_values(), handler=logging.StreamHandler(stream)
    )
    log = logging.getLogger("mockroom.test")
    log.warning("calling with %s and key=%s", SLACK_TOKEN, API_KEY)
    log.warning("someone pasted xapp-1-A0123-4567-abcdef in a message")
    try:
        raise RuntimeError(f"auth failed for {API_KEY}")
    except RuntimeError:
        log.exception("a failure")
    text = stream.getvalue()
    assert SLACK_TOKEN not in text and API_KEY not in text and "xapp-1-A0123" not in text
    assert text.count(REDACTED) >= 4
    assert "RuntimeError: auth failed for [redacted]" in text


def test_json_lines(stream: io.StringIO) -> None:
    configure_logging("INFO", json_lines=True, handler=logging.StreamHandler(stream))
    logging.getLogger("mockroom.test").info("hello %s", "world")
    [line] = stream.getvalue().splitlines()
    entry = json.loads(line)
    assert entry["message"] == "hello world" and entry["level"] == "INFO"
    assert entry["logger"] == "mockroom.test" and entry["time"].endswith("+00:00")


def test_library_request_bodies_stay_out_unless_asked(stream: io.StringIO) -> None:
    configure_logging("DEBUG", handler=logging.StreamHandler(stream))
    logging.getLogger("slack_sdk.web").debug("Sending a request - body: {'text': 'my answer'}")
    assert "my answer" not in stream.getvalue()
    configure_logging("DEBUG", candidate_text=True, handler=logging.StreamHandler(stream))
    logging.getLogger("slack_sdk.web").debug("Sending a request - body: {'text': 'my answer'}")
    assert "my answer" in stream.getvalue()


async def test_a_whole_interview_at_debug_logs_no_candidate_text(stream: io.StringIO) -> None:
    configure_logging("DEBUG", handler=logging.StreamHandler(stream))
    bank = load_bank()
    service = InterviewService(
        InMemoryRepository(),
        bank,
        OfflineBrain(bank),
        OfflineGrader(bank),
        FakeClock(),
        rng=random.Random(1),
    )
    who = Who("slack", "U1")
    secret_words = "Zanzibar-quokka sharding because one node cannot hold it"
    await service.start(who, "D1", "model-serving")
    await service.answer(who, "D1", secret_words)
    await service.answer(who, "D1", "/end is not a command here " + secret_words)
    assert "Zanzibar" not in stream.getvalue()


class _FailingBrain:
    """A model brain whose every call fails with a multi-line error holding the API key."""

    name = "failing"

    async def speak(self, ctx: object, action: object, on_delta: object = None) -> object:
        raise TimeoutError(f"no answer in 30 s (key {API_KEY})\n  a second line of detail")


def test_a_counted_error_s_log_line_names_its_type_and_message_redacted(
    stream: io.StringIO,
) -> None:
    """The message of the line logged beside `telemetry.error(kind)` names the error in one
    line (not only the kind, nor only in the trace), with secrets redacted."""
    import asyncio

    configure_logging(
        "WARNING", json_lines=True, secrets=[API_KEY], handler=logging.StreamHandler(stream)
    )
    bank = load_bank()
    offline = OfflineBrain(bank)
    service = InterviewService(
        InMemoryRepository(),
        bank,
        _FailingBrain(),  # type: ignore[arg-type]
        OfflineGrader(bank),
        FakeClock(),
        rng=random.Random(1),
        fallback_brain=offline,
    )
    alice = Who("terminal", "alice", "Alice")
    asyncio.run(service.start(alice, "terminal:alice", "url-shortener"))
    asyncio.run(service.answer(alice, "terminal:alice", "How many URLs a day do we expect?"))
    entries = [json.loads(line) for line in stream.getvalue().splitlines()]
    failed = [e for e in entries if "brain failed" in e["message"]]
    assert failed, entries
    message = failed[0]["message"]
    assert f"TimeoutError: no answer in 30 s (key {REDACTED})" in message
    assert API_KEY not in stream.getvalue() and "second line" not in message
