"""Quotas: interviews per day, messages per minute, and the daily token budget, on a fake clock."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta

import pytest

from interviewer.bank import Problem, QuestionBank, load_bank
from interviewer.commands import Command
from interviewer.core.events import Action
from interviewer.core.rubric import Scorecard
from interviewer.core.transcript import Role, Transcript, TurnKind
from interviewer.offline.brain import OfflineBrain
from interviewer.offline.scorer import OfflineGrader
from interviewer.ports import DeltaSink, TurnContext, UsageDelta, Utterance
from interviewer.quotas import BUDGET_NOTICE, QuotaExceeded, QuotaPolicy, Quotas
from interviewer.service import InterviewError, InterviewService, Who
from tests.clock import FakeClock
from tests.fakes import InMemoryRepository

ALICE = Who("slack", "U0ALICE", "Alice")
BOB = Who("slack", "U0BOB", "Bob")
MODEL_SAYS = "Model question: which part of the path holds state?"


@pytest.fixture(scope="module")
def bank() -> QuestionBank:
    return load_bank()


class MeteredBrain:
    """A model-like brain: fixed words, 100 prompt + 20 completion tokens per turn."""

    name = "llm:fake"

    def __init__(self) -> None:
        self.calls = 0
        self._pending: dict[str, int] = {}

    async def speak(
        self, ctx: TurnContext, action: Action, on_delta: DeltaSink | None = None
    ) -> Utterance:
        self.calls += 1
        key = f"interview:{ctx.interview_id}"
        self._pending[key] = self._pending.get(key, 0) + 1
        return Utterance(MODEL_SAYS, TurnKind.FOLLOW_UP)

    def take_usage(self, key: str) -> UsageDelta:
        turns = self._pending.pop(key, 0)
        return UsageDelta(100 * turns, 20 * turns)


class CountingGrader:
    """The offline grader under a model's name, counting its calls."""

    name = "llm:fake"

    def __init__(self, bank: QuestionBank) -> None:
        self.inner = OfflineGrader(bank)
        self.calls = 0

    async def grade(
        self, transcript: Transcript, problem: Problem | None, *, usage_key: str | None = None
    ) -> Scorecard:
        self.calls += 1
        card = await self.inner.grade(transcript, problem)
        card.grader = self.name
        return card


def make(
    bank: QuestionBank,
    clock: FakeClock,
    policy: QuotaPolicy,
    *,
    brain: MeteredBrain | None = None,
    grader: CountingGrader | None = None,
) -> tuple[InterviewService, InMemoryRepository]:
    repo = InMemoryRepository()
    offline = OfflineBrain(bank)
    scorer = OfflineGrader(bank)
    service = InterviewService(
        repo,
        bank,
        brain or offline,
        grader or scorer,
        clock,
        fallback_brain=offline,
        fallback_grader=scorer,
        rng=random.Random(3),
        quotas=Quotas(policy, repo, recheck=timedelta(0)),
    )
    return service, repo


def candidate_turns(repo: InMemoryRepository, interview_id: int) -> list[str]:
    stored = repo.load(interview_id)
    assert stored is not None
    return [t.text for t in stored.turns if t.role is Role.CANDIDATE]


# ---- interviews per day -----------------------------------------------------------------------


async def test_the_daily_interview_limit_refuses_a_start_and_resets_at_midnight_utc(
    bank: QuestionBank,
) -> None:
    clock = FakeClock(datetime(2026, 11, 25, 21, 0, tzinfo=UTC))
    service, repo = make(bank, clock, QuotaPolicy(interviews_per_day=2, messages_per_minute=0))
    for n in range(2):
        reply = await service.start(ALICE, f"dm-{n}", "model-serving")
        await service.command(ALICE, f"dm-{n}", Command.END, interview_id=reply.interview_id)
    with pytest.raises(QuotaExceeded) as refused:
        await service.start(ALICE, "dm-2", "model-serving")
    assert str(refused.value) == (
        "You have started 2 interviews today, the limit is 2; it resets at 00:00 UTC."
    )
    assert isinstance(refused.value, InterviewError)  # front ends show it like any user error
    assert len(repo.interviews) == 2  # nothing was created
    await service.start(BOB, "dm-bob", "model-serving")  # another member has their own count
    clock.now = datetime(2026, 11, 25, 23, 59, 59, tzinfo=UTC)
    with pytest.raises(QuotaExceeded):
        await service.start(ALICE, "dm-2", "model-serving")
    clock.now = datetime(2026, 11, 26, 0, 0, tzinfo=UTC)
    assert (await service.start(ALICE, "dm-2", "model-serving")).messages


async def test_without_quotas_nothing_is_limited(bank: QuestionBank) -> None:
    clock = FakeClock()
    service = InterviewService(
        InMemoryRepository(), bank, OfflineBrain(bank), OfflineGrader(bank), clock
    )
    await service.start(ALICE, "dm", "model-serving")
    for n in range(30):
        assert await service.answer(ALICE, "dm", f"Answer number {n} about the gateway.")


# ---- messages per minute ----------------------------------------------------------------------


async def test_a_message_over_the_per_minute_limit_is_refused_unstored_with_the_wait(
    bank: QuestionBank,
) -> None:
    clock = FakeClock()
    service, repo = make(bank, clock, QuotaPolicy(interviews_per_day=0, messages_per_minute=3))
    started = await service.start(ALICE, "dm", "model-serving")
    for n in range(3):  # at 09:00:10, :20, :30
        clock.advance(10)
        await service.answer(ALICE, "dm", f"Point {n}: a gateway in front of the routers.")
    clock.advance(5)  # 09:00:35: the first message ages out of the minute at 09:01:10
    with pytest.raises(QuotaExceeded) as refused:
        await service.answer(ALICE, "dm", "The fourth point, sent too soon.")
    assert "more than 3 messages in a minute" in str(refused.value)
    assert "wait 35 seconds, then send that message again" in str(refused.value)
    assert "Nothing was recorded" in str(refused.value)
    assert "The fourth point, sent too soon." not in candidate_turns(repo, started.interview_id)
    clock.advance(34)
    with pytest.raises(QuotaExceeded, match="wait 1 second,"):
        await service.answer(ALICE, "dm", "The fourth point, sent too soon.")
    clock.advance(1)
    assert await service.answer(ALICE, "dm", "The fourth point, sent too soon.")
    assert candidate_turns(repo, started.interview_id)[-1] == "The fourth point, sent too soon."


async def test_a_member_is_limited_in_someone_elses_design_along_too(bank: QuestionBank) -> None:
    clock = FakeClock()
    service, _ = make(bank, clock, QuotaPolicy(interviews_per_day=0, messages_per_minute=2))
    thread = "C42:1700000000.0001"
    await service.start(ALICE, thread, "chatbot-api", group=True)
    await service.answer(BOB, thread, "How many users?")
    await service.answer(BOB, thread, "What latency target?")
    with pytest.raises(QuotaExceeded, match="wait 60 seconds"):
        await service.answer(BOB, thread, "And which regions?")
    # Alice's own count is separate: Bob's messages are not hers.
    assert await service.answer(ALICE, thread, "Which regions do we serve?")


# ---- the daily token budget -------------------------------------------------------------------


async def test_a_spent_budget_hands_over_to_the_offline_interviewer_and_says_so_once(
    bank: QuestionBank,
) -> None:
    clock = FakeClock()
    brain = MeteredBrain()
    policy = QuotaPolicy(0, 0, workspace_daily_tokens=250)  # about two model turns
    service, repo = make(bank, clock, policy, brain=brain)
    started = await service.start(ALICE, "dm", "model-serving")
    await service.command(ALICE, "dm", Command.NEXT)  # the stage intro: a model turn
    texts: list[str] = []
    for n in range(4):
        clock.advance(30)
        reply = await service.answer(ALICE, "dm", f"Point {n}: a router over GPU servers.")
        assert reply is not None
        texts.append(" ".join(m.text for m in reply.messages))
    used = repo.usage[started.interview_id]
    assert used[0] + used[1] >= 250
    assert MODEL_SAYS in texts[0]  # 240 tokens spent after it: the budget is now used up
    assert texts[1].startswith(BUDGET_NOTICE) and MODEL_SAYS not in texts[1]
    assert all(BUDGET_NOTICE not in t and MODEL_SAYS not in t for t in texts[2:])
    assert brain.calls == 3  # opening, stage intro, first answer; nothing since
    assert len(candidate_turns(repo, started.interview_id)) == 4  # every answer was kept


async def test_the_budget_is_per_platform_and_back_the_next_day(bank: QuestionBank) -> None:
    clock = FakeClock(datetime(2026, 11, 25, 23, 50, tzinfo=UTC))
    brain = MeteredBrain()
    service, _ = make(bank, clock, QuotaPolicy(0, 0, workspace_daily_tokens=200), brain=brain)
    await service.start(ALICE, "dm", "model-serving")  # 120 tokens
    await service.answer(ALICE, "dm", "A gateway in front.")  # 240: spent
    await service.answer(ALICE, "dm", "Then a router.")
    assert brain.calls == 2
    carol = Who("discord", "42", "Carol")
    await service.start(carol, "dm-carol", "model-serving")
    assert brain.calls == 3  # Discord's budget is untouched
    clock.now = datetime(2026, 11, 26, 0, 0, 30, tzinfo=UTC)
    reply = await service.start(BOB, "dm-bob", "model-serving")
    assert MODEL_SAYS in reply.messages[-1].text  # a new day, a new budget
    assert brain.calls == 4
    # Alice's interview spans midnight: once it acts today its tokens count whole (240).
    await service.answer(ALICE, "dm", "Then GPU servers behind the router.")
    assert brain.calls == 4


async def test_the_notice_streams_first_and_the_scorecard_is_graded_offline(
    bank: QuestionBank,
) -> None:
    clock = FakeClock()
    brain, grader = MeteredBrain(), CountingGrader(bank)
    policy = QuotaPolicy(0, 0, workspace_daily_tokens=1)
    service, _ = make(bank, clock, policy, brain=brain, grader=grader)
    await service.start(ALICE, "dm", "model-serving")
    pieces: list[str] = []

    async def sink(piece: str) -> None:
        pieces.append(piece)

    clock.advance(30)
    reply = await service.answer(ALICE, "dm", "How many users do we expect?", on_delta=sink)
    assert reply is not None
    assert pieces[0] == f"{BUDGET_NOTICE}\n\n"
    assert "".join(pieces) == reply.messages[-1].text
    ended = await service.command(ALICE, "dm", Command.END)
    card = ended.scorecard
    assert card is not None and card.grader == "offline" and grader.calls == 0
    assert any("budget" in note for note in card.notes)


async def test_an_unspent_budget_is_reread_only_after_the_recheck_interval(
    bank: QuestionBank,
) -> None:
    repo = InMemoryRepository()
    reads: list[datetime] = []

    class CountedReads(InMemoryRepository):
        def tokens_since(self, platform: str, since: datetime) -> int:
            reads.append(since)
            return repo.tokens_since(platform, since)

    quotas = Quotas(QuotaPolicy(0, 0, 1000), CountedReads(), recheck=timedelta(seconds=30))
    now = datetime(2026, 11, 25, 9, 0, tzinfo=UTC)
    assert not quotas.budget_spent("slack", now)
    assert not quotas.budget_spent("slack", now + timedelta(seconds=29))
    assert len(reads) == 1
    assert not quotas.budget_spent("slack", now + timedelta(seconds=30))
    assert len(reads) == 2
    assert not QuotaPolicy.unlimited().workspace_daily_tokens


async def test_a_remembered_budget_is_answered_on_the_loop_without_a_trip_to_a_thread(
    bank: QuestionBank,
) -> None:
    """Every step asks whether the budget is spent; while the answer is remembered
    (Quotas.recheck) it is given at once, not from a worker thread (a wake-up per answer)."""
    from collections.abc import Callable
    from typing import Any

    from interviewer.workers import WorkerPool

    class NamedCalls(WorkerPool):
        def __init__(self) -> None:
            super().__init__(2)
            self.names: list[str] = []

        async def run(self, fn: Callable[..., Any], /, *args: Any, **kwargs: Any) -> Any:
            self.names.append(getattr(fn, "__name__", "?"))
            return await super().run(fn, *args, **kwargs)

    clock, repo, pool = FakeClock(), InMemoryRepository(), NamedCalls()
    offline = OfflineBrain(bank)
    policy = QuotaPolicy(0, 0, workspace_daily_tokens=10**9)
    service = InterviewService(
        repo, bank, MeteredBrain(), OfflineGrader(bank), clock, fallback_brain=offline,
        fallback_grader=OfflineGrader(bank), rng=random.Random(3), db=pool,
        quotas=Quotas(policy, repo, recheck=timedelta(seconds=60)),
    )  # fmt: skip
    try:
        await service.start(ALICE, "dm", "model-serving")
        for n in range(3):
            clock.advance(10)
            reply = await service.answer(ALICE, "dm", f"Point {n}: a router over GPU servers.")
            assert reply is not None and MODEL_SAYS in reply.messages[0].text
        assert pool.names.count("budget_spent") == 1  # the first step read it; then remembered
        clock.advance(61)
        await service.answer(ALICE, "dm", "Point 4: a queue in front of the GPUs.")
        assert pool.names.count("budget_spent") == 2  # re-read after the recheck interval
    finally:
        pool.close()
