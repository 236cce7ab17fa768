"""The chat controller Slack and Discord share, against the real service and a fake repository."""

from __future__ import annotations

import random

import pytest

from bot.chat.controller import ChatController, Place, PlaceKind
from bot.chat.grammar import SimpleRequest, StartRequest, UsageError, parse_request
from interviewer.bank import QuestionBank, load_bank
from interviewer.core.rubric import Level
from interviewer.core.stages import Format
from interviewer.core.transcript import TurnKind
from interviewer.offline.brain import OfflineBrain
from interviewer.offline.scorer import OfflineGrader
from interviewer.service import InterviewService, Who
from tests.clock import FakeClock
from tests.fakes import InMemoryRepository

ADA = Who("slack", "U1", "Ada")
BOB = Who("slack", "U2", "Bob")
DM = Place(PlaceKind.DM, "D1")
CHANNEL = Place(PlaceKind.CHANNEL, "C1")


@pytest.fixture(scope="module")
def bank() -> QuestionBank:
    return load_bank()


@pytest.fixture
def controller(bank: QuestionBank) -> ChatController:
    service = InterviewService(
        InMemoryRepository(),
        bank,
        OfflineBrain(bank),
        OfflineGrader(bank),
        FakeClock(),
        rng=random.Random(5),
    )
    return ChatController(service, bank, rng=random.Random(5))


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("", SimpleRequest("help")),
        ("hint", SimpleRequest("hint")),
        ("HISTORY", SimpleRequest("history")),
        ("start", StartRequest()),
        ("start model-serving drill", StartRequest("model-serving", Format.DRILL)),
        ("start rag extended --group", StartRequest("rag", Format.EXTENDED, group=True)),
        ("start 'vector search' async", StartRequest("vector search", Format.ASYNC)),
        ("start rag staff", StartRequest("rag", level=Level.STAFF)),
        ("start drill --level=mid", StartRequest(None, Format.DRILL, level=Level.MID)),
        ("start --level senior", StartRequest(level=Level.SENIOR)),
        ("start rag staff --new", StartRequest("rag", level=Level.STAFF, new=True)),
        ("start --new --level mid", StartRequest(level=Level.MID, new=True)),
    ],
)
def test_parse_request(text: str, expected: object) -> None:
    assert parse_request(text) == expected


@pytest.mark.parametrize(
    ("text", "message"), [("dance", "Unknown command `dance`"), ("end now", "takes no arguments")]
)
def test_bad_requests_get_usage(text: str, message: str) -> None:
    with pytest.raises(UsageError, match=message) as info:
        parse_request(text)
    assert "/mockroom start" in str(info.value)


async def test_start_in_a_dm_runs_there(controller: ChatController) -> None:
    response = await controller.command(ADA, DM, "start model-serving")
    assert response.reply is not None and response.conversation is None
    assert response.reply.channel == "D1"
    assert response.reply.messages[0].kind is TurnKind.OPENING


async def test_start_in_a_channel_opens_a_thread(controller: ChatController) -> None:
    opened: list[str] = []

    async def open_thread(text: str) -> str:
        opened.append(text)
        return "C1:1700.01"

    response = await controller.command(
        ADA, CHANNEL, "start chatbot-api drill", open_thread=open_thread
    )
    assert response.conversation == "C1:1700.01"
    assert response.reply is not None and response.reply.channel == "C1:1700.01"
    assert "Ada started a drill mock interview" in opened[0]
    assert "real-time chatbot API" in opened[0]


async def test_a_topic_picks_a_matching_question(
    controller: ChatController, bank: QuestionBank
) -> None:
    response = await controller.command(ADA, DM, "start gpu")
    assert response.reply is not None
    assert "gpu" in bank.problem(response.reply.question_id).topics


async def test_an_unknown_topic_is_a_private_note(controller: ChatController) -> None:
    response = await controller.command(ADA, DM, "start underwater-basket-weaving")
    assert response.reply is None
    assert response.private is not None and "No question matches" in response.private


async def test_a_second_start_is_refused_privately(controller: ChatController) -> None:
    await controller.command(ADA, DM, "start model-serving")
    response = await controller.command(ADA, DM, "start chatbot-api")
    assert response.private is not None and "already have an interview" in response.private


async def test_channel_chatter_is_not_ours_and_thread_observers_are_ignored(
    controller: ChatController,
) -> None:
    async def open_thread(text: str) -> str:
        return "C1:1.0"

    await controller.command(ADA, CHANNEL, "start model-serving", open_thread=open_thread)
    thread = Place(PlaceKind.THREAD, "C1:1.0")
    assert await controller.message(ADA, CHANNEL, "hello all") is None
    assert await controller.message(BOB, thread, "go Ada!") is None
    answered = await controller.message(ADA, thread, "How many users?")
    assert answered is not None and answered.reply is not None


async def test_a_dm_without_an_interview_says_how_to_start(controller: ChatController) -> None:
    response = await controller.message(ADA, DM, "hi")
    assert response is not None and response.private is not None
    assert "/mockroom start" in response.private


async def test_buttons_check_the_owner(controller: ChatController) -> None:
    async def open_thread(text: str) -> str:
        return "C1:2.0"

    started = await controller.command(ADA, CHANNEL, "start model-serving", open_thread=open_thread)
    assert started.reply is not None
    thread = Place(PlaceKind.THREAD, "C1:2.0")
    denied = await controller.button(BOB, thread, started.reply.interview_id, "end")
    assert denied.reply is None and denied.private is not None
    assert "not your interview" in denied.private
    hint = await controller.button(ADA, thread, started.reply.interview_id, "hint")
    assert hint.reply is not None and hint.reply.messages[0].kind is TurnKind.HINT


async def test_history_and_questions(controller: ChatController) -> None:
    await controller.command(ADA, DM, "start url-shortener async")
    await controller.command(ADA, DM, "end")
    history = await controller.command(ADA, DM, "history")
    assert history.history is not None and history.history[0].question_id == "url-shortener"
    assert history.history[0].overall is not None
    questions = await controller.command(ADA, DM, "questions")
    assert questions.questions is not None and len(questions.questions) >= 20


async def test_a_start_where_answers_cannot_be_read_is_refused(controller: ChatController) -> None:
    response = await controller.command(ADA, CHANNEL, "start model-serving")  # no thread opener
    assert response.reply is None and response.private is not None
    assert "direct message or in a thread" in response.private
    assert controller.service.history(ADA) == []


def test_help_uses_the_platforms_bold_markup(bank: QuestionBank) -> None:
    from bot.chat.grammar import usage

    assert usage(bold="**").startswith("**/mockroom start")
    assert usage().startswith("*/mockroom start") and "**" not in usage()
