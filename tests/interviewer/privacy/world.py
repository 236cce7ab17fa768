"""A database with two members' data in every table, built through the real services."""

from __future__ import annotations

import random
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import timedelta

from sqlalchemy import Engine, select

from bot.bootstrap import Container, build
from bot.settings import Settings
from interviewer.commands import Command
from interviewer.core.rubric import Criterion
from interviewer.core.stages import Format
from interviewer.privacy.service import PrivacyService
from interviewer.service import Who
from storage.models import metadata
from tests.clock import FakeClock

SLACK = "slack"
TEAM = "T1"
ANA = Who(SLACK, "UANA7", "Ana Zephyrine")
BEN = Who(SLACK, "UBEN9", "Ben Quasarton")

# Every sentence carries its author's marker, so any quote or copy of it is found by a scan.
ANA_SAYS = [
    "Ana-zephyr asks: how many users and what peak QPS do we expect?",
    "Ana-zephyr: clients reach an API gateway that checks keys and rate limits requests.",
    "Ana-zephyr: we shard Postgres by tenant because writes dominate, with read replicas.",
]
BEN_SAYS = [
    "Ben-quasar asks: what latency target do we need for p95?",
    "Ben-quasar: a load balancer spreads requests over stateless API servers with a cache.",
    "Ben-quasar: we use a Kafka queue so bursts do not overload the GPU workers.",
]
# What each says as the other's peer interviewer (stored as interviewer turns in the partner's
# interview), and as the candidate of a peer mock.
ANA_ASKS = "Ana-zephyr as peer interviewer: how would you cut the p99 of cold model loads?"
BEN_ASKS = "Ben-quasar as peer interviewer: where would you cache the tokenizer output?"
ANA_PEER = "Ana-zephyr peer answer: warm pools of GPU workers behind a queue, sharded by model."
BEN_PEER = "Ben-quasar peer answer: a gateway batches requests to GPU workers by model size."
PEERS = "P1"
ANA_DRILL = "Ana-zephyr drill: a CDN in front, a Redis cache, and sharded storage by key."
BEN_DRILL = "Ben-quasar drill: autoscale workers on queue depth behind a load balancer."


@dataclass
class World:
    """The wired application over the database, and where each member's things are."""

    parts: Container
    clock: FakeClock
    interviews: dict[str, int] = field(default_factory=dict)

    @property
    def engine(self) -> Engine:
        return self.parts.engine

    @property
    def privacy(self) -> PrivacyService:
        assert self.parts.privacy is not None
        return self.parts.privacy


def settings(url: str, retention_days: int = 0) -> Settings:
    return Settings(database_url=url, auto_migrate=True, retention_days=retention_days)


async def build_world(url: str, clock: FakeClock) -> World:
    """Both members' data: solo, design-alongs both ways, a drill with answers, points, prefs."""
    world = World(build(settings(url), clock=clock, rng=random.Random(3)), clock)
    await drill(world)
    await interview(world, "ana-solo", ANA, "D-ana", [(ANA, t) for t in ANA_SAYS])
    await interview(world, "ben-solo", BEN, "D-ben", [(BEN, t) for t in BEN_SAYS])
    mixed = [(ANA, ANA_SAYS[0]), (BEN, BEN_SAYS[1]), (ANA, ANA_SAYS[2]), (BEN, BEN_SAYS[2])]
    # Each member answers a curveball in the other's design-along: the state keeps it.
    await interview(world, "ben-group", BEN, "C9:ben", mixed, group=True, curveball_at=2)
    await interview(world, "ana-group", ANA, "C9:ana", mixed, group=True, curveball_at=3)
    drills = world.parts.drills
    assert drills is not None
    drills.show_me(SLACK, TEAM, ANA)
    drills.show_me(SLACK, TEAM, BEN)
    await peer_mocks(world)
    return world


async def peer_mocks(world: World) -> None:
    """Both join PEERS's peer mocks, Ana sets the weekly pairing; two weekly rounds follow, so
    each is once the other's interviewer and once the candidate, scored with the form."""
    peers = world.parts.peers
    assert peers is not None and peers.sessions is not None
    peers.command(SLACK, TEAM, PEERS, ANA, False, "")
    peers.command(SLACK, TEAM, PEERS, BEN, False, "")
    world.clock.now = world.clock.now.replace(minute=0, second=0) + timedelta(hours=2)
    day = world.clock.now.strftime("%a").lower()
    at = (world.clock.now + timedelta(hours=1)).strftime("%H:%M")
    peers.command(SLACK, TEAM, PEERS, ANA, True, f"weekly {day} {at} UTC")
    world.clock.advance(minutes=60)
    for week in range(2):
        [pair] = peers.due_rounds()
        thread = f"{PEERS}-pair-{week}"
        peers.opened(pair.session_id, thread)
        asks, answer = (
            (ANA_ASKS, BEN_PEER) if pair.pair.interviewer == ANA.user_id else (BEN_ASKS, ANA_PEER)
        )
        interviewer, candidate = (ANA, BEN) if pair.pair.interviewer == ANA.user_id else (BEN, ANA)
        await peers.sessions.command(interviewer, thread, "start")
        world.clock.advance(minutes=2)
        await peers.sessions.message(interviewer, thread, asks, f"{thread}:q")
        world.clock.advance(minutes=2)
        await peers.sessions.message(candidate, thread, answer, f"{thread}:a")
        await peers.sessions.command(candidate, thread, "end")
        for criterion in Criterion:
            await peers.sessions.score(interviewer, pair.session_id, criterion.value, 3)
        await peers.sessions.submit(interviewer, pair.session_id)
        found = peers.sessions.repo.load(pair.session_id)
        assert found is not None and found.interview_id is not None
        world.interviews["ana-peer" if candidate == ANA else "ben-peer"] = found.interview_id
        world.clock.advance(minutes=7 * 24 * 60 - 4)


async def interview(
    world: World,
    name: str,
    owner: Who,
    channel: str,
    said: list[tuple[Who, str]],
    *,
    group: bool = False,
    end: bool = True,
    fmt: Format = Format.STANDARD,
    curveball_at: int | None = None,
) -> int:
    """Run an interview through the service; its id (ended and graded unless end=False).

    With `curveball_at`, the clock runs until a curveball comes before that message.
    """
    service = world.parts.service
    reply = await service.start(owner, channel, "model-serving", fmt, group=group)
    for n, (who, text) in enumerate(said):
        world.clock.advance(minutes=2)
        if n == curveball_at:
            await until_curveball(world, reply.interview_id)
        await service.answer(who, channel, text, event_key=f"{channel}:{name}:{n}")
    if end:
        await service.command(owner, channel, Command.END)
    world.interviews[name] = reply.interview_id
    return reply.interview_id


async def until_curveball(world: World, interview_id: int) -> None:
    """Let the clock tick, a minute at a time, until the interview has a curveball pending."""
    for _ in range(90):
        world.clock.advance(minutes=1)
        await world.parts.service.tick_due()
        stored = world.parts.repo.load(interview_id)
        if stored is not None and stored.state.pending_curveball:
            return
    raise AssertionError("no curveball came")


async def drill(world: World) -> None:
    """Ana subscribes C1; today's drill is posted and both members answer it."""
    drills = world.parts.drills
    assert drills is not None
    drills.subscribe(SLACK, TEAM, "C1", ANA, True, "09:30 UTC")
    settings = world.parts.channel_settings
    assert settings is not None
    settings.command(SLACK, TEAM, "C1", ANA, True, "set window 36")  # the row names her
    world.clock.now = world.clock.now.replace(hour=9, minute=30, second=0)
    [planned] = drills.due_posts()
    thread = f"C1:{planned.post.id}"
    drills.posted(planned.post.id, thread)
    reminders = world.parts.reminders
    assert reminders is not None
    reminders.command(SLACK, TEAM, ANA.user_id, "on")
    # The reminder job's claim, keyed as it keys them, by the drill and the member reminded.
    reminders.repo.claim_job(f"remind:{planned.post.id}:{ANA.user_id}", planned.post.window_ends_at)
    world.clock.advance(minutes=5)
    await drills.answer(SLACK, thread, ANA, ANA_DRILL, event_key="C1:ana")
    await drills.answer(SLACK, thread, BEN, BEN_DRILL, event_key="C1:ben")


def every_string(engine: Engine) -> Iterator[tuple[str, str, str]]:
    """(table, column, value) for every string in every table of the schema."""
    with engine.connect() as connection:
        for table in metadata.sorted_tables:
            for row in connection.execute(select(table)).mappings():
                for column, value in row.items():
                    if isinstance(value, str):
                        yield table.name, column, value


def traces(engine: Engine, *needles: str) -> list[tuple[str, str, str]]:
    """Every stored string that contains one of the needles."""
    return [hit for hit in every_string(engine) if any(n in hit[2] for n in needles)]


def rows(engine: Engine, table: str) -> int:
    """How many rows a table holds."""
    with engine.connect() as connection:
        return len(connection.execute(select(metadata.tables[table])).all())
