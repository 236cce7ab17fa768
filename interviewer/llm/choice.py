"""Which brain the settings choose: plain values in, no model built and no network."""

from __future__ import annotations

from dataclasses import dataclass

DEFAULT_OPENAI_MODEL = "openai:gpt-4o-mini"
OFFLINE = "offline"


@dataclass(frozen=True)
class ModelChoice:
    """Which brain runs and why (`spec` None: the offline interviewer)."""

    spec: str | None
    reason: str
    base_url: str | None = None

    @property
    def label(self) -> str:
        """What `mockroom --version` prints."""
        if self.spec is None:
            return OFFLINE
        return f"{self.spec} at {self.base_url}" if self.base_url else self.spec


def choose_model(model: str | None, has_api_key: bool, base_url: str | None) -> ModelChoice:
    """The model from MOCKROOM_LLM_MODEL, else OpenAI's default when a key is set, else offline."""
    name = (model or "").strip()
    if name.lower() == OFFLINE:
        return ModelChoice(None, "MOCKROOM_LLM_MODEL=offline")
    if name:
        spec = name if ":" in name else f"openai:{name}"
        return ModelChoice(spec, "MOCKROOM_LLM_MODEL", base_url)
    if has_api_key:
        return ModelChoice(DEFAULT_OPENAI_MODEL, "OPENAI_API_KEY is set", base_url)
    if base_url:
        return ModelChoice(None, "MOCKROOM_LLM_BASE_URL is set but MOCKROOM_LLM_MODEL is not")
    return ModelChoice(None, "no OPENAI_API_KEY and no MOCKROOM_LLM_MODEL")
