"""Finding the scorecard's quotes in the transcript, and cutting a turn's text around them."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from interviewer.core.rubric import Criterion, Scorecard
from interviewer.core.transcript import Role, Turn


@dataclass(frozen=True)
class Quote:
    """One piece of evidence the card cites, and where it was found (None: not in the text)."""

    anchor: str  # the id of its highlight in the transcript, and of the card's link to it
    criterion: Criterion
    text: str
    turn: int | None = None
    span: tuple[int, int] = (0, 0)
    diagram: bool = False  # a `diagram: a → b` quote: it points at the diagram, not the words


@dataclass(frozen=True)
class Segment:
    """A run of a turn's text; a highlighted one names the quote it is."""

    text: str
    quote: Quote | None = None


def _pattern(quote: str) -> re.Pattern[str] | None:
    """The quote's words with any whitespace between them; quote marks and an ellipsis
    trimmed (graders clip long quotes)."""
    words = quote.strip().strip("\"“”'…").rstrip(".…").split()
    if not words:
        return None
    return re.compile(r"\s+".join(map(re.escape, words)), re.IGNORECASE)


def locate(card: Scorecard, turns: Sequence[Turn]) -> list[Quote]:
    """Every quote of the card, in rubric order, each found in the first candidate turn that
    holds it; a quote found where another already is shares that one's place."""
    found: list[Quote] = []
    taken: dict[int, list[tuple[int, int]]] = {}
    for criterion in Criterion:
        for n, text in enumerate(card.criteria[criterion].evidence, start=1):
            anchor = f"q-{criterion.value}-{n}"
            if text.startswith("diagram:"):
                found.append(Quote(anchor, criterion, text, diagram=True))
                continue
            pattern = _pattern(text)
            place = None
            for index, turn in enumerate(turns):
                if pattern is None or turn.role is not Role.CANDIDATE:
                    continue
                m = pattern.search(turn.text)
                if m is not None:
                    place = (index, m.span())
                    break
            if place is None:
                found.append(Quote(anchor, criterion, text))
                continue
            index, span = place
            overlaps = [s for s in taken.get(index, []) if s[0] < span[1] and span[0] < s[1]]
            if not overlaps:
                taken.setdefault(index, []).append(span)
            found.append(Quote(anchor, criterion, text, index, span))
    return found


def segments(text: str, quotes: Sequence[Quote]) -> list[Segment]:
    """The text cut into plain and highlighted runs (overlapping quotes: the first one wins)."""
    out: list[Segment] = []
    pos = 0
    for q in sorted(quotes, key=lambda q: q.span):
        start, end = q.span
        if start < pos:
            continue
        if start > pos:
            out.append(Segment(text[pos:start]))
        out.append(Segment(text[start:end], q))
        pos = end
    if pos < len(text) or not out:
        out.append(Segment(text[pos:]))
    return out


def first_anchor(quotes: Sequence[Quote], quote: Quote) -> str:
    """The highlight a quote links to: its own, or the earlier one that covers the same words."""
    for q in quotes:
        if q.turn == quote.turn and q.span[0] < quote.span[1] and quote.span[0] < q.span[1]:
            return q.anchor
    return quote.anchor
