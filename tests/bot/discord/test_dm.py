"""A one-on-one interview in a DM, from `/mockroom start` to the scorecard."""

from __future__ import annotations

from typing import Any

from bot.bootstrap import Container
from interviewer.core.rubric import Level
from interviewer.service import Who
from tests.bot.discord import payloads
from tests.bot.discord.conftest import ADA, StartBot
from tests.bot.discord.fake_discord import FakeDiscord, Interaction
from tests.support import wait_until


def done(record: Interaction) -> dict[str, Any] | None:
    """The original response once it is no longer 'thinking'."""
    original = record.original
    if original is None or original["flags"] & payloads.LOADING:
        return None
    return original


def custom_ids(message: dict[str, Any]) -> list[str]:
    return [c["custom_id"] for row in message["components"] for c in row["components"]]


async def test_a_dm_interview_from_start_to_scorecard(
    fake: FakeDiscord, start_bot: StartBot
) -> None:
    await start_bot()
    dm = fake.dm_channel(ADA)

    started = await fake.slash(ADA, dm, "start", question="model-serving", format="drill")
    first = await wait_until(lambda: done(started), "the opening message")
    assert started.callbacks[0]["type"] == 5  # deferred first, within the 3 seconds
    assert not started.late
    (embed,) = first["embeds"]
    assert embed["title"] == "Your question"
    assert "Clarify requirements" in embed["footer"]["text"]
    ids = custom_ids(first)
    assert [i.split(":")[1] for i in ids] == ["hint", "next", "end"]
    interview = ids[0].split(":")[2]

    posts_before = len(fake.calls_to("POST", rf"/channels/{dm}/messages"))
    said = await fake.say(dm, ADA, "How many users, and what latency do we need?")
    answer = await wait_until(
        lambda: [m for m in fake.after(dm, said) if m["embeds"] and m["edited_timestamp"]],
        "the answer",
    )
    # One message per answer: posted once as a preview, then edited into the embed.
    assert len(fake.calls_to("POST", rf"/channels/{dm}/messages")) == posts_before + 1
    assert answer[-1]["content"] == ""
    assert custom_ids(answer[-1]) == [f"mockroom:{a}:{interview}" for a in ("hint", "next", "end")]

    ended = await fake.slash(ADA, dm, "end")
    await wait_until(lambda: done(ended) and ended.followups, "the scorecard")
    messages = [done(ended), *ended.followups]
    card = next(m for m in messages if m and m["embeds"][0]["title"].startswith("Scorecard"))
    card_embed = card["embeds"][0]
    assert "Overall" in card_embed["description"]
    assert len(card_embed["fields"]) == 7
    assert card_embed["image"]["url"] == "attachment://radar.png"
    assert [a["filename"] for a in card["attachments"]] == ["radar.png"]
    assert not card["components"]  # no buttons once it has ended

    history = await fake.slash(ADA, dm, "history")
    listed = await wait_until(lambda: done(history), "the history")
    assert history.callbacks[0]["data"]["flags"] & payloads.EPHEMERAL
    assert "model-serving" in listed["content"]


async def test_a_dm_without_an_interview_says_how_to_start(
    fake: FakeDiscord, start_bot: StartBot
) -> None:
    await start_bot()
    dm = fake.dm_channel(ADA)
    await fake.say(dm, ADA, "hello?")
    reply = await wait_until(lambda: fake.by_bot(dm), "the hint to start")
    assert "/mockroom start" in reply[0]["content"]


async def test_start_at_a_level_sets_the_hire_bar(
    fake: FakeDiscord, start_bot: StartBot, container: Container
) -> None:
    await start_bot()
    dm = fake.dm_channel(ADA)
    started = await fake.slash(ADA, dm, "start", question="model-serving", level="staff")
    await wait_until(lambda: done(started), "the opening message")
    who = Who("discord", ADA["id"], None)
    stored = await container.service.current_async(who)
    assert stored is not None and stored.state.level is Level.STAFF
