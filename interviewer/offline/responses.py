"""The offline interviewer's answers in kind: to questions, deep-dive wishes and curveballs.

Kept beside the brain so that it stays a dispatcher: the brain hears the act (acts.py) and
asks this module for the words that answer it.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Sequence

from interviewer.bank import Curveball, Problem, QuestionBank, compile_any
from interviewer.core.stages import FormatSpec, Stage
from interviewer.core.text import is_question, question_key, sentences
from interviewer.core.transcript import Role, Turn, TurnKind
from interviewer.offline.clarify import Clarifier, earlier_answers, your_call_streak
from interviewer.offline.lines import ActLines
from interviewer.offline.reading import stems

_MOVE_ON_AFTER = 3  # "your call" answers in a row before the interviewer offers to move on


class Responder:
    """Words that answer what the candidate did, from the problem's own plan and data."""

    def __init__(self, bank: QuestionBank, lines: ActLines) -> None:
        if bank.phrases is None:
            raise ValueError("the question bank has no offline phrasebook")
        self.bank = bank
        self.lines = lines
        self.clarifier = Clarifier(bank.phrases, lines)

    def answers(
        self,
        problem: Problem,
        turns: Sequence[Turn],
        text: str,
        stage: Stage,
        spec: FormatSpec,
    ) -> list[str]:
        """One answer per question asked, and an offer to move on after three 'your call's."""
        earlier = earlier_answers(self.clarifier, problem, turns[:-1])
        given = " ".join(a.text for turn in earlier for a in turn)
        answers = self.clarifier.answer(problem, text, given)
        parts = [a.text for a in answers]
        before, streak = your_call_streak(earlier), your_call_streak([*earlier, answers])
        nxt = spec.next_stage(stage)
        if nxt is not None and before // _MOVE_ON_AFTER < streak // _MOVE_ON_AFTER:
            parts.append(self.lines.move_on_offer.format(stage=nxt.label.lower()))
        return parts

    def deep_dive(
        self, problem: Problem, subject: str, asked: Collection[str], said_more: bool = False
    ) -> tuple[str, str] | None:
        """The problem's own question about what the candidate wants to go deep on, with its
        key; a question about that subject in their words when the plan has none; None when
        the candidate already walked through it in the same message (the next move follows
        what they said, as after any answer)."""
        question = self.plan_question(problem, subject, asked, keyed=True)
        best = self.plan_question(problem, subject, (), keyed=True)
        if question and question == best:  # the plan's own question on it, not asked yet
            text = self.lines.deep_dive.format(subject=subject, question=_lower_first(question))
            return text, question_key(question)
        if said_more:
            return None  # "walk me through it" is what they just did
        # The plan's question on it was asked already (or there is none): a weaker match
        # would go elsewhere, so the candidate walks through it in their own terms.
        question = self.lines.deep_dive_open.format(subject=subject)
        return question, question_key(question)

    def smaller_step(
        self, problem: Problem, subject: str, stage: Stage, asked: Collection[str]
    ) -> str:
        """After "I don't know": the plan's question on what they don't know, as a smaller
        step, with the way out offered (nothing named: the stage's next point); a first step
        in their own words when the plan has nothing on it."""
        question = self.plan_question(problem, subject, asked, keyed=True) if subject else ""
        label = {w[:4] for w in stems(stage.label) - {"desig"}}  # "trading" is "trade-offs"
        general = not subject or any(w[:4] in label for w in stems(subject))
        if not question and general:  # the stage itself ("which trade-offs matter"): its point
            subject = subject or f"the {stage.label.lower()}"
            points = problem.expected.get(stage, [])
            question = next(
                (p.question for p in points if question_key(p.question) not in asked), ""
            )
        if question:
            return self.lines.dont_know_plan.format(
                subject=subject, question=_lower_first(question)
            )
        return self.lines.dont_know_step.format(subject=subject)

    def refusal(self, problem: Problem, quote: str, text: str, asked: Collection[str]) -> str:
        """A pointed question on the risk of a concern waved away: the plan's question on what
        the message is about (its security point first), or the risk in general."""
        question = self.plan_question(problem, text, asked, keyed=False)
        if question and len(stems(text) & stems(question)) >= 2:
            return self.lines.refusal_plan.format(quote=quote, question=question)
        return self.lines.refusal.format(quote=quote)

    @staticmethod
    def plan_question(problem: Problem, about: str, asked: Collection[str], keyed: bool) -> str:
        """The plan's question (expected points of the design stages, then probes) sharing the
        most words with `about`, not asked yet; '' when none shares any."""
        wanted = stems(about)
        best: tuple[int, str] = (0, "")
        plan = [
            (p.point + " " + p.question, p.keywords, p.question, p.id.startswith("security"))
            for stage in (Stage.DEEP_DIVE, Stage.HIGH_LEVEL, Stage.TRADEOFFS)
            for p in problem.expected.get(stage, [])
        ]
        plan += [(p.question, p.keywords, p.question, False) for p in problem.probes]
        for words, keywords, question, security in plan:
            if question_key(question) in asked:
                continue
            score = 2 * len(wanted & stems(words))
            if keyed and keywords and compile_any(keywords).search(about):
                score += 3
            score += 1 if security and not keyed and score else 0
            if score > best[0]:
                best = (score, question)
        return best[1]

    def covered(self, curveball: Curveball, turns: Sequence[Turn]) -> str | None:
        """The candidate's sentence that already handled a curveball's situation, or None."""
        situation = self.lines.compiled_situations.get(curveball.id)
        if situation is None:
            return None
        adapt = compile_any(curveball.adapt_keywords)
        for t in turns:
            if t.role is not Role.CANDIDATE:
                continue
            for s in sentences(t.text):
                if not is_question(s) and situation.search(s) and adapt.search(s):
                    return s
        return None

    def adapted(self, curveball: Curveball, last: str, explained: int) -> str | None:
        """The sentence of the candidate's answer that adapts to the curveball, or None
        (`explained`: how many design concepts the answer explained: two or more adapt too)."""
        adapt = compile_any(curveball.adapt_keywords)
        stated = [s for s in sentences(last) if not is_question(s) and len(s.split()) >= 5]
        for s in stated:
            if adapt.search(s):
                return s
        return stated[0] if stated and explained >= 2 else None


# Names a question may open with that keep their capital ("Asia's peak ends as Europe's starts").
_PROPER = re.compile(
    r"(?:Asia|Europe|America|Africa|Australia|India|China|Japan|Brazil|Germany|France|"
    r"Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday|January|February|March|April|"
    r"June|July|August|September|October|November|December|Black Friday|Christmas)\b"
)


def _lower_first(question: str) -> str:
    """'How does...' -> 'how does...'; 'A 1,024-GPU job', 'GPU ...' and "Asia's ..." keep
    their case."""
    first = question.split(" ", 1)[0]
    if _PROPER.match(question):
        return question
    if first in ("A", "An", "The") or (first[:1].isupper() and first[1:].islower()):
        return question[0].lower() + question[1:]
    return question


def situation_of(curveball: Curveball) -> str:
    """The situation a curveball sets, in a few words: its first sentence without the label."""
    first = curveball.text.split(":", 1)[-1].split(". ")[0].strip().rstrip(".")
    return first if len(first) <= 90 else first[:90].rsplit(" ", 1)[0] + "…"


def thrown(turns: Sequence[Turn], curveball_id: str | None) -> bool:
    """Whether a curveball was put to the candidate (not skipped as already handled)."""
    if not curveball_id:
        return False
    return any(
        t.role is Role.INTERVIEWER
        and t.curveball_id == curveball_id
        and t.kind == TurnKind.CURVEBALL
        for t in turns
    )


def short_title(title: str) -> str:
    """'Design a GPU cluster scheduler shared by many teams' -> 'the GPU cluster scheduler ...'."""
    rest = title.split(" ", 1)[1] if title.lower().startswith("design ") else title
    words = rest.split(" ", 1)
    if words[0].lower() in ("a", "an", "the"):
        rest = words[1] if len(words) > 1 else rest
    if len(rest) > 1 and rest[1].islower():  # "Model serving" -> "model serving"; "GPU" stays
        rest = rest[0].lower() + rest[1:]
    return f"the {rest}" if rest else title
