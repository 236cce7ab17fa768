"""Transcript fixtures and builders for the offline grader's tests."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import replace
from pathlib import Path

from interviewer.core.stages import Format, Stage
from interviewer.core.transcript import Role, Transcript, Turn, TurnKind
from interviewer.transcript_file import read_transcript

FIXTURES = Path(__file__).resolve().parent / "fixtures"


def fixture(name: str) -> Transcript:
    """A transcript from tests/interviewer/offline/fixtures/<name>.json."""
    return read_transcript(FIXTURES / f"{name}.json")


def all_fixtures() -> dict[str, Transcript]:
    """Every fixture transcript by name."""
    return {p.stem: read_transcript(p) for p in sorted(FIXTURES.glob("*.json"))}


def map_candidate(transcript: Transcript, change: Callable[[str], str]) -> Transcript:
    """The transcript with every candidate turn's text rewritten."""
    turns = tuple(
        replace(t, text=change(t.text)) if t.role is Role.CANDIDATE else t for t in transcript.turns
    )
    return replace(transcript, turns=turns)


def with_turns(transcript: Transcript, extra: Iterable[Turn]) -> Transcript:
    """The transcript with turns appended."""
    return replace(transcript, turns=(*transcript.turns, *extra))


def candidate(stage: Stage, text: str) -> Turn:
    """A candidate turn."""
    return Turn(Role.CANDIDATE, stage, text)


def interviewer(
    stage: Stage, text: str, kind: TurnKind = TurnKind.MESSAGE, cb: str | None = None
) -> Turn:
    """An interviewer turn (a curveball when `cb` names one)."""
    return Turn(Role.INTERVIEWER, stage, text, kind=kind.value, curveball_id=cb)


def build(question_id: str, *turns: Turn, fmt: Format = Format.STANDARD) -> Transcript:
    """A transcript from turns."""
    return Transcript(question_id, fmt, tuple(turns))


def up_to_curveball(transcript: Transcript) -> Transcript:
    """The transcript cut just after its first curveball."""
    for i, t in enumerate(transcript.turns):
        if t.kind == TurnKind.CURVEBALL.value:
            return replace(transcript, turns=transcript.turns[: i + 1])
    raise AssertionError("the transcript has no curveball")
