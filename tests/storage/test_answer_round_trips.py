"""Round trips to PostgreSQL per candidate answer, through the real service and repositories.

Every answer reads its conversation, claims its platform event, checks the member's message
rate, stores the answer before the interviewer speaks and then the interviewer's turn: at
thousands of interviews per process these round trips (and the Python that drives each one)
are most of the process's CPU (issue 25). The counts below are ceilings: a change that adds
a round trip to every answer fails here, not in a load run weeks later.
"""

from __future__ import annotations

import random
from collections.abc import Iterator

import pytest
from sqlalchemy import Engine

from interviewer.bank import load_bank
from interviewer.offline.brain import OfflineBrain
from interviewer.offline.scorer import OfflineGrader
from interviewer.quotas import QuotaPolicy, Quotas
from interviewer.service import InterviewService, Who
from interviewer.workers import WorkerPool
from storage.engine import make_engine
from storage.repositories.interviews import SqlRepository
from storage.repositories.quotas import SqlQuotaCounts
from tests.clock import FakeClock
from tests.round_trips import RoundTrips, round_trips

pytestmark = pytest.mark.postgres

ADA = Who("slack", "U0ADA", "Ada")
ANSWER_ROUND_TRIPS = 5
"""Round trips for one answer of a running interview (a Slack message: claimed, rate-limited):
the member with the conversation's interview and its turns, the event's claim, the member's
messages of the last minute, the answer stored, the interviewer's turn stored. It was 21
before issue 25 (a transaction around each read and each write, and five for each save)."""
TICK_ROUND_TRIPS = 2
"""Round trips for the clock's tick of one due interview: read it, save the step (9 before)."""


@pytest.fixture
def engine(postgres_migrated_url: str) -> Iterator[Engine]:
    # a ping interval longer than the test: the count is the answer's own
    engine = make_engine(postgres_migrated_url, ping_idle=3600)
    yield engine
    engine.dispose()


@pytest.fixture
def service(engine: Engine) -> Iterator[InterviewService]:
    bank = load_bank()
    service = InterviewService(
        SqlRepository(engine),
        bank,
        OfflineBrain(bank),
        OfflineGrader(bank),
        FakeClock(),
        rng=random.Random(3),
        quotas=Quotas(QuotaPolicy(), SqlQuotaCounts(engine)),  # the defaults `serve` runs with
        db=WorkerPool(workers=2),
    )
    yield service
    service.db.close()
    service.reader.close()


async def counted_answer(
    service: InterviewService, engine: Engine, text: str, key: str
) -> RoundTrips:
    """One answer in Ada's running interview, its round trips counted."""
    assert isinstance(service.clock, FakeClock)
    service.clock.advance(30)
    with round_trips(engine) as trips:
        reply = await service.answer(ADA, "D1", text, event_key=key)
    assert reply is not None and reply.messages  # the interviewer answered
    return trips


async def test_an_answer_costs_at_most_its_round_trips(
    service: InterviewService, engine: Engine
) -> None:
    await service.start(ADA, "D1", "url-shortener")
    await counted_answer(service, engine, "How many URLs a day, and how long do links live?", "e1")
    trips = await counted_answer(
        service, engine, "Reads dominate, so a cache in front of it.", "e2"
    )
    print(f"{trips.count} round trips:", *trips.sent, sep="\n  ")
    assert trips.count <= ANSWER_ROUND_TRIPS, trips.sent


async def test_a_tick_costs_at_most_its_round_trips(
    service: InterviewService, engine: Engine
) -> None:
    started = await service.start(ADA, "D1", "url-shortener")
    assert isinstance(service.clock, FakeClock)
    service.clock.advance(minutes=30)  # far past the first stage's end: the clock moves it on
    with round_trips(engine) as trips:
        reply = await service.tick(started.interview_id)
    assert reply.messages  # the clock said something, and stored it
    print(f"{trips.count} round trips:", *trips.sent, sep="\n  ")
    assert trips.count <= TICK_ROUND_TRIPS, trips.sent
