"""Peer mocks on Slack: opt in, a channel manager sets the weekly pairing, and each round
opens a group DM per pair with a proposed time and sends the interviewer the brief, once."""

from __future__ import annotations

from datetime import timedelta

from bot.scheduler import ClockScheduler
from tests.bot.slack.conftest import ADA, BOB, CHANNEL, Factory, Harness, dm_of
from tests.bot.slack.test_drills import DRILL_AT, last_note, make_admin

PAIR_DM = "G0ADA0BOB"  # the fake's group DM of Ada, Bob and the app


def clock_of(slack: Harness) -> ClockScheduler:
    return ClockScheduler(slack.container.service, [slack.runner], peers=slack.container.peers)


async def opted_in_and_weekly(slack: Harness) -> None:
    make_admin(slack, ADA, "Ada")
    slack.fake.users[BOB] = {"profile": {"display_name": "Bob"}}
    await slack.command(BOB, CHANNEL, "pair weekly wed 10:30 Europe/Berlin")
    assert "Only people who may manage this channel" in last_note(slack, BOB)
    await slack.command(ADA, CHANNEL, "pair weekly wed 10:30 Europe/Berlin")
    assert "Weekly pairing set: " in last_note(slack, ADA)
    for user in (ADA, BOB):
        await slack.command(user, CHANNEL, "pair")
        assert "You are in this channel's peer mocks" in last_note(slack, user)


async def test_a_round_pairs_members_in_a_group_dm_with_the_brief(slack: Harness) -> None:
    await opted_in_and_weekly(slack)
    slack.clock.now = DRILL_AT - timedelta(seconds=1)
    assert await clock_of(slack).pair_rounds() == 0
    slack.clock.now = DRILL_AT
    assert await clock_of(slack).pair_rounds() == 1
    assert await clock_of(slack).pair_rounds() == 0  # once

    [intro] = slack.fake.conversation(PAIR_DM)
    assert (
        "Peer mock this week: " in intro.shown and "Proposed time: Thu 26 Nov 10:30" in intro.shown
    )
    interviewer = ADA if f"<@{ADA}> interviews" in intro.shown else BOB
    candidate = BOB if interviewer == ADA else ADA
    [brief] = slack.fake.conversation(dm_of(interviewer))
    assert brief.shown.startswith("*You interview ")
    assert "*Hidden facts*" in brief.shown and "*Stage plan*" in brief.shown
    assert "*Rubric*" in brief.shown
    assert slack.fake.conversation(dm_of(candidate)) == []  # the candidate gets no brief

    slack.clock.now = DRILL_AT + timedelta(days=7)  # next week: roles swap
    assert await clock_of(slack).pair_rounds() == 1
    second = slack.fake.conversation(PAIR_DM)[-1]
    assert f"<@{candidate}> interviews <@{interviewer}>" in second.shown


async def test_two_replicas_pair_a_round_once(harness_factory: Factory) -> None:
    first = await harness_factory()
    await opted_in_and_weekly(first)
    second = await harness_factory()
    first.clock.now = DRILL_AT
    assert await clock_of(first).pair_rounds() + await clock_of(second).pair_rounds() == 1
    assert len(first.fake.conversation(PAIR_DM)) == 1


async def test_leave_takes_a_member_out_of_the_next_round(slack: Harness) -> None:
    await opted_in_and_weekly(slack)
    await slack.command(BOB, CHANNEL, "pair leave")
    assert "You left" in last_note(slack, BOB)
    slack.clock.now = DRILL_AT
    assert await clock_of(slack).pair_rounds() == 0  # Ada alone: nobody to pair her with


async def test_a_member_left_out_of_a_round_is_told_why(slack: Harness) -> None:
    await opted_in_and_weekly(slack)
    await slack.command(BOB, CHANNEL, "pair leave")
    slack.clock.now = DRILL_AT
    assert await clock_of(slack).pair_rounds() == 0  # Ada alone: nobody to pair her with
    [told] = slack.fake.conversation(dm_of(ADA))
    assert told.text.startswith(f"No peer mock for you this week in <#{CHANNEL}>: nobody else")
    assert await clock_of(slack).pair_rounds() == 0
    assert len(slack.fake.conversation(dm_of(ADA))) == 1  # the round is claimed: told once


async def test_a_bad_pairing_time_gets_a_pairing_example(slack: Harness) -> None:
    make_admin(slack, ADA, "Ada")
    await slack.command(ADA, CHANNEL, "pair weekly monday 25:00 UTC")
    note = last_note(slack, ADA)
    assert "'25:00' is not a time of day" in note
    assert "/mockroom pair weekly mon 18:00 Europe/Berlin" in note and "drill" not in note
