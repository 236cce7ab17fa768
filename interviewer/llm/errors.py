"""Provider errors read by their shape (status code, headers, timeouts), not by one SDK's types.

The openai, anthropic and httpx exceptions all carry `status_code` (or a `response` with one)
and the response's headers, so one reading serves every OpenAI-compatible provider.
"""

from __future__ import annotations

import email.utils
import time
from typing import Any

_TIMEOUT_NAMES = ("timeout", "timedout")
_CONNECTION_NAMES = ("connection", "connect", "network", "remoteprotocol")


def status_of(exc: BaseException) -> int | None:
    """The HTTP status an error carries, if any."""
    status = getattr(exc, "status_code", None)
    if isinstance(status, int):
        return status
    response = getattr(exc, "response", None)
    status = getattr(response, "status_code", None)
    return status if isinstance(status, int) else None


def _names(exc: BaseException) -> list[str]:
    return [k.__name__.lower() for k in type(exc).__mro__]


def is_timeout(exc: BaseException) -> bool:
    """Whether the error is a timeout (asyncio's, httpx's, an SDK's)."""
    return isinstance(exc, TimeoutError) or any(
        n in name for name in _names(exc) for n in _TIMEOUT_NAMES
    )


def is_connection_error(exc: BaseException) -> bool:
    """Whether the error is a failure to reach the server."""
    if status_of(exc) is not None:
        return False
    return isinstance(exc, ConnectionError) or any(
        n in name for name in _names(exc) for n in _CONNECTION_NAMES
    )


def is_provider_failure(exc: BaseException) -> bool:
    """Whether the provider itself failed, which the circuit breaker counts: a 5xx, a timeout,
    no connection, a reply with nothing in it. A 4xx is about one request and says nothing of
    the provider's health; an error may say so itself with `provider_failure = False`."""
    status = status_of(exc)
    if status is not None:
        return status >= 500
    return bool(getattr(exc, "provider_failure", True))


def is_retryable(exc: BaseException) -> bool:
    """Whether trying the same request again may work (429, 5xx, timeouts, connections)."""
    status = status_of(exc)
    if status is not None:
        return status in (408, 409, 429) or status >= 500
    return is_timeout(exc) or is_connection_error(exc)


def is_bad_request(exc: BaseException) -> bool:
    """A 400 or 422: the server refused this request's shape (e.g. an unknown response_format)."""
    return status_of(exc) in (400, 422)


def retry_after(exc: BaseException, now: float | None = None) -> float | None:
    """Seconds the server asked us to wait (Retry-After or retry-after-ms), if it said."""
    response = getattr(exc, "response", None)
    headers: Any = getattr(response, "headers", None) or {}
    try:
        ms = headers.get("retry-after-ms")
        if ms is not None:
            return max(0.0, float(ms) / 1000)
        value = headers.get("retry-after")
    except AttributeError:
        return None
    if value is None:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        parsed = email.utils.parsedate_to_datetime(value) if value else None
        if parsed is None:
            return None
        return max(0.0, parsed.timestamp() - (now if now is not None else time.time()))


def explain_error(exc: BaseException, key_variable: str = "OPENAI_API_KEY") -> str:
    """A plain sentence for a provider error, naming the setting to check."""
    status = status_of(exc)
    message = str(getattr(exc, "message", "") or exc).strip()
    if status in (401, 403):
        return f"the API key was refused ({status}): check {key_variable}"
    if status == 404:
        return (
            "the model or endpoint was not found (404): check MOCKROOM_LLM_MODEL against the "
            "server's models, and MOCKROOM_LLM_BASE_URL (it usually ends in /v1)"
        )
    if status == 429:
        return "rate limited or out of quota (429): check the account's limits and billing"
    if status is not None:
        return f"the server answered {status}: {message}"
    if is_timeout(exc):
        return "the request timed out: the server is slow or unreachable"
    if is_connection_error(exc):
        return "cannot connect: check MOCKROOM_LLM_BASE_URL and that the server runs"
    if isinstance(exc, ImportError):
        return f"the provider's LangChain package is missing: {exc}"
    return f"{type(exc).__name__}: {message}"
