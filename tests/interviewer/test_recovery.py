"""Never lose, never double: a reply that fails after the answer is stored, a crash mid-answer
and a crash while grading are all recovered; the local terminal is not rate-limited."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import timedelta

import pytest
from rich.console import Console

from bot.terminal.session import PracticeOptions, TerminalSession
from interviewer.bank import QuestionBank, load_bank
from interviewer.commands import Command
from interviewer.core.rubric import Scorecard
from interviewer.core.state import InterviewState
from interviewer.core.transcript import Role, Turn
from interviewer.outbox import Post
from interviewer.ports import UsageDelta
from interviewer.quotas import QuotaExceeded, QuotaPolicy, Quotas
from interviewer.service import ReplyDelayed, Who
from tests.clock import FakeClock
from tests.fakes import InMemoryRepository
from tests.interviewer.test_service import ALICE, HERE, make_service

ANSWER = "How many users do we expect, and what is the peak QPS?"


@pytest.fixture(scope="module")
def bank() -> QuestionBank:
    return load_bank()


class Flaky(InMemoryRepository):
    """Fails the chosen saves once, like a database dropping mid-step."""

    def __init__(self) -> None:
        super().__init__()
        self.fail_step_with_turns: int | None = None  # fail the next step saving N turns
        self.fail_scorecard = False

    def save_step(
        self,
        interview_id: int,
        state: InterviewState,
        new_turns: Sequence[Turn],
        expected_version: int | None = None,
        usage: UsageDelta | None = None,
        posts: Sequence[Post] = (),
    ) -> int:
        roles = {t.role for t in new_turns}
        if self.fail_step_with_turns is not None and Role.INTERVIEWER in roles:
            self.fail_step_with_turns = None
            raise ConnectionError("the database went away")
        return super().save_step(interview_id, state, new_turns, expected_version, usage, posts)

    def save_scorecard(self, interview_id: int, scorecard: Scorecard) -> None:
        if self.fail_scorecard:
            self.fail_scorecard = False
            raise ConnectionError("killed while grading")
        super().save_scorecard(interview_id, scorecard)


def candidate_texts(repo: InMemoryRepository, interview_id: int) -> list[str]:
    stored = repo.load(interview_id)
    assert stored is not None
    return [t.text for t in stored.turns if t.role is Role.CANDIDATE]


async def test_a_reply_failing_after_the_answer_is_stored_says_so_and_a_resend_is_recognised(
    bank: QuestionBank,
) -> None:
    repo = Flaky()
    service, _ = make_service(bank, FakeClock(), repo)
    started = await service.start(ALICE, HERE, "model-serving")
    repo.fail_step_with_turns = 1
    with pytest.raises(ReplyDelayed, match="Your answer is saved"):
        await service.answer(ALICE, HERE, ANSWER)
    assert candidate_texts(repo, started.interview_id) == [ANSWER]
    # The member sends it again, as told: answered, and stored once.
    reply = await service.answer(ALICE, HERE, ANSWER)
    assert reply is not None and reply.messages and reply.messages[0].text
    assert candidate_texts(repo, started.interview_id) == [ANSWER]
    stored = repo.load(started.interview_id)
    assert stored is not None and stored.turns[-1].role is Role.INTERVIEWER
    # Once answered, the same words again are a new answer (the member meant to repeat).
    await service.answer(ALICE, HERE, ANSWER)
    assert candidate_texts(repo, started.interview_id) == [ANSWER, ANSWER]


async def test_a_failed_reply_is_retried_with_backoff_and_given_once(bank: QuestionBank) -> None:
    clock = FakeClock()
    repo = Flaky()
    service, _ = make_service(bank, clock, repo)
    started = await service.start(ALICE, HERE, "model-serving")
    repo.fail_step_with_turns = 1
    with pytest.raises(ReplyDelayed, match="being retried"):
        await service.answer(ALICE, HERE, ANSWER)
    assert await service.owed_replies() == []  # not before its backoff
    clock.advance(2)
    [late] = await service.owed_replies()
    assert late.interview_id == started.interview_id and late.messages[0].text
    assert await service.owed_replies() == []  # given once
    clock.advance(600)
    assert await service.owed_replies() == []
    stored = repo.load(started.interview_id)
    assert stored is not None and stored.turns[-1].role is Role.INTERVIEWER
    assert stored.turns[-1].text == late.messages[0].text
    assert candidate_texts(repo, started.interview_id) == [ANSWER]


async def test_a_reply_failing_again_backs_off_and_a_resend_meanwhile_settles_it(
    bank: QuestionBank,
) -> None:
    clock = FakeClock()
    repo = Flaky()
    service, _ = make_service(bank, clock, repo)
    started = await service.start(ALICE, HERE, "model-serving")
    repo.fail_step_with_turns = 1
    with pytest.raises(ReplyDelayed):
        await service.answer(ALICE, HERE, ANSWER)
    clock.advance(2)
    repo.fail_step_with_turns = 1  # the first retry fails too
    assert await service.owed_replies() == []
    clock.advance(2)
    assert await service.owed_replies() == []  # the next try waits 4 s, not 2
    assert started.interview_id in service.owed
    reply = await service.answer(ALICE, HERE, ANSWER)  # the member resent it meanwhile
    assert reply is not None and reply.messages
    clock.advance(2)
    assert await service.owed_replies() == []  # nothing owed any more: no second reply
    assert started.interview_id not in service.owed
    stored = repo.load(started.interview_id)
    assert stored is not None
    assert [t.role for t in stored.turns].count(Role.INTERVIEWER) == 2  # opening, one reply


async def test_the_terminal_shows_a_retried_reply_at_its_next_tick(bank: QuestionBank) -> None:
    clock = FakeClock()
    repo = Flaky()
    service, _ = make_service(bank, clock, repo)
    console = Console(width=120, force_terminal=False, color_system=None)
    session = TerminalSession(service, console, Who("terminal", "alice"))
    await session.begin(PracticeOptions("model-serving"))
    repo.fail_step_with_turns = 1
    with console.capture() as captured:
        await session.handle_line(ANSWER)
    assert "Your answer is saved" in captured.get()
    assert not await session.tick()  # its backoff has not passed
    clock.advance(2)
    with console.capture() as captured:
        assert await session.tick()
    assert session.interview_id is not None
    stored = repo.load(session.interview_id)
    assert stored is not None and stored.turns[-1].role is Role.INTERVIEWER
    assert stored.turns[-1].text[:40] in " ".join(captured.get().split())
    assert candidate_texts(repo, session.interview_id) == [ANSWER]


async def test_two_replicas_reply_to_an_unanswered_answer_once(bank: QuestionBank) -> None:
    clock = FakeClock()
    repo = InMemoryRepository()
    one, _ = make_service(bank, clock, repo)
    two, _ = make_service(bank, clock, repo)
    started = await one.start(Who("slack", "U1"), "D1", "model-serving")
    stored = repo.load(started.interview_id)
    assert stored is not None  # a crash mid-answer: stored, never replied to
    turn = Turn(Role.CANDIDATE, stored.state.stage, ANSWER, at=clock(), author="U1")
    repo.save_step(stored.id, stored.state, [turn], expected_version=stored.version)
    assert await one.find_unanswered(["slack"], timedelta(minutes=2)) == 0  # too fresh
    assert await one.find_unanswered(["discord"], timedelta(0)) == 0
    clock.advance(minutes=3)
    for replica in (one, two):
        assert await replica.find_unanswered(["slack"], timedelta(minutes=2)) == 1
    replies = [*await one.owed_replies(), *await two.owed_replies()]
    assert len(replies) == 1
    after = repo.load(started.interview_id)
    assert after is not None
    assert [t.role for t in after.turns].count(Role.INTERVIEWER) == 2


async def test_resume_replies_to_an_answer_left_without_its_reply(bank: QuestionBank) -> None:
    clock = FakeClock()
    repo = InMemoryRepository()
    service, _ = make_service(bank, clock, repo)
    started = await service.start(ALICE, HERE, "model-serving")
    opening = started.messages[-1].text
    # A crash mid-answer: the answer is stored, the process dies before the reply.
    stored = repo.load(started.interview_id)
    assert stored is not None
    turn = Turn(Role.CANDIDATE, stored.state.stage, ANSWER, at=clock(), author="alice")
    repo.save_step(stored.id, stored.state, [turn], expected_version=stored.version)
    restarted, _ = make_service(bank, clock, repo)
    resumed = await restarted.resume(ALICE, HERE)
    assert resumed.messages and resumed.messages[-1].text != opening  # a reply, not a repeat
    after = repo.load(started.interview_id)
    assert after is not None and after.turns[-1].role is Role.INTERVIEWER
    assert candidate_texts(repo, started.interview_id) == [ANSWER]


async def test_an_interview_ended_without_its_scorecard_is_graded_by_the_sweep(
    bank: QuestionBank,
) -> None:
    repo = Flaky()
    service, _ = make_service(bank, FakeClock(), repo)
    started = await service.start(ALICE, HERE, "model-serving")
    await service.answer(ALICE, HERE, ANSWER)
    repo.fail_scorecard = True
    with pytest.raises(ConnectionError):
        await service.command(ALICE, HERE, Command.END)
    [entry] = service.history(ALICE)
    assert entry.status == "ended" and entry.overall is None
    [recovered] = await service.recover(ALICE)
    assert recovered.interview_id == started.interview_id and recovered.scorecard is not None
    assert service.history(ALICE)[0].overall == recovered.scorecard.overall
    assert await service.recover(ALICE) == []  # graded once
    assert await service.recover(Who("terminal", "bob")) == []


async def test_the_terminal_user_is_not_rate_limited(bank: QuestionBank) -> None:
    repo = InMemoryRepository()
    quotas = Quotas(QuotaPolicy(interviews_per_day=1, messages_per_minute=2), repo)
    service, _ = make_service(bank, FakeClock(), repo, quotas=quotas)
    started = await service.start(ALICE, HERE, "model-serving", "async")
    for n in range(6):
        await service.answer(ALICE, HERE, f"Answer number {n} about the peak QPS.")
    assert len(candidate_texts(repo, started.interview_id)) == 6
    # A chat member still is.
    chat = Who("slack", "U1")
    await service.start(chat, "D1", "model-serving", "async")
    for n in range(2):
        await service.answer(chat, "D1", f"Answer {n}")
    with pytest.raises(QuotaExceeded):
        await service.answer(chat, "D1", "one too many")


async def test_a_brain_that_fails_outright_gives_the_notice_once(bank: QuestionBank) -> None:
    from interviewer.replies import MODEL_FALLBACK_NOTICE
    from tests.interviewer.test_service import FailingBrain

    service, _ = make_service(bank, FakeClock(), brain=FailingBrain())
    started = await service.start(ALICE, HERE, "model-serving")
    first = await service.answer(ALICE, HERE, ANSWER)
    second = await service.answer(ALICE, HERE, "And what latency do they expect?")
    texts = [m.text for r in (started, first, second) if r for m in r.messages]
    assert sum(MODEL_FALLBACK_NOTICE in t for t in texts) == 1


def test_normalisation_keeps_joiners_and_direction_marks_and_strips_bidi_overrides() -> None:
    from interviewer.core.text import normalize

    family = "👨\u200d👩\u200d👧"
    hebrew = "\u200fשלום\u200e ok"
    assert normalize(family) == family and normalize(hebrew) == hebrew
    assert normalize("a\u202eevil\u202c b\u2066c\u2069\x07") == "aevil bc"
    assert normalize("hidden\U000e0041\U000e0042 text") == "hidden text"


def test_credentials_in_urls_are_hidden_wherever_shown() -> None:
    import logging

    from bot.logs import RedactSecrets
    from interviewer.llm.choice import ModelChoice, hide_credentials

    url = "https://bob:hunter2@llm.internal:8443/v1"
    assert hide_credentials(f"calling {url} now") == "calling https://***@llm.internal:8443/v1 now"
    assert "hunter2" not in ModelChoice("openai:m", "set", url).label
    record = logging.LogRecord(
        "x", logging.WARNING, __file__, 1, "db %s", ("postgresql://u:pw@h/d",), None
    )
    RedactSecrets().filter(record)
    assert "pw" not in record.getMessage() and "postgresql://***@h/d" in record.getMessage()
