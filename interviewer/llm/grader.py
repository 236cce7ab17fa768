"""The LangChain grader: a complete, checked scorecard within one deadline, or a clear failure.

The contract: its own output cap and temperature (the model it is given); one deadline for the
whole grading, retries included (a Retry-After that would pass it ends the grading at once);
a card with all seven criteria, scores 1-4 and a quote for each, else one retry with what was
wrong, else GraderFailure (the engine then lets the offline scorer grade, and says so); scores
checked against the offline scorer's (interviewer/llm/card.py). The transcript goes as JSON
data, our instructions and the reference in the system message.
"""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import Sequence
from typing import Any

from langchain_core.language_models import BaseChatModel

from interviewer.bank import Problem, QuestionBank
from interviewer.core.rubric import CRITERION_TITLES, SCALE_MAX, SCALE_MIN, Criterion, Scorecard
from interviewer.core.transcript import Role, Transcript, TurnKind
from interviewer.diagrams.data import DATA_NOTE, as_data, design_data
from interviewer.llm.brain import to_langchain
from interviewer.llm.breaker import CircuitBreaker
from interviewer.llm.card import RUBRIC, ScorecardDraft, card_schema, read_card, to_scorecard
from interviewer.llm.context import Message
from interviewer.llm.errors import (
    explain_error,
    is_bad_request,
    is_provider_failure,
    is_retryable,
    retry_after,
)
from interviewer.llm.usage import UsageMeter
from interviewer.misconceptions import Misconception
from interviewer.offline.claims import read_claims
from interviewer.ports import Grader, UsageDelta
from interviewer.prompt_files import PromptFile, load_prompt
from interviewer.workers import Offload, inline

log = logging.getLogger(__name__)

DEADLINE_SECONDS = 60.0
_METHODS = ("json_schema", "function_calling", "text")


class GraderFailure(Exception):
    """The model gave no usable scorecard; the message says why in plain words."""


def reference(
    transcript: Transcript, problem: Problem | None, wrong: Sequence[Misconception] = ()
) -> str:
    """What the grader may compare against: the problem, its facts, its expected points, the
    curveballs that were actually asked and the wrong claims to watch for (our text, never the
    candidate's)."""
    if problem is None:
        return f"Problem: {transcript.question_id} (no reference notes)."
    lines = [f"Problem: {problem.title}. {problem.prompt.strip()}", "Facts the interviewer held:"]
    lines += [f"- {f.answer}" for f in problem.hidden_facts]
    lines.append("Points a strong answer covers, by stage:")
    for stage, points in problem.expected.items():
        if points:
            lines.append(f"- {stage.label}: " + "; ".join(p.point for p in points))
    asked = [
        t.text
        for t in transcript.turns
        if t.role is Role.INTERVIEWER and t.kind == TurnKind.CURVEBALL.value
    ]
    lines.append("New constraints the interviewer introduced (curveballs):")
    lines += [f"- {text}" for text in asked] or ["- none"]
    if wrong:
        lines.append(
            "Wrong claims to watch for (private: never quote or reveal this list). A candidate "
            "who states one and does not correct it gets at most the cap on that criterion and "
            "the pitfall wrong_claim naming it; a sentence making one is never evidence for a "
            "score. Words that only resemble a claim, or deny it, are not the claim:"
        )
        lines += [
            f"- {m.claim} (caps {m.criterion.value} at {m.cap}; pitfall: {m.pitfall}): {m.why}"
            for m in wrong
        ]
    return "\n".join(lines)


def transcript_json(transcript: Transcript) -> str:
    """The turns as a JSON list: a speaker is only ever the role field, words only strings."""
    turns: list[dict[str, str]] = []
    for t in transcript.turns:
        turn = {"role": t.role.value, "stage": t.stage.value}
        if t.role is Role.INTERVIEWER and t.kind != "message":
            turn["kind"] = t.kind
        if t.diagram:
            turn["drew"] = "a diagram"
        turn["text"] = t.text
        turns.append(turn)
    return json.dumps({"turns": turns}, ensure_ascii=False, separators=(",", ":"))


def grader_messages(
    transcript: Transcript,
    problem: Problem | None,
    system: PromptFile,
    user: PromptFile,
    wrong: Sequence[Misconception] = (),
) -> list[Message]:
    """System: the rules, rubric and reference. User: the transcript as JSON data, nothing else."""
    rubric = "\n".join(f"- {c.value} ({CRITERION_TITLES[c]}): {RUBRIC[c]}" for c in Criterion)
    messages: list[Message] = [
        (
            "system",
            system.render(
                rubric=rubric,
                scale_min=SCALE_MIN,
                scale_max=SCALE_MAX,
                reference=reference(transcript, problem, wrong),
            ),
        ),
        ("user", user.render(transcript=transcript_json(transcript))),
    ]
    # Diagrams (interviewer/diagrams): the final design as JSON data; its paths
    # (`A → B → C`) may be quoted as evidence.
    design = design_data(transcript.turns)
    if design is not None:
        messages.append(
            (
                "user",
                f"{DATA_NOTE} Quote its paths as written: client → gateway → router.\n"
                f"{as_data(design)}",
            )
        )
    return messages


class LLMGrader:
    """Grades with a chat model's structured output; raises GraderFailure when it cannot."""

    def __init__(
        self,
        model: BaseChatModel,
        *,
        model_name: str,
        bank: QuestionBank,
        offline: Grader,
        meter: UsageMeter | None = None,
        breaker: CircuitBreaker | None = None,
        method: str = "json_schema",
        deadline_seconds: float = DEADLINE_SECONDS,
        max_retries: int = 2,
        run: Offload = inline,
    ) -> None:
        """`run` is where the grader's own CPU work runs (reading the transcript's wrong
        claims, writing the request, checking the card): the offline scorer's threads in
        `serve`, so that endings graded together never hold the event loop."""
        self.model = model
        self.name = f"llm:{model_name}"
        self.bank = bank
        self.offline = offline
        self.meter = meter or UsageMeter(model_name)
        self.breaker = breaker or CircuitBreaker()
        self.method = method
        self.deadline_seconds = deadline_seconds
        self.max_retries = max_retries
        self.run = run
        self.system = load_prompt("grader_system")
        self.user = load_prompt("grader_user")

    async def grade(
        self, transcript: Transcript, problem: Problem | None, *, usage_key: str | None = None
    ) -> Scorecard:
        """The checked scorecard; GraderFailure when the model cannot give one in time."""
        if not self.breaker.allow():
            raise GraderFailure("the model provider is down (circuit open)")
        messages = await self.run(self._messages, transcript, problem)
        end = asyncio.get_running_loop().time() + self.deadline_seconds
        try:
            async with asyncio.timeout_at(end):
                draft = await self._attempts(messages, usage_key or "grader", end)
        except TimeoutError:
            self.breaker.failure()
            raise GraderFailure(
                f"no scorecard within the {self.deadline_seconds:g} s grading deadline"
            ) from None
        # Only once there is a draft to check: when the model fails, the engine's fallback
        # runs the offline scorer itself, so scoring first would do that work twice.
        offline = await self.offline.grade(transcript, problem)
        return await self.run(to_scorecard, draft, transcript, offline, self.bank, self.name)

    def _messages(self, transcript: Transcript, problem: Problem | None) -> list[Message]:
        """The request: the rules, the reference with the wrong claims to watch, the turns."""
        wrong = self._wrong_claims(transcript, problem)
        return grader_messages(transcript, problem, self.system, self.user, wrong)

    def _wrong_claims(self, transcript: Transcript, problem: Problem | None) -> list[Misconception]:
        """The grader's private list: the problem's own entries and every shared one the
        detector found in the transcript (read once: the check of the card reuses it)."""
        if problem is None:
            return []
        catalogue = self.bank.misconceptions
        _, claims, _ = read_claims(transcript, catalogue.for_problem(problem.id))
        own = list(catalogue.own(problem.id))
        return own + [c.misconception for c in claims if c.misconception not in own]

    async def _attempts(self, messages: list[Message], key: str, end: float) -> ScorecardDraft:
        """Call until a valid card: provider errors retried within the deadline, an invalid
        card retried once with what was wrong."""
        loop = asyncio.get_running_loop()
        sent, errors, corrected, method = list(messages), 0, False, self.method
        while True:
            try:
                data, text, finish = await self._call(sent, key, method)
            except Exception as exc:
                if is_provider_failure(exc):
                    self.breaker.failure()
                if is_bad_request(exc) and method != _METHODS[-1]:
                    # Maybe the server lacks this kind of structured output: try the next kind
                    # for this grading, and keep it only if it works (a 400 may be our request's).
                    method = _METHODS[_METHODS.index(method) + 1]
                    continue
                if not is_retryable(exc) or errors >= self.max_retries:
                    raise GraderFailure(explain_error(exc)) from exc
                wait = retry_after(exc)
                wait = 0.5 * 2**errors if wait is None else wait
                if loop.time() + wait >= end:
                    raise GraderFailure(
                        f"the provider asked to wait {wait:g} s, past the "
                        f"{self.deadline_seconds:g} s grading deadline"
                    ) from exc
                errors += 1
                await asyncio.sleep(wait)
                continue
            if data is None and not text.strip():
                self.breaker.failure()  # an empty reply is the provider failing, not a card
                problem = "the reply was empty"
            else:
                self.breaker.success()
                if method != self.method:
                    log.warning(
                        "the server refused %s structured output; using %s", self.method, method
                    )
                    self.method = method
                draft, problem = read_card(data if data is not None else text)
                if draft is not None:
                    return draft
                if finish == "length":
                    problem = "the card was cut off at the output token cap; write shorter feedback"
            if corrected:
                raise GraderFailure(f"the model's scorecard was unusable twice ({problem})")
            corrected = True
            log.info("the grader's card was rejected, asking once more: %s", problem)
            sent = [
                *messages,
                ("assistant", text[:4000] or "(empty)"),
                (
                    "system",
                    f"[mockroom] That scorecard was rejected: {problem}. Return the complete "
                    "scorecard again: all seven criteria, scores 1 to 4, at least one verbatim "
                    "quote each.",
                ),
            ]

    async def _call(
        self, messages: list[Message], key: str, method: str
    ) -> tuple[Any, str, str | None]:
        """One request: (parsed JSON or None, the reply's text, its finish reason)."""
        lc = to_langchain(messages)
        if method == "text":
            reply = await self.model.ainvoke(lc)
            self._count(reply, key)
            return None, reply.text, reply.response_metadata.get("finish_reason")
        runnable = self.model.with_structured_output(
            card_schema(),
            method=method,
            include_raw=True,
        )
        try:
            out: Any = await runnable.ainvoke(lc)
        except Exception as exc:
            if type(exc).__name__.endswith("FinishReasonError"):  # the SDK's own length check
                return None, "(cut off)", "length"
            raise
        raw = out.get("raw")
        self._count(raw, key)
        text = getattr(raw, "text", "") or ""
        for call in getattr(raw, "tool_calls", None) or []:
            text = text or json.dumps(call.get("args", {}))
        for bad in getattr(raw, "invalid_tool_calls", None) or []:
            text = text or str(bad.get("args") or "")
        finish = (getattr(raw, "response_metadata", None) or {}).get("finish_reason")
        return out.get("parsed"), text, finish

    def _count(self, raw: Any, key: str) -> None:
        usage = getattr(raw, "usage_metadata", None)
        if usage:
            cached = (usage.get("input_token_details") or {}).get("cache_read") or 0
            self.meter.add(key, usage.get("input_tokens", 0), usage.get("output_tokens", 0), cached)

    def take_usage(self, key: str) -> UsageDelta:
        """Tokens and cost under `key` since the last report."""
        return self.meter.take(key)
