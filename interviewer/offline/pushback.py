"""Pushback on a technically wrong claim: once per misconception per interview.

The candidate's last message is read against the problem's misconception catalogue
(prompts/misconceptions/); the first wrong claim not yet pushed back on is quoted verbatim
and questioned with the entry's pushback, which never gives the answer. What was pushed back
is read from the transcript (the pushback's question among the interviewer's turns and the
state's asked keys), so it holds across restarts.

One pushback per claim: a sentence that makes a claim already questioned is not questioned
again through another entry that also reads it (a shared entry and the problem's own, under
different ids), nor is a claim whose earlier quote that other entry also reads.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Sequence
from dataclasses import dataclass

from interviewer.core.text import question_key, sentences
from interviewer.core.transcript import Role, Turn, TurnKind
from interviewer.misconceptions import Catalogue, Misconception, claiming
from interviewer.offline.overclaim import doubt_of

_QUOTE_CHARS = 240  # a longer sentence is quoted up to the claim's clause
_QUOTED = re.compile(r"“([^”]+)”")  # the candidate's words in a pushback (offline_acts.yaml)
# Where a claim's clause ends: its reason or consequence follows.
_LEAD = re.compile(r"^(?:because|since|if|when|as|so|and|but|then|also)\s+", re.I)
_CLAUSE = re.compile(
    r",\s*|;\s*|\s+(?:because|since|so|so that|which means|as long as|and)\s+", re.I
)


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
    """The first wrong claim in `last` not pushed back on before, or None: one per claim,
    whichever entries read it."""
    pushbacks = [
        t.text for t in turns if t.role is Role.INTERVIEWER and t.kind == TurnKind.PUSHBACK
    ]
    pushed = [question_key(text) for text in pushbacks]
    entries = catalogue.for_problem(problem_id)
    done = {
        e.id
        for e in entries
        if (key := question_key(e.pushback)) in asked or any(key in said for said in pushed)
    }
    # every entry that reads a sentence already quoted in a pushback: that claim was questioned
    quoted = [q for text in pushbacks for q in _QUOTED.findall(text)]
    done.update(entries[i].id for claims in claiming(entries, quoted) for i in claims)
    said = sentences(last)
    for sentence, claims in zip(said, claiming(entries, said), strict=True):
        if not claims or any(entries[i].id in done for i in claims):
            continue  # no claim, or one already questioned (perhaps under another entry's id)
        entry = entries[claims[0]]
        return Pushback(entry, _quote(sentence, entry))
    return None


def _quote(sentence: str, entry: Misconception) -> str:
    """The candidate's sentence verbatim; a very long one cut to the clause that makes the claim."""
    if len(sentence) <= _QUOTE_CHARS:
        return sentence
    for clause in sentence.replace(";", ",").split(", "):
        if entry.claimed_in(clause):
            return clause.strip()
    return sentence


def claim_doubt(entry: Misconception, quote: str) -> str:
    """The claim of a quoted sentence as a question in the candidate's own words, without its
    question mark ("An H100 is just two A100s, so..." -> "Is an H100 really two A100s"): the
    first clause that makes the claim by itself; '' when none does or it does not turn into
    a question."""
    for clause in _CLAUSE.split(quote):
        clause = _LEAD.sub("", clause or "").strip()
        if clause and entry.claimed_in(clause):
            return doubt_of(clause)
    return ""


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
