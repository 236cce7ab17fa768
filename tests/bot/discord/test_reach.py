"""Every command gets a visible answer on Discord: a channel the bot cannot post in, one
running interview per member, Discord markup, the scorecard's layout, history by number,
and boards shared by channel managers."""

from __future__ import annotations

from typing import Any

from sqlalchemy import text

from bot.bootstrap import Container
from tests.bot.discord import payloads
from tests.bot.discord.conftest import ADA, BOB, StartBot
from tests.bot.discord.fake_discord import FakeDiscord, Interaction
from tests.bot.discord.test_dm import done
from tests.bot.discord.test_threads import start_in_channel
from tests.support import wait_until

CHANNEL = payloads.TEXT_CHANNEL_ID
NO_MANAGE = "0"  # a member's permissions without Manage Channels


def interviews(container: Container) -> int:
    with container.engine.connect() as connection:
        return int(connection.execute(text("SELECT count(*) FROM interview")).scalar_one())


async def ephemeral_text(record: Interaction) -> str:
    """What only the commander sees: the private original, else the private follow-up."""

    def shown() -> str | None:
        original = done(record)
        if original is not None and original["flags"] & payloads.EPHEMERAL:
            return str(original["content"])
        for message in record.followups:
            if message["flags"] & payloads.EPHEMERAL:
                return str(message["content"])
        return None

    return await wait_until(shown, "the private answer")


async def test_start_in_a_channel_the_bot_cannot_post_in_says_so_privately(
    fake: FakeDiscord, start_bot: StartBot, container: Container
) -> None:
    await start_bot()
    fake.no_access.add(CHANNEL)
    started = await fake.slash(ADA, CHANNEL, "start", question="url-shortener")
    note = await ephemeral_text(started)
    assert "I cannot post in this channel" in note and "direct message" in note
    assert interviews(container) == 0 and fake.threads() == []


async def test_the_parent_message_uses_discord_bold(fake: FakeDiscord, start_bot: StartBot) -> None:
    await start_bot()
    thread, _ = await start_in_channel(fake, question="url-shortener")
    parent = fake.messages[thread]["content"]
    assert "**Design a URL shortener**" in parent  # Slack's *bold* would show in italics


async def test_a_second_start_asks_first_and_new_ends_the_first(
    fake: FakeDiscord, start_bot: StartBot, container: Container
) -> None:
    await start_bot()
    first, _ = await start_in_channel(fake, question="chatbot-api")
    again = await fake.slash(ADA, CHANNEL, "start", question="url-shortener")
    note = await ephemeral_text(again)
    assert "You already have an interview running" in note and "--new" in note
    assert interviews(container) == 1 and len(fake.threads()) == 1

    await fake.slash(ADA, CHANNEL, "start", question="url-shortener", new=True)
    await wait_until(lambda: len(fake.threads()) == 2, "the second thread")

    def first_card() -> list[dict[str, Any]]:
        return [
            m
            for m in fake.by_bot(first)
            if m["embeds"] and m["embeds"][0]["title"].startswith("Scorecard")
        ]

    (card,) = await wait_until(first_card, "the first interview's scorecard in its thread")
    fields = card["embeds"][0]["fields"]
    assert len(fields) == 7 and not any(f["inline"] for f in fields)  # full width
    assert all("/4" in f["name"] for f in fields)  # the score as a number
    assert interviews(container) == 2


async def test_history_opens_a_past_scorecard_by_number(
    fake: FakeDiscord, start_bot: StartBot
) -> None:
    await start_bot()
    dm = fake.dm_channel(ADA)
    started = await fake.slash(ADA, dm, "start", question="url-shortener", format="async")
    await wait_until(lambda: done(started), "the opening")
    said = await fake.say(dm, ADA, "Base62 ids from a counter, a cache for hot redirects.")
    await wait_until(lambda: fake.after(dm, said), "the answer")
    ended = await fake.slash(ADA, dm, "end")
    await wait_until(lambda: done(ended) and ended.followups, "the scorecard")

    listed = await ephemeral_text(await fake.slash(ADA, dm, "history"))
    assert listed.startswith("**1.** ") and "`url-shortener`" in listed
    assert "/mockroom history number:N" in listed

    opened = await fake.slash(ADA, dm, "history", number=1)
    shown = await wait_until(lambda: done(opened), "the past scorecard")
    assert shown["flags"] & payloads.EPHEMERAL
    (embed,) = shown["embeds"]
    assert embed["title"] == "Scorecard · 1. Design a URL shortener"
    assert [a["filename"] for a in shown["attachments"]] == ["radar.png"]
    missing = await ephemeral_text(await fake.slash(ADA, dm, "history", number=5))
    assert "no number 5: the numbers run from 1 to 1" in missing


async def test_only_channel_managers_share_the_board(
    fake: FakeDiscord, start_bot: StartBot
) -> None:
    await start_bot()
    denied = await fake.slash(BOB, CHANNEL, "leaderboard", share=True, permissions=NO_MANAGE)
    assert "Only people who may manage this channel" in await ephemeral_text(denied)
    assert fake.by_bot(CHANNEL) == []

    shared = await fake.slash(ADA, CHANNEL, "leaderboard", share=True)
    assert "posted in the channel" in await ephemeral_text(shared)
    (board,) = fake.by_bot(CHANNEL)  # for everyone in the channel
    assert board["embeds"][0]["title"].startswith("Leaderboard")
