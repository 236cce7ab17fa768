"""The bars a score is held to beyond the lexicon: the interview's level, and the problem's own
security point."""

from __future__ import annotations

import re
from collections import Counter

from interviewer.core.rubric import Criterion, CriterionScore, Level
from interviewer.core.stages import Stage
from interviewer.offline.criteria import plain_evidence
from interviewer.offline.facts import Facts

_C = Criterion

_DEEP = (Stage.DEEP_DIVE, Stage.TRADEOFFS, Stage.WRAP_UP)
BAR_NOTES = {
    Level.STAFF: "Graded at the staff bar: a 3 needs depth in the deep dive or the trade-offs, "
    "not only a sound high-level design.",
    Level.MID: "Graded at the mid bar: a solid high-level design with reasons earns a 3.",
}


def at_bar(
    criteria: dict[Criterion, CriterionScore], f: Facts, level: Level, deep_stage: bool
) -> dict[Criterion, CriterionScore]:
    """The level's bar: staff keeps a 3 only with depth shown past the high level (a concept of
    the criterion explained there, or one of the problem's points for it reached there with a
    reason); mid gets a 3 for a design that names four or more parts of it and explains at
    least one."""
    if level is Level.SENIOR:
        return criteria
    out = dict(criteria)
    for c, was in criteria.items():
        if c is _C.CLARITY:
            continue
        hits = [h for h in f.hits if c in f.criteria_of(h.concept)]
        if level is Level.STAFF and was.score >= 3 and deep_stage:
            deep = [h for h in hits if h.explained and f.text.sentences[h.sentence].stage in _DEEP]
            if not deep and not _point_in_depth(c, f) and not _plain_in_depth(c, f):
                why = "At the staff bar a 3 needs this shown in the deep dive or trade-offs."
                out[c] = CriterionScore(2, was.evidence, f"{why} {was.feedback}")
        elif level is Level.MID and was.score == 2 and not f.thin:
            named = {h.concept.id for h in hits}
            if len(named) >= 4 and any(h.explained for h in hits):
                why = "At the mid bar a solid high-level design with reasons earns a 3."
                out[c] = CriterionScore(3, was.evidence, f"{why} {was.feedback}")
    return out


def _plain_in_depth(c: Criterion, f: Facts) -> bool:
    """Whether the deep dive, trade-offs or wrap-up explain something of this criterion in
    plain words (criteria.plain_evidence): a staff candidate's judgement, rollout, cost or
    policy said without the lexicon's names ("we turn it on for one team for a week first,
    so a bad rule hurts few people") is depth all the same."""
    names = Counter(h.sentence for h in f.hits)
    return any(f.text.sentences[sid].stage in _DEEP for sid, _ in plain_evidence(c, f, names))


def _point_in_depth(c: Criterion, f: Facts) -> bool:
    """Whether one of the problem's own points for this criterion is reached with a reason or a
    number in the deep dive, trade-offs or wrap-up: depth said in plain words ("a node that
    fails two jobs in a day is excluded until repaired, so we don't crash-loop jobs") is depth
    without the lexicon's names. A question or a wrong claim shows none (covered leaves wrong
    claims out)."""
    for p in f.points:
        if c not in p.criteria:
            continue
        for sid in f.covered[p.point.id]:
            s = f.text.sentences[sid]
            if s.stage in _DEEP and s.reasoned and not s.question and sid not in f.void:
                return True
    return False


_MECHANISM_WORDS = 10  # a sentence this long states a mechanism, not a name
_PART_SPLIT = re.compile(r",\s*(?:and\s+)?|\s+and\s+(?=[a-z]+s\b)")
_STEM = re.compile(r"[a-z]{4,}")


def _stems(text: str) -> set[str]:
    return {w[:5] for w in _STEM.findall(text.lower())} - {"their", "there", "which", "every"}


def security_parts(
    criteria: dict[Criterion, CriterionScore],
    f: Facts,
    point: str | None,
    wrong: frozenset[int] = frozenset(),
) -> dict[Criterion, CriterionScore]:
    """Security as the problem states it: each part of its security point ("authenticates
    callers, redacts personal data, keeps keys in a secrets store") met by a reasoned sentence
    that shares two words with it, or by a sentence of ten words or more that shares three (a
    mechanism stated without a "because"). All parts met earns a 4, all but one a 3; a list of
    names (Facts.thin) earns nothing here."""
    if not point or f.thin:
        return criteria
    parts = [p for p in (_stems(x) for x in _PART_SPLIT.split(point)) if len(p) >= 2]
    # A part is met by a reason, or by a mechanism stated in a whole sentence ("rate-limit per
    # IP and per session at the edge"): a concrete step needs no "because" to be a mechanism.
    said = [
        (_stems(s.text), 2 if s.reasoned else 3)
        for k, s in enumerate(f.text.sentences)
        if (s.reasoned or s.words >= _MECHANISM_WORDS) and not s.question and k not in wrong
    ]
    used: set[int] = set()  # one sentence meets one part: a single line is no security design
    for p in parts:
        k = next(
            (k for k, (s, need) in enumerate(said) if k not in used and len(p & s) >= need), None
        )
        if k is not None:
            used.add(k)
    met = len(used)
    if len(parts) < 2:
        return criteria
    floor = 4 if met == len(parts) else 3 if met >= len(parts) - 1 else 0
    was = criteria[_C.SECURITY_PRIVACY]
    if floor <= was.score:
        return criteria
    why = f"You met {met} of the {len(parts)} parts of this problem's security point."
    out = dict(criteria)
    out[_C.SECURITY_PRIVACY] = CriterionScore(floor, was.evidence, f"{why} {was.feedback}")
    return out
