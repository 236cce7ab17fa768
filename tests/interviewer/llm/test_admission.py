"""Admission control: past the bounded queue, a member is told to resend and loses nothing."""

from __future__ import annotations

import asyncio

import pytest

from interviewer.admission import Admission
from interviewer.bank import QuestionBank
from interviewer.core.stages import Format
from interviewer.core.transcript import Role
from interviewer.llm.brain import LLMBrain
from interviewer.llm.factory import make_chat_model
from interviewer.offline.brain import OfflineBrain
from interviewer.offline.scorer import OfflineGrader
from interviewer.replies import Overloaded
from interviewer.service import InterviewService, Who
from tests.clock import FakeClock
from tests.fakes import InMemoryRepository
from tests.interviewer.llm.openai_server import FakeOpenAIServer
from tests.support import wait_until

MEMBERS = [Who("slack", f"U{n}", f"member {n}") for n in range(4)]


def candidate_texts(repo: InMemoryRepository, service: InterviewService, who: Who) -> list[str]:
    stored = service.current(who, f"dm-{who.user_id}")
    assert stored is not None
    return [t.text for t in stored.turns if t.role is Role.CANDIDATE]


async def test_past_the_queue_a_member_is_told_to_resend_and_nothing_is_lost(
    server: FakeOpenAIServer, bank: QuestionBank
) -> None:
    model = make_chat_model("openai:fake-model", base_url=server.url, timeout=30, max_retries=0)
    brain = LLMBrain(model, OfflineBrain(bank), model_name="openai:fake-model")
    repo = InMemoryRepository()
    admission = Admission(capacity=2, queue=1)
    service = InterviewService(
        repo, bank, brain, OfflineGrader(bank), FakeClock(), admission=admission
    )
    for who in MEMBERS:
        await service.start(who, f"dm-{who.user_id}", "model-serving", Format.STANDARD)

    server.hold()  # the model turns slow: two answers at work, one waiting, fill the bound
    working = [
        asyncio.create_task(service.answer(who, f"dm-{who.user_id}", f"answer of {who.user_id}"))
        for who in MEMBERS[:3]
    ]
    await wait_until(lambda: server.held == 2 and admission.waiting == 1, "the bound full")

    late = MEMBERS[3]
    with pytest.raises(Overloaded) as refused:
        await service.answer(late, f"dm-{late.user_id}", "my late answer")
    message = str(refused.value)
    assert "not recorded" in message and "send it again in about" in message
    assert "\n" not in message  # one line
    assert candidate_texts(repo, service, late) == []  # nothing half-stored
    assert admission.refused == 1

    server.open_gate()
    replies = await asyncio.gather(*working)
    for who, reply in zip(MEMBERS[:3], replies, strict=True):
        assert reply is not None and reply.messages  # every admitted answer got its reply
        assert candidate_texts(repo, service, who) == [f"answer of {who.user_id}"]
    assert admission.working == 0 and admission.waiting == 0

    # Sent again as told, the late answer is taken once and answered.
    reply = await service.answer(late, f"dm-{late.user_id}", "my late answer")
    assert reply is not None and reply.messages
    assert candidate_texts(repo, service, late) == ["my late answer"]


async def test_a_refused_answer_does_not_take_a_slot() -> None:
    admission = Admission(capacity=1, queue=0)
    async with admission.slot():
        with pytest.raises(Overloaded):
            async with admission.slot():
                pass
        assert admission.working == 1 and admission.waiting == 0
    async with admission.slot():  # free again once the first is done
        assert admission.working == 1


async def test_cancelled_answers_give_back_their_slot_and_their_place_in_the_queue() -> None:
    admission = Admission(capacity=1, queue=1)
    held = asyncio.Event()

    async def take() -> None:
        async with admission.slot():
            held.set()
            await asyncio.Event().wait()

    working = asyncio.create_task(take())
    await held.wait()
    waiting = asyncio.create_task(take())
    await wait_until(lambda: admission.waiting == 1)
    waiting.cancel()  # a member's answer cancelled while in the queue
    working.cancel()  # and one cancelled at work
    await asyncio.gather(working, waiting, return_exceptions=True)
    assert admission.working == 0 and admission.waiting == 0
    held.clear()
    again = asyncio.create_task(take())
    await held.wait()  # the slot is free again
    assert admission.working == 1
    again.cancel()
    await asyncio.gather(again, return_exceptions=True)
    assert admission.working == 0
