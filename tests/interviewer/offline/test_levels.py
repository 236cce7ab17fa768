"""Level calibration: the hire bar moves with the level, and a staff candidate is pressed on
regions, cost and organisation, each level on its own part of the problem's plan."""

from __future__ import annotations

import pytest

from interviewer.bank import QuestionBank
from interviewer.commands import Command
from interviewer.core.rubric import HireSignal, Level, Scorecard, hire_signal_for
from interviewer.core.stages import Format, Stage
from interviewer.core.text import question_key
from interviewer.core.transcript import Role, Turn
from interviewer.offline.brain import OfflineBrain
from interviewer.service import InterviewError
from tests.interviewer.offline.test_moves import HERE, ME, Chat


def test_the_hire_bar_moves_with_the_level() -> None:
    assert hire_signal_for(2.9, Level.MID) is HireSignal.HIRE
    assert hire_signal_for(2.9) is HireSignal.LEAN_HIRE
    assert hire_signal_for(2.9, Level.STAFF) is HireSignal.LEAN_HIRE
    assert hire_signal_for(3.1, Level.STAFF) is HireSignal.LEAN_HIRE
    assert hire_signal_for(3.1, Level.SENIOR) is HireSignal.HIRE


def test_each_level_is_pressed_on_its_own_topics_in_the_trade_offs(bank: QuestionBank) -> None:
    problem = bank.problem("model-serving")
    asked = [question_key(p.question) for p in problem.expected[Stage.TRADEOFFS]]
    said = "Bigger batches raise throughput but add latency, so I cap them per tier."
    turns = [
        Turn(Role.INTERVIEWER, Stage.TRADEOFFS, "Where is the bottleneck?", kind="stage_intro"),
        Turn(Role.CANDIDATE, Stage.TRADEOFFS, "The GPU pool."),
        Turn(Role.INTERVIEWER, Stage.TRADEOFFS, "What would you trade?", kind="follow_up"),
        Turn(Role.CANDIDATE, Stage.TRADEOFFS, said),
    ]
    brain = OfflineBrain(bank)
    moves = brain.moves

    def choose(level: str) -> str:
        move = moves.choose(problem, Format.STANDARD, Stage.TRADEOFFS, turns, asked, "", level)
        return move.question

    staff, senior = choose("staff"), choose("senior")
    assert staff != senior
    # each is the problem's own question on the level's focus, or staff's own topic
    assert brain.lines.focus["staff"].search(staff) or "region" in staff, staff
    # once asked, the staff question moves on to the next one
    asked.append(question_key(staff))
    assert choose("staff") != staff


async def test_the_level_is_stored_and_shown_on_the_scorecard(bank: QuestionBank) -> None:
    chat = Chat(bank)
    reply = await chat.service.start(ME, HERE, "url-shortener", Format.DRILL, level="staff")
    stored = chat.repo.load(reply.interview_id)
    assert stored is not None and stored.state.level is Level.STAFF
    ended = await chat.service.command(ME, HERE, Command.END)
    card = ended.scorecard
    assert card is not None and card.level is Level.STAFF
    assert card.hire_signal is hire_signal_for(card.overall, Level.STAFF)
    assert Scorecard.from_dict(card.to_dict()).level is Level.STAFF


async def test_an_unknown_level_is_refused_with_the_choices(bank: QuestionBank) -> None:
    chat = Chat(bank)
    with pytest.raises(InterviewError, match="choose one of mid, senior, staff"):
        await chat.service.start(ME, HERE, "url-shortener", level="junior")


async def test_mid_and_staff_are_pressed_on_different_things_through_the_interview(
    bank: QuestionBank,
) -> None:
    """The same answers at mid and at staff: the questions differ visibly, and each level's
    questions lean to its own focus (mid: the request path; staff: regions, cost, teams)."""
    from tests.interviewer.offline.test_plan_leads import interviewer_questions

    lines = OfflineBrain(bank).lines
    mid = await interviewer_questions(bank, "mid")
    staff = await interviewer_questions(bank, "staff")
    assert len(mid) == len(staff)
    differing = sum(1 for a, b in zip(mid, staff, strict=True) if a != b)
    assert differing >= len(mid) // 3, (mid, staff)

    def leaning(turns: list[str], level: str) -> int:
        return sum(1 for t in turns if lines.focus[level].search(t.rsplit(". ", 1)[-1]))

    # each level's questions lean clearly to its own focus, and away from the other's
    assert leaning(staff, "staff") - leaning(mid, "staff") >= 3
    assert leaning(mid, "mid") - leaning(staff, "mid") >= 2
    only_staff = set(staff) - set(mid)
    assert any(lines.focus["staff"].search(q) for q in only_staff)
