"""The interview service end to end with the offline interviewer and a controllable clock."""

from __future__ import annotations

import random
import re

import pytest

from interviewer.bank import QuestionBank, load_bank
from interviewer.commands import Command
from interviewer.core.events import Action
from interviewer.core.rubric import Criterion, Scorecard
from interviewer.core.stages import Format, Stage
from interviewer.core.text import count_questions, question_key
from interviewer.core.transcript import Role, Transcript, TurnKind
from interviewer.offline.brain import OfflineBrain
from interviewer.offline.scorer import OfflineGrader
from interviewer.ports import DeltaSink, StoredInterview, TurnContext, Utterance
from interviewer.service import (
    AlreadyRunning,
    BadMessage,
    InterviewService,
    NoInterview,
    NotYourInterview,
    Who,
)
from tests.clock import FakeClock
from tests.fakes import InMemoryRepository

ALICE = Who("terminal", "alice", "Alice")
BOB = Who("terminal", "bob", "Bob")
HERE = "terminal:alice"


@pytest.fixture(scope="module")
def bank() -> QuestionBank:
    return load_bank()


class FailingBrain:
    """A brain whose every call fails, like a dead model provider."""

    name = "failing"

    def __init__(self) -> None:
        self.calls = 0

    async def speak(
        self, ctx: TurnContext, action: Action, on_delta: DeltaSink | None = None
    ) -> Utterance:
        self.calls += 1
        raise TimeoutError("the model did not answer")


class FailingGrader:
    name = "failing"

    async def grade(self, transcript: Transcript, problem: object) -> Scorecard:
        raise ConnectionError("down")


def make_service(
    bank: QuestionBank, clock: FakeClock, repo: InMemoryRepository | None = None, **kw: object
) -> tuple[InterviewService, InMemoryRepository]:
    repo = repo or InMemoryRepository()
    offline = OfflineBrain(bank)
    grader = OfflineGrader(bank)
    options: dict[str, object] = {"fallback_brain": offline, "fallback_grader": grader}
    options.update(kw)
    brain = options.pop("brain", offline)
    grader_used = options.pop("grader", grader)
    service = InterviewService(
        repo,
        bank,
        brain,
        grader_used,
        clock,
        rng=random.Random(3),
        **options,  # type: ignore[arg-type]
    )
    return service, repo


STRONG_ANSWERS = {
    Stage.CLARIFY: [
        "How many users do we expect, and what is the peak QPS?",
        "What latency target do we have for the first token?",
    ],
    Stage.HIGH_LEVEL: [
        "Clients call an API gateway that does authentication with API keys and rate limiting, "
        "because abuse would burn GPU time. Behind it a router load balances requests across GPU "
        "model servers, each holding a replica of the model.",
        "When every GPU is busy, requests wait in a queue with admission control so that bursts "
        "do not overload the servers. Tokens stream back to the client over server-sent events.",
    ],
    Stage.DEEP_DIVE: [
        "On each GPU server I would use continuous batching: requests join the running batch at "
        "token boundaries, so throughput goes up without making short requests wait for long ones.",
        "We autoscale on queue depth rather than CPU, because loading 400 GB of weights takes "
        "minutes, so we keep a warm pool of spare replicas.",
    ],
    Stage.TRADEOFFS: [
        "Larger batches raise throughput and cut cost per token, but they add latency, so I cap "
        "the batch size to hold the 500 ms time-to-first-token target.",
    ],
    Stage.WRAP_UP: [
        "To summarise: gateway, router, batched GPU servers, autoscaling on queue depth. Next I "
        "would improve monitoring of p99 latency and GPU utilisation, and cut cost with caching.",
    ],
}


async def test_a_full_interview_walks_every_stage_and_ends_with_a_scorecard(
    bank: QuestionBank,
) -> None:
    clock = FakeClock()
    service, repo = make_service(bank, clock)
    reply = await service.start(ALICE, HERE, "model-serving", Format.STANDARD)
    assert reply.messages[0].kind is TurnKind.OPENING
    assert bank.problem("model-serving").prompt in reply.messages[0].text
    interview_id = reply.interview_id

    kinds_seen: set[TurnKind] = set()
    for stage in (Stage.CLARIFY, Stage.HIGH_LEVEL, Stage.DEEP_DIVE, Stage.TRADEOFFS, Stage.WRAP_UP):
        for answer in STRONG_ANSWERS[stage]:
            clock.advance(60)
            reply = await service.answer(ALICE, HERE, answer)
            kinds_seen |= {m.kind for m in reply.messages}
        # let the clock run the stage out: warning, curveballs, then the move
        for _ in range(40):
            stored = repo.load(interview_id)
            assert stored is not None
            if stored.state.stage is not stage or not stored.state.active:
                break
            clock.advance(30)
            reply = await service.tick(interview_id)
            kinds_seen |= {m.kind for m in reply.messages}
            if any(m.kind is TurnKind.CURVEBALL for m in reply.messages):
                clock.advance(20)
                await service.answer(
                    ALICE,
                    HERE,
                    "I would autoscale the GPU replicas and shard traffic across regions.",
                )
    stored = repo.load(interview_id)
    assert stored is not None and not stored.state.active and stored.state.end_reason == "time"
    assert stored.scorecard is not None
    assert {TurnKind.TIME_WARNING, TurnKind.STAGE_INTRO, TurnKind.CURVEBALL} <= kinds_seen
    # every stage had turns, in order
    stages = [t.stage for t in stored.turns]
    assert [s for i, s in enumerate(stages) if i == 0 or s != stages[i - 1]] == [
        Stage.CLARIFY,
        Stage.HIGH_LEVEL,
        Stage.DEEP_DIVE,
        Stage.TRADEOFFS,
        Stage.WRAP_UP,
    ]
    interviewer = [t for t in stored.turns if t.role is Role.INTERVIEWER]
    # one question per turn, and no question asked twice
    assert all(count_questions(t.text) <= 1 for t in interviewer)
    questions = [question_key(q) for t in interviewer for q in re.findall(r"[^.!?]*\?", t.text)]
    assert len(questions) == len(set(questions)), questions
    # replies to the curveballs put to the candidate were kept on the state (one the candidate
    # had already handled is acknowledged instead of thrown, and has no reply of its own)
    thrown = {t.curveball_id for t in interviewer if t.kind == TurnKind.CURVEBALL}
    assert thrown
    assert all(c.response for c in stored.state.curveballs if c.curveball_id in thrown)
    assert service.history(ALICE)[0].overall == stored.scorecard.overall


async def test_a_clarifying_question_gets_the_hidden_fact_and_no_design(bank: QuestionBank) -> None:
    clock = FakeClock()
    service, _ = make_service(bank, clock)
    await service.start(ALICE, HERE, "model-serving")
    reply = await service.answer(ALICE, HERE, "What latency target do we have?")
    text = reply.messages[0].text
    facts = {f.id: f.answer for f in bank.problem("model-serving").hidden_facts}
    assert facts["latency"] in text
    assert facts["users"] not in text  # only what was asked is revealed
    assert reply.messages[0].kind is TurnKind.CLARIFICATION


async def test_follow_up_is_grounded_in_what_the_candidate_wrote(bank: QuestionBank) -> None:
    clock = FakeClock()
    service, _ = make_service(bank, clock)
    await service.start(ALICE, HERE, "model-serving")
    await service.command(ALICE, HERE, Command.NEXT)
    await service.command(ALICE, HERE, Command.NEXT)  # deep dive
    said = "A router in front of the GPU replicas sends each request to one of them."
    reply = (await service.answer(ALICE, HERE, said)).messages[0].text
    # the problem's own probe on what was said, its lead quoting the candidate's words
    probes = [p.question for p in bank.problem("model-serving").probes]
    assert any(q in reply for q in probes), reply
    quoted = re.findall(r"“([^”]+)”", reply)
    assert quoted and all(q in said for q in quoted), reply


async def test_a_second_start_is_refused_and_loses_nothing(bank: QuestionBank) -> None:
    clock = FakeClock()
    service, repo = make_service(bank, clock)
    first = await service.start(ALICE, HERE, "chatbot-api")
    await service.answer(ALICE, HERE, "How many users?")
    before = repo.load(first.interview_id)
    with pytest.raises(AlreadyRunning, match="already have an interview running"):
        await service.start(ALICE, HERE, "model-serving")
    assert repo.load(first.interview_id) == before
    assert len(repo.interviews) == 1


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "empty"),
        ("   \n\t ", "empty"),
        ("\u200b\x00\x07", "empty"),
        ("x" * 8001, "8,001 characters"),
    ],
)
async def test_empty_and_huge_messages_are_refused_and_nothing_is_recorded(
    bank: QuestionBank, text: str, message: str
) -> None:
    clock = FakeClock()
    service, repo = make_service(bank, clock)
    reply = await service.start(ALICE, HERE, "chatbot-api")
    before = repo.load(reply.interview_id)
    with pytest.raises(BadMessage, match=message):
        await service.answer(ALICE, HERE, text)
    assert repo.load(reply.interview_id) == before


async def test_odd_unicode_is_kept_as_written(bank: QuestionBank) -> None:
    clock = FakeClock()
    service, repo = make_service(bank, clock)
    reply = await service.start(ALICE, HERE, "chatbot-api")
    text = "Shard by user 🚀, caché in עברית and 中文 — e\u0301"
    await service.answer(ALICE, HERE, text)
    stored = repo.load(reply.interview_id)
    assert stored is not None
    candidate = [t.text for t in stored.turns if t.role is Role.CANDIDATE]
    assert candidate == ["Shard by user 🚀, caché in עברית and 中文 — é"]


async def test_one_user_cannot_touch_another_users_interview(bank: QuestionBank) -> None:
    clock = FakeClock()
    service, repo = make_service(bank, clock)
    reply = await service.start(ALICE, HERE, "chatbot-api")
    before = repo.load(reply.interview_id)
    # in Alice's conversation Bob is an observer: his words are not answers
    assert await service.answer(BOB, HERE, "ignore alice, I'm answering now") is None
    with pytest.raises(NotYourInterview, match="not your interview"):
        await service.command(BOB, HERE, Command.END)
    with pytest.raises(NotYourInterview):
        await service.command(BOB, HERE, Command.NEXT, interview_id=reply.interview_id)
    # and from his own conversation he cannot reach it either
    with pytest.raises(NoInterview):
        await service.answer(BOB, "terminal:bob", "hello")
    with pytest.raises(NoInterview):
        await service.command(BOB, "terminal:bob", Command.END, interview_id=reply.interview_id)
    with pytest.raises(AlreadyRunning, match="Someone else's interview"):
        await service.start(BOB, HERE, "chatbot-api")
    assert repo.load(reply.interview_id) == before
    assert service.history(BOB) == []


async def test_a_design_along_takes_everyones_answers_and_credits_authors(
    bank: QuestionBank,
) -> None:
    clock = FakeClock()
    service, repo = make_service(bank, clock)
    thread = "C42:1700000000.0001"
    reply = await service.start(ALICE, thread, "chatbot-api", group=True)
    assert await service.answer(ALICE, thread, "How many users?") is not None
    assert await service.answer(BOB, thread, "What latency target?") is not None
    await service.command(BOB, thread, Command.NEXT)
    stored = repo.load(reply.interview_id)
    assert stored is not None
    authors = [t.author for t in stored.turns if t.role is Role.CANDIDATE]
    assert authors == ["alice", "bob"]  # platform user ids: stable across renames
    assert stored.state.stage is Stage.HIGH_LEVEL
    await service.answer(BOB, thread, STRONG_ANSWERS[Stage.HIGH_LEVEL][0])
    await service.answer(BOB, thread, STRONG_ANSWERS[Stage.HIGH_LEVEL][1])
    ended = await service.command(ALICE, thread, Command.END)
    card = ended.scorecard
    assert card is not None
    credit = {c.author: c for c in card.contributors}
    assert set(credit) == {"alice", "bob"}
    assert (credit["alice"].messages, credit["bob"].messages) == (1, 3)
    # Bob designed; Alice asked one question: the credit follows what each wrote
    assert credit["bob"].overall > credit["alice"].overall
    assert card.contributors[0].author == "bob" and credit["bob"].strengths


async def test_a_repeated_delivery_is_answered_once(bank: QuestionBank) -> None:
    clock = FakeClock()
    service, repo = make_service(bank, clock)
    reply = await service.start(ALICE, HERE, "chatbot-api")
    first = await service.answer(ALICE, HERE, "How many users?", event_key="Ev1")
    again = await service.answer(ALICE, HERE, "How many users?", event_key="Ev1")
    assert first is not None and again is None
    stored = repo.load(reply.interview_id)
    assert stored is not None
    assert [t.text for t in stored.turns if t.role is Role.CANDIDATE] == ["How many users?"]


async def test_tick_due_delivers_what_the_clock_says_to_each_conversation(
    bank: QuestionBank,
) -> None:
    clock = FakeClock()
    service, _ = make_service(bank, clock)
    await service.start(ALICE, "D-alice", "chatbot-api")
    await service.start(BOB, "D-bob", "model-serving", Format.DRILL)
    assert await service.tick_due() == []
    clock.advance(2 * 60)  # the drill's 2-minute clarify is spent; standard's is at 40%
    replies = await service.tick_due()
    assert [(r.channel, r.messages[0].kind) for r in replies] == [("D-bob", TurnKind.STAGE_INTRO)]
    clock.advance(2 * 60 + 1)  # standard's clarify passes 80%
    replies = await service.tick_due()
    assert [(r.channel, r.messages[0].kind) for r in replies] == [
        ("D-alice", TurnKind.TIME_WARNING)
    ]


async def test_the_reply_streams_to_the_sink(bank: QuestionBank) -> None:
    clock = FakeClock()
    service, _ = make_service(bank, clock)
    await service.start(ALICE, HERE, "model-serving")
    pieces: list[str] = []

    async def sink(piece: str) -> None:
        pieces.append(piece)

    reply = await service.answer(ALICE, HERE, "How many users?", on_delta=sink)
    assert reply is not None
    assert "".join(pieces) == reply.messages[0].text


async def test_a_failing_brain_hands_the_turn_to_the_offline_interviewer(
    bank: QuestionBank,
) -> None:
    clock = FakeClock()
    failing = FailingBrain()
    service, repo = make_service(bank, clock, brain=failing)
    reply = await service.start(ALICE, HERE, "model-serving")
    reply = await service.answer(ALICE, HERE, "How many users are there?")
    assert failing.calls == 2
    assert "20 million" in reply.messages[0].text
    stored = repo.load(reply.interview_id)
    assert stored is not None and stored.state.active and len(stored.turns) == 3


async def test_a_failing_grader_falls_back_to_the_offline_scorer(bank: QuestionBank) -> None:
    clock = FakeClock()
    service, _ = make_service(bank, clock, grader=FailingGrader())
    await service.start(ALICE, HERE, "model-serving")
    await service.answer(ALICE, HERE, STRONG_ANSWERS[Stage.HIGH_LEVEL][0])
    reply = await service.command(ALICE, HERE, Command.END)
    card = reply.scorecard
    assert card is not None and card.grader == "offline"
    assert any("AI grader (failing) gave no usable scorecard" in n for n in card.notes)
    assert set(card.criteria) == set(Criterion)


async def test_resume_repeats_the_last_question_and_pauses_the_clock(bank: QuestionBank) -> None:
    clock = FakeClock()
    repo = InMemoryRepository()
    service, _ = make_service(bank, clock, repo)
    await service.start(ALICE, HERE, "model-serving")
    reply = await service.answer(ALICE, HERE, "What latency target?")
    last = reply.messages[-1].text
    clock.advance(minutes=90)  # the process died and came back much later
    restarted, _ = make_service(bank, clock, repo)
    resumed = await restarted.resume(ALICE, HERE)
    assert resumed.messages[-1].text == last
    stored = repo.load(resumed.interview_id)
    assert stored is not None and stored.state.active and stored.state.stage is Stage.CLARIFY
    assert stored.state.stage_seconds_left(clock()) == 300


async def test_hints_differ_and_never_repeat(bank: QuestionBank) -> None:
    clock = FakeClock()
    service, _ = make_service(bank, clock)
    await service.start(ALICE, HERE, "model-serving")
    await service.command(ALICE, HERE, Command.NEXT)
    hints = [(await service.command(ALICE, HERE, Command.HINT)).messages[0].text for _ in range(3)]
    problem_hints = bank.problem("model-serving").hints[Stage.HIGH_LEVEL]
    assert hints[0].endswith(problem_hints[0]) and hints[1].endswith(problem_hints[1])
    assert "No more hints" in hints[2]


async def test_time_left_is_reported(bank: QuestionBank) -> None:
    clock = FakeClock()
    service, _ = make_service(bank, clock)
    await service.start(ALICE, HERE, "model-serving")
    clock.advance(90)
    reply = await service.command(ALICE, HERE, Command.TIME)
    assert reply.messages[0].kind is TurnKind.TIME_LEFT
    assert "about 4 minutes left in the clarify" in reply.messages[0].text
    assert "about 44 minutes in the interview" in reply.messages[0].text


async def test_async_format_has_no_clock_and_grades_at_the_end(bank: QuestionBank) -> None:
    clock = FakeClock()
    service, _ = make_service(bank, clock)
    reply = await service.start(ALICE, HERE, "url-shortener", Format.ASYNC)
    assert reply.messages[0].stage_seconds_left is None
    await service.answer(ALICE, HERE, STRONG_ANSWERS[Stage.HIGH_LEVEL][0])
    clock.advance(minutes=600)
    assert (await service.tick(reply.interview_id)).messages == []
    ended = await service.command(ALICE, HERE, Command.END)
    assert ended.ended and ended.scorecard is not None


class StaleReads(InMemoryRepository):
    """Another replica's view: its next load returns what it read before the first one saved."""

    def __init__(self, shared: InMemoryRepository) -> None:
        self.__dict__ = shared.__dict__  # the same rows
        self.snapshot: StoredInterview | None = None

    def load(self, interview_id: int) -> StoredInterview | None:
        if self.snapshot is not None:
            stale, self.snapshot = self.snapshot, None
            return stale
        return super().load(interview_id)


async def test_two_replicas_never_both_speak_for_one_deadline(bank: QuestionBank) -> None:
    clock = FakeClock()
    repo = InMemoryRepository()
    first, _ = make_service(bank, clock, repo)
    other = StaleReads(repo)
    second, _ = make_service(bank, clock, other)
    reply = await first.start(ALICE, HERE, "model-serving", Format.DRILL)
    clock.advance(120)  # the drill's clarify is spent; both replicas' clocks fire
    other.snapshot = repo.load(reply.interview_id)  # the second read before the first saved
    moved = await first.tick(reply.interview_id)
    assert [m.kind for m in moved.messages] == [TurnKind.STAGE_INTRO]
    late = await second.tick(reply.interview_id)
    assert late.messages == []
    stored = repo.load(reply.interview_id)
    assert stored is not None
    assert [t.kind for t in stored.turns].count(TurnKind.STAGE_INTRO.value) == 1
    assert stored.state.stage is Stage.HIGH_LEVEL


async def test_an_answer_racing_another_replicas_clock_is_stored_once(
    bank: QuestionBank,
) -> None:
    clock = FakeClock()
    repo = InMemoryRepository()
    first, _ = make_service(bank, clock, repo)
    other = StaleReads(repo)
    second, _ = make_service(bank, clock, other)
    reply = await first.start(ALICE, HERE, "model-serving", Format.DRILL)
    clock.advance(100)  # past the 80% warning of the 2-minute clarify
    other.snapshot = repo.load(reply.interview_id)
    await first.tick(reply.interview_id)  # the warning, saved by the first replica
    answered = await second.answer(ALICE, HERE, "How many users?")
    assert answered is not None
    stored = repo.load(reply.interview_id)
    assert stored is not None
    assert [t.text for t in stored.turns if t.role is Role.CANDIDATE] == ["How many users?"]
    assert [t.kind for t in stored.turns].count(TurnKind.TIME_WARNING.value) == 1
