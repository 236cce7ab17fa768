"""`/mockroom export` and `/mockroom forget-me` through the real discord.py client and the fake."""

from __future__ import annotations

import json
from typing import Any

from bot.bootstrap import Container
from interviewer.commands import Command
from interviewer.core.stages import Format
from interviewer.service import Who
from tests.bot.discord import payloads
from tests.bot.discord.conftest import ADA, BOB, StartBot
from tests.bot.discord.fake_discord import FakeDiscord, Interaction
from tests.bot.discord.test_dm import done
from tests.support import wait_until

CHANNEL = payloads.TEXT_CHANNEL_ID
ADA_SAYS = "Ada: consistent hashing over forty shards, with a write-ahead log per shard."
BOB_SAYS = "Bob: one Postgres primary and two read replicas behind PgBouncer."
EXPORT_FILE = "mockroom-export-discord-2026-11-25.json"


def member(user: dict[str, Any]) -> Who:
    return Who("discord", user["id"], user["username"])


async def interview(
    fake: FakeDiscord, container: Container, user: dict[str, Any], said: str
) -> None:
    """An ended async interview in the user's DM with one answer, through the service."""
    who, dm = member(user), fake.dm_channel(user)
    await container.service.start(who, dm, "url-shortener", Format.ASYNC)
    await container.service.answer(who, dm, said)
    await container.service.command(who, dm, Command.END)


async def private_answer(record: Interaction) -> str:
    """The ephemeral answer to a deferred slash command."""
    original = await wait_until(lambda: done(record), "the private answer")
    assert record.callbacks[0]["data"]["flags"] & payloads.EPHEMERAL
    assert original["flags"] & payloads.EPHEMERAL
    return str(original["content"])


async def test_export_in_a_channel_is_a_dm_with_the_json_file(
    fake: FakeDiscord, start_bot: StartBot, container: Container
) -> None:
    await start_bot()
    await interview(fake, container, ADA, ADA_SAYS)
    await interview(fake, container, BOB, BOB_SAYS)
    ada_dm = fake.dm_channel(ADA)
    dms_before = len(fake.dms_to(ADA))

    note = await private_answer(await fake.slash(ADA, CHANNEL, "export"))

    assert note.startswith("Your mockroom data: 1 interview, ")
    assert "direct messages" in note
    [sent] = fake.dms_to(ADA)[dms_before:]
    assert [a["filename"] for a in sent["attachments"]] == [EXPORT_FILE]
    assert note.startswith(sent["content"])  # the DM's message is the summary
    [upload] = [c for c in fake.calls_to("POST", rf"/channels/{ada_dm}/messages") if c.uploads]
    data = json.loads(upload.uploads[EXPORT_FILE].decode("utf-8"))
    assert data["user_id"] == ADA["id"]
    text = json.dumps(data, ensure_ascii=False)
    assert ADA_SAYS in text
    assert BOB_SAYS not in text and BOB["id"] not in text
    assert fake.by_bot(CHANNEL) == []  # nothing public in the channel
    assert not any(c.uploads for c in fake.calls if c.path != f"/channels/{ada_dm}/messages")


async def test_export_with_dms_closed_says_so_privately(
    fake: FakeDiscord, start_bot: StartBot, container: Container
) -> None:
    await start_bot()
    await interview(fake, container, ADA, ADA_SAYS)
    fake.dms_closed.add(ADA["id"])

    note = await private_answer(await fake.slash(ADA, CHANNEL, "export"))

    assert "could not send you your export" in note and "Privacy Settings" in note
    assert fake.dms_to(ADA) == []
    assert not any(c.status == 200 and c.uploads for c in fake.calls)
    assert fake.by_bot(CHANNEL) == []


async def test_forget_me_warns_then_confirm_deletes_only_that_member(
    fake: FakeDiscord, start_bot: StartBot, container: Container
) -> None:
    await start_bot()
    await interview(fake, container, ADA, ADA_SAYS)
    await interview(fake, container, BOB, BOB_SAYS)
    service = container.service

    warning = await private_answer(await fake.slash(ADA, CHANNEL, "forget-me"))
    assert "permanently deletes" in warning
    assert "`/mockroom forget-me confirm:True`" in warning  # Discord's form of the option
    assert len(service.history(member(ADA))) == 1  # a warning deletes nothing

    confirmed = await private_answer(await fake.slash(ADA, CHANNEL, "forget-me", confirm=True))
    assert confirmed.startswith("Done: mockroom has forgotten you")
    assert service.history(member(ADA)) == []
    [kept] = service.history(member(BOB))
    assert kept.question_id == "url-shortener"
    assert fake.by_bot(CHANNEL) == []
