"""Clarifying answers by intent: one answer per question the candidate asked.

Each question is matched first to the problem's authored clarifications (by intent: the
clarification whose `asks` patterns match it best), then to its hidden facts. A fact already
given is not repeated unless nothing else answers; a question nothing settles is the
candidate's call, with a sensible default. Yes/no questions get the clarification's
yes/no answer when one is authored.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from interviewer.bank import Clarification, Phrasebook, Problem, compile_any
from interviewer.core.text import is_question, sentences
from interviewer.core.transcript import Role, Turn, TurnKind
from interviewer.offline.lines import ActLines
from interviewer.offline.reasoning import mask_collocations

# A new question inside one sentence: "How big is the cluster, and is preemption allowed?"
# A part that leans on the one before ("..., and what do they add up to?") is not split off.
_LEANS = r"(?!\w+ (?:\w+ )?(?:they|it|that|those|these|them|this)\b)"
_SPLIT = re.compile(
    r"(?:,|;|\s-)\s*(?:and |or |also |plus )?" + _LEANS + r"(?=(?:what|how|who|where|when|which|"
    r"why|is|are|do|does|did|can|could|should|would|will|may|must|has|have)\b)"
    r"|\s+(?:and|also) " + _LEANS + r"(?=(?:what|how|who|where|when|which|is|are|do|does|can|"
    r"should|will)\b)",
    re.IGNORECASE,
)
_QUOTE_CHARS = 90
_DESIGN_TALK = (TurnKind.FOLLOW_UP, TurnKind.PUSHBACK, TurnKind.STAGE_INTRO)
_YES_NO = re.compile(
    r"^\s*(?:so,? |and |also,? |ok,? )?(?:is|are|do|does|did|can|could|should|would|will|may|"
    r"must|has|have|shall)\b",
    re.IGNORECASE,
)
# Tag questions that ask for no information: "Does that make sense?", "Right?"
_TAG = re.compile(
    r"^\s*(?:(?:does )?(?:that|this) (?:make sense|sound (?:ok|good|right|reasonable))|right|ok|"
    r"okay|sound good|make sense|agreed|yes|no|fair)\s*\??\s*$",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class Answer:
    """One answer to one question."""

    text: str
    your_call: bool


def questions_in(text: str) -> list[str]:
    """The questions of a message, a sentence holding several split into each."""
    out: list[str] = []
    for s in sentences(text):
        if not is_question(s) or _TAG.match(s):
            continue
        parts = [p.strip(" ,;") for p in _SPLIT.split(s) if p and p.strip(" ,;?")]
        out += [p if p.endswith("?") else p + "?" for p in parts] if len(parts) > 1 else [s]
    return out


def is_yes_no(question: str) -> bool:
    """Whether a question asks yes or no."""
    return bool(_YES_NO.match(question))


class Clarifier:
    """Answers clarifying questions from a problem's clarifications and hidden facts."""

    def __init__(self, phrases: Phrasebook, lines: ActLines) -> None:
        self.phrases = phrases
        self.lines = lines
        self._topics = {t: compile_any(kws) for t, kws in phrases.fact_topics.items()}

    def answer(self, problem: Problem, text: str, given: str) -> list[Answer]:
        """One answer per question in `text` (`given`: what earlier answers said)."""
        out: list[Answer] = []
        for question in questions_in(text):
            said = given + " " + " ".join(a.text for a in out)
            answer = self._one(problem, question, said)
            if answer.text not in (a.text for a in out):
                out.append(answer)
        return out

    def _one(self, problem: Problem, question: str, given: str) -> Answer:
        masked = mask_collocations(question)
        clar = _best_clarification(problem.clarifications, masked)
        if clar is not None:
            return Answer(clar.answer, clar.your_call)
        facts = problem.hidden_facts
        hits = [f for f in facts if compile_any(f.keywords).search(masked)]
        topics = [t for t, p in self._topics.items() if p.search(masked)]
        covered = {t for f in hits for t in f.covers}
        hits += [f for t in topics if t not in covered for f in facts if t in f.covers]
        matched = list(dict.fromkeys(f.answer for f in hits))
        new = [a for a in matched if a not in given]
        if new:
            return Answer(" ".join(new[:2]), False)
        own = [f.answer for f in facts if compile_any(f.keywords).search(masked)]
        if own and not is_yes_no(question):  # asked again, by the fact's own words
            return Answer(self.lines.already_given.format(fact=own[0]), False)
        default = self.lines.default_for(topics[0] if topics else None)
        said = _clip(question.rstrip("?").strip())
        return Answer(self.lines.your_call.format(question=said, default=default), True)


def _best_clarification(
    clarifications: Sequence[Clarification], question: str
) -> Clarification | None:
    """The clarification whose patterns match the question best (most patterns, then longest)."""
    best: tuple[int, int] = (0, 0)
    chosen: Clarification | None = None
    for c in clarifications:
        found = [m for p in c.asks if (m := re.search(p, question, re.IGNORECASE))]
        score = (len(found), max((m.end() - m.start() for m in found), default=0))
        if found and score > best:
            best, chosen = score, c
    return chosen


def _clip(text: str) -> str:
    """A question quoted verbatim, cut at a word when long."""
    if len(text) <= _QUOTE_CHARS:
        return text
    return text[:_QUOTE_CHARS].rsplit(" ", 1)[0]


def your_call_streak(answers_by_turn: Sequence[Sequence[Answer]]) -> int:
    """How many 'your call' answers in a row end these turns' answers."""
    streak = 0
    for answers in reversed(answers_by_turn):
        for a in reversed(answers):
            if not a.your_call:
                return streak
            streak += 1
    return streak


def earlier_answers(
    clarifier: Clarifier, problem: Problem, turns: Sequence[Turn]
) -> list[list[Answer]]:
    """The answers each earlier clarifying turn gave, recomputed from the questions it answered."""
    out: list[list[Answer]] = []
    given: list[str] = []
    last_candidate = ""
    for t in turns:
        if t.role is Role.CANDIDATE:
            last_candidate = t.text
        elif t.kind == TurnKind.CLARIFICATION:
            out.append(clarifier.answer(problem, last_candidate, " ".join(given)))
            given.append(t.text)
        elif t.kind in _DESIGN_TALK:  # design talk between answers: no longer "in a row"
            out.append([Answer("", False)])
    return out
