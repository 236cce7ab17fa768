"""Streak reminders on Slack: opt in, a DM an hour before the drill closes for a member who has
not answered, once, even with two replicas; snooze and off stop it."""

from __future__ import annotations

from datetime import timedelta

from bot.scheduler import ClockScheduler
from tests.bot.slack.conftest import ADA, BOB, CAROL, CHANNEL, Factory, Harness, dm_of
from tests.bot.slack.test_drills import (
    ANSWER,
    DRILL_AT,
    SUBSCRIBE,
    last_note,
    make_admin,
    top_level,
)

CLOSES = DRILL_AT + timedelta(hours=24)


def sweeps(slack: Harness) -> ClockScheduler:
    parts = slack.container
    return ClockScheduler(
        parts.service, [slack.runner], drills=parts.drills, reminders=parts.reminders
    )


async def posted(slack: Harness) -> str:
    make_admin(slack, ADA, "Ada")
    await slack.command(ADA, CHANNEL, SUBSCRIBE)
    slack.clock.now = DRILL_AT
    assert await sweeps(slack).sweep_drills() == 1
    [parent] = top_level(slack, "Daily design drill")
    return parent.ts


def reminders_to(slack: Harness, user: str) -> list[str]:
    return [m.shown for m in slack.fake.conversation(dm_of(user)) if "left to answer" in m.shown]


async def test_a_member_who_has_not_answered_is_reminded_once(slack: Harness) -> None:
    for user in (ADA, BOB, CAROL):
        await slack.command(user, CHANNEL, "remind on")
        assert "Streak reminders on" in last_note(slack, user)
    await slack.command(CAROL, CHANNEL, "remind snooze 3")
    assert "snoozed for 3 days" in last_note(slack, CAROL)
    thread = await posted(slack)
    await slack.say(ADA, CHANNEL, ANSWER, thread_ts=thread)

    slack.clock.now = CLOSES - timedelta(hours=1, seconds=1)
    await sweeps(slack).sweep_drills()
    assert reminders_to(slack, BOB) == []  # not yet within the hour
    slack.clock.now = CLOSES - timedelta(minutes=59)
    await sweeps(slack).sweep_drills()
    await sweeps(slack).sweep_drills()
    [reminder] = reminders_to(slack, BOB)
    assert reminder.startswith("59 minutes left to answer today's drill, *Design a")
    assert f"<#{CHANNEL}>" in reminder
    assert reminders_to(slack, ADA) == []  # she answered
    assert reminders_to(slack, CAROL) == []  # snoozed


async def test_off_stops_reminders_and_two_replicas_send_one(harness_factory: Factory) -> None:
    first = await harness_factory()
    await first.command(BOB, CHANNEL, "remind")
    await first.command(CAROL, CHANNEL, "remind on")
    await first.command(CAROL, CHANNEL, "remind off")
    await posted(first)
    second = await harness_factory()
    first.clock.now = CLOSES - timedelta(minutes=30)
    await sweeps(first).remind()
    await sweeps(second).remind()
    assert len(reminders_to(first, BOB)) == 1
    assert reminders_to(first, CAROL) == []


async def test_a_one_hour_window_reminds_halfway_not_with_the_drill(slack: Harness) -> None:
    make_admin(slack, ADA, "Ada")
    await slack.command(ADA, CHANNEL, "settings set window 1")
    await slack.command(BOB, CHANNEL, "remind on")
    await posted(slack)  # the sweep that posts the drill sends no reminder with it
    assert reminders_to(slack, BOB) == []
    slack.clock.now = DRILL_AT + timedelta(minutes=29)
    await sweeps(slack).sweep_drills()
    assert reminders_to(slack, BOB) == []
    slack.clock.now = DRILL_AT + timedelta(minutes=30)
    await sweeps(slack).sweep_drills()
    [reminder] = reminders_to(slack, BOB)
    assert reminder.startswith("30 minutes left to answer today's drill")
