"""Which brain the settings choose: plain values in, no model built and no network."""

from __future__ import annotations

import re
from dataclasses import dataclass

DEFAULT_OPENAI_MODEL = "openai:gpt-4o-mini"
OFFLINE = "offline"
_CREDENTIALS = re.compile(r"(?i)\b([a-z][a-z0-9+.-]*://)[^/\s@]+@")


def hide_credentials(text: str) -> str:
    """Text with the user and password of every URL in it replaced: `https://***@host/`."""
    return _CREDENTIALS.sub(r"\1***@", text)


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
        if not self.base_url:
            return self.spec
        return f"{self.spec} at {hide_credentials(self.base_url)}"


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
