"""The offline interviewer hears what the candidate did before it probes anything: questions
are answered, wrong claims pushed back on, deep-dive wishes followed, "I don't know" met with a
smaller step, off-topic turns brought back, waved-away concerns questioned, a wrap-up summary
closed and a curveball already handled never thrown.

The bank is the real one copied into a temporary folder, with a few gpu-scheduler
clarifications and misconceptions of this test's own, so the test does not depend on the
authored data that other changes grow.
"""

from __future__ import annotations

import random
import re
import shutil
from pathlib import Path

import pytest
import yaml

from interviewer.bank import PROMPTS_DIR, BankError, QuestionBank, load_bank
from interviewer.core.events import InjectCurveball
from interviewer.core.stages import Stage
from interviewer.core.transcript import Role, TurnKind
from interviewer.offline.brain import OfflineBrain
from interviewer.offline.lines import load_lines
from interviewer.offline.scorer import OfflineGrader
from interviewer.ports import TurnContext
from interviewer.service import InterviewService
from tests.interviewer.offline.test_moves import Chat

LINES = load_lines()
CLARIFICATIONS = [
    {
        "id": "gang-scheduling",
        "topic": "policy",
        "asks": [
            r"\bgang",
            r"all[- ]or[- ]nothing",
            r"all (of )?(its |their )?(\d[\d,]* )?gpus at once",
        ],
        "examples": ["Do jobs need gang scheduling?", "Is it all or nothing for a big job?"],
        "answer": "Yes: a distributed training job needs all its GPUs at once or it cannot run.",
    },
    {
        "id": "preemption",
        "topic": "policy",
        "asks": [r"preempt", r"evict"],
        "examples": ["Is preemption allowed?", "Can we evict a running job?"],
        "answer": "Yes for training and batch jobs, with notice; inference services cannot be preempted.",
    },
    {
        "id": "priority-classes",
        "topic": "policy",
        "asks": [r"priorit"],
        "examples": ["Are there priorities between teams?", "Who has priority?"],
        "answer": "Your call. A fair default is inference first, then interactive work, then batch.",
        "your_call": True,
    },
    {
        "id": "auth",
        "topic": "security",
        "asks": [r"auth\w*", r"\bsso\b"],
        "examples": ["How do users authenticate?", "Is there SSO?"],
        "answer": "Your call. A fair default is the company SSO, with team leads granting quota.",
        "your_call": True,
    },
    {
        "id": "existing-stack",
        "topic": "integration",
        "asks": [r"slurm", r"kubernetes"],
        "examples": ["Do we run Kubernetes today?", "Is Slurm in place?"],
        "answer": "Your call. A fair default is Kubernetes on every node, scheduler replaceable.",
        "your_call": True,
    },
]
# The schema asks for at least 12 clarifications on 6 topics: these fillers answer nothing a
# test asks.
CLARIFICATIONS += [
    {
        "id": f"filler-{topic}",
        "topic": topic,
        "asks": [rf"\bfiller{n}\b"],
        "examples": [f"What about filler{n}?", f"Is filler{n} in scope?"],
        "answer": "Nothing to add there.",
    }
    for n, topic in enumerate(
        ("scope", "users", "regions", "retention", "organisation", "cost", "operations")
    )
]
MISCONCEPTIONS = {
    "misconceptions": [
        {
            "id": "test-single-leader-available",
            "claim": "a single scheduler leader is highly available",
            "patterns": [
                r"\b(one|single|exactly one) (scheduler|leader)\b[^.?!]{0,80}\bhighly available"
            ],
            "why": "One process with no standby stops scheduling while it restarts.",
            "pushback": "What happens to scheduling during the seconds that one leader is down?",
            "corrected": [r"\bstandby\b", r"\bleader election\b"],
            "criterion": "reliability",
            "pitfall": "A single leader called highly available",
            "examples": [
                "There is exactly one leader, so the scheduler is highly available.",
                "A single scheduler process keeps the whole system highly available.",
            ],
            "not_examples": [
                "A single leader is not highly available on its own.",
                "One leader with a hot standby behind a lease keeps us available.",
            ],
        },
        {
            "id": "test-instant-retry-forever",
            "claim": "failed jobs are resubmitted instantly and forever",
            "patterns": [r"resubmits? it (immediately|right away|instantly)"],
            "why": "Without backoff or a budget, a bad node keeps failing the same job.",
            "pushback": "If the node itself is broken, how many times does that job fail?",
            "criterion": "reliability",
            "pitfall": "Retries without backoff or a budget",
            "examples": [
                "When a job fails, the scheduler resubmits it immediately.",
                "A failed job? It resubmits it right away.",
            ],
            "not_examples": [
                "A failed job is resubmitted after a backoff, at most three times.",
                "We never resubmit blindly.",
            ],
        },
    ]
}
LEADER = (
    "Teams submit through a CLI into a submission service, which writes the job spec into a "
    "priority queue per team. Because there is exactly one leader making decisions, the "
    "scheduler is highly available by construction."
)


@pytest.fixture(scope="module")
def own_bank(tmp_path_factory: pytest.TempPathFactory) -> QuestionBank:
    root = tmp_path_factory.mktemp("prompts") / "prompts"
    shutil.copytree(PROMPTS_DIR, root)
    path = root / "questions" / "gpu-scheduler.yaml"
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    data["clarifications"] = CLARIFICATIONS
    path.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    for authored in (root / "misconceptions").glob("*.yaml"):
        authored.unlink()  # the catalogue is this test's own: two entries, no other match
    (root / "misconceptions" / "shared.yaml").write_text(
        yaml.safe_dump(MISCONCEPTIONS, sort_keys=False), encoding="utf-8"
    )
    return load_bank(Path(root))


@pytest.fixture
def gpu(own_bank: QuestionBank) -> Chat:
    return Chat(own_bank)


def last_kind(chat: Chat) -> str:
    stored = chat.repo.load(chat.interview_id)
    assert stored is not None
    return [t for t in stored.turns if t.role is Role.INTERVIEWER][-1].kind


def quotes(text: str) -> list[str]:
    return re.findall(r"“([^”]+)”", text)


# ---- pushback ---------------------------------------------------------------------------


async def test_a_wrong_claim_is_pushed_back_on_quoting_the_candidate(gpu: Chat) -> None:
    await gpu.start("gpu-scheduler", moves=1)  # high level
    reply = await gpu.say(LEADER)
    assert last_kind(gpu) == TurnKind.PUSHBACK
    assert "What happens to scheduling during the seconds that one leader is down?" in reply
    quoted = quotes(reply)
    assert quoted == [
        "Because there is exactly one leader making decisions, the scheduler is highly "
        "available by construction."
    ]
    assert quoted[0] in LEADER  # verbatim


async def test_each_misconception_is_pushed_back_once_even_across_a_restart(
    gpu: Chat, own_bank: QuestionBank
) -> None:
    await gpu.start("gpu-scheduler", moves=1)
    await gpu.say(LEADER)
    # a new service over the same storage: what was pushed back is read from the transcript
    brain, grader = OfflineBrain(own_bank), OfflineGrader(own_bank)
    gpu.service = InterviewService(
        gpu.repo, own_bank, brain, grader, gpu.clock, rng=random.Random(3)
    )
    reply = await gpu.say(
        "A single leader is still highly available: restarts take seconds, running jobs keep going."
    )
    assert last_kind(gpu) != TurnKind.PUSHBACK
    assert "one leader is down" not in reply
    # another misconception is still pushed back on
    reply = await gpu.say(
        "If a job fails on a node, the agent resubmits it immediately so no time is lost."
    )
    assert last_kind(gpu) == TurnKind.PUSHBACK
    assert "how many times does that job fail?" in reply


async def test_an_answer_that_fixes_the_claim_is_told_so_and_one_that_defends_it_is_not(
    gpu: Chat,
) -> None:
    await gpu.start("gpu-scheduler", moves=1)
    await gpu.say(LEADER)
    fixed = await gpu.say("You're right: we'd run a hot standby and use leader election.")
    assert fixed.startswith(LINES.pushback_fixed + " ") and fixed.endswith("?")
    other = Chat(gpu.bank)
    await other.start("gpu-scheduler", moves=1)
    await other.say(LEADER)
    held = await other.say("It is still highly available: a restart takes seconds.")
    assert not held.startswith(LINES.pushback_fixed)


# ---- questions to the interviewer, by intent ----------------------------------------------


async def test_three_questions_get_three_answers_by_intent(
    gpu: Chat, own_bank: QuestionBank
) -> None:
    facts = {f.id: f.answer for f in own_bank.problem("gpu-scheduler").hidden_facts}
    await gpu.start("gpu-scheduler")
    reply = await gpu.say(
        "How many GPUs are there, do big jobs need gang scheduling, and is preemption allowed?"
    )
    assert facts["cluster"] in reply
    assert "Yes: a distributed training job needs all its GPUs at once" in reply
    assert "inference services cannot be preempted" in reply
    assert last_kind(gpu) == TurnKind.CLARIFICATION


async def test_a_fact_already_given_is_not_repeated_for_a_yes_no_question(
    gpu: Chat, own_bank: QuestionBank
) -> None:
    facts = {f.id: f.answer for f in own_bank.problem("gpu-scheduler").hidden_facts}
    await gpu.start("gpu-scheduler")
    await gpu.say("How big is the cluster?")
    reply = await gpu.say("Do jobs need all 512 GPUs at once or nothing?")
    assert reply.startswith("Yes")
    assert facts["cluster"] not in reply  # the cluster size was already given


async def test_your_call_answers_give_a_default_and_three_in_a_row_offer_to_move_on(
    gpu: Chat,
) -> None:
    await gpu.start("gpu-scheduler")
    first = await gpu.say("Is there any priority between jobs today?")
    assert first.startswith("Your call") and "default" in first
    second = await gpu.say("How are users authenticated?")
    assert "move on" not in second
    third = await gpu.say("Do we build on Slurm or Kubernetes?")
    assert "Your call" in third
    assert "shall we move on to the high-level design?" in third
    assert "state your assumption and carry on" not in first + second + third


async def test_a_question_in_the_middle_of_the_design_is_answered_not_probed(gpu: Chat) -> None:
    await gpu.start("gpu-scheduler", moves=1)
    reply = await gpu.say("Before I go on: is preemption allowed?")
    assert reply.startswith("Yes for training and batch jobs")
    assert "?" not in reply  # answered; the candidate drives on


# ---- what the candidate did -------------------------------------------------------------


async def test_a_deep_dive_wish_is_followed(gpu: Chat, own_bank: QuestionBank) -> None:
    await gpu.start("gpu-scheduler", moves=2)  # deep dive
    reply = await gpu.say("I'd like to deep dive on fairness and borrowing idle quota.")
    assert reply.startswith("Sure, let's go into fairness and borrowing idle quota, then:")
    fairness = next(
        p for p in own_bank.problem("gpu-scheduler").expected[Stage.DEEP_DIVE] if p.id == "fairness"
    )
    assert fairness.question[1:] in reply  # the problem's own question on it
    assert "cache" not in reply.lower()


async def test_i_dont_know_gets_a_smaller_step_then_moves_on(
    gpu: Chat, own_bank: QuestionBank
) -> None:
    await gpu.start("gpu-scheduler", moves=2)
    presses = own_bank.phrases.press_vague if own_bank.phrases else []
    reply = await gpu.say("I don't know how to handle stragglers honestly.")
    assert reply == LINES.dont_know_step.format(subject="how to handle stragglers")
    assert not any(p in reply for p in presses)
    reply = await gpu.say("Still no idea, sorry.")
    assert reply.startswith(LINES.dont_know_again)
    assert "make that concrete" not in reply and reply.count("?") == 1


async def test_an_off_topic_request_gets_one_line_back_to_the_problem(
    gpu: Chat, own_bank: QuestionBank
) -> None:
    await gpu.start("gpu-scheduler")
    reply = await gpu.say("Can we talk about Twitter instead?")
    assert (
        reply
        == "That's outside this interview; let's stay with the GPU cluster scheduler shared by many teams."
    )
    facts = [f.answer for f in own_bank.problem("gpu-scheduler").hidden_facts]
    assert not any(f in reply for f in facts)
    await gpu.next()
    reply = await gpu.say("What's the weather like where you are?")
    assert reply.startswith("That's outside this interview")
    assert "What exactly would you build there" not in reply


async def test_questions_about_the_interview_itself_are_answered_as_an_interviewer_would(
    gpu: Chat, own_bank: QuestionBank
) -> None:
    await gpu.start("gpu-scheduler", moves=1)
    asked = await gpu.say("A queue per team feeds a scheduler that places jobs on nodes.")
    question = asked.split(". ")[-1]
    assert question.endswith("?")
    time = await gpu.say("How much time do we have left?")
    assert time.startswith("Time check:") and "in the interview" in time
    assert last_kind(gpu) == TurnKind.TIME_LEFT
    again = await gpu.say("Sorry, can you repeat the question?")
    assert again == LINES.meta_repeat.format(question=question)
    meant = await gpu.say("What do you mean?")
    assert meant == again  # the question itself, not "Sure: Sure: ..."
    assert await gpu.say("Let me think for a second.") == LINES.meta_think
    assert await gpu.say("Should I draw a diagram?") == LINES.meta_diagram
    hint = await gpu.say("Can I get a hint?")
    assert hint.startswith("Hint:") and last_kind(gpu) == TurnKind.HINT
    going = await gpu.say("Does that answer your question?")
    assert going.startswith(LINES.meta_check) and going.endswith("?")
    assert "Your call" not in going and "your call" not in going
    built = await gpu.say("I already answered that above.")
    assert built.startswith(LINES.meta_answered)
    assert not any(p in built for p in ("make that concrete", "What exactly would you build"))


async def test_asking_for_the_answer_or_for_approval_is_not_a_clarifying_question(
    gpu: Chat,
) -> None:
    await gpu.start("gpu-scheduler", moves=1)
    pushed = await gpu.say("A queue per team feeds a scheduler that places jobs on nodes.")
    assert await gpu.say("What would you do here?") == LINES.meta_yours
    approved = await gpu.say("Is that a good approach?")
    assert approved.startswith(LINES.meta_check) and "your call" not in approved.lower()
    lost = await gpu.say("I'm not sure what you're getting at.")
    assert lost.startswith("Sure: ") and lost.removeprefix("Sure: ") in approved + pushed


async def test_a_long_answer_that_mentions_time_is_design_talk(gpu: Chat) -> None:
    await gpu.start("gpu-scheduler", moves=1)
    reply = await gpu.say(
        "How much time a job waits matters most, so the scheduler keeps a queue per team and "
        "places the oldest fair-share job first whenever a node frees up."
    )
    assert not reply.startswith("Time check:")


async def test_a_waved_away_concern_gets_a_pointed_question_on_its_risk(
    own_bank: QuestionBank,
) -> None:
    chat = Chat(own_bank)
    await chat.start("guardrails-service", moves=2)
    reply = await chat.say("We don't check. Users are adults.")
    assert reply.startswith("You said: “We don't check.”")
    assert "worst thing that decision allows" in reply
    assert "make that concrete" not in reply
    # with more to go on, the pointed question is the problem's own on that risk
    gpu = Chat(own_bank)
    await gpu.start("gpu-scheduler", moves=2)
    reply = await gpu.say(
        "We don't check which team runs where. Users are adults, so the health data team can "
        "share nodes with everyone."
    )
    assert reply.startswith("You said: “We don't check which team runs where.”")
    assert "another team's data" in reply


async def test_a_wrap_up_summary_is_closed_without_new_probes(gpu: Chat) -> None:
    await gpu.start("gpu-scheduler", moves=4)  # wrap-up
    reply = await gpu.say(
        "To summarise: a submission API with per-team queues, a scheduler with a standby that "
        "places gang jobs inside one island, a quota manager that lends idle quota and reclaims "
        "it with checkpoint notice, and node agents that drain bad nodes. Next I'd improve "
        "backfilling."
    )
    assert reply == LINES.summary_close
    assert "?" not in reply


async def test_a_curveball_already_handled_is_not_thrown(gpu: Chat, own_bank: QuestionBank) -> None:
    await gpu.start("gpu-scheduler", moves=2)  # deep dive
    handled = (
        "If we lose a data center, the standby scheduler in the other one takes over from the "
        "replicated state and requeues the lost jobs from their last checkpoint."
    )
    await gpu.say(handled)
    stored = gpu.repo.load(gpu.interview_id)
    assert stored is not None
    ctx = TurnContext(
        gpu.interview_id,
        stored.state,
        own_bank.problem("gpu-scheduler"),
        own_bank,
        stored.turns,
        gpu.clock.now,
    )
    brain = OfflineBrain(own_bank)
    covered = brain.utter(ctx, InjectCurveball("data-center-down", Stage.DEEP_DIVE))
    assert covered.kind is TurnKind.FOLLOW_UP
    assert "you already covered it" in covered.text and f"“{handled}”" in covered.text
    assert "New constraint" not in covered.text
    # one it has not handled is thrown as written
    other = brain.utter(ctx, InjectCurveball("cost-cut", Stage.DEEP_DIVE))
    assert other.kind is TurnKind.CURVEBALL and other.text == own_bank.curveballs["cost-cut"].text


async def test_an_adapted_curveball_is_acknowledged_with_what_the_candidate_said(
    gpu: Chat,
) -> None:
    await gpu.start("gpu-scheduler", moves=2)
    gpu.clock.advance(minutes=9)
    reply = await gpu.say("Gang jobs are placed inside one InfiniBand island when possible.")
    assert reply.startswith("New constraint"), reply
    answer = (
        "We fail over to the standby scheduler in the other data center, which rebuilds its view "
        "from the replicated state store and requeues the lost jobs."
    )
    reply = await gpu.say(answer)
    said = quotes(reply)
    assert said and all(q in answer for q in said), reply
    assert "you'd rely on" not in reply


async def test_a_choice_of_what_to_discuss_is_the_candidates_call(gpu: Chat) -> None:
    await gpu.start("gpu-scheduler", moves=2)
    reply = await gpu.say("Do you want me to talk about preemption or about fairness next?")
    assert reply.startswith(
        "“Do you want me to talk about preemption or about fairness next”: that's your call"
    )
    assert "inference services cannot be preempted" not in reply  # not the preemption policy


async def test_a_number_asked_for_again_is_given_again_as_such(
    gpu: Chat, own_bank: QuestionBank
) -> None:
    facts = {f.id: f.answer for f in own_bank.problem("gpu-scheduler").hidden_facts}
    await gpu.start("gpu-scheduler")
    await gpu.say("How many GPUs are there?")
    reply = await gpu.say("Sorry, how many GPUs was it again?")
    assert reply == f"As I said: {facts['cluster']}"


def test_a_bad_act_lines_file_is_reported_by_name(tmp_path: Path) -> None:
    bad = tmp_path / "offline_acts.yaml"
    bad.write_text("pushback: 'no placeholders'\n", encoding="utf-8")
    with pytest.raises(BankError, match=r"offline_acts\.yaml"):
        load_lines.__wrapped__(bad)
