"""Scripted conversations with the offline interviewer: it reacts to meaning, not to words."""

from __future__ import annotations

import random

import pytest

from interviewer.bank import QuestionBank
from interviewer.commands import Command
from interviewer.core.stages import Format
from interviewer.core.text import count_questions, question_key
from interviewer.core.transcript import Role, TurnKind
from interviewer.offline.brain import OfflineBrain
from interviewer.offline.scorer import OfflineGrader
from interviewer.service import InterviewService, Who
from tests.clock import FakeClock
from tests.fakes import InMemoryRepository

ME = Who("terminal", "ann", "Ann")
HERE = "terminal:ann"


class Chat:
    """One interview driven through the real service, offline interviewer and clock."""

    def __init__(self, bank: QuestionBank) -> None:
        self.bank = bank
        self.clock = FakeClock()
        self.repo = InMemoryRepository()
        brain = OfflineBrain(bank)
        grader = OfflineGrader(bank)
        self.service = InterviewService(
            self.repo,
            bank,
            brain,
            grader,
            self.clock,
            rng=random.Random(3),
            fallback_brain=brain,
            fallback_grader=grader,
        )
        self.interview_id = 0

    async def start(self, problem: str, fmt: Format = Format.STANDARD, moves: int = 0) -> str:
        reply = await self.service.start(ME, HERE, problem, fmt)
        self.interview_id = reply.interview_id
        text = reply.messages[-1].text
        for _ in range(moves):
            text = await self.next()
        return text

    async def next(self) -> str:
        reply = await self.service.command(ME, HERE, Command.NEXT)
        return " ".join(m.text for m in reply.messages)

    async def say(self, text: str, wait: float = 30) -> str:
        self.clock.advance(wait)
        reply = await self.service.answer(ME, HERE, text)
        assert reply is not None
        for m in reply.messages:
            assert count_questions(m.text) <= 1, m.text  # one question per turn
        return " ".join(m.text for m in reply.messages)

    def interviewer_turns(self) -> list[str]:
        stored = self.repo.load(self.interview_id)
        assert stored is not None
        return [t.text for t in stored.turns if t.role is Role.INTERVIEWER]


@pytest.fixture
def chat(bank: QuestionBank) -> Chat:
    return Chat(bank)


def design_probes(bank: QuestionBank, problem: str) -> list[str]:
    """Every question that drills into a design: problem probes, concept and facet probes."""
    qs = [p.question for p in bank.problem(problem).probes]
    for c in bank.concepts:
        qs += [q for q in [c.probe, *c.facet_probes.values()] if q]
    return qs


async def test_a_function_word_collocation_triggers_no_probe(chat: Chat) -> None:
    await chat.start("model-serving", moves=2)  # the deep dive
    reply = await chat.say(
        "Each request stays on its GPU replica as long as the KV-cache memory allows, at least "
        "for the first version."
    )
    assert "“long”" not in reply and "“least”" not in reply
    assert "very long prompts" not in reply  # the probe keyed on the word "long"


async def test_no_design_probe_during_clarify(chat: Chat, bank: QuestionBank) -> None:
    await chat.start("model-serving")
    reply = await chat.say("Do we need batching, and how many users are there?")
    facts = {f.id: f.answer for f in bank.problem("model-serving").hidden_facts}
    assert facts["users"] in reply
    assert not any(q in reply for q in design_probes(bank, "model-serving")), reply
    reply = await chat.say("I'd use a Redis cache and an autoscaler on GPU utilisation.")
    assert not any(q in reply for q in design_probes(bank, "model-serving")), reply


async def test_no_question_about_a_facet_just_explained(chat: Chat, bank: QuestionBank) -> None:
    await chat.start("model-serving", moves=2)
    reply = await chat.say(
        "We autoscale the GPU replicas on queue depth rather than utilisation, and keep a warm "
        "pool of 15% spare replicas because loading the weights takes minutes."
    )
    autoscaling = next(c for c in bank.concepts if c.id == "autoscaling")
    assert autoscaling.probe and autoscaling.probe not in reply
    assert autoscaling.facet_probes["signal"] not in reply
    assert autoscaling.facet_probes["warm-up"] not in reply


async def test_a_noun_alone_gets_the_problems_own_probe_not_a_generic_one(
    chat: Chat, bank: QuestionBank
) -> None:
    await chat.start("url-shortener", moves=2)
    reply = await chat.say("We put a cache in front of the database.")
    caching = next(c for c in bank.concepts if c.id == "caching")
    assert not any(q in reply for q in [caching.probe, *caching.facet_probes.values()]), reply
    own = [p.question for p in bank.problem("url-shortener").probes]
    own += [p.question for pts in bank.problem("url-shortener").expected.values() for p in pts]
    assert any(q in reply for q in own), reply
    assert "“cache”" in reply or "You mentioned" not in reply  # a quote is the candidate's word


async def test_a_vague_answer_is_pressed_once(chat: Chat, bank: QuestionBank) -> None:
    await chat.start("model-serving", moves=1)  # high level
    presses = bank.phrases.press_vague if bank.phrases else []
    reply = await chat.say("it's basically like chatgpt, I think it would work fine.")
    assert any(p in reply for p in presses), reply
    reply = await chat.say("yeah, it should be fine, basically.")
    assert not any(p in reply for p in presses), reply  # pressed once, then moves on
    assert count_questions(reply) == 1


async def test_an_ignored_curveball_is_pressed_once(chat: Chat) -> None:
    await chat.start("model-serving", moves=2)  # deep dive: its curveball falls at half time
    chat.clock.advance(minutes=9)
    reply = await chat.say("Batches close after 10 ms or 32 requests, whichever comes first.")
    assert reply.startswith("New constraint"), reply  # the curveball, alone in its turn
    reply = await chat.say("Sure. Anyway, the batching part is fine as it is.")
    assert "Before we move on, back to the new constraint" in reply
    reply = await chat.say("I'd keep the same design.")
    assert "back to the new constraint" not in reply


async def test_an_adapted_curveball_is_acknowledged_in_the_candidates_terms(chat: Chat) -> None:
    await chat.start("model-serving", moves=2)
    chat.clock.advance(minutes=9)
    await chat.say("Batches close after 10 ms or 32 requests, whichever comes first.")
    reply = await chat.say(
        "We shed free-tier traffic first so paid users keep their latency, and autoscale on queue "
        "depth with a warm pool of spare replicas, because new GPUs take minutes to load."
    )
    # acknowledged with what the candidate actually said, not a list of concept names
    assert reply.startswith("Noted, for the new constraint: “We shed free-tier traffic first"), (
        reply
    )


async def test_policy_questions_are_answered(chat: Chat, bank: QuestionBank) -> None:
    facts = {f.id: f.answer for f in bank.problem("model-serving").hidden_facts}
    await chat.start("model-serving")
    reply = await chat.say("Do we need to comply with GDPR?")
    assert facts["retention"] in reply and "number" not in reply
    reply = await chat.say("Are there image inputs, or text only?")
    assert facts["modalities"] in reply
    reply = await chat.say("How is usage billed?")
    assert facts["billing"] in reply


async def test_a_question_with_no_fact_is_the_candidates_call(chat: Chat) -> None:
    await chat.start("model-serving")
    reply = await chat.say("What colour should the logo be?")
    assert "your call" in reply and "number" not in reply


async def test_several_facts_at_once_and_none_repeated(chat: Chat, bank: QuestionBank) -> None:
    facts = {f.id: f.answer for f in bank.problem("model-serving").hidden_facts}
    await chat.start("model-serving")
    reply = await chat.say("How many users do we have, and what latency target?")
    assert facts["users"] in reply and facts["latency"] in reply
    reply = await chat.say("How many users at peak, and which regions are they in?")
    # the users figure was given: asked again, it is given again as such, never as news
    assert facts["regions"] in reply and reply.count(facts["users"]) <= 1
    assert facts["users"] not in reply or f"As I said: {facts['users']}" in reply


async def test_the_async_format_asks_through_its_plan_without_repeating(chat: Chat) -> None:
    await chat.start("url-shortener", Format.ASYNC)
    answers = [
        "A POST /links API stores the mapping in a key-value store; GET /code redirects.",
        "Codes come from a counter, base62 encoded, with ranges handed out to each server.",
        "A Redis cache in front of the store holds the hottest links.",
        "Clicks go onto a queue and a batch job aggregates them per day and country.",
        "Five years of links is about 3 TB, so a sharded store by code is enough.",
        "I'd monitor redirect latency and error rates.",
    ]
    questions = []
    for answer in answers:
        reply = await chat.say(answer, wait=3600)
        assert "firm number" not in reply and "minute" not in reply and "time" not in reply
        assert count_questions(reply) == 1, reply
        questions.append(question_key(reply.rsplit(". ", 1)[-1]))
    assert len(set(questions)) == len(questions), questions
    moved = await chat.next()
    assert "close to time" not in moved and "minute" not in moved


async def test_a_drill_curveball_waits_for_the_open_question(chat: Chat) -> None:
    await chat.start("url-shortener", Format.DRILL, moves=2)  # trade-offs: its curveball is due
    tick = await chat.service.tick(chat.interview_id)
    assert not any(m.kind is TurnKind.CURVEBALL for m in tick.messages)  # a question is open
    reply = await chat.say("The counter is predictable, so codes can be guessed.")
    assert reply.startswith("New constraint") and count_questions(reply) == 1
    for text in chat.interviewer_turns():
        assert count_questions(text) <= 1, text


async def test_one_question_about_two_topics_gets_both_facts(
    chat: Chat, bank: QuestionBank
) -> None:
    facts = {f.id: f.answer for f in bank.problem("chatbot-api").hidden_facts}
    await chat.start("chatbot-api")
    reply = await chat.say("How many users, and do we need to comply with GDPR?")
    assert facts["users"] in reply and facts["retention"] in reply
