"""Logging: text or JSON lines, secrets never written, candidate text kept out by default."""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Iterable
from datetime import UTC, datetime

from interviewer.llm.choice import hide_credentials

REDACTED = "[redacted]"
# Token shapes of the platforms mockroom talks to, in case one reaches a message or a trace.
_TOKEN = re.compile(
    r"\b(?:xox[abposr]-[A-Za-z0-9-]{8,}|xapp-[A-Za-z0-9-]{8,}|sk-[A-Za-z0-9_-]{16,}"
    r"|[MNO][A-Za-z\d_-]{23,27}\.[\w-]{6}\.[\w-]{27,})"
)
# Libraries that log request and response bodies (so candidate text) at DEBUG.
_CHATTY = ("slack_bolt", "slack_sdk", "discord", "openai", "httpx", "httpcore", "langchain")


class RedactSecrets(logging.Filter):
    """Replaces configured secret values and token-shaped strings in every record."""

    def __init__(self, secrets: Iterable[str] = ()) -> None:
        super().__init__()
        self.secrets = sorted({s for s in secrets if len(s) >= 6}, key=len, reverse=True)

    def scrub(self, text: str) -> str:
        """The text without secrets."""
        for secret in self.secrets:
            text = text.replace(secret, REDACTED)
        return hide_credentials(_TOKEN.sub(REDACTED, text))

    def filter(self, record: logging.LogRecord) -> bool:
        """Render the message once, scrubbed; scrub the exception text too."""
        record.msg = self.scrub(record.getMessage())
        record.args = ()
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = self.scrub(record.exc_text)
        return True


class JsonFormatter(logging.Formatter):
    """One JSON object per line: time, level, logger, message, and the trace when there is one."""

    def format(self, record: logging.LogRecord) -> str:
        """The record as JSON."""
        entry = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        if record.exc_text or record.exc_info:
            entry["trace"] = record.exc_text or self.formatException(record.exc_info)  # type: ignore[arg-type]
        return json.dumps(entry, ensure_ascii=False)


def configure_logging(
    level: str = "WARNING",
    json_lines: bool = False,
    secrets: Iterable[str] = (),
    candidate_text: bool = False,
    handler: logging.Handler | None = None,
) -> logging.Handler:
    """Set up the root logger once, at start; returns the handler (tests read from it)."""
    handler = handler or logging.StreamHandler()
    handler.addFilter(RedactSecrets(secrets))
    handler.setFormatter(
        JsonFormatter() if json_lines else logging.Formatter("%(levelname)s %(name)s: %(message)s")
    )
    root = logging.getLogger()
    for old in list(root.handlers):
        root.removeHandler(old)
    root.addHandler(handler)
    root.setLevel(level.upper())
    for name in _CHATTY:
        quieter = max(logging.INFO, root.level)
        logging.getLogger(name).setLevel(logging.NOTSET if candidate_text else quieter)
    return handler
