"""The offline scorer's criteria: what each criterion counts, quotes and advises."""

from __future__ import annotations

from dataclasses import dataclass

from interviewer.core.rubric import (
    CRITERION_TITLES,
    Criterion,
    CriterionScore,
    Pitfall,
    PitfallSeen,
    clamp_score,
)
from interviewer.core.stages import Stage
from interviewer.core.text import question_key
from interviewer.offline.claims import WrongClaim
from interviewer.offline.facts import Facts, join_words, label
from interviewer.offline.feedback import needs
from interviewer.offline.quotes import quote

_C = Criterion
_CLARITY_SAID = {
    "requirements": "named the requirements",
    "assumptions": "stated your assumptions",
    "plan-announced": "announced a plan",
    "summary": "summarised the design",
    "next-steps": "named next steps",
}


@dataclass(frozen=True)
class _Item:
    label: str
    explained: bool
    primary: bool
    sentence: int
    start: int


def _points_text(points: list[str]) -> str:
    return "; ".join(p.rstrip(".") for p in points[:2])


def _evidence(f: Facts, picks: list[tuple[int, int]]) -> list[str]:
    """Up to three quotes, one per sentence, preferring sentences no other criterion quoted."""
    firsts = dict(reversed(picks))  # sentence -> its first pick's offset
    order = list(dict.fromkeys(sid for sid, _ in picks))
    order = sorted(order, key=lambda sid: f.quoted.get(sid, 0) >= 1)[:3]
    for sid in order:
        f.quoted[sid] = f.quoted.get(sid, 0) + 1
    return [quote(f.text.sentences[sid], firsts[sid]) for sid in order]


def criterion_score(c: Criterion, f: Facts) -> CriterionScore:
    """Distinct concepts explained with a reason count; bare names only reach 2."""
    items: dict[str, _Item] = {}

    def add(key: str, item: _Item) -> None:
        if key not in items or (item.explained and not items[key].explained):
            items[key] = item

    for h in f.hits:
        crit = f.criteria_of(h.concept)
        if c in crit:
            primary = crit[0] is c
            add(h.concept.id, _Item(label(h.concept.id), h.explained, primary, h.sentence, h.start))
    with_concept = {h.sentence for h in f.hits if c in f.criteria_of(h.concept)}
    mapped = [p for p in f.points if c in p.criteria]
    for p in mapped:  # expected points said in words the lexicon does not know
        for sid in f.covered[p.point.id] if p.head not in items else ():
            s = f.text.sentences[sid]
            if sid not in with_concept and not s.question:
                add("point:" + p.point.id, _Item(label(p.point.id), s.reasoned, True, sid, 0))
    explained = [i for i in items.values() if i.explained]
    if not items or (c is _C.TRADEOFFS and not explained):
        score = 1  # a trade-off named with no reason is no trade-off at all
    elif len(explained) < 2 or f.thin:
        score = 2
    else:
        got = sum(1 for p in mapped if f.covered[p.point.id])
        quantified = any(f.text.sentences[i.sentence].quantified for i in explained)
        broad = len(explained) >= 5 or (len(mapped) >= 2 and got * 5 >= len(mapped) * 3)
        deep = quantified or (c not in (_C.SCALABILITY, _C.PERFORMANCE) and broad)
        score = 4 if len(explained) >= 4 and deep else 3
    ranked = sorted(items.values(), key=lambda i: (not i.explained, not i.primary, i.sentence))
    parts = []
    if explained:
        parts.append(
            f"you explained {join_words([i.label for i in ranked if i.explained][:3])} with reasons"
        )
    if len(explained) < len(ranked):
        parts.append(
            f"you named {join_words([i.label for i in ranked if not i.explained][:3])} without saying why"
        )
    said = (
        "; ".join(parts).capitalize() + "."
        if parts
        else f"No signal on {CRITERION_TITLES[c].lower()}."
    )
    missed = f.missed(c)
    advice = needs(c, f.classic, f.shown()) if score < 4 else None
    if missed:
        said += f" Not covered for this problem: {_points_text(missed)}."
    elif advice:
        said += f" Cover {advice}."
    evidence = _evidence(f, [(i.sentence, i.start) for i in ranked])
    return CriterionScore(clamp_score(score), evidence, said)


def clarity_score(
    f: Facts, pitfalls: list[PitfallSeen], claims: list[WrongClaim]
) -> CriterionScore:
    """Asked before designing, asked broadly, planned, summarised, adapted to curveballs and
    to a wrong claim being questioned."""
    sents = f.text.sentences
    signals: dict[str, int] = {}
    fixed = [w.corrected for w in claims if w.corrected is not None]
    if fixed:
        signals["corrected a wrong claim when it was questioned"] = fixed[0]
    if f.clarifying:
        signals["asked clarifying questions"] = f.clarifying[0]
    asked = {question_key(sents[i].text) for i in f.clarifying if sents[i].question}
    clar_points = [p for p in f.points if p.stage is Stage.CLARIFY]
    missed = [p for p in clar_points if not set(f.covered[p.point.id]) & set(f.clarifying)]
    if len(asked) >= 3 or len(clar_points) - len(missed) >= 2:
        signals["asked about several requirements"] = f.clarifying[-1]
    for h in f.hits:
        if _C.CLARITY in h.concept.criteria:
            signals.setdefault(_CLARITY_SAID.get(h.concept.id, label(h.concept.id)), h.sentence)
    if f.adapted and all(f.adapted):
        signals["adapted to each new constraint"] = -1
    score = (1, 2, 3, 3)[len(signals)] if len(signals) < 4 else 4
    designed_first = any(p.id is Pitfall.DESIGNED_BEFORE_CLARIFYING for p in pitfalls)
    if not f.clarifying and f.asks_first:
        score = min(score, 2)
    elif designed_first:
        score = min(score, 3)
    if f.thin:  # a list of names is not clear thinking, however well it is framed
        score = 1 if designed_first or (f.asks_first and not f.clarifying) else min(score, 2)
    # Lines written as the interviewer, or to the grader, are not the candidate explaining
    # their design: they earn nothing (read_turns drops them) and cost clarity.
    posed = len(f.text.ignored)
    if posed:
        score = min(score, 1 if posed >= 2 else 2)
    said = f"You {join_words(list(signals))}." if signals else "No signal on clarity of thought."
    if posed:
        said += (
            " Your answers carried lines written as the interviewer or to the grader; they "
            "count for nothing and cost clarity."
        )
    if not f.clarifying and f.asks_first:
        said += " You never asked a clarifying question before designing."
    elif designed_first:
        said += " You started designing before asking your questions."
    if missed:
        said += f" Not asked for this problem: {_points_text([p.point.point for p in missed])}."
    elif score < 4:
        shown = {h.concept.id for h in f.hits if _C.CLARITY in h.concept.criteria}
        advice = needs(_C.CLARITY, f.classic, shown | ({"-"} if len(asked) >= 3 else set()))
        said += f" Show {advice or 'the reasoning behind each step, not only its name'}."
    picks = sorted((sid, 0) for sid in signals.values() if sid >= 0)
    return CriterionScore(score, _evidence(f, picks), said)


def improvements(criteria: dict[Criterion, CriterionScore], f: Facts) -> list[str]:
    """The three weakest criteria (or, when all are 4, what the problem still expected)."""
    order = list(_C)
    out: list[str] = []
    for c in sorted(_C, key=lambda c: (criteria[c].score, order.index(c))):
        missed = f.missed(c)
        if len(out) == 3 or (criteria[c].score == 4 and not missed):
            continue
        line = f"{CRITERION_TITLES[c]} ({criteria[c].score}/4): "
        if criteria[c].score == 4:
            out.append(line + f"to stay there, also cover: {missed[0].rstrip('.')}.")
            continue
        shown = f.shown() if c is not _C.CLARITY else set()
        line += f"practise {needs(c, f.classic, shown) or 'explaining each choice with a reason'}"
        out.append(line + (f"; here that means: {missed[0].rstrip('.')}." if missed else "."))
    return out or ["Practise the same depth on a new problem, keeping to the stage clock."]
