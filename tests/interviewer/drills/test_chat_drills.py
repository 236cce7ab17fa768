"""Drills and leaderboards through the chat controller Slack and Discord share."""

from __future__ import annotations

import random

from bot.chat.controller import ChatController, Place, PlaceKind
from interviewer.bank import QuestionBank
from interviewer.service import Who
from tests.clock import FakeClock
from tests.interviewer.drills.harness import ADMIN, SLACK, TEAM, Replica

CHANNEL = Place(PlaceKind.CHANNEL, "C1")
ADA = Who(SLACK, "U1", "Ada")


def controller(world: Replica, bank: QuestionBank) -> ChatController:
    return ChatController(world.service, bank, drills=world.drills, rng=random.Random(1))


async def test_subscribe_needs_a_channel_manager_and_a_valid_schedule(
    world: Replica, bank: QuestionBank
) -> None:
    chat = controller(world, bank)
    refused = await chat.command(ADA, CHANNEL, "drill subscribe 09:30 UTC", workspace=TEAM)
    assert refused.private is not None and "manage" in refused.private.lower()
    bad = await chat.command(
        ADMIN, CHANNEL, "drill subscribe 9.30 Mars/Base", workspace=TEAM, is_admin=True
    )
    assert bad.private is not None
    assert "/mockroom drill subscribe 09:30 Europe/Berlin mon-fri" in bad.private
    done = await chat.command(
        ADMIN,
        CHANNEL,
        "drill subscribe 09:30 Europe/Berlin mon-fri",
        workspace=TEAM,
        is_admin=True,
    )
    assert done.private is not None and "09:30 Europe/Berlin" in done.private
    listed = await chat.command(ADA, CHANNEL, "drill list", workspace=TEAM)
    assert listed.private is not None and "C1" in listed.private


async def test_a_drill_subscription_belongs_to_a_channel(
    world: Replica, bank: QuestionBank
) -> None:
    chat = controller(world, bank)
    dm = await chat.command(
        ADMIN,
        Place(PlaceKind.DM, "D1"),
        "drill subscribe 09:30 UTC",
        workspace=TEAM,
        is_admin=True,
    )
    assert dm.private is not None and "run this in the channel" in dm.private


async def test_drill_answers_are_graded_once_and_sent_privately(
    world: Replica, bank: QuestionBank, clock: FakeClock
) -> None:
    chat = controller(world, bank)
    await chat.command(
        ADMIN, CHANNEL, "drill subscribe 09:30 UTC daily", workspace=TEAM, is_admin=True
    )
    clock.now = clock.now.replace(hour=9, minute=30)
    await world.scheduler.sweep_drills()
    [(channel, thread_key, _)] = world.poster.drills
    assert channel == "C1"
    thread = Place(PlaceKind.THREAD, thread_key)
    first = await chat.message(
        ADA, thread, "Shard by user id because one node cannot hold it.", event_key="m1"
    )
    assert first is not None and first.private is not None and "/4" in first.private
    again = await chat.message(
        ADA, thread, "Shard by user id because one node cannot hold it.", event_key="m1"
    )
    assert again is None  # a redelivery: nothing said twice
    board = await chat.command(ADA, CHANNEL, "leaderboard week", workspace=TEAM)
    assert board.board is not None and board.board.png is not None
    assert board.board.png[:8] == b"\x89PNG\r\n\x1a\n"
    me = chat.standing(ADA, TEAM)
    assert me is not None and "streak" in me.lower()
