"""The LangChain interviewer: the model writes the words, guarded, streamed, with fallback."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import re
from typing import Any

from langchain_core.language_models import BaseChatModel
from langchain_core.messages import AIMessage, BaseMessage, HumanMessage, SystemMessage

from interviewer.core.events import Action, AdvanceStage, AskFollowUp, GiveHint
from interviewer.core.text import is_question, question_key, sentences
from interviewer.core.transcript import TurnKind
from interviewer.llm.breaker import CircuitBreaker
from interviewer.llm.context import InterviewerPrompts, Message, TurnPlan, interview_key
from interviewer.llm.errors import is_provider_failure
from interviewer.llm.guards import EMPTY, MAX_WORDS, reply_problem, sentence_problem
from interviewer.llm.stream import pieces
from interviewer.llm.usage import UsageMeter, count_tokens
from interviewer.offline.brain import OfflineBrain
from interviewer.ports import DeltaSink, TurnContext, UsageDelta, Utterance, error_line
from interviewer.replies import MODEL_FALLBACK_NOTICE

log = logging.getLogger(__name__)

MODEL_ACTIONS = (AskFollowUp, GiveHint, AdvanceStage)
"""Actions whose words the model writes; the rest are fixed texts the offline brain has."""
REJECTIONS_KEPT = 100
"""The guard's latest reasons a brain keeps for inspection (`LLMBrain.rejections`)."""

_BOUNDARY = re.compile(r"[.!?](?=\s)|\n")


class ModelFailure(Exception):
    """The model gave no usable reply: an error, empty or endless text."""

    def __init__(self, message: str, *, provider_failure: bool = True) -> None:
        super().__init__(message)
        self.provider_failure = provider_failure  # read by errors.is_provider_failure


def to_langchain(messages: list[Message]) -> list[BaseMessage]:
    """Our (role, content) pairs as LangChain messages."""
    kinds: dict[str, type[BaseMessage]] = {
        "system": SystemMessage,
        "user": HumanMessage,
        "assistant": AIMessage,
    }
    return [kinds[role](content=content) for role, content in messages]


def _turn(plan: TurnPlan, text: str, question: str | None) -> Utterance:
    """The model's turn: a pushback is marked as one, under its misconception's key, so the same
    wrong claim is not pushed back on twice whatever words the model chose."""
    if plan.pushback is not None:
        return Utterance(text, TurnKind.PUSHBACK, plan.pushback.key)
    return Utterance(text, _kind(plan.action), question_key(question) if question else None)


def _kind(action: Action) -> TurnKind:
    """What kind of interviewer turn an action makes."""
    if isinstance(action, GiveHint):
        return TurnKind.HINT
    if isinstance(action, AdvanceStage):
        return TurnKind.STAGE_INTRO
    if isinstance(action, AskFollowUp) and action.answer_facts:
        return TurnKind.CLARIFICATION
    return TurnKind.FOLLOW_UP


class _Gate:
    """Releases a draft sentence by sentence, only once each sentence passes the guards."""

    def __init__(self, plan: TurnPlan, sink: DeltaSink, max_chars: int) -> None:
        self.plan = plan
        self.sink = sink
        self.max_chars = max_chars
        self.sources = plan.number_sources()
        self.buffer = ""
        self.seen = 0
        self.released: list[str] = []
        self.question: str | None = None
        self.problem: str | None = None

    @property
    def stopped(self) -> bool:
        """Whether the turn is settled (a question ended it, or a sentence was refused)."""
        return self.question is not None or self.problem is not None

    @property
    def text(self) -> str:
        """What has been released so far."""
        return " ".join(self.released)

    async def feed(self, piece: str) -> None:
        """Take more streamed text; release every complete sentence that passes."""
        self.buffer += piece
        self.seen += len(piece)
        if self.seen > self.max_chars:
            raise ModelFailure(f"the reply ran past {self.max_chars} characters")
        while not self.stopped and (m := _BOUNDARY.search(self.buffer)):
            sentence, self.buffer = self.buffer[: m.end()], self.buffer[m.end() :]
            await self._take(sentence.strip())

    async def finish(self) -> None:
        """The stream ended: judge the last sentence and the whole turn."""
        if not self.stopped and self.buffer.strip():
            await self._take(self.buffer.strip())
        self.buffer = ""
        if self.problem is None:
            self.problem = reply_problem(self.text, self.plan.needs_question)

    async def _take(self, sentence: str) -> None:
        if not sentence:
            return
        problem = sentence_problem(sentence, self.sources, self.plan.ctx.state.asked)
        if problem is None and len((self.text + " " + sentence).split()) > MAX_WORDS:
            problem = f"it is longer than {MAX_WORDS} words"
        if problem is not None:
            self.problem = problem
            return
        await self.sink(sentence if not self.released else " " + sentence)
        self.released.append(sentence)
        if is_question(sentence):
            self.question = sentence  # one question per turn: it ends the turn


DRAIN_SECONDS = 1.0
"""How long the rest of a reply is read once a question has settled its turn: for the
provider's own token count, and so that the connection goes back to the pool (a response
left half read is closed, and the next turn dials again). A refused draft is not read on."""


class LLMBrain:
    """Writes the interviewer's turns with a chat model; the offline brain stands in on failure."""

    def __init__(
        self,
        model: BaseChatModel,
        fallback: OfflineBrain,
        *,
        model_name: str,
        meter: UsageMeter | None = None,
        breaker: CircuitBreaker | None = None,
        prompts: InterviewerPrompts | None = None,
        max_chars: int = 1200,
        reply_timeout: float = 90.0,
        drain_seconds: float = DRAIN_SECONDS,
    ) -> None:
        self.model = model
        self.fallback = fallback
        # One deadline for a whole streamed reply, attempts included: a stream that stalls
        # or trickles (keep-alives, no words) hands the turn to the offline interviewer.
        self.reply_timeout = reply_timeout
        self.drain_seconds = drain_seconds
        self.name = f"llm:{model_name}"
        self.meter = meter or UsageMeter(model_name)
        self.breaker = breaker or CircuitBreaker()
        self.prompts = prompts or InterviewerPrompts.load()
        self.max_chars = max_chars
        self.noticed: set[str] = set()
        # The guard's latest reasons (for logs and the load benchmark): bounded, since a
        # server's brain lives for weeks and refuses a draft every few hundred turns.
        self.rejections: list[str] = []

    @property
    def degraded(self) -> bool:
        """Whether the provider is currently treated as down."""
        return self.breaker.state != "closed"

    def take_usage(self, key: str) -> UsageDelta:
        """Tokens and cost under `key` since the last report."""
        return self.meter.take(key)

    async def speak(
        self, ctx: TurnContext, action: Action, on_delta: DeltaSink | None = None
    ) -> Utterance:
        """The words for one action, streamed to `on_delta` as each sentence is released."""

        async def sink(text: str) -> None:
            if on_delta is not None:
                await on_delta(text)

        if not isinstance(action, MODEL_ACTIONS):
            return await self.fallback.speak(ctx, action, on_delta)
        return await self._model_turn(TurnPlan(ctx, action, self.prompts), sink)

    async def _model_turn(self, plan: TurnPlan, sink: DeltaSink) -> Utterance:
        key = interview_key(plan.ctx)
        if not self.breaker.allow():
            return await self._fallback(plan, sink, "", outage=True)
        feedback: str | None = None
        for _ in range(2):  # the draft, then one regeneration
            gate = _Gate(plan, sink, self.max_chars)
            try:
                await self._generate(plan, gate, feedback, key)
            except Exception as exc:
                if is_provider_failure(exc):
                    self.breaker.failure()  # a 4xx or an over-long reply is this request's
                self.meter.note(key, failure=True)
                log.warning("the %s model failed: %s", self.name, error_line(exc))
                return await self._fallback(plan, sink, gate.text, outage=True)
            if gate.problem == EMPTY:
                self.breaker.failure()  # a provider that answers nothing is failing
            else:
                self.breaker.success()
            if gate.problem is None:
                return _turn(plan, gate.text, gate.question)
            self.rejections.append(gate.problem)
            del self.rejections[:-REJECTIONS_KEPT]
            log.info("rejected a draft turn: %s", gate.problem)
            if gate.released:
                return await self._fallback(plan, sink, gate.text, outage=False)
            feedback = gate.problem
        # Two unusable drafts are a model failure too: the candidate is told, like an outage.
        return await self._fallback(plan, sink, "", outage=True)

    async def _generate(self, plan: TurnPlan, gate: _Gate, feedback: str | None, key: str) -> None:
        messages = plan.messages()
        if feedback:
            messages.append(
                ("system", f"[mockroom] Your draft was rejected: {feedback}. Write the turn again.")
            )
        usage: dict[str, Any] | None = None
        finish: str | None = None
        out = []
        # interviewer/llm/stream.py: the SDK's raw stream for an OpenAI-protocol model.
        stream = pieces(self.model, to_langchain(messages))
        try:
            async with (
                asyncio.timeout(self.reply_timeout) as deadline,
                contextlib.aclosing(stream) as chunks,
            ):
                async for chunk in chunks:
                    if chunk.usage:
                        usage = chunk.usage
                    if gate.stopped:
                        continue  # the turn is settled: the rest is read, not used
                    finish = chunk.finish or finish
                    text = chunk.text
                    out.append(text)
                    await gate.feed(text)
                    if gate.problem is not None:
                        break  # a refused draft: stop now, its replacement is what matters
                    if gate.stopped:
                        drained = asyncio.get_running_loop().time() + self.drain_seconds
                        deadline.reschedule(min(drained, deadline.when() or drained))
        except TimeoutError:
            if not gate.stopped:
                raise
            # The settled turn's tail ran past drain_seconds: dropped with its connection.
        self._count(key, messages, "".join(out), usage)
        if not gate.stopped:
            if finish == "length":
                raise ModelFailure(
                    "the reply hit the output token cap before it finished", provider_failure=False
                )
            await gate.finish()

    def _count(
        self, key: str, messages: list[Message], output: str, usage: dict[str, Any] | None
    ) -> None:
        if usage and usage.get("input_tokens"):
            cached = (usage.get("input_token_details") or {}).get("cache_read") or 0
            self.meter.add(key, usage["input_tokens"], usage.get("output_tokens", 0), cached)
            return
        # The stream was closed early (or the server sent no usage): count with tiktoken.
        prompt, _ = count_tokens("\n".join(c for _, c in messages))
        completion, _ = count_tokens(output)
        self.meter.add(key, prompt + 4 * len(messages), completion, estimated=True)

    async def _fallback(
        self, plan: TurnPlan, sink: DeltaSink, released: str, *, outage: bool
    ) -> Utterance:
        """The offline interviewer's turn, finishing any sentences the candidate already saw."""
        key = interview_key(plan.ctx)
        self.meter.note(key, fallback=True)
        offline = self.fallback.utter(plan.ctx, plan.action)
        if released:
            question = next((s for s in reversed(sentences(offline.text)) if is_question(s)), "")
            if question:
                await sink(" " + question)
            text = f"{released} {question}".strip()
            return _turn(plan, text, question)
        text = offline.text
        if outage and key not in self.noticed:
            self.noticed.add(key)
            text = f"{MODEL_FALLBACK_NOTICE}\n\n{text}"
        await sink(text)
        return Utterance(text, offline.kind, offline.question_key, offline.hint_key)
