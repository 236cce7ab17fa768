"""Plain-text helpers the core and the brains share: sentences, questions, normal forms."""

from __future__ import annotations

import re
import unicodedata

_QUESTION_START = re.compile(
    r"^\s*(what|how|who|whom|whose|when|where|which|why|is|are|do|does|did|can|could|should|"
    r"would|will|may|might|must|shall|have|has)\b",
    re.IGNORECASE,
)
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+|\n+")
_SPACE = re.compile(r"\s+")


def normalize(text: str) -> str:
    """NFC-normalised text with control characters removed and runs of spaces kept as typed."""
    text = unicodedata.normalize("NFC", text)
    return "".join(ch for ch in text if ch in "\n\t" or unicodedata.category(ch)[0] != "C").strip()


def sentences(text: str) -> list[str]:
    """The text split into sentences and lines, each stripped, empty ones dropped."""
    return [s.strip() for s in _SENTENCE_END.split(text) if s and s.strip()]


def is_question(sentence: str) -> bool:
    """Whether a sentence asks something."""
    s = sentence.strip()
    if s.endswith("?"):
        return True
    # "When every GPU is busy, requests wait." starts like a question and is a statement.
    return not s.endswith((".", "!")) and bool(_QUESTION_START.match(s))


def asks_questions(text: str) -> bool:
    """Whether a message is mostly asking rather than designing."""
    parts = sentences(text)
    if not parts:
        return False
    asked = sum(1 for s in parts if is_question(s))
    return asked > 0 and asked * 2 >= len(parts)


def question_key(text: str) -> str:
    """A normal form of a question, to tell whether it was already asked."""
    return _SPACE.sub(" ", re.sub(r"[^\w\s]", "", text.lower())).strip()


def count_questions(text: str) -> int:
    """How many questions a piece of interviewer text asks."""
    return text.count("?")
