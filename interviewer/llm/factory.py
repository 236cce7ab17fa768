"""Choosing and building the chat model from plain settings values; checking it is reachable."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from langchain.chat_models import init_chat_model
from langchain_core.language_models import BaseChatModel
from langchain_core.messages import HumanMessage

from interviewer.bank import QuestionBank
from interviewer.llm.brain import LLMBrain
from interviewer.llm.breaker import Breakers, CircuitBreaker
from interviewer.llm.choice import ModelChoice
from interviewer.llm.errors import explain_error
from interviewer.llm.grader import DEADLINE_SECONDS, LLMGrader
from interviewer.llm.usage import DEFAULT_PRICES, UsageMeter
from interviewer.offline.brain import OfflineBrain
from interviewer.offline.scorer import OfflineGrader


def make_chat_model(
    spec: str,
    *,
    base_url: str | None = None,
    api_key: str | None = None,
    timeout: float = 30.0,
    max_retries: int = 2,
    max_tokens: int = 400,
    temperature: float = 0.2,
    http_async_client: Any = None,
) -> BaseChatModel:
    """A LangChain chat model for `provider:model`; OpenAI-compatible servers via base_url.

    `http_async_client` replaces the OpenAI SDK's own HTTP client (the benchmark times
    requests with it).
    """
    provider = spec.split(":", 1)[0]
    kwargs: dict[str, Any] = {
        "timeout": timeout,
        "max_retries": max_retries,
        "temperature": temperature,
        "max_tokens": max_tokens,
    }
    if provider == "openai":
        kwargs["stream_usage"] = True
        # langchain-openai bounds each streamed chunk with its own asyncio.wait_for, a task
        # per chunk that queues behind everything else on a busy loop (measured: the slowest
        # 1% of turns waited 40-100 ms in those hops). LLMBrain bounds the whole reply with
        # one deadline instead, and the SDK's timeout still bounds every network read.
        kwargs["stream_chunk_timeout"] = None
        if http_async_client is not None:
            kwargs["http_async_client"] = http_async_client
        if base_url:
            kwargs["base_url"] = base_url
            kwargs["api_key"] = api_key or "not-needed"  # local servers take any key
        elif api_key:
            kwargs["api_key"] = api_key
    chat: BaseChatModel = init_chat_model(spec, **kwargs)
    return chat


@dataclass
class LLMParts:
    """The LLM brain and grader, sharing one usage meter and the model's circuit breaker."""

    choice: ModelChoice
    brain: LLMBrain
    grader: LLMGrader
    meter: UsageMeter
    breaker: CircuitBreaker


@dataclass(frozen=True)
class GraderOptions:
    """The grader's own contract: a cap that fits a full card, its temperature, one deadline."""

    max_tokens: int = 1500
    temperature: float = 0.0
    deadline_seconds: float = DEADLINE_SECONDS


def build_llm(
    choice: ModelChoice,
    fallback: OfflineBrain,
    *,
    bank: QuestionBank,
    api_key: str | None = None,
    timeout: float = 30.0,
    max_retries: int = 2,
    max_tokens: int = 400,
    grading: GraderOptions = GraderOptions(),
    prices: Mapping[str, tuple[float, float]] = DEFAULT_PRICES,
    model: BaseChatModel | None = None,
    grader_model: BaseChatModel | None = None,
    http_async_client: Any = None,
    breakers: Breakers | None = None,
) -> LLMParts:
    """Build the brain and grader for a chosen model (or given ones, in tests);
    `http_async_client` as in make_chat_model."""
    if choice.spec is None:
        raise ValueError("the offline choice has no model to build")
    chat = model or make_chat_model(
        choice.spec,
        base_url=choice.base_url,
        api_key=api_key,
        timeout=timeout,
        max_retries=max_retries,
        max_tokens=max_tokens,
        http_async_client=http_async_client,
    )
    # The grader retries by itself within its deadline, so its client does not retry.
    grading_chat = grader_model or make_chat_model(
        choice.spec,
        base_url=choice.base_url,
        api_key=api_key,
        timeout=min(timeout * 2, grading.deadline_seconds),
        max_retries=0,
        max_tokens=grading.max_tokens,
        temperature=grading.temperature,
        http_async_client=http_async_client,
    )
    meter = UsageMeter(choice.spec, prices)
    breaker = (breakers or Breakers()).get(choice.spec)
    brain = LLMBrain(
        chat,
        fallback,
        model_name=choice.spec,
        meter=meter,
        breaker=breaker,
        reply_timeout=timeout * (max_retries + 1),
    )
    grader = LLMGrader(
        grading_chat,
        model_name=choice.spec,
        bank=bank,
        offline=OfflineGrader(bank),
        meter=meter,
        breaker=breaker,
        deadline_seconds=grading.deadline_seconds,
        max_retries=max_retries,
    )
    return LLMParts(choice, brain, grader, meter, breaker)


async def check_reachable(model: BaseChatModel) -> str | None:
    """None when the model answers a one-word prompt; otherwise what went wrong, in words."""
    try:
        reply = await model.ainvoke([HumanMessage(content="Reply with the single word OK.")])
    except Exception as exc:
        return explain_error(exc)
    if not reply.text.strip():
        return "the model answered with empty text"
    return None
