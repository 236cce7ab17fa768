"""The offline grader: scores a transcript against the rubric with the bank alone, no model."""

from __future__ import annotations

import re
from collections import Counter

from interviewer.bank import Concept, ExpectedPoint, Problem, QuestionBank
from interviewer.core.rubric import (
    Criterion,
    CriterionScore,
    Pitfall,
    Scorecard,
    hire_signal_for,
)
from interviewer.core.stages import Stage, format_spec
from interviewer.core.transcript import Role, Transcript, TurnKind
from interviewer.diagrams.grading import credit as diagram_credit
from interviewer.offline.acts import aside
from interviewer.offline.adapting import IGNORED_CURVEBALL_MOST, Adaptation, credit, weigh
from interviewer.offline.analysis import (
    CandidateText,
    ConceptHit,
    clarifying_sentences,
    compile_fast,
    curveball_replies,
    find_concepts,
)
from interviewer.offline.bars import BAR_NOTES, at_bar, security_parts
from interviewer.offline.claims import (
    CONFIDENTLY_WRONG_MOST,
    HeldClaim,
    cap_note,
    caps,
    confidently_wrong,
    held_pitfalls,
    read_claims,
    wrong_sentences,
)
from interviewer.offline.claims import pitfalls as claim_pitfalls
from interviewer.offline.criteria import (
    Fit,
    clarity_score,
    criterion_score,
    improvements,
    in_other_words,
    plain_reach,
)
from interviewer.offline.facts import Facts, Point
from interviewer.offline.feedback import ProblemPoint, point_parts
from interviewer.offline.pitfalls import find_pitfalls, judged_stages
from interviewer.offline.rambling import cap_rambling, rambling
from interviewer.workers import Offload, inline

_PENALTY_PER_PITFALL, _MAX_PENALTY = 0.2, 0.6
_PRICED_IN = (Pitfall.WRONG_CLAIM, Pitfall.IGNORED_CURVEBALL)
_C = Criterion
_DESIGN_STAGES = (Stage.HIGH_LEVEL, Stage.DEEP_DIVE, Stage.TRADEOFFS)
_SECURITY_TALK = re.compile(
    r"\b(?:secur|auth|encrypt|tls\b|privacy|pii\b|gdpr|abuse|attack|permission|access|"
    r"isolat|secret|api[- ]?keys?|rate[- ]?limit|throttl|complian|audit|leak)",
    re.IGNORECASE,
)


def _held_criteria(held: list[HeldClaim], found: list[ConceptHit]) -> set[Criterion]:
    """The criterion each held claim is about: the one its sentence's design concepts name most
    (none when it names none; the overall is still held to lean no hire)."""
    out: set[Criterion] = set()
    for h in held:
        named = Counter(
            x.concept.criteria[0]
            for x in found
            if x.sentence == h.claim and _C.CLARITY not in x.concept.criteria
        )
        if named:
            out.add(named.most_common(1)[0][0])
    return out


def _security_text(problem: Problem | None) -> str | None:
    """The problem's own security expected point, in words."""
    if problem is None:
        return None
    points = [
        p.point for pts in problem.expected.values() for p in pts if p.id.startswith("security")
    ]
    return points[0] if points else None


def _security_point(p: ExpectedPoint) -> bool:
    """Whether an expected point is about security: its id says so, or its text names abuse,
    access or data protection (a team's fair-share quota does not)."""
    text = f"{p.point} {' '.join(p.keywords)}"
    return p.id.startswith("security") or bool(_SECURITY_TALK.search(text))


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
        self._adaptation = Adaptation(bank)
        self._points: dict[str, tuple[Point, ...]] = {}
        self._relevant: dict[str, frozenset[str]] = {}
        self._named: dict[str, frozenset[str]] = {}
        self._advice: dict[str, ProblemPoint] = {}
        self._pattern = {c.id: pat for c, pat in self._concepts}
        self._lexicon = bank.concept_patterns
        self._criteria_of = {c.id: tuple(c.criteria) for c in bank.concepts}

    async def grade(
        self, transcript: Transcript, problem: Problem | None, *, usage_key: str | None = None
    ) -> Scorecard:
        """The scorecard for a transcript (the Grader port)."""
        return await self._run(self.score, transcript, problem)

    def score(self, transcript: Transcript, problem: Problem | None) -> Scorecard:
        """Grade the seven criteria, name the pitfalls and say what to practise next."""
        entries = self._bank.misconceptions.for_problem(problem.id if problem else "")
        # The wrong claims, and each claim the interviewer questioned and the candidate
        # defended, catalogued or not (remembered: the model's card checks them again).
        text, claims, held = read_claims(transcript, entries)
        # A sentence that makes a wrong claim is evidence for nothing.
        wrong = wrong_sentences(claims, held)
        found = find_concepts(text, self._concepts)
        # What was said to the interviewer rather than about the design ("I'd like to deep
        # dive on deduplication", "I don't know how") names a part and shows nothing of it:
        # evidence for no design criterion (its clarity signals still count).
        asides = frozenset(i for i, s in enumerate(text.sentences) if aside(s.text))
        hits = [
            h
            for h in found
            if not text.sentences[h.sentence].question
            and h.sentence not in wrong
            and (h.sentence not in asides or _C.CLARITY in h.concept.criteria)
        ]
        stages = judged_stages(transcript.format)
        points = tuple(p for p in self._points_for(problem) if p.stage in stages)
        covered = {
            p.point.id: sorted(
                {sid for pat in p.patterns for sid, _ in text.first_matches(pat)} - wrong - asides
            )
            for p in points
        }
        replies = curveball_replies(transcript, text)
        adapted = [
            r.sentences is not None and self._adaptation.adapted(r, text, hits, transcript)
            for r in replies
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
            tuple(
                i
                for i, t in enumerate(transcript.turns)
                if t.role is Role.INTERVIEWER
                and t.stage is Stage.CLARIFY
                and t.kind == TurnKind.HINT.value
            ),
            frozenset(wrong),
            asides,
        )
        # Advice never sends a candidate to a point they reached in other words: any concept
        # the point names ("rate-limits per key" is reached by a token bucket per API key).
        said = {h.concept.id for h in hits}
        reached = frozenset(p.point.id for p in points if self._named_in(p.point.point) & said)
        # A point its keywords missed but a reasoned mechanism reached in other words counts as
        # reached with a reason (no "not covered", no cap below 4 for it).
        other = in_other_words(f)
        advised = tuple(
            self._advice_of(p.point.point)
            for p in points
            if p.stage in _DESIGN_STAGES  # a clarify or wrap-up point is a behaviour, not advice
        )
        plain = plain_reach(f)
        fit = Fit(
            self._relevant_to(problem),
            self._words(text, hits),
            reached | other | plain.keys(),
            other,
            advised,
            plain,
        )
        pitfalls = find_pitfalls(f)
        # Questions answered in passing before turning back to one part: lost in details, seen
        # in the conversation when the expected points' keywords all came up (one pitfall).
        rambled = rambling(transcript, text)
        if rambled and all(p.id is not Pitfall.LOST_IN_DETAILS for p in pitfalls):
            pitfalls.append(rambled)
        pitfalls += [
            self._adaptation.ignored(r, text)
            for r, ok in zip(replies, adapted, strict=True)
            if not ok
        ]
        criteria = {
            c: criterion_score(c, f, fit)
            if c is not _C.CLARITY
            else clarity_score(f, pitfalls, claims)
            for c in _C
        }
        # Diagrams (interviewer/diagrams): the final diagram's components and paths as evidence;
        # clarity credits a diagram that matches the prose.
        criteria = diagram_credit(criteria, transcript.turns, self._lexicon, self._criteria_of)
        ignored = [r.curveball_id for r, ok in zip(replies, adapted, strict=True) if not ok]
        criteria = security_parts(criteria, f, _security_text(problem), f.void)
        criteria = weigh(criteria, ignored)
        # Every curveball met and one met well counts in clarity and trade-offs, not only as a
        # pitfall avoided; never for an answer resting on wrong claims, a list of names, lines
        # aimed at the grader or one lost in a component (their caps hold it down anyway).
        rests_on_wrong = confidently_wrong(claims, held)  # fluent, but built on wrong claims
        if all(f.adapted) and not (rests_on_wrong or f.thin or text.ignored or rambled):
            well = [self._adaptation.handled_well(r, text, hits) for r in replies]
            criteria = credit(criteria, [w for w in well if w is not None], text)
        deep_stage = Stage.DEEP_DIVE in format_spec(transcript.format).order()
        criteria = at_bar(criteria, f, transcript.level, deep_stage)
        # A wrong claim left standing caps its criterion, whatever else was said.
        for c, cap in caps(claims).items():
            was = criteria[c]
            note = cap_note(c, cap, claims)
            criteria[c] = CriterionScore(
                min(was.score, cap), was.evidence, f"{note} {was.feedback}"
            )
        for c in _held_criteria(held, found):
            was = criteria[c]
            note = "Capped at 2: a claim the interviewer questioned was held, not checked."
            criteria[c] = CriterionScore(min(was.score, 2), was.evidence, f"{note} {was.feedback}")
        if rambled:  # the design the interviewer kept asking for never came together
            criteria = cap_rambling(criteria)
        pitfalls += claim_pitfalls(claims, text) + held_pitfalls(held, text)
        # Wrong claims, ignored curveballs and rambling already cost their criteria: no second
        # penalty.
        counted = len(
            [
                p
                for p in pitfalls
                if p.id not in _PRICED_IN and not (rambled and p.id is Pitfall.LOST_IN_DETAILS)
            ]
        )
        penalty = min(_MAX_PENALTY, _PENALTY_PER_PITFALL * counted)
        mean = sum(s.score for s in criteria.values()) / len(criteria)
        overall = round(min(4.0, max(1.0, mean - penalty)), 1)
        if not all(f.adapted):  # whatever else was strong, a constraint was not met
            overall = min(overall, IGNORED_CURVEBALL_MOST)
        if rests_on_wrong:
            overall = min(overall, CONFIDENTLY_WRONG_MOST)
        notes = ["The candidate wrote nothing that could be graded."] if not text.sentences else []
        if rests_on_wrong:
            notes.append(
                f"The overall is held at {CONFIDENTLY_WRONG_MOST} (lean no hire): the design rests "
                "on wrong claims left standing; each is named under pitfalls."
            )
        if text.ignored:
            notes.append(
                f"Instructions to the grader were ignored: {len(text.ignored)} sentence(s) asked "
                "for a score or to set the rubric aside; they never count as evidence."
            )
        if problem is None:
            notes.append("No problem given: graded with the concept lexicon only.")
        if transcript.level in BAR_NOTES:
            notes.append(BAR_NOTES[transcript.level])
        if f.thin:
            notes.append(
                "Most design sentences name components without a mechanism, number or reason; "
                "no criterion is graded above partial."
            )
        advice = improvements(criteria, f, fit)
        # The level's hire bar is the caller's to apply (Scorecard.at_level), as for any grader.
        return Scorecard(
            criteria, overall, hire_signal_for(overall), pitfalls, advice, self.name, notes
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
                    if _C.SECURITY_PRIVACY in crit and not _security_point(p):
                        crit = set()  # a fair-share quota is capacity policy, not security
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

    def _advice_of(self, text: str) -> ProblemPoint:
        """A point's words as advice: the part of them that names each concept (cached, as
        _named_in: every grading of the problem asks for the same few points)."""
        if text not in self._advice:
            found = [
                (c.id, m.start())
                for c, pat in self._concepts
                if c.id in self._named_in(text)
                if (m := pat.search(text))
            ]
            self._advice[text] = ProblemPoint(point_parts(text, found))
        return self._advice[text]

    def _named_in(self, text: str) -> frozenset[str]:
        """The concepts a text names (cached: the bank's point texts are few)."""
        if text not in self._named:
            self._named[text] = frozenset(c.id for c, pat in self._concepts if pat.search(text))
        return self._named[text]

    def _relevant_to(self, problem: Problem | None) -> frozenset[str] | None:
        """The concepts the problem's own text names: only their advice applies to it."""
        if problem is None:
            return None
        if problem.id not in self._relevant:
            texts = [problem.prompt]
            texts += [f"{p.point} {p.question}" for pts in problem.expected.values() for p in pts]
            texts += [p.question for p in problem.probes]
            joined = "\n".join(texts)
            found = {c.id for c, pat in self._concepts if pat.search(joined)}
            self._relevant[problem.id] = frozenset(found)
        return self._relevant[problem.id]

    def _words(self, text: CandidateText, hits: list[ConceptHit]) -> dict[tuple[int, str], str]:
        """Each concept hit in the candidate's own words."""
        out: dict[tuple[int, str], str] = {}
        for h in hits:
            s = text.sentences[h.sentence]
            m = self._pattern[h.concept.id].match(text.masked[s.turn], s.start + h.start)
            if m:  # to the end of the word the match stopped in ("scann" -> "scanning")
                end = h.start + len(m.group())
                while end < len(s.text) and s.text[end].isalnum():
                    end += 1
                out[(h.sentence, h.concept.id)] = s.text[h.start : end]
        return out

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
