"""Diagrams through the interview service and in transcript files."""

from __future__ import annotations

import random

import pytest

from interviewer.bank import QuestionBank, load_bank
from interviewer.core.transcript import Role
from interviewer.offline.brain import OfflineBrain
from interviewer.offline.scorer import OfflineGrader
from interviewer.service import InterviewService, Who
from interviewer.transcript_file import TranscriptError, parse_transcript
from tests.clock import FakeClock
from tests.fakes import InMemoryRepository

ALICE = Who("terminal", "alice", "Alice")
HERE = "terminal:alice"


@pytest.fixture(scope="module")
def bank() -> QuestionBank:
    return load_bank()


def service(bank: QuestionBank) -> tuple[InterviewService, InMemoryRepository]:
    repo = InMemoryRepository()
    svc = InterviewService(
        repo, bank, OfflineBrain(bank), OfflineGrader(bank), FakeClock(), rng=random.Random(3)
    )
    return svc, repo


async def test_a_diagram_is_kept_with_its_turn_and_shown_back(bank: QuestionBank) -> None:
    svc, repo = service(bank)
    await svc.start(ALICE, HERE, "model-serving")
    reply = await svc.answer(
        ALICE, HERE, "Here is the path.\nclient -> gateway -> router -> gpu pool\nrouter -> cache"
    )
    assert reply is not None and reply.diagram is not None and reply.notices == ()
    assert reply.diagram.version == 1
    assert reply.diagram.title == "Your design, version 1: 5 components, 4 arrows"
    assert reply.diagram.graph.node("gateway").kind == "gateway"
    stored = repo.load(reply.interview_id)
    assert stored is not None
    last = [t for t in stored.turns if t.role is Role.CANDIDATE][-1]
    assert last.text == "Here is the path."
    assert last.diagram == "client -> gateway -> router -> gpu pool\nrouter -> cache"
    again = await svc.answer(ALICE, HERE, "```mermaid\ngraph TD\nA[Client] --> B[LB]\n```")
    assert again is not None and again.diagram is not None and again.diagram.version == 2


async def test_a_malformed_diagram_gets_a_message_and_the_answer_is_kept(
    bank: QuestionBank,
) -> None:
    svc, repo = service(bank)
    await svc.start(ALICE, HERE, "model-serving")
    text = "We shard by user.\nclient -> -> gateway"
    reply = await svc.answer(ALICE, HERE, text)
    assert reply is not None and reply.diagram is None
    assert reply.notices[0].startswith("Your diagram was not taken: line 2: expected a component")
    assert reply.messages  # the interviewer still answered
    stored = repo.load(reply.interview_id)
    assert stored is not None
    assert [t.text for t in stored.turns if t.role is Role.CANDIDATE][-1] == text


def test_transcript_files_carry_diagrams_in_a_field_or_in_the_text() -> None:
    raw = """{"question_id": "model-serving", "turns": [
      {"role": "candidate", "stage": "high_level", "text": "Path:", "diagram": "a -> b"},
      {"role": "candidate", "stage": "high_level", "text": "Then\\nb -> c -> d"}]}"""
    t = parse_transcript(raw)
    assert [(x.text, x.diagram) for x in t.turns] == [("Path:", "a -> b"), ("Then", "b -> c -> d")]
    assert t.turns[0].to_dict()["diagram"] == "a -> b"
    bad = raw.replace('"a -> b"', '"a -> -> b"')
    with pytest.raises(TranscriptError, match=r"turns\[0\]: 'diagram' cannot be read"):
        parse_transcript(bad)
