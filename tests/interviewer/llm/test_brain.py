"""The LLM interviewer with LangChain's fake chat model: guards, streaming, fallback, breaker."""

from __future__ import annotations

from collections.abc import Iterator

from langchain_core.language_models.fake_chat_models import GenericFakeChatModel
from langchain_core.messages import AIMessage

from interviewer.bank import QuestionBank
from interviewer.core.events import AskFollowUp, GiveHint, WarnTime
from interviewer.core.stages import Stage
from interviewer.core.text import count_questions, question_key
from interviewer.core.transcript import TurnKind
from interviewer.llm.brain import LLMBrain
from interviewer.llm.breaker import CircuitBreaker
from interviewer.offline.brain import OfflineBrain
from interviewer.ports import usage_key
from interviewer.replies import MODEL_FALLBACK_NOTICE as NOTICE
from tests.interviewer.llm.conftest import context

FOLLOW = AskFollowUp(Stage.HIGH_LEVEL)
SAID = ["Clients hit an API gateway that checks API keys, then a router picks a GPU server."]


class Script:
    """Replies for a fake model, counting calls; an exception in the list is raised."""

    def __init__(self, *replies: str | Exception) -> None:
        self.replies = list(replies)
        self.calls = 0

    def __iter__(self) -> Iterator[AIMessage]:
        return self

    def __next__(self) -> AIMessage:
        self.calls += 1
        reply = self.replies.pop(0) if len(self.replies) > 1 else self.replies[0]
        if isinstance(reply, Exception):
            raise reply
        return AIMessage(content=reply)


def brain_for(bank: QuestionBank, script: Script, **kw: object) -> LLMBrain:
    model = GenericFakeChatModel(messages=script)
    return LLMBrain(model, OfflineBrain(bank), model_name="fake:model", **kw)  # type: ignore[arg-type]


async def test_a_good_reply_streams_sentence_by_sentence(bank: QuestionBank) -> None:
    script = Script("Good, the gateway is a start. How does the router know which GPU is free?")
    brain = brain_for(bank, script)
    pieces: list[str] = []

    async def sink(text: str) -> None:
        pieces.append(text)

    u = await brain.speak(context(bank, SAID), FOLLOW, sink)
    assert pieces == [
        "Good, the gateway is a start.",
        " How does the router know which GPU is free?",
    ]
    assert u.text == "".join(pieces)
    assert u.kind is TurnKind.FOLLOW_UP
    assert u.question_key == question_key("How does the router know which GPU is free?")
    usage = brain.meter.total
    assert usage.calls == 1 and usage.prompt_tokens > 100 and usage.estimated


async def test_a_second_question_is_cut_off(bank: QuestionBank) -> None:
    brain = brain_for(
        bank, Script("What does the router track? And how big is each batch? Also why?")
    )
    u = await brain.speak(context(bank, SAID), FOLLOW)
    assert u.text == "What does the router track?"
    assert count_questions(u.text) == 1


async def test_a_leaked_solution_is_regenerated_once(bank: QuestionBank) -> None:
    script = Script(
        "You should use continuous batching on each GPU server.",
        "How would you keep the GPUs busy without long waits?",
    )
    brain = brain_for(bank, script)
    u = await brain.speak(context(bank, SAID), FOLLOW)
    assert script.calls == 2
    assert u.text == "How would you keep the GPUs busy without long waits?"
    assert brain.rejections == ["it hands the candidate a solution; ask, do not design"]


async def test_two_bad_drafts_give_the_offline_turn(bank: QuestionBank) -> None:
    script = Script("Assume 7 million requests per second. What breaks?")
    brain = brain_for(bank, script)
    ctx = context(bank, SAID)
    u = await brain.speak(ctx, FOLLOW)
    assert script.calls == 2
    # Two unusable drafts are a model failure like any other: the candidate is told (once).
    assert u.text == f"{NOTICE}\n\n{OfflineBrain(bank).utter(ctx, FOLLOW).text}"


async def test_a_repeated_question_is_rejected(bank: QuestionBank) -> None:
    q = "How do requests find a model server that has room for them?"
    script = Script(q, "What happens to a request when every GPU is busy?")
    brain = brain_for(bank, script)
    u = await brain.speak(context(bank, SAID, asked=[question_key(q)]), FOLLOW)
    assert u.text == "What happens to a request when every GPU is busy?"
    assert "repeats" in brain.rejections[0]


async def test_a_bad_sentence_after_released_text_is_finished_offline(bank: QuestionBank) -> None:
    brain = brain_for(bank, Script("Nice start on the gateway. I would use Redis here. Right?"))
    seen: list[str] = []

    async def sink(text: str) -> None:
        seen.append(text)

    u = await brain.speak(context(bank, SAID), FOLLOW, sink)
    assert u.text.startswith("Nice start on the gateway. ")
    assert "Redis" not in u.text
    assert count_questions(u.text) == 1 and u.text.endswith("?")
    assert "".join(seen) == u.text  # what was shown is exactly what is stored


async def test_an_outage_falls_back_with_one_notice_and_opens_the_breaker(
    bank: QuestionBank,
) -> None:
    script = Script(TimeoutError("model down"))
    now = [0.0]
    breaker = CircuitBreaker(threshold=2, cooldown_seconds=60, clock=lambda: now[0])
    brain = brain_for(bank, script, breaker=breaker)
    ctx = context(bank, SAID)
    first = await brain.speak(ctx, FOLLOW)
    second = await brain.speak(ctx, FOLLOW)
    assert first.text.startswith(NOTICE) and NOTICE not in second.text
    assert script.calls == 2 and brain.degraded
    await brain.speak(ctx, FOLLOW)
    assert script.calls == 2  # open: the dead provider is not called
    now[0] = 61
    script.replies = ["Back again. What does the router track?"]
    u = await brain.speak(ctx, FOLLOW)
    assert script.calls == 3 and u.text == "Back again. What does the router track?"
    assert not brain.degraded
    assert brain.meter.get(usage_key(ctx.interview_id)).fallbacks == 3


async def test_fixed_texts_never_call_the_model(bank: QuestionBank) -> None:
    script = Script("should not be used")
    brain = brain_for(bank, script)
    u = await brain.speak(context(bank, SAID), WarnTime(Stage.HIGH_LEVEL, 120))
    assert script.calls == 0 and u.kind is TurnKind.TIME_WARNING


async def test_a_hint_needs_no_question_and_empty_text_is_garbage(bank: QuestionBank) -> None:
    brain = brain_for(bank, Script("Think about what happens when every GPU is busy."))
    u = await brain.speak(context(bank, SAID), GiveHint(Stage.HIGH_LEVEL))
    assert u.kind is TurnKind.HINT and u.text.startswith("Think about")
    empty = brain_for(bank, Script("   "))
    u = await empty.speak(context(bank, SAID), FOLLOW)
    offline = OfflineBrain(bank).utter(context(bank, SAID), FOLLOW).text
    assert u.text == f"{NOTICE}\n\n{offline}"  # garbage is a failure: the candidate is told
    assert empty.rejections == ["it is empty", "it is empty"]


async def test_a_pushback_turn_is_marked_and_keyed_by_its_misconception(bank: QuestionBank) -> None:
    said = ["Read replicas absorb the writes as traffic grows, so the database scales."]
    brain = brain_for(
        bank, Script("You said replicas absorb writes. Where does write capacity come from?")
    )
    u = await brain.speak(context(bank, said), FOLLOW)
    (hit,) = bank.misconceptions.find("model-serving", said[0])  # the claim's own entry
    entry = hit.misconception
    assert entry.id == "read-replicas-scale-writes"
    assert u.kind is TurnKind.PUSHBACK
    assert u.question_key == question_key(entry.pushback)
