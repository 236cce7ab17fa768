"""Wrong claims in a transcript, as the scorer reads them: which sentences make a catalogued
misconception, whether the candidate corrected it later, and what it caps.

A claim is corrected when a later candidate sentence matches the entry's `corrected` patterns
(without repeating the claim), or when the candidate concedes in the reply to an interviewer
PUSHBACK turn; either way the claim must not be made again afterwards. A sentence that makes a
wrong claim is never evidence for anything, corrected or not.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from interviewer.core.memo import Remembered
from interviewer.core.rubric import Criterion, Pitfall, PitfallSeen
from interviewer.core.text import question_key
from interviewer.core.transcript import Role, Transcript, TurnKind
from interviewer.misconceptions import Misconception, claiming
from interviewer.offline.analysis import CandidateText, read_candidate
from interviewer.offline.quotes import quote
from interviewer.offline.reasoning import content_words

# A candidate taking a claim back in the reply to a pushback.
_CONCEDES = re.compile(
    r"\b(?:you'?re right|fair (?:point|enough)|good (?:point|catch)|i (?:got|had) (?:that|it) wrong"
    r"|i was wrong|that(?:'s| is| was) wrong|my mistake|i take (?:that|it) back|scratch that"
    r"|let me (?:redo|revise|correct|rethink|fix)|on second thought|i stand corrected"
    r"|(?:that|it) (?:would|does)n'?t (?:work|hold))\b",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class WrongClaim:
    """One catalogued misconception the candidate stated."""

    misconception: Misconception
    sentences: tuple[int, ...]  # every candidate sentence that makes it, in order
    pushed_back: bool  # the interviewer questioned it (a PUSHBACK turn after it)
    corrected: int | None  # the sentence that corrected it, if any
    pushbacks: tuple[int, ...] = ()  # the PUSHBACK turns that questioned it

    @property
    def first(self) -> int:
        """The first sentence that made the claim."""
        return self.sentences[0]


def find_wrong_claims(
    transcript: Transcript, text: CandidateText, entries: Sequence[Misconception]
) -> list[WrongClaim]:
    """Every catalogued wrong claim the candidate made, in the order they were first made."""
    sents = text.sentences
    # Sentence by sentence, each meeting only the entries whose words it holds.
    stated = [k for k, s in enumerate(sents) if not s.question]
    claimed: dict[int, list[int]] = {}
    for k, claims in zip(stated, claiming(entries, [sents[k].text for k in stated]), strict=True):
        for i in claims:
            claimed.setdefault(i, []).append(k)
    made_by = {entries[i].id: tuple(ks) for i, ks in sorted(claimed.items())}
    aimed = _pushbacks_aimed(transcript, text, entries, made_by)
    found: list[WrongClaim] = []
    for entry in entries:
        if entry.id not in made_by:
            continue
        made, pushed = made_by[entry.id], aimed.get(entry.id, [])
        fixes = [
            k
            for k in range(made[0] + 1, len(sents))
            if k not in made and entry.corrected_in(sents[k].text)
        ]
        fixes += _conceded(text, pushed[:1], made)
        fix = min((k for k in fixes if k > made[-1]), default=None)
        found.append(WrongClaim(entry, made, bool(pushed), fix, tuple(pushed)))
    return sorted(found, key=lambda w: w.first)


def _pushbacks_aimed(
    transcript: Transcript,
    text: CandidateText,
    entries: Sequence[Misconception],
    made_by: dict[str, tuple[int, ...]],
) -> dict[str, list[int]]:
    """Which PUSHBACK turns question which claim: the one whose pushback question the turn
    asks or whose sentence it quotes; a turn that names neither (a human's or a model's own
    words) questions the claims of the latest candidate turn that made any before it."""
    sents = text.sentences
    by_id = {e.id: e for e in entries}
    aimed: dict[str, list[int]] = {}
    for p, turn in enumerate(transcript.turns):
        if turn.role is not Role.INTERVIEWER or turn.kind != TurnKind.PUSHBACK.value:
            continue
        said = question_key(turn.text)
        before = {i: [k for k in made if sents[k].turn < p] for i, made in made_by.items()}
        before = {i: ks for i, ks in before.items() if ks}
        named = [
            i
            for i, ks in before.items()
            if question_key(by_id[i].pushback) in said
            or any(question_key(sents[k].text) in said for k in ks)
        ]
        if not named and before:
            latest = max(sents[ks[-1]].turn for ks in before.values())
            named = [i for i, ks in before.items() if sents[ks[-1]].turn == latest]
        for i in named:
            aimed.setdefault(i, []).append(p)
    return aimed


def _conceded(text: CandidateText, pushbacks: Iterable[int], made: tuple[int, ...]) -> list[int]:
    """The sentence where the reply to a pushback concedes the claim, if it does."""
    out = []
    for p in pushbacks:
        reply = [k for k, s in enumerate(text.sentences) if s.turn == p + 1]
        if reply and not set(reply) & set(made):
            out += [k for k in reply if _CONCEDES.search(text.sentences[k].text)][:1]
    return out


# A reply to a pushback that changes the design, even without saying it was wrong.
_REVISES = re.compile(
    r"\b(?:instead\b|i'?d (?:change|switch|replace|revise|redo|drop|rework|fix)"
    r"|(?:we|i)(?:'d| would| should| need to) (?:add|change|switch|replace|drop|cap|bound|limit)"
    r"|let me|actually\b|i (?:missed|overlooked|forgot)|hadn'?t (?:thought|considered)"
    r"|good (?:question|point)|that(?:'s| is) a (?:real )?(?:problem|risk|gap|bug)"
    r"|(?:that|it) (?:breaks|fails)|not safe)",
    re.IGNORECASE,
)


# A reply that is unsure rather than confident: the claim is not defended.
_UNSURE = re.compile(
    r"\b(?:not (?:sure|certain)|(?:don'?t|do not) know|no idea|i'?d (?:have|need) to (?:check"
    r"|measure|look)|i'?m unsure)\b",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class HeldClaim:
    """A claim the interviewer questioned (a PUSHBACK turn) that the reply defended rather than
    took back or revised, whether or not the catalogue knows the claim: an interviewer pushes
    back on what it judged wrong, and holding it is the confidently wrong answer's mark."""

    claim: int  # the questioned sentence
    reply: tuple[int, ...]  # the sentences of the reply that held it
    pushback: int  # the PUSHBACK turn

    @property
    def sentences(self) -> tuple[int, ...]:
        """The claim and the reply that defends it: evidence for nothing."""
        return (self.claim, *self.reply)


def held_claims(
    transcript: Transcript, text: CandidateText, known: Iterable[WrongClaim]
) -> list[HeldClaim]:
    """Each pushback the catalogue's claims do not explain, whose reply neither concedes nor
    changes the design: the questioned claim (the latest candidate turn's sentence sharing the
    most words with the pushback) held."""
    sents = text.sentences
    aimed = {p for w in known for p in w.pushbacks}
    out = []
    for p, turn in enumerate(transcript.turns):
        if turn.role is not Role.INTERVIEWER or turn.kind != TurnKind.PUSHBACK.value or p in aimed:
            continue
        before = [k for k, s in enumerate(sents) if s.turn < p and not s.question]
        reply_turn = next(
            (
                q
                for q in range(p + 1, len(transcript.turns))
                if transcript.turns[q].role is Role.CANDIDATE
            ),
            None,
        )
        reply = tuple(k for k, s in enumerate(sents) if s.turn == reply_turn)
        if not before or not reply:
            continue
        said = " ".join(sents[k].text for k in reply)
        if all(sents[k].question for k in reply) or _UNSURE.search(said):
            continue  # asked what was meant, or unsure: not a confident defence
        if _CONCEDES.search(said) or _REVISES.search(said):
            continue
        latest = sents[before[-1]].turn
        asked = set(content_words(turn.text))
        claim = max(
            (k for k in before if sents[k].turn == latest),
            key=lambda k: (len(asked & set(content_words(sents[k].text))), k),
        )
        out.append(HeldClaim(claim, reply, p))
    return out


def held_pitfalls(held: Iterable[HeldClaim], text: CandidateText) -> list[PitfallSeen]:
    """One wrong_claim pitfall per questioned claim the candidate held, with both quotes."""
    out = []
    for h in held:
        claim, reply = quote(text.sentences[h.claim]), quote(text.sentences[h.reply[0]])
        out.append(
            PitfallSeen(
                Pitfall.WRONG_CLAIM,
                f'Held a claim the interviewer questioned: "{claim}" The reply ("{reply}") '
                "defended it instead of checking it or changing the design.",
            )
        )
    return out


def wrong_sentences(claims: Iterable[WrongClaim], held: Iterable[HeldClaim] = ()) -> frozenset[int]:
    """The sentences no criterion may cite or count."""
    made = [k for w in claims for k in w.sentences]
    return frozenset(made + [k for h in held for k in h.sentences])


def caps(claims: Iterable[WrongClaim]) -> dict[Criterion, int]:
    """The highest score each criterion may get: the lowest cap among its uncorrected claims,
    one lower for each further uncorrected claim on it (never below 1)."""
    by: dict[Criterion, list[int]] = {}
    for w in claims:
        if w.corrected is None:
            by.setdefault(w.misconception.criterion, []).append(w.misconception.cap)
    return {c: max(1, min(cs) - (len(cs) - 1)) for c, cs in by.items()}


# The highest overall for an answer built on wrong claims: lean no hire.
CONFIDENTLY_WRONG_MOST = 2.2


def confidently_wrong(claims: Iterable[WrongClaim], held: Sequence[HeldClaim] = ()) -> bool:
    """Whether the answer rests on wrong claims: one held after the interviewer questioned it
    (catalogued or not), or two left standing."""
    standing = [w for w in claims if w.corrected is None]
    return bool(held) or len(standing) >= 2 or any(w.pushed_back for w in standing)


def pitfalls(claims: Iterable[WrongClaim], text: CandidateText) -> list[PitfallSeen]:
    """One pitfall per uncorrected wrong claim, named, with the quoted sentence and why."""
    out = []
    for w in claims:
        if w.corrected is not None:
            continue
        m = w.misconception
        held = " (held after the interviewer questioned it)" if w.pushed_back else ""
        said = quote(text.sentences[w.first])
        out.append(PitfallSeen(Pitfall.WRONG_CLAIM, f'{m.pitfall}: "{said}"{held}. {m.why}'))
    return out


def cap_note(c: Criterion, cap: int, claims: Iterable[WrongClaim]) -> str:
    """The line a capped criterion's feedback opens with."""
    names = [
        w.misconception.pitfall.lower()
        for w in claims
        if w.corrected is None and w.misconception.criterion is c
    ]
    return f"Capped at {cap}: {'; '.join(names)}."


READ_MEMO = 8
"""Transcripts whose claims `read_claims` remembers (the latest ones)."""

_Read = tuple[CandidateText, list[WrongClaim], list["HeldClaim"]]
_read: Remembered[_Read] = Remembered(READ_MEMO)


def read_claims(
    transcript: Transcript, entries: Sequence[Misconception]
) -> tuple[CandidateText, list[WrongClaim], list[HeldClaim]]:
    """The candidate's text, its catalogued wrong claims and the claims held after a pushback:
    `read_candidate`, `find_wrong_claims` and `held_claims`, as the offline scorer reads them.

    Remembered for the latest `READ_MEMO` transcripts, by the identity of the transcript (frozen)
    and of the entries: the model's scorecard is checked against the wrong claims
    (interviewer/llm/card.py) just after the offline scorer read them from the same transcript."""
    owners = (transcript, *entries)
    seen = _read.get(owners)
    if seen is not None:
        return seen[0], list(seen[1]), list(seen[2])
    text = read_candidate(transcript)
    claims = find_wrong_claims(transcript, text, entries)
    held = held_claims(transcript, text, claims)
    _read.put(owners, None, (text, claims, held))
    return text, list(claims), list(held)
