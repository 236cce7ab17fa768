"""Slack's passing failures retried by the Web API client, with backoff, a bounded few times.

Slack answers `internal_error`, `service_unavailable` or `request_timeout` (or a 5xx) when a
call failed on its side and may succeed when made again; slack_sdk retries only 429s and
connection errors by itself. A post that fails this way (an interviewer's reply already stored)
is made again, so the member gets the reply without resending. `fatal_error` is not retried:
Slack says part of the operation may have succeeded, and a second post would show twice.
"""

from __future__ import annotations

from slack_sdk.http_retry.async_handler import AsyncRetryHandler
from slack_sdk.http_retry.request import HttpRequest
from slack_sdk.http_retry.response import HttpResponse
from slack_sdk.http_retry.state import RetryState

TRANSIENT = frozenset({"internal_error", "service_unavailable", "request_timeout"})


class SlackErrorRetryHandler(AsyncRetryHandler):
    """Retries a call Slack failed on its side (a 5xx, or `ok: false` with a passing error)."""

    async def _can_retry_async(
        self,
        *,
        state: RetryState,
        request: HttpRequest,
        response: HttpResponse | None = None,
        error: Exception | None = None,
    ) -> bool:
        if response is None:
            return False
        if response.status_code in (500, 502, 503, 504):
            return True
        body = response.body  # the parsed JSON
        if not isinstance(body, dict) or body.get("ok") is not False:
            return False
        return str(body.get("error")) in TRANSIENT
