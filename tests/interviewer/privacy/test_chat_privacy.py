"""`/mockroom export`, `forget-me` and `forget-me confirm` in chat, and who sees what."""

from __future__ import annotations

import json
import random

import pytest

from bot.chat.controller import ChatController, Place, PlaceKind
from bot.chat.grammar import ForgetRequest, UsageError, parse_request
from tests.interviewer.privacy.world import ANA, ANA_SAYS, BEN, BEN_SAYS, World, traces

DM = Place(PlaceKind.DM, "D-ana")
CHANNEL = Place(PlaceKind.CHANNEL, "C9")


@pytest.fixture
def chat(world: World) -> ChatController:
    return ChatController(
        world.parts.service, world.parts.bank, privacy=world.privacy, rng=random.Random(1)
    )


@pytest.mark.parametrize(
    ("text", "confirm"),
    [("forget-me", False), ("forget-me confirm", True), ("FORGET-ME Confirm", True)],
)
def test_parse_forget_me(text: str, confirm: bool) -> None:
    assert parse_request(text) == ForgetRequest(confirm)


@pytest.mark.parametrize("text", ["forget-me UBEN9", "forget-me now please", "export UBEN9"])
def test_nobody_can_name_another_member(text: str) -> None:
    with pytest.raises(UsageError):
        parse_request(text)


async def test_export_is_a_private_file_of_her_own_data(chat: ChatController) -> None:
    response = await chat.command(ANA, CHANNEL, "export")
    assert response.export is not None and response.reply is None and response.board is None
    assert response.private == response.export.summary
    assert response.export.filename.endswith(".json")
    text = response.export.content.decode("utf-8")
    assert all(said in text for said in ANA_SAYS)
    assert not any(said in text for said in BEN_SAYS) and BEN.user_id not in text
    assert json.loads(text)["user_id"] == ANA.user_id


async def test_forget_me_warns_and_deletes_nothing(chat: ChatController, world: World) -> None:
    before = traces(world.engine, ANA.user_id)
    response = await chat.command(ANA, DM, "forget-me")
    assert response.private is not None and response.export is None
    assert "/mockroom forget-me confirm" in response.private
    assert "interviews you started" in response.private and ": 3\n" in response.private
    # What others keep, anonymised: her design-along messages and her peer-interviewer questions.
    kept = response.private.split("Kept in other people's records")[1]
    assert "design-alongs" in kept and "peer interviewer" in kept and "pairings" in kept
    assert "cannot be undone" in response.private
    assert traces(world.engine, ANA.user_id) == before


async def test_forget_me_confirm_deletes_and_says_what(chat: ChatController, world: World) -> None:
    response = await chat.command(ANA, DM, "forget-me confirm")
    assert response.private is not None and "forgotten you" in response.private
    assert "interview: 3" in response.private and "drill_answer: 1" in response.private
    assert traces(world.engine, ANA.user_id, "Ana-zephyr") == []
    history = await chat.command(ANA, DM, "history")
    assert history.history == []


async def test_history_is_per_member(chat: ChatController, world: World) -> None:
    ana = await chat.command(ANA, DM, "history")
    ben = await chat.command(BEN, DM, "history")
    assert ana.history is not None and ben.history is not None
    assert {e.interview_id for e in ana.history} == {
        world.interviews["ana-solo"],
        world.interviews["ana-group"],
        world.interviews["ana-peer"],
    }
    assert {e.interview_id for e in ben.history} == {
        world.interviews["ben-solo"],
        world.interviews["ben-group"],
        world.interviews["ben-peer"],
    }


async def test_without_privacy_wired_the_commands_say_so(world: World) -> None:
    chat = ChatController(world.parts.service, world.parts.bank)
    for text in ("export", "forget-me", "forget-me confirm"):
        response = await chat.command(ANA, DM, text)
        assert response.private is not None and "not set up" in response.private
    assert traces(world.engine, ANA.user_id)


async def test_help_lists_the_privacy_commands(chat: ChatController) -> None:
    response = await chat.command(ANA, DM, "help")
    assert response.private is not None
    assert "/mockroom export*" in response.private and "/mockroom forget-me*" in response.private
