"""A frozen PostgreSQL (a lock held by another connection) slows its member, never everyone.

The real discord.py client against the fake Discord, on a real PostgreSQL: while another
connection holds an exclusive lock on the interview table, every interaction is acknowledged
within Discord's 3 seconds (the callback reaches the fake in time), another member's command
is answered, and the member whose answer needs the table is told in one line; after the lock
goes the interview carries on.
"""

from __future__ import annotations

import asyncio
import random
from collections.abc import Iterator
from typing import Any

import psycopg
import pytest

from bot.bootstrap import Container, build
from bot.scheduler import ClockScheduler
from bot.settings import Settings
from interviewer.core.transcript import Role
from tests.bot.discord.conftest import ADA, BOB, StartBot
from tests.bot.discord.fake_discord import TOKEN, FakeDiscord, Interaction
from tests.bot.discord.test_dm import custom_ids, done
from tests.bot.slack.test_robustness import GatedBrain
from tests.clock import FakeClock
from tests.support import wait_until

pytestmark = pytest.mark.postgres

ANSWER = "Who calls the model, and how many requests per second at peak?"


@pytest.fixture
def container(
    fake: FakeDiscord, postgres_migrated_url: str, clock: FakeClock
) -> Iterator[Container]:
    settings = Settings(
        _env_file=None,
        DISCORD_TOKEN=TOKEN,
        discord_api_url=f"http://127.0.0.1:{fake.port}",
        database_url=postgres_migrated_url,
        database_timeout_seconds=2,
        llm_model="offline",
    )
    parts = build(settings, clock=clock, rng=random.Random(7))
    yield parts
    parts.close()


def acknowledged(record: Interaction) -> bool:
    """Whether the bot's first response reached the fake, within Discord's 3 seconds."""
    return bool(record.callbacks) and not record.late


def texts(fake: FakeDiscord, channel: str) -> list[str]:
    """What the bot wrote in a channel: contents and embed descriptions."""
    out = []
    for message in fake.by_bot(channel):
        parts = [message.get("content") or ""]
        parts += [e.get("description") or "" for e in message.get("embeds") or []]
        out.append(" ".join(parts))
    return out


def shown(record: Interaction) -> str:
    """The text of an interaction's answer: its original response and follow-ups."""
    messages: list[dict[str, Any]] = [m for m in [done(record), *record.followups] if m]
    return " ".join(
        (m.get("content") or "") + " ".join(e.get("description") or "" for e in m["embeds"])
        for m in messages
    )


async def test_a_locked_database_stalls_only_its_member_on_discord(
    fake: FakeDiscord, start_bot: StartBot, container: Container, postgres_migrated_url: str
) -> None:
    await start_bot()
    ada_dm, bob_dm = fake.dm_channel(ADA), fake.dm_channel(BOB)
    started = await fake.slash(ADA, ada_dm, "start", question="model-serving")
    opening = await wait_until(lambda: done(started), "the opening")
    interview = int(custom_ids(opening)[0].split(":")[2])
    before = len(fake.by_bot(ada_dm))

    locker = await psycopg.AsyncConnection.connect(
        postgres_migrated_url.replace("postgresql+psycopg://", "postgresql://")
    )
    try:
        await locker.execute("BEGIN")
        await locker.execute("LOCK TABLE interview IN ACCESS EXCLUSIVE MODE")
        await fake.say(ada_dm, ADA, ANSWER)  # needs the locked table
        hint = await fake.slash(ADA, ada_dm, "hint")  # so does this command
        help_ = await fake.slash(BOB, bob_dm, "help")  # this one does not
        await wait_until(lambda: acknowledged(hint) and acknowledged(help_), "the acks")
        await wait_until(lambda: "/mockroom hint" in shown(help_), "Bob's help")
        await wait_until(lambda: "database" in shown(hint), "Ada's hint, refused in one line")
        await wait_until(
            lambda: any("database" in t for t in texts(fake, ada_dm)[before:]), "Ada's note"
        )
        assert not hint.late and not help_.late
    finally:
        await locker.execute("ROLLBACK")
        await locker.close()
    [note] = [t for t in texts(fake, ada_dm)[before:] if "database" in t]
    assert "\n" not in note.strip() and "send it again" in note

    # The database is back: the same answer again is stored once and answered.
    await fake.say(ada_dm, ADA, ANSWER)

    def answered() -> bool:
        stored = container.repo.load(interview)
        return (
            stored is not None
            and stored.turns[-1].role is Role.INTERVIEWER
            and any(t.text == ANSWER for t in stored.turns)
        )

    await wait_until(answered, "the answer after the lock")
    stored = container.repo.load(interview)
    assert stored is not None and stored.state.active
    assert [t.text for t in stored.turns if t.role is Role.CANDIDATE] == [ANSWER]


async def test_a_reply_stopped_by_a_lock_after_the_answer_is_stored_comes_later_once(
    fake: FakeDiscord,
    start_bot: StartBot,
    container: Container,
    clock: FakeClock,
    postgres_migrated_url: str,
) -> None:
    runner = await start_bot()
    ada_dm = fake.dm_channel(ADA)
    started = await fake.slash(ADA, ada_dm, "start", question="model-serving")
    opening = await wait_until(lambda: done(started), "the opening")
    interview = int(custom_ids(opening)[0].split(":")[2])
    service = container.service
    gate = asyncio.Event()
    service.brain = GatedBrain(service.brain, gate)  # a model still thinking
    await fake.say(ada_dm, ADA, ANSWER)

    def last_turn() -> str:
        stored = container.repo.load(interview)
        return "" if stored is None else stored.turns[-1].text

    await wait_until(lambda: last_turn() == ANSWER, "the answer stored")
    locker = await psycopg.AsyncConnection.connect(
        postgres_migrated_url.replace("postgresql+psycopg://", "postgresql://")
    )
    try:
        await locker.execute("BEGIN")
        await locker.execute("LOCK TABLE interview IN ACCESS EXCLUSIVE MODE")
        gate.set()  # the model answers; its words cannot be saved
        await wait_until(
            lambda: any("Your answer is saved" in t for t in texts(fake, ada_dm)), "the notice"
        )
    finally:
        await locker.execute("ROLLBACK")
        await locker.close()
    await wait_until(
        lambda: all(not m["content"].endswith("▌") for m in fake.by_bot(ada_dm)), "no draft"
    )
    count = len(fake.by_bot(ada_dm))

    sweeps = ClockScheduler(service, [runner])
    assert await sweeps.retry_replies() == 0  # not before its backoff
    clock.advance(2)
    assert await sweeps.retry_replies() == 1  # the reply, without a resend
    clock.advance(150)
    assert await sweeps.retry_replies() == 0
    assert await sweeps.sweep_unanswered() == 0
    stored = container.repo.load(interview)
    assert stored is not None and stored.turns[-1].role is Role.INTERVIEWER
    assert [t.text for t in stored.turns if t.role is Role.CANDIDATE] == [ANSWER]
    posted = texts(fake, ada_dm)
    assert len(posted) == count + 1 and stored.turns[-1].text[:60] in posted[-1]
