"""The transcript loader: bounded input, one clear error, and fuzzed for crashes (issue 22)."""

from __future__ import annotations

import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from interviewer.transcript_file import (
    MAX_CANDIDATE_CHARS,
    MAX_TURN_CHARS,
    TranscriptError,
    parse_transcript,
)


def _file(*texts: str) -> str:
    turns = [{"role": "candidate", "stage": "clarify", "text": t} for t in texts]
    return json.dumps({"question_id": "model-serving", "turns": turns})


def test_a_turn_longer_than_a_live_answer_is_refused_naming_it() -> None:
    with pytest.raises(TranscriptError, match=r"turns\[1\]: 'text' is 100,000 characters"):
        parse_transcript(_file("short", "x" * 100_000))
    assert parse_transcript(_file("y" * MAX_TURN_CHARS)).turns


def test_more_candidate_words_than_the_limit_are_refused() -> None:
    count = MAX_CANDIDATE_CHARS // MAX_TURN_CHARS + 1
    with pytest.raises(TranscriptError, match="the candidate's turns hold"):
        parse_transcript(_file(*["z" * MAX_TURN_CHARS] * count))


JSONISH = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=30),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner),
    max_leaves=20,
)


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=300))
def test_any_text_is_a_transcript_or_one_transcript_error(raw: str) -> None:
    assert "\n" not in _refusal(raw)


@settings(max_examples=300, deadline=None)
@given(
    JSONISH,
    st.lists(
        st.dictionaries(
            st.sampled_from(["role", "stage", "text", "kind", "diagram", "author", "curveball_id"]),
            JSONISH,
        ),
        max_size=4,
    ),
)
def test_any_json_is_a_transcript_or_one_transcript_error(top: object, turns: object) -> None:
    for data in (top, {"question_id": "q", "turns": turns}):
        assert "\n" not in _refusal(json.dumps(data))


def _refusal(raw: str) -> str:
    """The loader's one-line error for `raw`, or "" when it is a transcript."""
    try:
        parse_transcript(raw)
    except TranscriptError as exc:
        return str(exc)
    return ""
