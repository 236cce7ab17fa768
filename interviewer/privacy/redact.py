"""Taking one person's words out of a scorecard or an interview state (pure functions).

Scorecards quote candidates verbatim (criterion evidence, some pitfall details) and a state
keeps each curveball's answer, so both hold transcript text: retention strips them, and in a
design-along one member's words are told apart from another's by matching the quotes
against each member's own messages.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import replace

from interviewer.core.rubric import Contribution, PitfallSeen, Scorecard
from interviewer.core.state import InterviewState

QUOTES_REMOVED = "Evidence quotes were removed with the transcript."
DETAIL_REMOVED = "(the quote it cited was removed with the transcript)"
DETAIL_WITHHELD = "(the quote it cited was another participant's words)"

_SPACE = re.compile(r"\s+")
_QUOTES = str.maketrans({"“": '"', "”": '"', "‘": "'", "’": "'"})
_QUOTED = re.compile(r'"([^"]+)"')


def straight(text: str) -> str:
    """Text with curly quotes straightened and spacing collapsed: how quotes are matched."""
    return _SPACE.sub(" ", text.translate(_QUOTES)).strip()


def plain(text: str) -> str:
    """Text compared loosely: curly quotes straightened, spacing collapsed, case folded."""
    return straight(text).casefold()


def trim_quote(quote: str) -> str:
    """A quote as cited, without the quote marks and trailing ellipsis around it."""
    return quote.strip("\"' ").removesuffix("...").removesuffix("…").strip()


def found_in(quote: str, texts: Sequence[str]) -> bool:
    """Whether a (possibly trimmed) quote occurs in one of the texts."""
    q = trim_quote(plain(quote))
    return bool(q) and any(q in plain(t) for t in texts)


def strip_quotes(card: Scorecard) -> Scorecard:
    """The card without any verbatim candidate text; scores, feedback and advice stay."""
    quoted = any(s.evidence for s in card.criteria.values()) or any(
        _QUOTED.search(p.detail.translate(_QUOTES)) for p in card.pitfalls
    )
    if not quoted and not card.diagram:
        return card
    return replace(
        card,
        criteria={c: replace(s, evidence=[]) for c, s in card.criteria.items()},
        pitfalls=[_detail(p, DETAIL_REMOVED, None) for p in card.pitfalls],
        notes=[*card.notes, QUOTES_REMOVED],
        diagram=None,  # the final diagram is the candidate's own drawing
    )


def without_words_of(
    card: Scorecard, own: Sequence[str], foreign: Sequence[str], author: str | None = None
) -> Scorecard:
    """The card keeping only quotes from `own` texts; `author`'s contribution (if given) goes.

    `foreign` are the texts of the person being taken out; a pitfall detail quoting them is
    replaced. Nothing changes when there are no foreign texts (a solo interview).
    """
    contributors = [c for c in card.contributors if author is None or c.author != author]
    if not foreign:
        return replace(card, contributors=contributors)
    criteria = {
        c: replace(
            s, evidence=[q for q in s.evidence if found_in(q, own) and not found_in(q, foreign)]
        )
        for c, s in card.criteria.items()
    }
    pitfalls = [_detail(p, DETAIL_WITHHELD, foreign) for p in card.pitfalls]
    # The final diagram may hold their boxes; drawn by several hands, it cannot be split.
    return replace(
        card, criteria=criteria, pitfalls=pitfalls, contributors=contributors, diagram=None
    )


def only_contribution_of(card: Scorecard, author: str) -> list[Contribution]:
    """The design-along contributions that are this member's own."""
    return [c for c in card.contributors if c.author == author]


_CURLY = re.compile(r"“([^”]+)”")
QUOTE_WITHHELD = "“(another participant's words)”"
QUOTE_REMOVED = "“(words removed at the member's request)”"


def unquote(text: str, foreign: Sequence[str], instead: str = QUOTE_WITHHELD) -> str:
    """An interviewer turn with each quote of `foreign` texts replaced (a pushback quotes the
    candidate: in a design-along it may quote a member who is forgotten or not the reader)."""
    if not foreign:
        return text
    return _CURLY.sub(lambda m: instead if found_in(m.group(1), foreign) else m.group(), text)


def drop_responses(state: InterviewState, foreign: Sequence[str] | None = None) -> InterviewState:
    """The state without curveball answers: all of them, or those found in `foreign` texts."""
    plans = [
        replace(p, response=None)
        if p.response is not None and (foreign is None or found_in(p.response, foreign))
        else p
        for p in state.curveballs
    ]
    return replace(state, curveballs=plans)


def _detail(pitfall: PitfallSeen, instead: str, foreign: Sequence[str] | None) -> PitfallSeen:
    """The pitfall with its detail replaced when it quotes (foreign) candidate text."""
    segments = _QUOTED.findall(pitfall.detail.translate(_QUOTES))
    if foreign is None:
        hit = bool(segments)
    else:
        hit = any(found_in(s, foreign) for s in segments)
    return replace(pitfall, detail=instead) if hit else pitfall
