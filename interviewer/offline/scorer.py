"""The offline grader: scores a transcript against the rubric with the bank alone, no model."""

from __future__ import annotations

import re
from dataclasses import dataclass

from interviewer.bank import Concept, Problem, QuestionBank
from interviewer.core.rubric import (
    CRITERION_TITLES,
    Criterion,
    CriterionScore,
    Pitfall,
    PitfallSeen,
    Scorecard,
    clamp_score,
    hire_signal_for,
)
from interviewer.core.stages import Stage, format_spec
from interviewer.core.text import question_key
from interviewer.core.transcript import Transcript
from interviewer.diagrams.grading import credit as diagram_credit
from interviewer.diagrams.probes import redrawn_for
from interviewer.offline.analysis import (
    CandidateText,
    ConceptHit,
    CurveballReply,
    clarifying_sentences,
    compile_fast,
    curveball_replies,
    find_concepts,
    read_candidate,
)
from interviewer.offline.claims import (
    WrongClaim,
    cap_note,
    caps,
    find_wrong_claims,
    wrong_sentences,
)
from interviewer.offline.claims import pitfalls as claim_pitfalls
from interviewer.offline.facts import Facts, Point, join_words, label
from interviewer.offline.feedback import needs
from interviewer.offline.pitfalls import find_pitfalls, judged_stages
from interviewer.offline.quotes import quote
from interviewer.offline.reasoning import BUZZWORDS, STOPWORDS
from interviewer.workers import Offload, inline

_PENALTY_PER_PITFALL, _MAX_PENALTY = 0.2, 0.6
_IGNORED_CURVEBALL_MOST = 2.7  # lean hire at most, even at the mid bar
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


class OfflineGrader:
    """Grades a transcript with the concept lexicon and the problem's expected points."""

    name = "offline"

    def __init__(self, bank: QuestionBank, run: Offload = inline) -> None:
        """Compile every pattern the grader needs once; `run` is where scoring runs (a bounded
        pool of threads in `serve`: a long transcript takes seconds, other members wait for
        none of it)."""
        self._bank = bank
        self._run = run
        self._concepts = tuple((c, compile_fast(c.all_patterns)) for c in bank.concepts)
        self._adapt = {cb.id: compile_fast(cb.adapt_keywords) for cb in bank.curveballs.values()}
        self._points: dict[str, tuple[Point, ...]] = {}
        self._lexicon = bank.concept_patterns
        self._criteria_of = {c.id: tuple(c.criteria) for c in bank.concepts}

    async def grade(
        self, transcript: Transcript, problem: Problem | None, *, usage_key: str | None = None
    ) -> Scorecard:
        """The scorecard for a transcript (the Grader port)."""
        return await self._run(self.score, transcript, problem)

    def score(self, transcript: Transcript, problem: Problem | None) -> Scorecard:
        """Grade the seven criteria, name the pitfalls and say what to practise next."""
        text = read_candidate(transcript)
        entries = self._bank.misconceptions.for_problem(problem.id if problem else "")
        claims = find_wrong_claims(transcript, text, entries)
        # A sentence that makes a wrong claim is evidence for nothing.
        wrong = wrong_sentences(claims)
        found = find_concepts(text, self._concepts)
        hits = [
            h for h in found if not text.sentences[h.sentence].question and h.sentence not in wrong
        ]
        stages = judged_stages(transcript.format)
        points = tuple(p for p in self._points_for(problem) if p.stage in stages)
        covered = {
            p.point.id: sorted(
                {sid for pat in p.patterns for sid, _ in text.first_matches(pat)} - wrong
            )
            for p in points
        }
        replies = curveball_replies(transcript, text)
        adapted = [
            r.sentences is not None and self._adapted(r, text, hits, transcript) for r in replies
        ]
        f = Facts(
            text,
            hits,
            points,
            covered,
            clarifying_sentences(transcript.format, text, hits),
            adapted,
            problem is not None and "classic" in problem.topics,
            Stage.CLARIFY in format_spec(transcript.format).order(),
            {},
        )
        pitfalls = find_pitfalls(f)
        pitfalls += [
            self._ignored(r, text) for r, ok in zip(replies, adapted, strict=True) if not ok
        ]
        criteria = {
            c: _criterion(c, f) if c is not _C.CLARITY else _clarity(f, pitfalls, claims)
            for c in _C
        }
        # Diagrams (interviewer/diagrams): the final diagram's components and paths as evidence;
        # clarity credits a diagram that matches the prose.
        criteria = diagram_credit(criteria, transcript.turns, self._lexicon, self._criteria_of)
        criteria = _curveballs_weigh(criteria, f)
        # A wrong claim left standing caps its criterion, whatever else was said.
        for c, cap in caps(claims).items():
            was = criteria[c]
            note = cap_note(c, cap, claims)
            criteria[c] = CriterionScore(
                min(was.score, cap), was.evidence, f"{note} {was.feedback}"
            )
        pitfalls += claim_pitfalls(claims, text)
        penalty = min(_MAX_PENALTY, _PENALTY_PER_PITFALL * len(pitfalls))
        mean = sum(s.score for s in criteria.values()) / len(criteria)
        overall = round(min(4.0, max(1.0, mean - penalty)), 1)
        if not all(f.adapted):  # whatever else was strong, a constraint was not met
            overall = min(overall, _IGNORED_CURVEBALL_MOST)
        notes = ["The candidate wrote nothing that could be graded."] if not text.sentences else []
        if text.ignored:
            notes.append(
                f"Instructions to the grader were ignored: {len(text.ignored)} sentence(s) asked "
                "for a score or to set the rubric aside; they never count as evidence."
            )
        if problem is None:
            notes.append("No problem given: graded with the concept lexicon only.")
        if f.thin:
            notes.append(
                "Most design sentences name components without a mechanism, number or reason; "
                "no criterion is graded above partial."
            )
        improvements = _improvements(criteria, f)
        return Scorecard(
            criteria, overall, hire_signal_for(overall), pitfalls, improvements, self.name, notes
        )

    def _points_for(self, problem: Problem | None) -> tuple[Point, ...]:
        """The problem's expected points, each with the criterion of the concept it names."""
        if problem is None:
            return ()
        if problem.id not in self._points:
            points: list[Point] = []
            for stage, expected in problem.expected.items():
                for p in expected:
                    texts = [p.point] if stage is Stage.WRAP_UP else [p.point, " ".join(p.keywords)]
                    head = self._head(texts)
                    patterns = (compile_fast(p.keywords), *([head[1]] if head else []))
                    crit = {head[0].criteria[0]} if head else set()
                    if head and head[0].infrastructure and "classic" in problem.topics:
                        crit.add(_C.AI_INFRASTRUCTURE)
                    if stage is Stage.CLARIFY or (not crit and stage is Stage.WRAP_UP):
                        crit = {_C.CLARITY}
                    if stage is Stage.TRADEOFFS:
                        crit.add(_C.TRADEOFFS)
                    points.append(
                        Point(stage, p, patterns, frozenset(crit), head[0].id if head else None)
                    )
            self._points[problem.id] = tuple(points)
        return self._points[problem.id]

    def _head(self, texts: list[str]) -> tuple[Concept, re.Pattern[str]] | None:
        """The lexicon concept a point names first (its head noun, usually), with its pattern."""
        for text in texts:
            found = [
                (m.start(), n)
                for n, (con, pat) in enumerate(self._concepts)
                if _C.CLARITY not in con.criteria and (m := pat.search(text))
            ]
            if found:
                return self._concepts[min(found)[1]]
        return None

    def _adapted(
        self,
        reply: CurveballReply,
        text: CandidateText,
        hits: list[ConceptHit],
        transcript: Transcript,
    ) -> bool:
        sids = reply.sentences or ()
        pattern = self._adapt.get(reply.curveball_id)
        curveball = self._bank.curveballs.get(reply.curveball_id)
        # Diagrams (interviewer/diagrams): a redrawn design that meets the curveball adapts too.
        text_of = curveball.text if curveball else ""
        if redrawn_for(transcript.turns, reply.turn, text_of, self._lexicon):
            return True
        if pattern is None:  # a curveball the bank does not know: any design change counts
            return any(h.sentence in sids and _C.CLARITY not in h.concept.criteria for h in hits)
        reply = " ".join(text.sentences[k].text for k in sids)
        if _DEFLECTS.search(reply):
            return False  # "the infra team would handle that" hands the constraint away
        if pattern.search(reply):
            return True
        # Adapting in other words: two design ideas explained in a reply about the constraint
        # (it shares a word with it) is a changed design; tuning something else is not.
        if not _about(text_of) & _about(reply):
            return False
        changed = {h.concept.id for h in hits if h.sentence in sids and h.explained}
        reasoned = sum(1 for k in sids if text.sentences[k].reasoned)
        worded = len(sids) >= 3 and sum(text.sentences[k].words for k in sids) >= 50
        changed -= {"requirements", "assumptions", "summary"}
        return len(changed) >= 2 or reasoned >= 2 or worded

    def _ignored(self, reply: CurveballReply, text: CandidateText) -> PitfallSeen:
        cb = self._bank.curveballs.get(reply.curveball_id)
        what = f'"{cb.text.split(".")[0]}."' if cb else f"'{reply.curveball_id}'"
        if not reply.sentences:
            said = "got no answer" if reply.sentences is None else "got an empty answer"
            return PitfallSeen(Pitfall.IGNORED_CURVEBALL, f"The curveball {what} {said}.")
        said = quote(text.sentences[reply.sentences[0]])
        said = f'The answer to the curveball {what} ("{said}") did not change the design for it.'
        return PitfallSeen(Pitfall.IGNORED_CURVEBALL, said)


def _curveballs_weigh(
    criteria: dict[Criterion, CriterionScore], f: Facts
) -> dict[Criterion, CriterionScore]:
    """A new constraint ignored costs a band of trade-offs (at most 2) and of clarity."""
    if not f.adapted or all(f.adapted):
        return criteria
    out = dict(criteria)
    for c, most, why in (
        (_C.TRADEOFFS, 2, "A new constraint was met with the same design: no trade-off weighed."),
        (_C.CLARITY, 3, "You did not adapt the design when the constraints changed."),
    ):
        was = criteria[c]
        score = max(1, min(was.score - 1, most))
        out[c] = CriterionScore(score, was.evidence, f"{why} {was.feedback}")
    return out


def _criterion(c: Criterion, f: Facts) -> CriterionScore:
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


def _clarity(f: Facts, pitfalls: list[PitfallSeen], claims: list[WrongClaim]) -> CriterionScore:
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


def _improvements(criteria: dict[Criterion, CriterionScore], f: Facts) -> list[str]:
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
