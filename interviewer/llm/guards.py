"""Checks on the model's interviewer turns: one question, no repeats, no solutions, no inventions."""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable

from interviewer.core.text import is_question, question_key

MAX_WORDS = 90
# Phrases that hand the candidate a design instead of asking for one.
_SOLUTION = re.compile(
    r"\b(?:you (?:should|could|might|can|would|need to|want to|must) (?:use|add|put|introduce|"
    r"deploy|shard|cache|go with|pick|choose|build|store|run|place)"
    r"|the (?:answer|solution|right design|best (?:approach|design)|standard (?:approach|design)|"
    r"correct (?:answer|design)) (?:is|would be)"
    r"|i (?:would|'d) (?:use|build|design|add|put|go with|shard)"
    r"|here(?:'s| is) (?:how|a design|the design|my design|the solution|a solution)"
    r"|a (?:good|strong|typical) (?:design|answer|solution) (?:would|is|uses)"
    r"|(?:consider|try) (?:using|adding|introducing)|just use|the trick is)\b",
    re.IGNORECASE,
)
_QUOTED = re.compile(r"“([^”]+)”|\"([^\"]+)\"")
_LIST_ITEM = re.compile(r"(?m)^\s*(?:[-*•]|\d+[.)])\s+")
_NUMBER = re.compile(
    r"(?<![\w.])(\d+(?:[.,]\d+)*)\s*(k|m|b|million|billion|thousand|%)?(?![\w])", re.IGNORECASE
)
_SCALE = {"k": 1e3, "thousand": 1e3, "m": 1e6, "million": 1e6, "b": 1e9, "billion": 1e9}
_FREE_BELOW = 11  # small counts ("two components", "one question") need no source
EMPTY = "it is empty"


def _value(m: re.Match[str]) -> float | None:
    try:
        value = float(m.group(1).replace(",", ""))
    except ValueError:
        return None
    return value * _SCALE.get((m.group(2) or "").lower(), 1)


def numbers(text: str) -> set[float]:
    """Every number in a text, as written and with k/million/billion applied (50k = 50,000)."""
    found: set[float] = set()
    for m in _NUMBER.finditer(text):
        value = _value(m)
        if value is not None:
            found |= {value, float(m.group(1).replace(",", ""))}
    return found


def invented_numbers(text: str, sources: Iterable[str]) -> list[float]:
    """Numbers in `text` that appear in none of the sources (facts, problem, candidate, clock).

    The sources are read only when `text` states a number that needs one (most of the
    interviewer's sentences state none), and each source's numbers are remembered: every
    sentence of every reply is checked against the same facts and earlier answers."""
    stated = [
        value
        for m in _NUMBER.finditer(text)
        if (value := _value(m)) is not None and value >= _FREE_BELOW
    ]
    if not stated:
        return []
    allowed: set[float] = set()
    for s in sources:
        allowed |= _numbers_in(s)
    return [value for value in stated if value not in allowed]


@functools.lru_cache(maxsize=4096)
def _numbers_in(text: str) -> frozenset[float]:
    """`numbers`, remembered for the latest texts (the sources are checked again and again)."""
    return frozenset(numbers(text))


def leaks_solution(sentence: str, said: Iterable[str] = ()) -> bool:
    """Whether a sentence hands out a design rather than asking for one. A quote of `said`
    (the candidate's words, the problem's text) is theirs, not ours: a pushback that quotes
    "I would use Redis" hands nothing out."""
    texts = [t for t in said if t]
    if texts:
        sentence = _QUOTED.sub(lambda m: " " if _quotes_one(m, texts) else m.group(), sentence)
    return bool(_SOLUTION.search(sentence))


def _quotes_one(match: re.Match[str], texts: list[str]) -> bool:
    """Whether a quoted span is verbatim in one of the texts."""
    quoted = match.group(1) or match.group(2) or ""
    return bool(quoted.strip()) and any(quoted in t for t in texts)


def is_repeat(question: str, asked: Iterable[str]) -> bool:
    """Whether a question was asked before (same normal form, or nearly the same words)."""
    key = question_key(question)
    words = set(key.split())
    for old in asked:
        if key == old:
            return True
        other = set(old.split())
        if len(words) >= 4 and len(other) >= 4:
            overlap = len(words & other) / len(words | other)
            if overlap >= 0.8:
                return True
    return False


def sentence_problem(sentence: str, sources: Iterable[str], asked: Iterable[str]) -> str | None:
    """Why one sentence of a draft turn is unacceptable, or None when it is fine."""
    sources = list(sources)
    if leaks_solution(sentence, sources):
        return "it hands the candidate a solution; ask, do not design"
    if _LIST_ITEM.search(sentence):
        return "it is a list; write two or three plain sentences"
    invented = invented_numbers(sentence, sources)
    if invented:
        shown = ", ".join(f"{v:g}" for v in invented)
        return f"it states numbers that are not in the problem's facts ({shown})"
    if is_question(sentence) and is_repeat(sentence, asked):
        return "it repeats a question already asked"
    return None


def reply_problem(text: str, needs_question: bool) -> str | None:
    """Why a whole draft turn is unacceptable (empty, too long, no question), or None."""
    if not text.strip():
        return EMPTY
    if len(text.split()) > MAX_WORDS:
        return f"it is longer than {MAX_WORDS} words"
    if needs_question and not any(is_question(s) for s in re.split(r"(?<=[.!?])\s+", text)):
        return "it asks no question"
    return None
