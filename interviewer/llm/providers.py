"""`provider:model` for OpenAI-compatible providers: which endpoint, which key, what it costs.

Every provider here speaks OpenAI's chat completions protocol, so one client (langchain-openai
over the openai SDK) serves them all; MOCKROOM_LLM_BASE_URL overrides the default endpoint.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Provider:
    """An OpenAI-compatible provider: its usual endpoint and whether it needs a key."""

    name: str
    base_url: str | None  # None: OpenAI's own (openai) or one the user must give (azure)
    needs_key: bool
    example: str


PROVIDERS = {
    p.name: p
    for p in (
        Provider("openai", None, True, "openai:gpt-4o-mini"),
        Provider("azure", None, True, "azure:<your deployment name>"),
        Provider("anthropic", "https://api.anthropic.com/v1/", True, "anthropic:claude-sonnet-4-5"),
        Provider("ollama", "http://127.0.0.1:11434/v1", False, "ollama:llama3.1"),
        Provider("vllm", "http://127.0.0.1:8000/v1", False, "vllm:Qwen/Qwen2.5-7B-Instruct"),
        Provider("lmstudio", "http://127.0.0.1:1234/v1", False, "lmstudio:qwen2.5-7b-instruct"),
        Provider(
            "openrouter", "https://openrouter.ai/api/v1", True, "openrouter:openai/gpt-4o-mini"
        ),
        Provider("groq", "https://api.groq.com/openai/v1", True, "groq:llama-3.1-8b-instant"),
    )
}
KEY_VARIABLES = ("MOCKROOM_LLM_API_KEY", "OPENAI_API_KEY", "MOCKROOM_OPENAI_API_KEY")


class ProviderError(ValueError):
    """The settings name a provider mockroom cannot reach as given; says which variable to set."""


@dataclass(frozen=True)
class Endpoint:
    """Where and how to call a `provider:model`."""

    provider: str
    model: str
    base_url: str | None
    needs_key: bool


def endpoint(spec: str, base_url: str | None) -> Endpoint:
    """The endpoint for `provider:model`; MOCKROOM_LLM_BASE_URL wins over the provider's own."""
    provider, _, model = spec.partition(":")
    if not model:
        provider, model = "openai", provider
    known = PROVIDERS.get(provider)
    url = base_url or (known.base_url if known else None)
    if known is None and url is None:
        names = ", ".join(PROVIDERS)
        raise ProviderError(
            f"MOCKROOM_LLM_MODEL={spec}: {provider!r} is not a provider mockroom knows ({names}); "
            "for any other OpenAI-compatible server set MOCKROOM_LLM_BASE_URL"
        )
    if provider == "azure" and url is None:
        raise ProviderError(
            "MOCKROOM_LLM_MODEL=azure:… needs MOCKROOM_LLM_BASE_URL="
            "https://<resource>.openai.azure.com/openai/v1/"
        )
    # A local server takes any key; a known hosted one needs one (an unknown server: maybe).
    needs_key = known.needs_key if known else False
    return Endpoint(provider, model, url, needs_key)
