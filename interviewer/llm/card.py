"""The scorecard the grader model must return: its schema, its validation, and the checks that
turn a valid draft into a verdict (verbatim quotes, evidence that supports the criterion)."""

from __future__ import annotations

import json
from collections import Counter
from statistics import mean
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from interviewer.bank import QuestionBank
from interviewer.core.rubric import (
    SCALE_MAX,
    SCALE_MIN,
    Criterion,
    CriterionScore,
    Pitfall,
    PitfallSeen,
    Scorecard,
    hire_signal_for,
)
from interviewer.core.stages import Stage
from interviewer.core.transcript import Role, Transcript
from interviewer.diagrams.data import quotes as diagram_quotes
from interviewer.offline.analysis import (
    addresses_grader,
    concepts_in,
    read_turns,
    sets_aside,
)
from interviewer.offline.claims import (
    CONFIDENTLY_WRONG_MOST,
    caps,
    confidently_wrong,
    read_claims,
    wrong_sentences,
)
from interviewer.privacy.redact import straight, trim_quote

# What each criterion looks for, in the grader's and the interviewer's prompts.
RUBRIC = {
    Criterion.SCALABILITY: "horizontal scaling, load balancing, sharding, caching, autoscaling, with numbers",
    Criterion.RELIABILITY: "no single point of failure, replication, failover, backups, timeouts, multi-region",
    Criterion.PERFORMANCE: "latency budget met, caching, batching, efficient stores, streaming",
    Criterion.AI_INFRASTRUCTURE: "GPU/TPU use, batching, model versioning and rollout, training sync, data processing",
    Criterion.SECURITY_PRIVACY: "authn/authz, keys, encryption, privacy, rate limiting, abuse filtering, compliance",
    Criterion.TRADEOFFS: "alternatives named and chosen for a reason",
    Criterion.CLARITY: "asked before designing, announced a plan, structured, summarised, adapted to hints",
}
MIN_QUOTE = 8
MAX_QUOTES = 3
# One sentence may show two or three criteria (a cache is scalability and performance); a
# fragment cited for more supports none of them.
MAX_CRITERIA_PER_QUOTE = 3


class _Closed(BaseModel):
    model_config = ConfigDict(extra="forbid")


class CriterionGrade(_Closed):
    """One criterion as the model grades it."""

    score: int = Field(ge=SCALE_MIN, le=SCALE_MAX)
    evidence: list[str] = Field(min_length=1, max_length=MAX_QUOTES)
    feedback: str


class CriteriaGrades(_Closed):
    """The seven criteria: every one required."""

    scalability: CriterionGrade
    reliability: CriterionGrade
    performance: CriterionGrade
    ai_infrastructure: CriterionGrade
    security_privacy: CriterionGrade
    tradeoffs: CriterionGrade
    clarity: CriterionGrade

    def of(self, criterion: Criterion) -> CriterionGrade:
        """The grade of one criterion."""
        grade: CriterionGrade = getattr(self, criterion.value)
        return grade


class PitfallDraft(_Closed):
    """A pitfall the model saw."""

    id: Pitfall
    detail: str


class ScorecardDraft(_Closed):
    """The scorecard as the model returns it (mockroom checks it before anyone sees it)."""

    criteria: CriteriaGrades
    pitfalls: list[PitfallDraft]
    improvements: list[str]


def card_schema() -> dict[str, Any]:
    """The JSON schema sent with the request (written out: no $refs, which some servers lack)."""
    grade = {
        "type": "object",
        "properties": {
            "score": {"type": "integer", "minimum": SCALE_MIN, "maximum": SCALE_MAX},
            "evidence": {
                "type": "array",
                "items": {"type": "string"},
                "minItems": 1,
                "maxItems": MAX_QUOTES,
            },
            "feedback": {"type": "string"},
        },
        "required": ["score", "evidence", "feedback"],
        "additionalProperties": False,
    }
    names = [c.value for c in Criterion]
    pitfall = {
        "type": "object",
        "properties": {
            "id": {"type": "string", "enum": [p.value for p in Pitfall]},
            "detail": {"type": "string"},
        },
        "required": ["id", "detail"],
        "additionalProperties": False,
    }
    return {
        "title": "scorecard",
        "description": "The scorecard of a system design interview: all seven criteria.",
        "type": "object",
        "properties": {
            "criteria": {
                "type": "object",
                "properties": dict.fromkeys(names, grade),
                "required": names,
                "additionalProperties": False,
            },
            "pitfalls": {"type": "array", "items": pitfall},
            "improvements": {"type": "array", "items": {"type": "string"}},
        },
        "required": ["criteria", "pitfalls", "improvements"],
        "additionalProperties": False,
    }


def read_card(data: object) -> tuple[ScorecardDraft | None, str]:
    """The draft, or None and what is wrong with it in one line (sent back to the model)."""
    if isinstance(data, str):
        start, end = data.find("{"), data.rfind("}")
        if start < 0 or end < start:
            return None, "the answer holds no JSON object"
        try:
            data = json.loads(data[start : end + 1])
        except ValueError as exc:
            return None, f"the JSON does not parse: {exc}"
    try:
        return ScorecardDraft.model_validate(data), ""
    except ValidationError as exc:
        problems = [
            f"{'.'.join(str(p) for p in e['loc']) or 'card'}: {e['msg']}" for e in exc.errors()
        ]
        more = f" (and {len(problems) - 6} more)" if len(problems) > 6 else ""
        return None, "; ".join(problems[:6]) + more


def _said(quote: str, said: list[str]) -> str | None:
    """The quote, normalised, when the candidate wrote it (spacing and quote marks aside);
    `said` is the candidate's texts already straightened. Matched as interviewer.privacy.redact
    matches quotes, so what is kept can be taken out again."""
    q = trim_quote(straight(quote))
    if len(q) < MIN_QUOTE:
        return None
    return q if any(q in text for text in said) else None


def supports(quotes: list[str], criterion: Criterion, bank: QuestionBank) -> bool:
    """Whether a quote explains one of the criterion's concepts (prompts/concepts.yaml) as the
    offline scorer reads explaining: a number, a reason with content, or one of its facets. A
    concept only named, or one of a list of names, supports nothing (keyword salad)."""
    return _Quotes(bank).supports(quotes, criterion)


# A statement, not a run of names: this many words at least, and this many per concept named.
SENTENCE_WORDS, WORDS_PER_NAME = 8, 6


def substantive(quotes: list[str], bank: QuestionBank) -> bool:
    """Whether any quote says something in sentences rather than names: a number, or a
    statement of eight words or more with at most one concept (prompts/concepts.yaml) per six
    words. A plain-English description can earn a point over the offline scorer; a run of the
    right names can't (keyword salad)."""
    return _Quotes(bank).substantive(quotes)


class _Quotes:
    """Each quote read once, however many criteria cite it (a quote may stand for three)."""

    def __init__(self, bank: QuestionBank) -> None:
        self._concepts = bank.compiled_concepts
        self._explains: dict[str, frozenset[Criterion]] = {}
        self._states: dict[str, bool] = {}

    def supports(self, quotes: list[str], criterion: Criterion) -> bool:
        """Whether a quote explains one of the criterion's concepts (see `supports`)."""
        return any(criterion in self._explained(q) for q in quotes)

    def substantive(self, quotes: list[str]) -> bool:
        """Whether a quote is a statement or a number, not a run of names (see `substantive`)."""
        return any(self._statement(q) for q in quotes)

    def _explained(self, quote: str) -> frozenset[Criterion]:
        if quote not in self._explains:
            self._explains[quote] = frozenset(
                c
                for hit in concepts_in(quote, self._concepts)
                if hit.explained
                for c in hit.concept.criteria
            )
        return self._explains[quote]

    def _statement(self, quote: str) -> bool:
        if quote not in self._states:
            self._states[quote] = any(
                s.quantified
                or (
                    s.words >= SENTENCE_WORDS
                    and len(concepts_in(s.text, self._concepts)) * WORDS_PER_NAME <= s.words
                )
                for s in read_turns([(0, Stage.HIGH_LEVEL, quote)]).sentences
                if not s.question
            )
        return self._states[quote]


def _capped_by_wrong_claims(
    criteria: dict[Criterion, CriterionScore],
    transcript: Transcript,
    bank: QuestionBank,
    notes: list[str],
) -> tuple[dict[Criterion, CriterionScore], bool]:
    """The offline detector's wrong claims (prompts/misconceptions/) bind the model too: a quote
    of a wrong claim, or of a claim held after a pushback, is dropped, and its criterion is capped
    while the claim stands. Also whether the answer rests on wrong claims (the overall's cap)."""
    # As the offline scorer read them moments ago (remembered, not read again).
    text, claims, held = read_claims(
        transcript, bank.misconceptions.for_problem(transcript.question_id)
    )
    wrong = [straight(text.sentences[k].text) for k in wrong_sentences(claims, held)]
    out = {}
    for c, s in criteria.items():
        kept = [q for q in s.evidence if not any(q in w or w in q for w in wrong)]
        if len(kept) < len(s.evidence):
            notes.append(f"{c.label}: a quote stating a wrong claim was dropped as evidence.")
        out[c] = CriterionScore(s.score, kept, s.feedback, s.model_score, s.offline_score)
    for c, cap in caps(claims).items():
        if out[c].score > cap:
            notes.append(f"{c.label}: capped at {cap} by a wrong claim left standing.")
            out[c].score = cap
    return out, confidently_wrong(claims, held)


def to_scorecard(
    draft: ScorecardDraft,
    transcript: Transcript,
    offline: Scorecard,
    bank: QuestionBank,
    grader: str,
) -> Scorecard:
    """The model's draft as a verdict: quotes kept only when verbatim, a score well above the
    offline scorer's kept only when its quotes name the criterion's concepts; both recorded."""
    texts = [t.text for t in transcript.turns if t.role is Role.CANDIDATE]
    texts += diagram_quotes(transcript.turns)  # diagram paths count as evidence (issue 15)
    said = [straight(text) for text in texts]  # once, not once per quote
    verified: dict[Criterion, list[str]] = {c: [] for c in Criterion}
    read = _Quotes(bank)
    # A model that cites text aimed at the grader as evidence was taken in by it: none of its
    # scores may then rise above the offline scorer's. Such text is never evidence itself.
    taken_in = False
    for c in Criterion:
        for q in draft.criteria.of(c).evidence:
            v = _said(q, said)
            if v is None:
                continue
            taken_in = taken_in or addresses_grader(q)
            if not addresses_grader(v) and v not in verified[c]:
                verified[c].append(v)
    cited = Counter(q for quotes in verified.values() for q in quotes)
    reused = {q for q, n in cited.items() if n > MAX_CRITERIA_PER_QUOTE}
    criteria: dict[Criterion, CriterionScore] = {}
    notes: list[str] = []
    if taken_in:
        notes.append(
            "The model cited the candidate's words to the grader as evidence; no score was "
            "allowed above the offline scorer's."
        )
    if reused:
        notes.append("A quote cited for most criteria at once was not taken as evidence for any.")
    # Lines posing as the interviewer or written to the grader: the model read them, cited or
    # not, so no score may rise above the offline scorer's (which ignores them, and takes
    # clarity for them).
    posed = any(sets_aside(t.text) for t in transcript.turns if t.role is Role.CANDIDATE)
    if posed and not taken_in:
        notes.append(
            "The candidate's messages carried lines written as the interviewer or to the grader; "
            "no score was allowed above the offline scorer's."
        )
    for c in Criterion:
        d, floor = draft.criteria.of(c), offline.criteria[c].score
        kept = [q for q in verified[c] if q not in reused]
        score = d.score
        if not kept:
            score = min(score, floor)
            notes.append(
                f"{c.label}: none of the model's quotes stands as evidence (not the "
                f"candidate's words, or cited for everything); the offline scorer's {floor} stands."
            )
        elif len(kept) < len(d.evidence) and not reused:
            notes.append(f"{c.label}: quotes not found verbatim were dropped.")
        # Above the offline score, the quotes must show why: more than one point needs a
        # concept of the criterion explained; one point needs more than a run of names.
        if score > floor + 1 and not read.supports(kept, c):
            notes.append(
                f"{c.label}: the model's {score} was capped at {floor + 1}: its quotes explain "
                f"none of the criterion's concepts (the offline scorer gave {floor})."
            )
            score = floor + 1
        if score > floor and not read.substantive(kept):
            notes.append(
                f"{c.label}: the model's {score} was capped at {floor}, the offline scorer's: "
                "its quotes are runs of names, with no number or plain statement."
            )
            score = floor
        if taken_in or posed:
            score = min(score, floor)
        criteria[c] = CriterionScore(
            score, kept, d.feedback.strip(), model_score=d.score, offline_score=floor
        )
    criteria, rests_on_wrong = _capped_by_wrong_claims(criteria, transcript, bank, notes)
    overall = round(mean(s.score for s in criteria.values()), 2)
    if rests_on_wrong and overall > CONFIDENTLY_WRONG_MOST:
        notes.append(
            f"The overall was held at {CONFIDENTLY_WRONG_MOST}: the answer rests on wrong claims "
            "left standing (held after a pushback, or more than one)."
        )
        overall = CONFIDENTLY_WRONG_MOST
    pitfalls: dict[Pitfall, PitfallSeen] = {}
    for p in draft.pitfalls:
        if p.id is not Pitfall.WRONG_CLAIM:  # the detector's, below, each named and quoted
            pitfalls.setdefault(p.id, PitfallSeen(p.id, p.detail.strip()))
    named = [p for p in offline.pitfalls if p.id is Pitfall.WRONG_CLAIM]
    return Scorecard(
        criteria=criteria,
        overall=overall,
        hire_signal=hire_signal_for(overall),
        pitfalls=[*pitfalls.values(), *named],
        improvements=[i.strip() for i in draft.improvements if i.strip()][:3],
        grader=grader,
        notes=notes,
    )
