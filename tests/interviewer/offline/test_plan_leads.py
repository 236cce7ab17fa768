"""The problem leads the follow-ups: its own plan first, a generic concept probe only for a
concept the problem names and the candidate explained, and quotes are the candidate's words;
what the interviewer presses differs by level across the whole interview."""

from __future__ import annotations

import re

from interviewer.bank import QuestionBank
from interviewer.core.stages import Format
from interviewer.core.transcript import Role
from tests.interviewer.offline.test_moves import HERE, ME, Chat


def generic_probes(bank: QuestionBank, *concept_ids: str) -> list[str]:
    """The lexicon's own questions about these concepts."""
    out: list[str] = []
    for c in bank.concepts:
        if c.id in concept_ids:
            out += [q for q in [c.probe, *c.facet_probes.values()] if q]
    return out


def plan_questions(bank: QuestionBank, problem: str) -> list[str]:
    """Every question of the problem's own plan: expected points and probes."""
    p = bank.problem(problem)
    return [q.question for pts in p.expected.values() for q in pts] + [q.question for q in p.probes]


async def test_a_queue_per_team_is_not_read_as_a_message_queue(bank: QuestionBank) -> None:
    chat = Chat(bank)
    await chat.start("gpu-scheduler", moves=1)  # high level
    reply = await chat.say(
        "Teams submit jobs through a CLI, and each job spec lands in a queue per team."
    )
    assert "consumer crashes" not in reply
    assert not any(q in reply for q in generic_probes(bank, "message-queue", "rate-limiting"))
    assert any(q in reply for q in plan_questions(bank, "gpu-scheduler")), reply


async def test_a_quota_is_not_asked_about_as_a_rate_limiter(bank: QuestionBank) -> None:
    chat = Chat(bank)
    await chat.start("gpu-scheduler", moves=2)  # deep dive
    reply = await chat.say("Every team has a quota of GPUs that the scheduler enforces.")
    assert "which algorithm, and where does the count live" not in reply
    assert any(q in reply for q in plan_questions(bank, "gpu-scheduler")), reply


async def test_a_connective_is_never_quoted_as_a_topic(bank: QuestionBank) -> None:
    chat = Chat(bank)
    await chat.start("notification-system", moves=2)
    reply = await chat.say("We send the code by using email instead of SMS for most users.")
    assert "“instead of”" not in reply and "“instead”" not in reply


async def test_every_quote_in_a_follow_up_is_the_candidates_own_words(bank: QuestionBank) -> None:
    chat = Chat(bank)
    await chat.start("llm-gateway", moves=1)
    answers = [
        "Clients call the gateway with an API key; credentials live in a secrets manager.",
        "The gateway routes each request to a provider adapter that streams tokens back.",
        "Per-tenant budgets are checked before the call, and usage is metered after it.",
    ]
    said = " ".join(answers)
    for answer in answers:
        reply = await chat.say(answer)
        for quoted in re.findall(r"“([^”]+)”", reply):
            assert quoted in said, (quoted, reply)
        assert "You mentioned parallel fanout" not in reply


async def test_the_last_answer_is_not_asked_again(bank: QuestionBank) -> None:
    chat = Chat(bank)
    await chat.start("gpu-scheduler", moves=2)  # deep dive
    reply = await chat.say(
        "Gang jobs are all-or-nothing: the scheduler reserves a whole InfiniBand island for a "
        "1,024-GPU job and backfills small jobs into the gaps until it starts."
    )
    gang = bank.problem("gpu-scheduler").expected
    asked_gang = [p.question for pts in gang.values() for p in pts if p.id == "gang-topology"]
    assert not any(q in reply for q in asked_gang)


SAME_ANSWERS = [
    "Teams submit jobs through an API into per-team queues; a scheduler core places them.",
    "Node agents heartbeat every few seconds with free GPUs and health.",
    "The quota manager tracks each team's guaranteed share and lends idle quota.",
    "Gang jobs wait for a whole island; small jobs backfill around the reservation.",
    "Preempted training jobs get a checkpoint notice of two minutes before they are stopped.",
    "Holding a reservation idles GPUs, so we cap how long a big job may hold one.",
    "Inference keeps a warm buffer so it never needs to preempt anything at noon.",
]


async def interviewer_questions(bank: QuestionBank, level: str) -> list[str]:
    chat = Chat(bank)
    reply = await chat.service.start(ME, HERE, "gpu-scheduler", Format.STANDARD, level=level)
    chat.interview_id = reply.interview_id
    for stage_answers in ([], SAME_ANSWERS[:2], SAME_ANSWERS[2:5], SAME_ANSWERS[5:]):
        for answer in stage_answers:
            await chat.say(answer)
        await chat.next()
    stored = chat.repo.load(chat.interview_id)
    assert stored is not None
    return [t.text for t in stored.turns if t.role is Role.INTERVIEWER]


async def test_the_levels_press_different_things_across_the_interview(bank: QuestionBank) -> None:
    mid = await interviewer_questions(bank, "mid")
    senior = await interviewer_questions(bank, "senior")
    staff = await interviewer_questions(bank, "staff")
    for a, b in ((mid, senior), (senior, staff), (mid, staff)):
        differing = sum(1 for x, y in zip(a, b, strict=False) if x != y)
        assert differing >= 4, (a, b)
    assert "cost to run per month" in " ".join(staff)  # staff: cost, regions, teams
    assert "cost to run per month" not in " ".join(mid + senior)
