"""Who a Slack user is, from `users.info`: an admin or not, and a name; cached for a few minutes."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

log = logging.getLogger(__name__)

CACHE_SECONDS = 300.0
MAX_CACHED = 2048
_ADMIN_FLAGS = ("is_admin", "is_owner", "is_primary_owner")


@dataclass(frozen=True)
class SlackUser:
    """What the app needs to know about a member."""

    is_admin: bool  # a workspace admin or owner: may manage a channel's daily drill
    name: str | None


def user_of(raw: Mapping[str, Any]) -> SlackUser:
    """A `users.info` user object, read."""
    profile = raw.get("profile") or {}
    name = (
        profile.get("display_name")
        or profile.get("real_name")
        or raw.get("real_name")
        or raw.get("name")
    )
    return SlackUser(any(bool(raw.get(flag)) for flag in _ADMIN_FLAGS), str(name) if name else None)


class UserDirectory:
    """`users.info` with a short per-user cache; a failed lookup is not cached."""

    def __init__(
        self,
        client: Any,
        *,
        ttl: float = CACHE_SECONDS,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.client = client
        self.ttl = ttl
        self._clock = clock
        self._cache: dict[str, tuple[float, SlackUser]] = {}

    async def lookup(self, user_id: str) -> SlackUser | None:
        """The member, or None when Slack would not say (then they are not an admin)."""
        now = self._clock()
        cached = self._cache.get(user_id)
        if cached is not None and now - cached[0] < self.ttl:
            return cached[1]
        try:
            response = await self.client.users_info(user=user_id)
        except Exception:  # missing users:read, a deleted user, Slack down: not an admin
            log.warning("Slack: users.info failed for %s", user_id, exc_info=True)
            return None
        found = user_of(response.get("user") or {})
        if len(self._cache) >= MAX_CACHED:
            self._cache = {k: v for k, v in self._cache.items() if now - v[0] < self.ttl}
        self._cache[user_id] = (now, found)
        return found

    async def is_admin(self, user_id: str) -> bool:
        """Whether the member is a workspace admin or owner (False when unknown)."""
        found = await self.lookup(user_id)
        return found is not None and found.is_admin
