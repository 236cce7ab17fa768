"""Who may manage a channel (its drill, its weekly pairing, its settings): one rule for all."""

from __future__ import annotations

from collections.abc import Collection

WHO_MANAGES = (
    "(Slack: workspace admins or members named in MOCKROOM_DRILL_ADMINS; Discord: Manage Channels)"
)


def is_manager(admins: Collection[str], platform: str, user_id: str, is_admin: bool) -> bool:
    """Whether someone may manage a channel: a platform admin, or a member named
    (`platform:user_id`) in MOCKROOM_DRILL_ADMINS."""
    return is_admin or f"{platform}:{user_id}" in admins
