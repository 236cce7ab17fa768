"""Peer mocks on Discord: opt in, the weekly pairing (Manage Channels), and a private thread
per pair with the proposed time, the brief by DM, roles swapped the next week."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from bot.bootstrap import Container
from bot.scheduler import ClockScheduler
from tests.bot.discord import payloads
from tests.bot.discord.conftest import ADA, BOB, CYD, StartBot
from tests.bot.discord.fake_discord import FakeDiscord
from tests.bot.discord.test_drills import private_note
from tests.clock import FakeClock

CHANNEL = payloads.TEXT_CHANNEL_ID
PRIVATE_THREAD = 12
ROUND_AT = datetime(2026, 12, 2, 17, 0, tzinfo=UTC)  # Wed 18:00 in Berlin


async def test_a_weekly_round_opens_a_private_thread_per_pair(
    fake: FakeDiscord, start_bot: StartBot, container: Container, clock: FakeClock
) -> None:
    runner = await start_bot()
    denied = await fake.slash(
        BOB,
        CHANNEL,
        "pair",
        action="weekly",
        day="wed",
        time="18:00",
        timezone="Europe/Berlin",
        permissions="0",
    )
    assert "Only people who may manage this channel" in await private_note(denied)
    weekly = await fake.slash(
        ADA, CHANNEL, "pair", action="weekly", day="wed", time="18:00", timezone="Europe/Berlin"
    )
    assert "Weekly pairing set: " in await private_note(weekly)
    for who in (ADA, BOB, CYD):
        assert "You are in" in await private_note(await fake.slash(who, CHANNEL, "pair"))

    scheduler = ClockScheduler(container.service, [runner], peers=container.peers)
    clock.now = ROUND_AT
    assert await scheduler.pair_rounds() == 1  # three members: one pair, one sits out
    assert await scheduler.pair_rounds() == 0
    (thread,) = [c for c in fake.channels.values() if c["type"] == PRIVATE_THREAD]
    assert thread["parent_id"] == CHANNEL and len(thread["members"]) == 2
    (intro,) = fake.by_bot(thread["id"])
    assert (
        "Peer mock this week: <@" in intro["content"]
        and "Proposed time: Thu 3 Dec 18:00" in (intro["content"])
    )
    sent = fake.calls_to("POST", rf"/channels/{thread['id']}/messages")[-1].body or {}
    assert sorted(str(u) for u in sent["allowed_mentions"]["users"]) == sorted(thread["members"])
    interviewer = next(
        who for who in (ADA, BOB, CYD) if f"<@{who['id']}> interviews" in intro["content"]
    )
    brief = "\n".join(m["content"] for m in fake.dms_to(interviewer))  # within 2,000 a message
    assert brief.startswith("**You interview ") and "**Hidden facts**" in brief

    clock.now = ROUND_AT + timedelta(days=7)
    assert await scheduler.pair_rounds() == 1
    threads = [c for c in fake.channels.values() if c["type"] == PRIVATE_THREAD]
    assert len(threads) == 2
    pairs = [frozenset(t["members"]) for t in threads]
    assert pairs[0] != pairs[1]  # no repeat until everyone has met
