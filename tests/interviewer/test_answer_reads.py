"""An answer reads its interview once, and still lands on top of another replica's step."""

from __future__ import annotations

import random

import pytest

from interviewer.bank import load_bank
from interviewer.core.transcript import Role, Turn
from interviewer.offline.brain import OfflineBrain
from interviewer.offline.scorer import OfflineGrader
from interviewer.ports import StoredInterview
from interviewer.service import STALE_ATTEMPTS, Busy, InterviewService, Who
from tests.clock import FakeClock
from tests.fakes import InMemoryRepository

ADA = Who("slack", "U0ADA", "Ada")


class ReplicaRaces(InMemoryRepository):
    """Counts reads; once armed, another replica saves a step right after each of the next
    `races` reads."""

    def __init__(self) -> None:
        super().__init__()
        self.reads = 0
        self.races = 0

    def active_in_channel(self, platform: str, channel: str) -> StoredInterview | None:
        self.reads += 1
        return self._raced(super().active_in_channel(platform, channel))

    def load(self, interview_id: int) -> StoredInterview | None:
        self.reads += 1
        return self._raced(super().load(interview_id))

    def _raced(self, found: StoredInterview | None) -> StoredInterview | None:
        if found is not None and self.races:
            self.races -= 1
            said = Turn(Role.INTERVIEWER, found.state.stage, "Another replica's words.")
            self.save_step(found.id, found.state, [said], expected_version=found.version)
        return found


def make() -> tuple[InterviewService, ReplicaRaces, FakeClock]:
    bank = load_bank()
    repo, clock = ReplicaRaces(), FakeClock()
    service = InterviewService(
        repo, bank, OfflineBrain(bank), OfflineGrader(bank), clock, rng=random.Random(3)
    )
    return service, repo, clock


async def test_an_answer_reads_its_interview_once() -> None:
    service, repo, clock = make()
    await service.start(ADA, "dm", "model-serving")
    repo.reads = 0
    clock.advance(30)
    assert await service.answer(ADA, "dm", "How many users do we expect?")
    assert repo.reads == 1


async def test_an_answer_read_before_another_replicas_step_is_taken_again_on_top() -> None:
    service, repo, clock = make()
    started = await service.start(ADA, "dm", "model-serving")
    repo.races = 1
    clock.advance(30)
    reply = await service.answer(ADA, "dm", "How many users do we expect?")
    assert reply is not None and reply.messages
    stored = repo.load(started.interview_id)
    assert stored is not None
    texts = [t.text for t in stored.turns]
    assert texts.count("How many users do we expect?") == 1
    assert texts.index("Another replica's words.") < texts.index("How many users do we expect?")


async def test_an_answer_outraced_several_times_in_a_row_still_lands_once() -> None:
    service, repo, clock = make()
    started = await service.start(ADA, "dm", "model-serving")
    repo.races = STALE_ATTEMPTS - 1  # every attempt but the last is overtaken
    clock.advance(30)
    reply = await service.answer(ADA, "dm", "How many users do we expect?")
    assert reply is not None and reply.messages
    stored = repo.load(started.interview_id)
    assert stored is not None
    texts = [t.text for t in stored.turns]
    assert texts.count("How many users do we expect?") == 1
    assert texts.count("Another replica's words.") == STALE_ATTEMPTS - 1
    assert texts[-2:] == ["How many users do we expect?", reply.messages[0].text]


async def test_an_answer_that_never_wins_says_so_and_records_nothing() -> None:
    service, repo, clock = make()
    started = await service.start(ADA, "dm", "model-serving")
    repo.races = 100
    clock.advance(30)
    with pytest.raises(Busy, match="nothing was recorded"):
        await service.answer(ADA, "dm", "How many users do we expect?")
    repo.races = 0
    stored = repo.load(started.interview_id)
    assert stored is not None
    assert "How many users do we expect?" not in [t.text for t in stored.turns]
