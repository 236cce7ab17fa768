"""An answer reads its interview once, and still lands on top of another replica's step."""

from __future__ import annotations

import random

from interviewer.bank import load_bank
from interviewer.core.transcript import Role, Turn
from interviewer.offline.brain import OfflineBrain
from interviewer.offline.scorer import OfflineGrader
from interviewer.ports import StoredInterview
from interviewer.service import InterviewService, Who
from tests.clock import FakeClock
from tests.fakes import InMemoryRepository

ADA = Who("slack", "U0ADA", "Ada")


class ReplicaRaces(InMemoryRepository):
    """Counts reads; once armed, another replica saves a step right after the next read."""

    def __init__(self) -> None:
        super().__init__()
        self.reads = 0
        self.race = False

    def active_in_channel(self, platform: str, channel: str) -> StoredInterview | None:
        self.reads += 1
        found = super().active_in_channel(platform, channel)
        if found is not None and self.race:
            self.race = False
            said = Turn(Role.INTERVIEWER, found.state.stage, "Another replica's words.")
            self.save_step(found.id, found.state, [said], expected_version=found.version)
        return found

    def load(self, interview_id: int) -> StoredInterview | None:
        self.reads += 1
        return super().load(interview_id)


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
    repo.race = True
    clock.advance(30)
    reply = await service.answer(ADA, "dm", "How many users do we expect?")
    assert reply is not None and reply.messages
    stored = repo.load(started.interview_id)
    assert stored is not None
    texts = [t.text for t in stored.turns]
    assert texts.count("How many users do we expect?") == 1
    assert texts.index("Another replica's words.") < texts.index("How many users do we expect?")
