"""Pushback on a technically wrong claim: once per misconception per interview.

The candidate's last message is read against the problem's misconception catalogue
(prompts/misconceptions/); the first wrong claim not yet pushed back on is quoted verbatim
and questioned with the entry's pushback, which never gives the answer. What was pushed back
is read from the transcript (the pushback's question among the interviewer's turns and the
state's asked keys), so it holds across restarts.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass

from interviewer.core.text import question_key, sentences
from interviewer.core.transcript import Role, Turn, TurnKind
from interviewer.misconceptions import Catalogue, Misconception

_QUOTE_CHARS = 240  # a longer sentence is quoted up to the claim's clause


@dataclass(frozen=True)
class Pushback:
    """A wrong claim to question: the entry and the candidate's sentence."""

    misconception: Misconception
    quote: str

    @property
    def key(self) -> str:
        """The question key that marks this misconception as pushed back."""
        return question_key(self.misconception.pushback)


def pushback_for(
    catalogue: Catalogue,
    problem_id: str,
    last: str,
    turns: Sequence[Turn],
    asked: Collection[str],
) -> Pushback | None:
    """The first wrong claim in `last` not pushed back on before, or None."""
    pushed = {
        question_key(t.text)
        for t in turns
        if t.role is Role.INTERVIEWER and t.kind == TurnKind.PUSHBACK
    }
    for hit in catalogue.find(problem_id, last):
        entry = hit.misconception
        key = question_key(entry.pushback)
        if key in asked or any(key in done for done in pushed):
            continue
        return Pushback(entry, _quote(hit.sentence, entry))
    return None


def _quote(sentence: str, entry: Misconception) -> str:
    """The candidate's sentence verbatim; a very long one cut to the clause that makes the claim."""
    if len(sentence) <= _QUOTE_CHARS:
        return sentence
    for clause in sentence.replace(";", ",").split(", "):
        if entry.claimed_in(clause):
            return clause.strip()
    return sentence


def corrected_after(
    catalogue: Catalogue, problem_id: str, turns: Sequence[Turn], last: str
) -> Misconception | None:
    """The misconception the interviewer's turn just before `last` pushed back on, when `last`
    fixes it (names the fix without repeating or defending the claim); else None."""
    before = next((t for t in reversed(turns[:-1]) if t.role is Role.INTERVIEWER), None)
    if before is None or before.kind != TurnKind.PUSHBACK:
        return None
    said = question_key(before.text)
    for entry in catalogue.for_problem(problem_id):
        if question_key(entry.pushback) in said:
            return entry if any(entry.corrected_in(s) for s in sentences(last)) else None
    return None
