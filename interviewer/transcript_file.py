"""Reading a transcript file (the `mockroom score` input) with errors that name the problem."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from interviewer.core.rubric import Level, parse_level
from interviewer.core.stages import Format, Stage
from interviewer.core.transcript import Role, Transcript, Turn
from interviewer.diagrams.extract import extract
from interviewer.steps import DEFAULT_MAX_MESSAGE_CHARS

MAX_TRANSCRIPT_BYTES = 5 * 1024 * 1024
MAX_TURN_CHARS = DEFAULT_MAX_MESSAGE_CHARS
"""A turn's text may be as long as a live message (MOCKROOM_MAX_MESSAGE_CHARS' default)."""
MAX_CANDIDATE_CHARS = 200_000
"""All the candidate's words: several hours of interview; grading more takes minutes of CPU."""


class TranscriptError(ValueError):
    """The file is not a valid transcript; the message says where and why."""


def read_transcript(path: Path) -> Transcript:
    """Parse and validate a transcript file."""
    try:
        size = path.stat().st_size
    except OSError as exc:
        raise TranscriptError(f"{path}: cannot read the file ({exc.strerror})") from None
    if size > MAX_TRANSCRIPT_BYTES:
        raise TranscriptError(
            f"{path}: the file is {size:,} bytes; the limit is {MAX_TRANSCRIPT_BYTES:,}"
        )
    try:
        raw = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        raise TranscriptError(f"{path}: not UTF-8 text (byte {exc.start})") from None
    except IsADirectoryError:
        raise TranscriptError(f"{path}: is a directory; give a transcript JSON file") from None
    except OSError as exc:  # unreadable: permissions, a vanished file
        raise TranscriptError(f"{path}: cannot read the file ({exc.strerror})") from None
    return parse_transcript(raw, source=str(path))


def parse_transcript(raw: str, source: str = "transcript") -> Transcript:
    """Parse transcript JSON text."""
    try:
        data = json.loads(raw, parse_int=_integer, parse_constant=_constant)
    except json.JSONDecodeError as exc:
        raise TranscriptError(
            f"{source}: not valid JSON: {exc.msg} at line {exc.lineno}, column {exc.colno}"
        ) from None
    except RecursionError:
        raise TranscriptError(
            f"{source}: not a transcript: lists or objects nested too deeply"
        ) from None
    except ValueError as exc:  # a number too long to read, or NaN / Infinity
        raise TranscriptError(f"{source}: not valid JSON: {exc}") from None
    return transcript_from_dict(data, source)


MAX_NUMBER_DIGITS = 100  # a transcript holds no numbers; this only keeps int() fast


def _integer(text: str) -> int:
    """A JSON integer, refused when it is too long to be anything but an attack."""
    if len(text) > MAX_NUMBER_DIGITS:
        raise ValueError(f"a number of {len(text):,} digits (the limit is {MAX_NUMBER_DIGITS})")
    return int(text)


def _constant(name: str) -> float:
    raise ValueError(f"{name} is not JSON")


def transcript_from_dict(data: Any, source: str = "transcript") -> Transcript:
    """Validate the decoded JSON of a transcript."""
    if not isinstance(data, dict):
        raise TranscriptError(
            f"{source}: the top level must be an object with question_id, format and turns"
        )
    question_id = data.get("question_id")
    if not isinstance(question_id, str) or not question_id:
        raise TranscriptError(f"{source}: 'question_id' must be a non-empty string")
    fmt_name = data.get("format", Format.STANDARD.value)
    try:
        fmt = Format(fmt_name)
    except ValueError:
        names = ", ".join(f.value for f in Format)
        raise TranscriptError(f"{source}: 'format' is {fmt_name!r}; use one of {names}") from None
    raw_turns = data.get("turns")
    if not isinstance(raw_turns, list):
        raise TranscriptError(f"{source}: 'turns' must be a list of turns")
    turns = [_turn(t, i, source) for i, t in enumerate(raw_turns)]
    said = sum(len(t.text) for t in turns if t.role is Role.CANDIDATE)
    if said > MAX_CANDIDATE_CHARS:
        raise TranscriptError(
            f"{source}: the candidate's turns hold {said:,} characters; the limit is "
            f"{MAX_CANDIDATE_CHARS:,}: grade the interview in parts"
        )
    try:
        level = parse_level(str(data.get("level", Level.SENIOR.value)))  # its error excerpts
    except ValueError as exc:
        raise TranscriptError(f"{source}: {exc}") from None
    return Transcript(question_id, fmt, tuple(turns), level)


def _turn(raw: Any, index: int, source: str) -> Turn:
    where = f"{source}: turns[{index}]"
    if not isinstance(raw, dict):
        raise TranscriptError(f"{where} must be an object with role, stage and text")
    try:
        role = Role(str(raw.get("role")))
    except ValueError:
        raise TranscriptError(f"{where}: 'role' must be 'interviewer' or 'candidate'") from None
    try:
        stage = Stage(str(raw.get("stage")))
    except ValueError:
        names = ", ".join(s.value for s in Stage)
        raise TranscriptError(f"{where}: 'stage' must be one of {names}") from None
    text = raw.get("text")
    if not isinstance(text, str):
        raise TranscriptError(f"{where}: 'text' must be a string")
    if len(text) > MAX_TURN_CHARS:
        raise TranscriptError(
            f"{where}: 'text' is {len(text):,} characters; the limit is {MAX_TURN_CHARS:,}, "
            "as for a live answer"
        )
    kind = raw.get("kind", "message")
    curveball_id = raw.get("curveball_id")
    author = raw.get("author")
    diagram = raw.get("diagram")
    fields = (("kind", kind), ("curveball_id", curveball_id), ("author", author))
    for name, value in (*fields, ("diagram", diagram)):
        if value is not None and not isinstance(value, str):
            raise TranscriptError(f"{where}: '{name}' must be a string")
    if role is Role.CANDIDATE:
        # Diagrams (interviewer/diagrams): read as a live answer is, so the file grades the same.
        text, diagram = _diagram(text, diagram, where)
    return Turn(
        role, stage, text, kind=kind, curveball_id=curveball_id, author=author, diagram=diagram
    )


def _diagram(text: str, diagram: str | None, where: str) -> tuple[str, str | None]:
    """A candidate turn's prose and diagram: the `diagram` field, or one drawn in the text."""
    if diagram is not None:
        found = extract(diagram)
        if found.problems or found.graph is None:
            problem = found.problems[0] if found.problems else "it holds no diagram"
            raise TranscriptError(f"{where}: 'diagram' cannot be read: {problem}")
        return text, found.source
    found = extract(text)
    return (found.prose, found.source) if found.source else (text, None)
