"""The interview service end to end with the LLM brain, including a provider outage."""

from __future__ import annotations

import random
from collections.abc import Iterator

from langchain_core.language_models.fake_chat_models import GenericFakeChatModel
from langchain_core.messages import AIMessage

from interviewer.bank import QuestionBank
from interviewer.commands import Command
from interviewer.core.stages import Format
from interviewer.core.text import count_questions
from interviewer.llm.brain import LLMBrain
from interviewer.offline.brain import OfflineBrain
from interviewer.offline.scorer import OfflineGrader
from interviewer.replies import MODEL_FALLBACK_NOTICE as NOTICE
from interviewer.service import InterviewService, Who
from tests.clock import FakeClock
from tests.fakes import InMemoryRepository

ADA = Who("terminal", "ada", "Ada")


QUESTIONS = [
    "Noted. Which part of the request path holds state?",
    "Fair. What does the router track about each GPU server?",
    "Right. Where would a burst of traffic queue up?",
]


class Replies:
    """Distinct questions while the provider is up; a connection error while it is down."""

    def __init__(self) -> None:
        self.up = True
        self.calls = 0

    def __iter__(self) -> Iterator[AIMessage]:
        return self

    def __next__(self) -> AIMessage:
        self.calls += 1
        if not self.up:
            raise ConnectionError("provider down")
        return AIMessage(content=QUESTIONS[(self.calls - 1) % len(QUESTIONS)])


async def test_the_interview_goes_on_through_an_outage(bank: QuestionBank) -> None:
    script = Replies()
    offline = OfflineBrain(bank)
    llm = LLMBrain(GenericFakeChatModel(messages=script), offline, model_name="fake")
    clock = FakeClock()
    grader = OfflineGrader(bank)
    service = InterviewService(
        InMemoryRepository(),
        bank,
        llm,
        grader,
        clock,
        fallback_brain=offline,
        fallback_grader=grader,
        rng=random.Random(3),
    )
    await service.start(ADA, "t", "model-serving", Format.STANDARD)
    await service.command(ADA, "t", Command.NEXT)
    texts = []
    for i in range(6):
        script.up = i < 2
        clock.advance(30)
        reply = await service.answer(ADA, "t", "A gateway then a router over GPU model servers.")
        texts.extend(m.text for m in reply.messages)
    assert sum(NOTICE in t for t in texts) == 1
    assert all(count_questions(t) <= 1 for t in texts)
    assert texts[0] in QUESTIONS and texts[1] in QUESTIONS
    assert llm.meter.total.fallbacks == 4
    assert script.calls == 1 + 2 + 3  # /next, two good turns, then 3 failures open the breaker


async def test_token_use_is_stored_per_interview(bank: QuestionBank) -> None:
    script = Replies()
    offline = OfflineBrain(bank)
    llm = LLMBrain(GenericFakeChatModel(messages=script), offline, model_name="fake")
    repo = InMemoryRepository()
    grader = OfflineGrader(bank)
    service = InterviewService(
        repo, bank, llm, grader, FakeClock(), fallback_brain=offline, rng=random.Random(3)
    )
    first = await service.start(ADA, "t1", "model-serving")
    second = await service.start(Who("terminal", "bob"), "t2", "chatbot-api")
    await service.command(ADA, "t1", Command.NEXT)
    await service.answer(ADA, "t1", "A gateway then a router over GPU model servers.")
    used = repo.usage[first.interview_id]
    assert used[0] > 100 and used[1] > 0  # prompt and completion tokens, counted
    assert second.interview_id not in repo.usage  # nothing spoken by the model there yet
    before = used
    await service.answer(ADA, "t1", "Requests queue at the router when GPUs are busy.")
    after = repo.usage[first.interview_id]
    assert after[0] > before[0]  # added up, not replaced
