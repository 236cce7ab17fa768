"""Curveballs: whether the candidate met a new constraint, and what ignoring one costs."""

from __future__ import annotations

import re

from interviewer.bank import QuestionBank
from interviewer.core.rubric import Criterion, CriterionScore, Pitfall, PitfallSeen
from interviewer.core.transcript import Transcript
from interviewer.diagrams.probes import redrawn_for
from interviewer.offline.analysis import CandidateText, ConceptHit, CurveballReply, compile_fast
from interviewer.offline.quotes import quote
from interviewer.offline.reasoning import BUZZWORDS, STOPWORDS

_C = Criterion
IGNORED_CURVEBALL_MOST = (
    2.7  # the highest overall with a constraint ignored: lean hire, even at mid
)
# A reply that hands a new constraint to someone else rather than meeting it.
_DEFLECTS = re.compile(
    r"\b(?:(?:infra(?:structure)?|cluster|ops|platform|sre|network|security|other) team"
    r" (?:would|will|should|can) (?:handle|deal with|fix|sort)|(?:an?|really an?) "
    r"(?:infra(?:structure)?|ops|operations) problem|not (?:really )?(?:my|our) (?:problem|concern)"
    r"|someone else'?s problem)",
    re.IGNORECASE,
)
# Content words of a curveball, to tell a reply about it from a reply about something else.
_WORDS = re.compile(r"\b[a-z]{4,}\b")
_NOT_ABOUT = STOPWORDS | BUZZWORDS | {"constraint", "what", "your", "will", "next", "does", "same"}


def _about(text: str) -> set[str]:
    """The words that say what a text is about (no fillers, no buzzwords)."""
    return set(_WORDS.findall(text.lower())) - _NOT_ABOUT


class Adaptation:
    """Reads each curveball's reply against the bank's signs of adapting."""

    def __init__(self, bank: QuestionBank) -> None:
        """Compile each curveball's adapt keywords once."""
        self._bank = bank
        self._adapt = {cb.id: compile_fast(cb.adapt_keywords) for cb in bank.curveballs.values()}
        self._lexicon = bank.concept_patterns

    def adapted(
        self,
        reply: CurveballReply,
        text: CandidateText,
        hits: list[ConceptHit],
        transcript: Transcript,
    ) -> bool:
        """Whether the reply changed the design for the constraint."""
        sids = reply.sentences or ()
        pattern = self._adapt.get(reply.curveball_id)
        curveball = self._bank.curveballs.get(reply.curveball_id)
        # Diagrams (interviewer/diagrams): a redrawn design that meets the curveball adapts too.
        text_of = curveball.text if curveball else ""
        if redrawn_for(transcript.turns, reply.turn, text_of, self._lexicon):
            return True
        if pattern is None:  # a curveball the bank does not know: any design change counts
            return any(h.sentence in sids and _C.CLARITY not in h.concept.criteria for h in hits)
        said = " ".join(text.sentences[k].text for k in sids)
        if _DEFLECTS.search(said):
            return False  # "the infra team would handle that" hands the constraint away
        if pattern.search(said):
            return True
        # Adapting in other words: two design ideas explained in a reply about the constraint
        # (it shares a word with it) is a changed design; tuning something else is not.
        if not _about(text_of) & _about(said):
            return False
        changed = {h.concept.id for h in hits if h.sentence in sids and h.explained}
        reasoned = sum(1 for k in sids if text.sentences[k].reasoned)
        worded = len(sids) >= 3 and sum(text.sentences[k].words for k in sids) >= 50
        changed -= {"requirements", "assumptions", "summary"}
        return len(changed) >= 2 or reasoned >= 2 or worded

    def ignored(self, reply: CurveballReply, text: CandidateText) -> PitfallSeen:
        """The ignored_curveball pitfall for a reply that did not adapt."""
        cb = self._bank.curveballs.get(reply.curveball_id)
        what = f'"{cb.text.split(".")[0]}."' if cb else f"'{reply.curveball_id}'"
        if not reply.sentences:
            said = "got no answer" if reply.sentences is None else "got an empty answer"
            return PitfallSeen(Pitfall.IGNORED_CURVEBALL, f"The curveball {what} {said}.")
        said = quote(text.sentences[reply.sentences[0]])
        said = f'The answer to the curveball {what} ("{said}") did not change the design for it.'
        return PitfallSeen(Pitfall.IGNORED_CURVEBALL, said)


# The criterion each curveball puts to the test: ignoring it costs that criterion too.
ABOUT: dict[str, Criterion] = {
    "region-down": _C.RELIABILITY,
    "data-center-down": _C.RELIABILITY,
    "dependency-outage": _C.RELIABILITY,
    "consistency-bug": _C.RELIABILITY,
    "ten-x-users": _C.SCALABILITY,
    "write-spike": _C.SCALABILITY,
    "traffic-goes-global": _C.SCALABILITY,
    "latency-halved": _C.PERFORMANCE,
    "gpu-capacity-halved": _C.AI_INFRASTRUCTURE,
    "bad-model-version": _C.AI_INFRASTRUCTURE,
    "poison-data": _C.AI_INFRASTRUCTURE,
    "data-deletion-request": _C.SECURITY_PRIVACY,
    "abuse-wave": _C.SECURITY_PRIVACY,
}


def weigh(
    criteria: dict[Criterion, CriterionScore], ignored: list[str]
) -> dict[Criterion, CriterionScore]:
    """A new constraint ignored (the ids in `ignored`) takes trade-offs, clarity and the
    criterion the constraint was about to 2 at most, and always costs trade-offs a band."""
    if not ignored:
        return criteria
    out = dict(criteria)
    hit = [
        (_C.TRADEOFFS, "A new constraint was met with the same design: no trade-off weighed."),
        (_C.CLARITY, "You did not adapt the design when the constraints changed."),
    ]
    hit += [
        (ABOUT[i], "The new constraint tested this, and the design did not change for it.")
        for i in ignored
        if i in ABOUT
    ]
    for c, why in dict(hit).items():
        was = out[c]
        score = max(1, min(was.score - (c is _C.TRADEOFFS), 2))
        out[c] = CriterionScore(score, was.evidence, f"{why} {was.feedback}")
    return out
