"""Cost estimates price cached prompt tokens at the provider's discount."""

from __future__ import annotations

import pytest

from interviewer.llm.usage import DEFAULT_PRICES, UsageMeter, price_of


def test_cached_tokens_are_priced_at_the_discount() -> None:
    meter = UsageMeter("openai:gpt-4.1")
    meter.add("i:1", prompt=1000, completion=100, cached=800)
    # 200 fresh at $2, 800 cached at $0.50, 100 out at $8, per million
    assert meter.get("i:1").cost_usd == pytest.approx((200 * 2 + 800 * 0.5 + 100 * 8) / 1e6)


def test_prices_cover_the_named_models_and_local_servers_are_free() -> None:
    for spec in ("openai:gpt-4o-mini", "openai:gpt-4.1", "anthropic:claude-sonnet-4-5"):
        assert spec in DEFAULT_PRICES
    assert price_of(DEFAULT_PRICES, "azure:gpt-4o-mini") == DEFAULT_PRICES["openai:gpt-4o-mini"]
    assert price_of(DEFAULT_PRICES, "ollama:llama3.1") == (0.0, 0.0, 0.0)
    assert price_of({"x:y": (1.0, 2.0)}, "x:y") == (1.0, 2.0, 1.0)  # no discount given


def test_taking_usage_forgets_the_interview_so_the_meter_does_not_grow() -> None:
    meter = UsageMeter("openai:gpt-4o-mini")
    meter.add("i:1", 100, 10)
    meter.add("i:1", 50, 5)
    first = meter.take("i:1")
    assert (first.prompt_tokens, first.completion_tokens) == (150, 15)
    assert "i:1" not in meter.by_key
    meter.add("i:1", 20, 2)  # a later step of the same interview
    later = meter.take("i:1")
    assert (later.prompt_tokens, later.completion_tokens) == (20, 2)
    assert meter.take("i:1").prompt_tokens == 0
    assert meter.total.prompt_tokens == 170  # the process's total is kept
