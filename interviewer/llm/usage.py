"""Token use and estimated cost, per interview and in total."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from interviewer.ports import UsageDelta

# US dollars per million tokens: (input, output[, cached input]); settings may override.
# Local servers (ollama, vllm, lmstudio) cost nothing here.
Prices = tuple[float, float] | tuple[float, float, float]
DEFAULT_PRICES: dict[str, Prices] = {
    "openai:gpt-4o-mini": (0.15, 0.60, 0.075),
    "openai:gpt-4o": (2.50, 10.00, 1.25),
    "openai:gpt-4.1-mini": (0.40, 1.60, 0.10),
    "openai:gpt-4.1-nano": (0.10, 0.40, 0.025),
    "openai:gpt-4.1": (2.00, 8.00, 0.50),
    "anthropic:claude-sonnet-4-5": (3.00, 15.00, 0.30),
    "anthropic:claude-haiku-4-5": (1.00, 5.00, 0.10),
}


def price_of(prices: Mapping[str, Prices], model: str) -> tuple[float, float, float]:
    """(input, output, cached input) per million tokens; an Azure deployment is priced as the
    OpenAI model of the same name, and an unknown model as free."""
    found = prices.get(model) or prices.get("openai:" + model.partition(":")[2])
    if not found:
        return 0.0, 0.0, 0.0
    price_in, price_out, *rest = found
    return price_in, price_out, rest[0] if rest else price_in


@dataclass
class Usage:
    """Tokens and calls; `estimated` when a count came from tiktoken rather than the provider."""

    calls: int = 0
    prompt_tokens: int = 0
    completion_tokens: int = 0
    cached_tokens: int = 0
    failures: int = 0
    fallbacks: int = 0
    estimated: bool = False
    cost_usd: float = 0.0

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict, for storage."""
        return dict(self.__dict__)


@dataclass
class UsageMeter:
    """Adds up usage per interview key and prices it from a table."""

    model: str
    prices: Mapping[str, Prices] = field(default_factory=lambda: DEFAULT_PRICES)
    by_key: dict[str, Usage] = field(default_factory=dict)
    total: Usage = field(default_factory=Usage)

    def add(
        self, key: str, prompt: int, completion: int, cached: int = 0, estimated: bool = False
    ) -> None:
        """Record one call's tokens under an interview key."""
        price_in, price_out, price_cached = price_of(self.prices, self.model)
        fresh = prompt - cached
        cost = (fresh * price_in + cached * price_cached + completion * price_out) / 1_000_000
        for u in (self.by_key.setdefault(key, Usage()), self.total):
            u.calls += 1
            u.prompt_tokens += prompt
            u.completion_tokens += completion
            u.cached_tokens += cached
            u.estimated = u.estimated or estimated
            u.cost_usd = round(u.cost_usd + cost, 6)

    def note(self, key: str, *, failure: bool = False, fallback: bool = False) -> None:
        """Record a failed call or a turn the offline interviewer took."""
        for u in (self.by_key.setdefault(key, Usage()), self.total):
            u.failures += int(failure)
            u.fallbacks += int(fallback)

    def get(self, key: str) -> Usage:
        """The usage of one interview (zero when unknown)."""
        return self.by_key.get(key, Usage())

    def take(self, key: str) -> UsageDelta:
        """Tokens and cost under `key` since the last take (for storing per interview).
        The key is then forgotten: the meter holds only usage not yet stored, not every
        interview the process ever ran (a server's meter lives for weeks)."""
        now = self.by_key.pop(key, None) or Usage()
        return UsageDelta(now.prompt_tokens, now.completion_tokens, round(now.cost_usd, 6))


@lru_cache(maxsize=4)
def _encoding(name: str) -> Any:
    import tiktoken

    return tiktoken.get_encoding(name)


def count_tokens(text: str, encoding: str = "o200k_base") -> tuple[int, bool]:
    """Tokens in a text with tiktoken; (len/4, False) when the encoding cannot be loaded."""
    try:
        return len(_encoding(encoding).encode(text, disallowed_special=())), True
    except Exception:  # no cached vocabulary and no network: estimate
        return max(1, len(text) // 4), False
