"""Quotes for the scorecard: whole sentences, or whole clauses of a long one, verbatim."""

from __future__ import annotations

import re

from interviewer.offline.analysis import Sentence

MAX_QUOTE = 220
# Possessive, and starting only where a run of spaces starts: linear however long the run.
_CLAUSE_END = re.compile(r"[,;:]\s++|(?<!\s)\s++(?:-|–|—)\s++")


def quote(s: Sentence, start: int = 0) -> str:
    """The whole sentence, or when it is long the run of whole clauses around the match."""
    t = s.text
    if len(t) <= MAX_QUOTE:
        return t
    bounds = [0, *(m.end() for m in _CLAUSE_END.finditer(t)), len(t)]
    clauses = [(bounds[i], bounds[i + 1]) for i in range(len(bounds) - 1)]
    k = next((i for i, (_, b) in enumerate(clauses) if start < b), len(clauses) - 1)
    a, b = clauses[k]
    # Grow by whole clauses, after the match first, while the quote stays short enough.
    lo, hi = k, k
    while True:
        if hi + 1 < len(clauses) and clauses[hi + 1][1] - a <= MAX_QUOTE:
            hi += 1
            b = clauses[hi][1]
        elif lo > 0 and b - clauses[lo - 1][0] <= MAX_QUOTE:
            lo -= 1
            a = clauses[lo][0]
        else:
            break
    if b - a <= MAX_QUOTE:
        return t[a:b].strip().rstrip(",;:").strip()
    # One clause longer than a quote: a window of whole words around the match.
    a = max(0, start - 60)
    a = (t.find(" ", a) + 1 or a) if a else 0
    b = min(len(t), a + MAX_QUOTE)
    if b < len(t) and t.rfind(" ", a, b) > a:
        b = t.rfind(" ", a, b)
    return t[a:b].strip()
