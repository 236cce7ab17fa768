"""Plain-text helpers the core and the brains share: sentences, questions, normal forms."""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

_QUESTION_START = re.compile(
    r"^\s*(what|how|who|whom|whose|when|where|which|why|is|are|do|does|did|can|could|should|"
    r"would|will|may|might|must|shall|have|has)\b",
    re.IGNORECASE,
)
# Where a sentence ends (also read with offsets by interviewer.offline.analysis).
SENTENCE_END = re.compile(
    # Not after an abbreviation that never ends a sentence ("utilisation vs. cost", "e.g. Kafka").
    # The cheap tests first: the abbreviations are looked for only after a full stop that
    # has a space after it.
    r"(?<=[.!?])(?=\s)(?<!\bvs\.)(?<!\be\.g\.)(?<!\bi\.e\.)(?<!\bcf\.)(?<!\bapprox\.)(?<!\bincl\.)"
    r"\s+|\n+",
    re.IGNORECASE,
)
_SPACE = re.compile(r"\s+")


_KEPT_FORMAT = frozenset(
    "\u200c\u200d"  # zero-width non-joiner and joiner: family emoji, Persian and Indic words
    "\u200e\u200f\u061c"  # left-to-right, right-to-left and Arabic letter marks
    "\u00ad"  # a soft hyphen
)
"""Invisible format characters that carry meaning in ordinary text, so they are kept. The
other controls go: bidi embeddings, overrides and isolates (they reorder what a reader sees,
"Trojan Source"), tag characters (invisible text), and C0/C1 controls but newline and tab."""


# The only ASCII characters of category C (controls), newline and tab aside.
_ASCII_CONTROLS = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")


def normalize(text: str) -> str:
    """NFC-normalised text with dangerous controls removed and runs of spaces kept as typed."""
    if text.isascii():  # NFC leaves ASCII as it is; one pass instead of one call a character
        return _ASCII_CONTROLS.sub("", text).strip()
    text = unicodedata.normalize("NFC", text)
    return "".join(
        ch
        for ch in text
        if ch in "\n\t" or ch in _KEPT_FORMAT or unicodedata.category(ch)[0] != "C"
    ).strip()


def sentences(text: str) -> list[str]:
    """The text split into sentences and lines, each stripped, empty ones dropped."""
    return list(_sentences(text))


@lru_cache(maxsize=256)
def _sentences(text: str) -> tuple[str, ...]:
    # Remembered: the offline interviewer splits the same answer several times per reply.
    return tuple(s.strip() for s in SENTENCE_END.split(text) if s and s.strip())


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


def ascii_number(text: str, max_digits: int = 9) -> int | None:
    """The whole number `text` spells in ASCII digits 0-9 (at most `max_digits`); None for
    anything else, `²`, `١` and full-width digits included (str.isdigit() takes those)."""
    if 0 < len(text) <= max_digits and text.isascii() and text.isdigit():
        return int(text)
    return None


EXCERPT_CHARS = 40


def excerpt(text: str, limit: int = EXCERPT_CHARS) -> str:
    """At most `limit` characters of a member's text, for echoing it in an error message."""
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"
