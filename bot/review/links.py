"""Signed review links: `/review/<token>` opens one page, for a while, and nothing else.

The token signs (itsdangerous, HMAC-SHA256, with the settings' secret) what names the page:
its kind, its row, its owner and the instant it started. Changing any of it breaks the
signature, so a link to another page cannot be made from one's own; the owner and the start
instant are checked against the row, so a row deleted by forget-me (or its id reused by a
later row) opens nothing; a changed secret invalidates every link at once.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from itsdangerous import BadData, TimestampSigner, URLSafeTimedSerializer

SALT = "mockroom.review.v1"
DEFAULT_DAYS = 7


@dataclass(frozen=True)
class PageRef:
    """What a token names: an interview ("i") or a drill answer ("d"), its owner and start."""

    kind: str
    id: int
    owner: str
    stamp: int  # the start instant in microseconds since the epoch

    def to_payload(self) -> list[Any]:
        """The compact form that is signed."""
        return [self.kind, self.id, self.owner, self.stamp]


def stamp_of(at: datetime) -> int:
    """An instant as whole microseconds (what a token carries)."""
    return round(at.timestamp() * 1_000_000)


class ReviewLinks:
    """Makes and reads review tokens; `clock` is the time a token is signed and checked at."""

    def __init__(
        self,
        secret: str,
        public_url: str | None,
        clock: Callable[[], datetime],
        days: float = DEFAULT_DAYS,
    ) -> None:
        base_clock = clock

        class _Signer(TimestampSigner):
            def get_timestamp(self) -> int:
                return int(base_clock().timestamp())

        self._serializer = URLSafeTimedSerializer(secret, salt=SALT, signer=_Signer)
        self.public_url = public_url.rstrip("/") if public_url else None
        self.max_age = timedelta(days=days)
        self.clock = clock

    def token(self, ref: PageRef) -> str:
        """A signed token for one page."""
        return str(self._serializer.dumps(ref.to_payload()))

    def read(self, token: str) -> PageRef | None:
        """The page a token names; None when it is forged, altered, malformed or expired."""
        found = self.read_with_expiry(token)
        return None if found is None else found[0]

    def read_with_expiry(self, token: str) -> tuple[PageRef, datetime] | None:
        """The page a token names and when the token stops working (None as `read`)."""
        try:
            data, signed = self._serializer.loads(
                token, max_age=int(self.max_age.total_seconds()), return_timestamp=True
            )
            kind, page_id, owner, stamp = data
            if kind not in ("i", "d"):
                return None
            return PageRef(str(kind), int(page_id), str(owner), int(stamp)), signed + self.max_age
        except (BadData, ValueError, TypeError):
            return None

    def url(self, ref: PageRef) -> str | None:
        """The page's link on the public server (None when no public URL is set)."""
        if self.public_url is None:
            return None
        return f"{self.public_url}/review/{self.token(ref)}"

    def expires(self) -> datetime:
        """When a link made now stops working."""
        return self.clock() + self.max_age
