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
from interviewer.llm.choice import ModelChoice, hide_credentials
from interviewer.llm.errors import explain_error, status_of
from interviewer.llm.grader import DEADLINE_SECONDS, LLMGrader
from interviewer.llm.http import model_http_client
from interviewer.llm.providers import endpoint
from interviewer.llm.usage import DEFAULT_PRICES, Prices, UsageMeter
from interviewer.offline.brain import OfflineBrain
from interviewer.offline.scorer import OfflineGrader
from interviewer.workers import Offload, inline


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
    """A LangChain chat model for `provider:model` (interviewer/llm/providers.py); base_url
    overrides the provider's endpoint.

    `http_async_client` replaces the model's HTTP client (by default `model_http_client()`,
    the SDK's defaults on a pool with constant work per request); the benchmark times
    requests with one.
    """
    ep = endpoint(spec, base_url)
    kwargs: dict[str, Any] = {
        "timeout": timeout,
        "max_retries": max_retries,
        "temperature": temperature,
        "max_tokens": max_tokens,
        "stream_usage": True,
        # langchain-openai bounds each streamed chunk with its own asyncio.wait_for, a task
        # per chunk that queues behind everything else on a busy loop (measured: the slowest
        # 1% of turns waited 40-100 ms in those hops). LLMBrain bounds the whole reply with
        # one deadline instead, and the SDK's timeout still bounds every network read.
        "stream_chunk_timeout": None,
    }
    # The SDK's own HTTP client re-plans its whole pool on every request; this one does not
    # (interviewer/llm/http.py).
    kwargs["http_async_client"] = (
        model_http_client() if http_async_client is None else http_async_client
    )
    if ep.base_url:
        kwargs["base_url"] = ep.base_url
    if api_key:
        kwargs["api_key"] = api_key
    elif ep.provider != "openai" or ep.base_url:
        kwargs["api_key"] = "not-needed"  # local servers take any key
    # Every provider mockroom knows speaks OpenAI's protocol: one client serves them all.
    chat: BaseChatModel = init_chat_model(ep.model, model_provider="openai", **kwargs)
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
    prices: Mapping[str, Prices] = DEFAULT_PRICES,
    model: BaseChatModel | None = None,
    grader_model: BaseChatModel | None = None,
    http_async_client: Any = None,
    breakers: Breakers | None = None,
    offline_grader: OfflineGrader | None = None,
    grading_run: Offload = inline,
) -> LLMParts:
    """Build the brain and grader for a chosen model (or given ones, in tests);
    `http_async_client` as in make_chat_model. `grading_run` is where grading's CPU work
    runs (the grader's own, and the offline scorer's when `offline_grader` is not given):
    `serve` gives its grading threads, so that no grading holds the event loop."""
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
        offline=offline_grader or OfflineGrader(bank, run=grading_run),
        meter=meter,
        breaker=breaker,
        deadline_seconds=grading.deadline_seconds,
        max_retries=max_retries,
        run=grading_run,
    )
    return LLMParts(choice, brain, grader, meter, breaker)


async def check_reachable(
    model: BaseChatModel,
    *,
    spec: str | None = None,
    base_url: str | None = None,
    api_key: str | None = None,
    key_variable: str = "OPENAI_API_KEY",
) -> str | None:
    """None when the model answers a one-word prompt; otherwise what went wrong, naming the
    variable to fix (a 404 asks the server's model list which of model and URL is wrong)."""
    try:
        reply = await model.ainvoke([HumanMessage(content="Reply with the single word OK.")])
    except Exception as exc:
        if status_of(exc) == 404 and spec is not None:
            return await _not_found(spec, base_url, api_key)
        return explain_error(exc, key_variable)
    if not reply.text.strip():
        return "the model answered with empty text"
    return None


async def _not_found(spec: str, base_url: str | None, api_key: str | None) -> str:
    """Which setting a 404 is about: a model the server lacks, or a URL that is no API."""
    import httpx

    ep = endpoint(spec, base_url)
    root = (ep.base_url or "https://api.openai.com/v1").rstrip("/")
    headers = {"Authorization": f"Bearer {api_key}"} if api_key else {}
    try:
        async with httpx.AsyncClient(timeout=10) as client:
            resp = await client.get(f"{root}/models", headers=headers)
        names = [str(m.get("id")) for m in resp.json().get("data", [])] if resp.is_success else []
    except (httpx.HTTPError, ValueError, AttributeError):
        names = []
    if names:
        shown = ", ".join(names[:8]) + (" …" if len(names) > 8 else "")
        return f"MOCKROOM_LLM_MODEL={spec}: the server has no model {ep.model!r} (it has: {shown})"
    return (
        f"MOCKROOM_LLM_BASE_URL={hide_credentials(root)} answers 404 and lists no models: "
        "check the URL (an OpenAI-compatible API usually ends in /v1)"
    )
