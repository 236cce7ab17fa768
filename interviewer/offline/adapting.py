"""Curveballs: whether the candidate met a new constraint, and what ignoring one costs."""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass

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


# A curveball met well (INTERVIEW_SPEC section 3; the calibration labels' curveball_handled):
# the reply re-plans in the candidate's own design (several parts of the design named before
# the curveball come back), explains several changes, and is more than a sentence or two.
# A reply that only adapts (`adapted`) is credited modestly, as one sign of clarity among
# others; a reply that meets this bar is what can take clarity to 4, and when it also names
# what the change costs, trade-offs.
_WELL_SENTENCES, _WELL_WORDS = 3, 100
_WELL_CHANGED, _WELL_KEPT = 2, 2
# A sentence that names what the change costs (an alternative alone, "400 rather than 300",
# is not yet a cost weighed).
_WEIGHS = re.compile(
    r"\b(?:at the (?:cost|expense|price) of|in exchange for"
    r"|(?:the|its|that|this|our) (?:cost|price|downside|trade-?off|catch) (?:is|was|being)"
    r"|costs? (?:us )?(?:more|less|extra)|we (?:lose|give up|accept|pay)|i(?:'d| would) accept"
    r"|accepting|(?:is|are|be) acceptable|at some (?:loss|cost)|worth (?:it|paying)"
    r"|trad(?:e|es|ing) (?:off|away)|(?:slower|pricier|costlier|more expensive) (?:but|for)"
    r"|degrades?|degrading)\b",
    re.IGNORECASE,
)
_NOT_A_CHANGE = {"requirements", "assumptions", "summary"}


@dataclass(frozen=True)
class HandledWell:
    """A curveball met well: the sentence that shows the re-plan best, and the one that names
    what the change costs (None when the reply never weighs it)."""

    curveball_id: str
    replanned: int
    weighed: int | None


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

    def handled_well(
        self, reply: CurveballReply, text: CandidateText, hits: list[ConceptHit]
    ) -> HandledWell | None:
        """Whether an adapted reply met the constraint well: at some length, several changes
        explained, in the design the candidate had already laid out (not a fresh list of
        names). Call only for a reply `adapted` accepted."""
        sids = reply.sentences or ()
        # Distinct sentences only: saying the same thing twice is no longer a re-plan.
        distinct = {" ".join(text.sentences[k].text.lower().split()): k for k in sids}
        said = [text.sentences[k] for k in distinct.values()]
        if len(said) < _WELL_SENTENCES or sum(s.words for s in said) < _WELL_WORDS:
            return None
        design = [h for h in hits if _C.CLARITY not in h.concept.criteria]
        before = {h.concept.id for h in design if text.sentences[h.sentence].turn < reply.turn}
        in_reply = [h for h in design if h.sentence in sids]
        kept = {h.concept.id for h in in_reply} & before
        changed = {h.concept.id for h in in_reply if h.explained} - _NOT_A_CHANGE
        if len(changed) < _WELL_CHANGED or len(kept) < _WELL_KEPT:
            return None
        explained = Counter(h.sentence for h in in_reply if h.explained)
        replanned = min(explained, key=lambda k: (-explained[k], k))
        weighed = next((k for k in sids if _WEIGHS.search(text.sentences[k].text)), None)
        return HandledWell(reply.curveball_id, replanned, weighed)

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


def credit(
    criteria: dict[Criterion, CriterionScore], well: list[HandledWell], text: CandidateText
) -> dict[Criterion, CriterionScore]:
    """Every curveball met, one met well (`well`): clarity at 3 rises to 4 with the re-plan
    quoted, and trade-offs at 3 too when the reply named what the change costs. Only a 3
    rises: a lower score was held there by something a curveball does not make up for
    (no questions before designing, a list of names, lines aimed at the grader)."""
    if not well:
        return criteria
    out = dict(criteria)
    first = well[0]
    weighed = next((w for w in well if w.weighed is not None), None)
    raise_ = [(_C.CLARITY, first.replanned, "You re-planned the design for the new constraint.")]
    if weighed is not None and weighed.weighed is not None:
        why = "You weighed what meeting the new constraint costs."
        raise_.append((_C.TRADEOFFS, weighed.weighed, why))
    for c, sid, why in raise_:
        was = out[c]
        if was.score != 3:
            continue
        said = quote(text.sentences[sid])
        evidence = [said, *(e for e in was.evidence if e != said)][:3]
        out[c] = CriterionScore(4, evidence, f"{why} {was.feedback}")
    return out
