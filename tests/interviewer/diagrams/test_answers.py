"""Diagrams through the interview service and in transcript files."""

from __future__ import annotations

import json
import random

import pytest

from bot.chat.render import credit_lines
from interviewer.bank import QuestionBank, load_bank
from interviewer.commands import Command
from interviewer.core.rubric import Criterion
from interviewer.core.transcript import Role, Transcript
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


async def test_the_offline_interviewer_asks_about_the_diagram(bank: QuestionBank) -> None:
    svc, _ = service(bank)
    await svc.start(ALICE, HERE, "model-serving")
    await svc.command(ALICE, HERE, Command.NEXT)  # to the high-level design
    first = await svc.answer(ALICE, HERE, "client -> gateway -> router -> gpu pool")
    assert first is not None
    said = first.messages[-1].text
    assert "`client → gateway → router → gpu pool`" in said and "the one gateway" in said
    second = await svc.answer(
        ALICE, HERE, "The gateway is three replicas.\nclient -> gateway -> router -> gpu pool"
    )
    assert second is not None
    assert "the one router" in second.messages[-1].text  # the gateway was answered, and asked once
    third = await svc.answer(
        ALICE,
        HERE,
        "The router keeps two replicas too.\nclient -> gateway -> router -> tokenizer pool -> gpu pool",
    )
    assert third is not None
    assert (
        "Your diagram has tokenizer pool (`router → tokenizer pool → gpu pool`)"
        in third.messages[-1].text
    )


async def test_the_scorecard_quotes_diagram_paths_and_grades_the_same_from_a_file(
    bank: QuestionBank,
) -> None:
    svc, repo = service(bank)
    await svc.start(ALICE, HERE, "model-serving")
    await svc.answer(ALICE, HERE, "How many users, and what latency target?")
    await svc.command(ALICE, HERE, Command.NEXT)
    await svc.answer(
        ALICE,
        HERE,
        "The gateway checks API keys because abuse is expensive. The router sends each request "
        "to the GPU pool, which batches prompts to keep GPUs busy. Redis caches hot prompts so "
        "repeats skip the GPUs.\n"
        "client -> gateway -> router -> gpu pool\nrouter -> redis cache: lookup",
    )
    reply = await svc.command(ALICE, HERE, Command.END)
    card = reply.scorecard
    assert card is not None and card.diagram is not None
    assert card.diagram.splitlines()[0] == "The final design, version 1: 5 components, 4 arrows"
    evidence = [q for s in card.criteria.values() for q in s.evidence]
    assert "diagram: client → gateway → router → gpu pool" in evidence
    assert "Your diagram matched your prose" in card.criteria[Criterion.CLARITY].feedback

    stored = repo.load(reply.interview_id)
    assert stored is not None
    transcript = Transcript(stored.state.question_id, stored.state.format, tuple(stored.turns))
    again = await svc.grade_transcript(parse_transcript(json.dumps(transcript.to_dict())))
    assert again.to_dict() == card.to_dict()


async def test_a_design_along_credits_who_drew_which_boxes(bank: QuestionBank) -> None:
    svc, _ = service(bank)
    bob = Who("slack", "U2", "Bob")
    ada = Who("slack", "U1", "Ada")
    await svc.start(ada, "C1:1.0", "model-serving", group=True)
    await svc.answer(ada, "C1:1.0", "client -> gateway -> model server")
    reply = await svc.answer(
        bob, "C1:1.0", "I'd add a cache.\nclient -> gateway -> model server\ngateway -> cache"
    )
    assert reply is not None and reply.diagram is not None and reply.diagram.version == 2
    assert reply.diagram.author == "U2"
    ended = await svc.command(ada, "C1:1.0", Command.END)
    card = ended.scorecard
    assert card is not None and card.diagram is not None
    assert card.diagram.startswith("The final design, version 2")
    drew = {c.author: c.drew for c in card.contributors}
    assert drew == {"U1": ["client", "gateway", "model server"], "U2": ["cache"]}
    assert "drew cache" in "\n".join(credit_lines(card))


async def test_a_curveball_answer_is_checked_against_the_diagram(bank: QuestionBank) -> None:
    """A regional curveball answered in words while the diagram still shows one region."""
    regional = {"region-down", "data-center-down", "traffic-goes-global"}
    for seed in range(40):
        clock = FakeClock()
        repo = InMemoryRepository()
        svc = InterviewService(
            repo, bank, OfflineBrain(bank), OfflineGrader(bank), clock, rng=random.Random(seed)
        )
        started = await svc.start(ALICE, HERE, "model-serving")
        await svc.command(ALICE, HERE, Command.NEXT)
        await svc.answer(ALICE, HERE, "client -> gateway -> router -> gpu pool")
        await svc.command(ALICE, HERE, Command.NEXT)  # the deep dive, where curveballs come
        curveball = None
        for _ in range(40):
            clock.advance(30)
            await svc.tick(started.interview_id)
            stored = repo.load(started.interview_id)
            assert stored is not None
            curveball = next((t for t in stored.turns[::-1] if t.kind == "curveball"), None)
            if curveball is not None or stored.state.stage.value != "deep_dive":
                break
        if curveball is None or curveball.curveball_id not in regional:
            continue
        reply = await svc.answer(ALICE, HERE, "We would fail over to a standby in another region.")
        assert reply is not None
        assert "Your diagram still has one region" in reply.messages[-1].text
        return
    pytest.fail("no regional curveball came up in the deep dive")
