"""The LangChain grader: structured scorecard, verbatim evidence, candidate text only as data."""

from __future__ import annotations

import json
import logging
import secrets
from collections.abc import Callable
from statistics import mean
from typing import Any

import openai
from langchain_core.language_models import BaseChatModel
from pydantic import BaseModel, Field, ValidationError

from interviewer.bank import Problem
from interviewer.core.rubric import (
    CRITERION_TITLES,
    SCALE_MAX,
    SCALE_MIN,
    Criterion,
    CriterionScore,
    Pitfall,
    PitfallSeen,
    Scorecard,
    clamp_score,
    hire_signal_for,
)
from interviewer.core.transcript import Role, Transcript
from interviewer.diagrams.data import DATA_NOTE, as_data, design_data
from interviewer.diagrams.data import quotes as diagram_quotes
from interviewer.llm.brain import to_langchain
from interviewer.llm.breaker import CircuitBreaker
from interviewer.llm.context import Message
from interviewer.llm.usage import UsageMeter
from interviewer.offline.analysis import addresses_grader
from interviewer.ports import UsageDelta
from interviewer.privacy.redact import straight, trim_quote
from interviewer.prompt_files import PromptFile, load_prompt

log = logging.getLogger(__name__)

_RUBRIC = {
    Criterion.SCALABILITY: "horizontal scaling, load balancing, sharding, caching, autoscaling, with numbers",
    Criterion.RELIABILITY: "no single point of failure, replication, failover, backups, timeouts, multi-region",
    Criterion.PERFORMANCE: "latency budget met, caching, batching, efficient stores, streaming",
    Criterion.AI_INFRASTRUCTURE: "GPU/TPU use, batching, model versioning and rollout, training sync, data processing",
    Criterion.SECURITY_PRIVACY: "authn/authz, keys, encryption, privacy, rate limiting, abuse filtering, compliance",
    Criterion.TRADEOFFS: "alternatives named and chosen for a reason",
    Criterion.CLARITY: "asked before designing, announced a plan, structured, summarised, adapted to hints",
}
_MIN_QUOTE = 8


class GraderFailure(Exception):
    """The model gave no usable scorecard."""


class CriterionDraft(BaseModel):
    """One criterion as the model grades it."""

    criterion: Criterion
    score: int = Field(description=f"{SCALE_MIN} (no signal) to {SCALE_MAX} (exceptional)")
    evidence: list[str] = Field(description="quotes copied exactly from the candidate's turns")
    feedback: str


class PitfallDraft(BaseModel):
    """A pitfall the model saw."""

    id: Pitfall
    detail: str


class ScorecardDraft(BaseModel):
    """The scorecard as the model returns it (mockroom checks and completes it)."""

    criteria: list[CriterionDraft]
    pitfalls: list[PitfallDraft]
    improvements: list[str]


def verified_quote(quote: str, candidate_texts: list[str]) -> str | None:
    """The quote when it is verbatim from the candidate (spacing and quote marks aside);
    matched as interviewer.privacy.redact matches quotes, so what is kept can be taken out again."""
    q = trim_quote(straight(quote))
    if len(q) < _MIN_QUOTE or addresses_grader(q):
        return None
    for text in candidate_texts:
        if q in straight(text):
            return q
    return None


def to_scorecard(draft: ScorecardDraft, transcript: Transcript, grader: str) -> Scorecard:
    """The model's draft checked: verbatim quotes only, scores re-examined and clamped."""
    said = [t.text for t in transcript.turns if t.role is Role.CANDIDATE]
    said += diagram_quotes(transcript.turns)  # diagram paths count as evidence (issue 15)
    drafts: dict[Criterion, CriterionDraft] = {}
    for item in draft.criteria:
        drafts.setdefault(item.criterion, item)
    criteria: dict[Criterion, CriterionScore] = {}
    notes: list[str] = []
    for c in Criterion:
        d = drafts.get(c)
        if d is None:
            criteria[c] = CriterionScore(SCALE_MIN, [], "Not graded by the model.")
            notes.append(f"The model did not grade {c.label}; it counts as no signal.")
            continue
        kept: list[str] = []
        for q in d.evidence:
            v = verified_quote(q, said)
            if v is not None and v not in kept:
                kept.append(v)
        dropped = len(d.evidence) - len(kept)
        score = clamp_score(d.score)
        if dropped:
            # A score loses the support of every quote that was not the candidate's own words.
            score = min(score, SCALE_MIN + len(kept))
            notes.append(f"{c.label}: {dropped} quote(s) not found verbatim were dropped.")
        if not kept:
            score = SCALE_MIN
        criteria[c] = CriterionScore(score, kept[:3], d.feedback.strip())
    overall = round(mean(s.score for s in criteria.values()), 2)
    pitfalls: dict[Pitfall, PitfallSeen] = {}
    for p in draft.pitfalls:
        pitfalls.setdefault(p.id, PitfallSeen(p.id, p.detail.strip()))
    return Scorecard(
        criteria=criteria,
        overall=overall,
        hire_signal=hire_signal_for(overall),
        pitfalls=list(pitfalls.values()),
        improvements=[i.strip() for i in draft.improvements if i.strip()][:3],
        grader=grader,
        notes=notes,
    )


def grader_messages(
    transcript: Transcript,
    problem: Problem | None,
    system: PromptFile,
    user: PromptFile,
    boundary: str,
) -> list[Message]:
    """System: the rubric and rules only. User: problem and transcript between boundaries."""
    rubric = "\n".join(f"- {c.value} ({CRITERION_TITLES[c]}): {_RUBRIC[c]}" for c in Criterion)
    lines = []
    for t in transcript.turns:
        kind = f" · {t.kind}" if t.role is Role.INTERVIEWER and t.kind != "message" else ""
        drew = " [drew a diagram]" if t.diagram else ""
        lines.append(f"[{t.role.value} · {t.stage.value}{kind}]{drew} {t.text}")
    problem_text = f"{problem.title}. {problem.prompt}" if problem else transcript.question_id
    messages: list[Message] = [
        ("system", system.render(rubric=rubric, scale_min=SCALE_MIN, scale_max=SCALE_MAX)),
        (
            "user",
            user.render(problem=problem_text, boundary=boundary, transcript="\n".join(lines)),
        ),
    ]
    # Diagrams (interviewer/diagrams): the final design as JSON data between the boundaries;
    # its paths (`A → B → C`) may be quoted as evidence.
    design = design_data(transcript.turns)
    if design is not None:
        data = f"{boundary}\n{as_data(design)}\n{boundary}"
        messages.append(
            ("user", f"{DATA_NOTE} Quote its paths as written: client → gateway → router.\n{data}")
        )
    return messages


class LLMGrader:
    """Grades with a chat model's structured output; raises GraderFailure when it cannot."""

    def __init__(
        self,
        model: BaseChatModel,
        *,
        model_name: str,
        meter: UsageMeter | None = None,
        breaker: CircuitBreaker | None = None,
        method: str = "json_schema",
        boundary: Callable[[], str] = lambda: secrets.token_hex(8),
    ) -> None:
        self.model = model
        self.name = f"llm:{model_name}"
        self.meter = meter or UsageMeter(model_name)
        self.breaker = breaker or CircuitBreaker()
        self.method = method
        self.boundary = boundary
        self.system = load_prompt("grader_system")
        self.user = load_prompt("grader_user")

    async def grade(
        self, transcript: Transcript, problem: Problem | None, *, usage_key: str | None = None
    ) -> Scorecard:
        """The scorecard; GraderFailure when the model is down or its answer is unusable."""
        key = usage_key or "grader"
        if not self.breaker.allow():
            raise GraderFailure("the model provider is down (circuit open)")
        messages = grader_messages(transcript, problem, self.system, self.user, self.boundary())
        try:
            draft = await self._draft(messages, key)
        except Exception as exc:
            self.breaker.failure()
            raise GraderFailure(f"{type(exc).__name__}: {exc}") from exc
        self.breaker.success()
        return to_scorecard(draft, transcript, self.name)

    async def _draft(self, messages: list[Message], key: str) -> ScorecardDraft:
        lc = to_langchain(messages)
        try:
            runnable = self.model.with_structured_output(
                ScorecardDraft, method=self.method, include_raw=True
            )
        except NotImplementedError:  # a model without tools or JSON schema: parse its text
            reply = await self.model.ainvoke(lc)
            self._count(reply, key)
            return _parse_json(reply.text)
        try:
            out: Any = await runnable.ainvoke(lc)
        except openai.BadRequestError:
            if self.method == "function_calling":
                raise
            # Some OpenAI-compatible servers lack json_schema: use tool calls from now on.
            log.warning("the server refused %s structured output; using tool calls", self.method)
            self.method = "function_calling"
            return await self._draft(messages, key)
        self._count(out.get("raw"), key)
        if out.get("parsed") is None:
            raise GraderFailure(f"unusable scorecard: {out.get('parsing_error')}")
        parsed = out["parsed"]
        if not isinstance(parsed, ScorecardDraft):
            parsed = ScorecardDraft.model_validate(parsed)
        return parsed

    def _count(self, raw: Any, key: str) -> None:
        usage = getattr(raw, "usage_metadata", None)
        if usage:
            self.meter.add(key, usage.get("input_tokens", 0), usage.get("output_tokens", 0))

    def take_usage(self, key: str) -> UsageDelta:
        """Tokens and cost under `key` since the last report."""
        return self.meter.take(key)


def _parse_json(text: str) -> ScorecardDraft:
    start, end = text.find("{"), text.rfind("}")
    if start < 0 or end < start:
        raise GraderFailure("the model's answer holds no JSON object")
    try:
        return ScorecardDraft.model_validate(json.loads(text[start : end + 1]))
    except (ValueError, ValidationError) as exc:
        raise GraderFailure(f"unusable scorecard: {exc}") from None
