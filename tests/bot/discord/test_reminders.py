"""Streak reminders on Discord: a DM an hour before the drill closes, once, to members who
opted in and have not answered; snoozed members are left alone."""

from __future__ import annotations

from functools import partial

from bot.bootstrap import Container
from bot.scheduler import ClockScheduler
from tests.bot.discord import payloads
from tests.bot.discord.conftest import ADA, BOB, CYD, StartBot
from tests.bot.discord.fake_discord import FakeDiscord
from tests.bot.discord.test_drills import BOB_ANSWER, dm_texts, posted_drill, private_note
from tests.clock import FakeClock
from tests.support import wait_until

CHANNEL = payloads.TEXT_CHANNEL_ID


async def test_reminders_go_by_dm_once_to_who_has_not_answered(
    fake: FakeDiscord, start_bot: StartBot, container: Container, clock: FakeClock
) -> None:
    runner = await start_bot()
    for who in (ADA, BOB, CYD):
        note = await private_note(await fake.slash(who, CHANNEL, "remind"))
        assert "Streak reminders on" in note
    _, thread_id = await posted_drill(fake, container, clock, runner)
    snoozed = await fake.slash(CYD, CHANNEL, "remind", action="snooze", days=2)
    assert "snoozed for 2 days" in await private_note(snoozed)
    await fake.say(thread_id, BOB, BOB_ANSWER)
    await wait_until(partial(dm_texts, fake, BOB), "Bob's score")

    sweeps = ClockScheduler(
        container.service, [runner], drills=container.drills, reminders=container.reminders
    )
    clock.advance(minutes=23 * 60 + 30)  # half an hour before the drill closes
    assert await sweeps.remind() == 1
    assert await sweeps.remind() == 0  # once
    (reminder,) = [t for t in dm_texts(fake, ADA) if "left to answer" in t]
    assert reminder.startswith("30 minutes left to answer today's drill, **")
    assert f"<#{CHANNEL}>" in reminder
    assert not any("left to answer" in t for t in dm_texts(fake, BOB))  # he answered
    assert not any("left to answer" in t for t in dm_texts(fake, CYD))  # snoozed
