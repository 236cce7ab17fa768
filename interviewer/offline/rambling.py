"""Rambling: the spec's pitfall of getting lost in details, seen in how questions are answered.

An expert reading a rambling transcript sees the interviewer ask about one part of the system
and the candidate answer it in a few bare words ("By timestamp.", "Some database, probably.")
before turning back to the part they want to talk about ("But first...", "One more thing...",
"Going back to..., though"). The expected points' keywords are all there, so coverage alone
cannot see it; the turn-away after a bare answer can. Said twice or more, the design the
interviewer kept asking for never came together: the labels' reasons ("never came back",
"did not return when redirected", "no ... beyond a sentence") put clarity at 1 and the criteria
that judge the whole design (scalability, reliability, trade-offs) at partial.
"""

from __future__ import annotations

import re

from interviewer.core.rubric import Criterion, CriterionScore, Pitfall, PitfallSeen
from interviewer.core.stages import Stage
from interviewer.core.transcript import Role, Transcript
from interviewer.offline.analysis import CandidateText
from interviewer.offline.quotes import quote

# The stages where the interviewer asks about the design and an answer is expected.
_DESIGN_STAGES = (Stage.HIGH_LEVEL, Stage.DEEP_DIVE, Stage.TRADEOFFS)
# An answer this short, with no reason and no number, decides nothing on its own.
BARE_WORDS = 10
# Deflected answers from this many on are rambling, not one aside.
RAMBLING_FROM = 2
# What a design that never came together earns on the criteria that judge the whole of it.
RAMBLING_CAPS: dict[Criterion, int] = {
    Criterion.CLARITY: 1,
    Criterion.SCALABILITY: 2,
    Criterion.RELIABILITY: 2,
    Criterion.TRADEOFFS: 2,
}
_ACK = r"(?:(?:sure|yes|yeah|ok(?:ay)?|right|well)[,.]?\s+)?"
# A sentence that turns away from what was just asked: deferring ("before that", "but first",
# "one more thing"), going back ("going back to", "coming back to"), or a contrast that drops
# the answer ("but ...", "X, though:").
_TURN_AWAY = re.compile(
    rf"^{_ACK}(?:but|though|before (?:that|we|i)|one (?:more|other) (?:thing|point)"
    r"|(?:going|coming|getting) back|back to|anyway)\b"
    r"|^[^.;:!?]{0,60}?\bthough\s*[,:]",
    re.IGNORECASE,
)
# An acknowledgement that at once turns to something else ("Sure, but the index matters...").
_YES_BUT = re.compile(rf"^{_ACK.removesuffix('?')}but\b", re.IGNORECASE)


def deflected_answers(transcript: Transcript, text: CandidateText) -> list[int]:
    """The replies (their first sentence) that answer the interviewer's question in passing
    and turn to something else: a bare first sentence followed by a turn-away, or an
    acknowledgement that turns away at once."""
    by_turn: dict[int, list[int]] = {}
    for i, s in enumerate(text.sentences):
        by_turn.setdefault(s.turn, []).append(i)
    found: list[int] = []
    for turn, sids in sorted(by_turn.items()):
        before = transcript.turns[turn - 1] if turn > 0 else None
        first = text.sentences[sids[0]]
        if before is None or before.role is not Role.INTERVIEWER:
            continue
        if first.stage not in _DESIGN_STAGES or len(sids) < 2:
            continue
        bare = first.words <= BARE_WORDS and not first.reasoned and not first.quantified
        then = text.sentences[sids[1]].text
        # "Yes, but only if we shard by tenant, because..." answers with a condition and a
        # reason: only a yes-but that gives neither turns away.
        plain = not first.reasoned and not first.quantified
        if (bare and _TURN_AWAY.search(then)) or (plain and _YES_BUT.search(first.text)):
            found.append(sids[0])
    return found


def rambling(transcript: Transcript, text: CandidateText) -> PitfallSeen | None:
    """Lost in details: at least RAMBLING_FROM questions answered in passing, each followed by
    a turn back to something else."""
    found = deflected_answers(transcript, text)
    if len(found) < RAMBLING_FROM:
        return None
    sents = text.sentences
    shown = "; ".join(f'"{quote(sents[i])} {quote(sents[i + 1])}"' for i in found[:2])
    return PitfallSeen(
        Pitfall.LOST_IN_DETAILS,
        f"Answered {len(found)} of the interviewer's questions in passing and turned back to "
        f"something else ({shown}); the whole design never came together.",
    )


def cap_rambling(criteria: dict[Criterion, CriterionScore]) -> dict[Criterion, CriterionScore]:
    """The whole-design criteria held at RAMBLING_CAPS, with the reason in their feedback."""
    out = dict(criteria)
    for c, cap in RAMBLING_CAPS.items():
        was = out[c]
        if was.score > cap:
            note = (
                f"Capped at {cap}: the questions about the rest of the design were answered in "
                "passing before turning back to one part (lost in details)."
            )
            out[c] = CriterionScore(cap, was.evidence, f"{note} {was.feedback}")
    return out
