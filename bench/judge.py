"""The interviewer judged by a model: simulated candidates (personas driven by the same model
configuration) talk to the LLM interviewer, and a judge model scores every interviewer turn
against a written rubric (prompts/eval_judge.md).

Used by `make eval` (bench/eval.py); in CI it runs on replayed recordings (bench/replay.py).
"""

from __future__ import annotations

import json
import random
from dataclasses import dataclass, field

from langchain_core.language_models import BaseChatModel
from langchain_core.messages import HumanMessage, SystemMessage

from interviewer.bank import QuestionBank
from interviewer.core.stages import Format, Stage
from interviewer.llm.errors import explain_error
from interviewer.offline.scorer import OfflineGrader
from interviewer.ports import Brain
from interviewer.prompt_files import load_prompt
from interviewer.service import InterviewService, Who
from tests.clock import FakeClock
from tests.fakes import InMemoryRepository

PERSONAS = {
    "strong": "a senior engineer: ask about scale first, then give concrete mechanisms with "
    "numbers and the reason for each choice.",
    "empty": "you have nothing to say: answer with one word such as 'ok' or 'hmm'.",
    "gibberish": "you type random keyboard mash with no meaning, such as 'asdf qwer zxcv'.",
    "repeat": "you repeat your first answer word for word every time, whatever is asked.",
}
RUBRIC = ("grounded", "one_question", "not_leading", "right_stage", "facts_given")
ANSWERS = 2
QUESTION = "model-serving"


@dataclass
class Exchange:
    """One candidate answer and the interviewer turn that followed it."""

    persona: str
    stage: Stage
    answer: str
    turn: str


@dataclass
class Judged:
    """The judge's verdicts over every turn, and what went wrong on the way."""

    verdicts: list[tuple[Exchange, dict[str, bool], str]] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)

    def rate(self, item: str) -> float:
        """The share of turns passing one rubric item."""
        if not self.verdicts:
            return 0.0
        return sum(1 for _, checks, _ in self.verdicts if checks.get(item)) / len(self.verdicts)


async def converse(
    persona: str, model: BaseChatModel, brain: Brain, bank: QuestionBank
) -> list[Exchange]:
    """A short interview between a persona and the interviewer brain."""
    problem = bank.problem(QUESTION)
    system = load_prompt("eval_persona").render(
        persona=PERSONAS[persona], problem=f"{problem.title}. {problem.prompt}"
    )
    service = InterviewService(
        InMemoryRepository(), bank, brain, OfflineGrader(bank), FakeClock(),
        rng=random.Random(3),
    )  # fmt: skip
    who = Who("eval", f"persona-{persona}")
    reply = await service.start(who, "eval", QUESTION, Format.STANDARD)
    last = reply.messages[-1].text
    out: list[Exchange] = []
    for _ in range(ANSWERS):
        said = await model.ainvoke([SystemMessage(system), HumanMessage(f"Interviewer: {last}")])
        answer = said.text.strip() or "..."  # a chat cannot send nothing
        reply = await service.answer(who, "eval", answer)
        stage = reply.messages[-1].stage if reply.messages else Stage.CLARIFY
        last = reply.messages[-1].text if reply.messages else ""
        out.append(Exchange(persona, Stage(stage), answer, last))
    return out


async def judge(exchanges: list[Exchange], model: BaseChatModel, bank: QuestionBank) -> Judged:
    """The judge's verdict on every interviewer turn."""
    facts = "; ".join(f.answer for f in bank.problem(QUESTION).hidden_facts)
    prompt = load_prompt("eval_judge")
    judged = Judged()
    for ex in exchanges:
        data = {"stage": ex.stage.value, "candidate_last_answer": ex.answer, "turn": ex.turn}
        messages = [
            SystemMessage(prompt.render(stage=ex.stage.label, facts=facts)),
            HumanMessage(json.dumps(data, ensure_ascii=False)),
        ]
        try:
            reply = await model.ainvoke(messages)
        except Exception as exc:
            judged.errors.append(f"judge call failed: {explain_error(exc)}")
            continue
        text = reply.text
        try:
            verdict = json.loads(text[text.index("{") : text.rindex("}") + 1])
            checks = {item: bool(verdict[item]) for item in RUBRIC}
        except (ValueError, KeyError) as exc:
            judged.errors.append(f"judge answer unusable ({exc}): {text[:80]!r}")
            continue
        judged.verdicts.append((ex, checks, str(verdict.get("note", ""))))
    return judged
