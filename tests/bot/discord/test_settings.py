"""Channel settings on Discord, through the real discord.py against the fake Discord:
`/mockroom settings show` for anyone, `/mockroom settings set` for Manage Channels, values
suggested per key; a start in the channel then uses the channel's default format and level."""

from __future__ import annotations

from bot.bootstrap import Container
from interviewer.core.rubric import Level
from interviewer.core.stages import Format
from interviewer.service import Who
from interviewer.settings.values import ChannelSettings
from tests.bot.discord import payloads
from tests.bot.discord.conftest import ADA, BOB, StartBot
from tests.bot.discord.fake_discord import FakeDiscord
from tests.bot.discord.test_drills import private_note
from tests.bot.discord.test_threads import start_in_channel
from tests.support import wait_until

CHANNEL = payloads.TEXT_CHANNEL_ID


def stored(container: Container) -> ChannelSettings:
    assert container.channel_settings is not None
    return container.channel_settings.stored("discord", CHANNEL)


async def test_a_manager_sets_a_value_and_a_start_uses_it(
    fake: FakeDiscord, start_bot: StartBot, container: Container
) -> None:
    await start_bot()
    note = await private_note(
        await fake.slash(ADA, CHANNEL, "settings set", key="format", value="drill")
    )
    assert note.startswith("This channel's format is now drill.")
    assert "**This channel's settings**" in note  # Discord markup, not Slack's
    note = await private_note(
        await fake.slash(ADA, CHANNEL, "settings set", key="level", value="staff")
    )
    assert "level: staff ·" in note
    assert stored(container) == ChannelSettings(fmt=Format.DRILL, level=Level.STAFF)

    thread, _ = await start_in_channel(fake, question="chatbot-api")
    assert "ada started a drill mock interview" in fake.messages[thread]["content"].lower()
    running = await container.service.current_async(Who("discord", ADA["id"], None))
    assert running is not None and running.state.level is Level.STAFF


async def test_members_see_the_settings_and_cannot_change_them(
    fake: FakeDiscord, start_bot: StartBot, container: Container
) -> None:
    await start_bot()
    shown = await private_note(
        await fake.slash(BOB, CHANNEL, "settings show", permissions=payloads.MEMBER_PERMISSIONS)
    )
    assert "board-hour: 9 (default)" in shown and "format: standard (default)" in shown
    refused = await private_note(
        await fake.slash(
            BOB,
            CHANNEL,
            "settings set",
            permissions=payloads.MEMBER_PERMISSIONS,
            key="board-hour",
            value="17",
        )
    )
    assert "Only people who may manage this channel" in refused
    bad = await private_note(
        await fake.slash(ADA, CHANNEL, "settings set", key="board-hour", value="25")
    )
    assert "'25' is not a board-hour: use the weekly board's local hour, 0 to 23" in bad
    assert stored(container) == ChannelSettings()


async def test_values_are_suggested_for_the_chosen_key(
    fake: FakeDiscord, start_bot: StartBot
) -> None:
    await start_bot()
    asked = await fake.autocomplete(
        ADA, CHANNEL, "settings set", "value", "rag,vector", key="topics"
    )
    await wait_until(lambda: asked.callbacks, "the topics")
    values = [c["value"] for c in asked.callbacks[0]["data"]["choices"]]
    assert values == ["rag,vector-search"]  # `any` and `default` stand alone
    after = await fake.autocomplete(ADA, CHANNEL, "settings set", "value", "rag,", key="topics")
    await wait_until(lambda: after.callbacks, "the topics after a comma")
    offered = [c["value"] for c in after.callbacks[0]["data"]["choices"]]
    assert offered and all(v.startswith("rag,") and v != "rag,rag" for v in offered)
    alone = await fake.autocomplete(ADA, CHANNEL, "settings set", "value", "", key="topics")
    await wait_until(lambda: alone.callbacks, "the topics")
    assert [c["value"] for c in alone.callbacks[0]["data"]["choices"]][-2:] == ["any", "default"]
    days = await fake.autocomplete(ADA, CHANNEL, "settings set", "value", "", key="board-day")
    await wait_until(lambda: days.callbacks, "the days")
    assert [c["value"] for c in days.callbacks[0]["data"]["choices"]][:7] == [
        "mon",
        "tue",
        "wed",
        "thu",
        "fri",
        "sat",
        "sun",
    ]
