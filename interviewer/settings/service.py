"""`/mockroom settings` and `settings set KEY VALUE`: show a channel's settings to anyone in
it, change them for its managers, and tell the rest of the bot what applies in a channel."""

from __future__ import annotations

from collections.abc import Callable, Collection, Mapping
from datetime import datetime

from interviewer.bank import QuestionBank
from interviewer.core.rubric import Level
from interviewer.core.stages import Format
from interviewer.service import Who
from interviewer.settings.managers import WHO_MANAGES, is_manager
from interviewer.settings.ports import SettingsRepository
from interviewer.settings.resolve import ChannelResolver
from interviewer.settings.values import (
    ALLOWED,
    ChannelSettings,
    Defaults,
    Key,
    SettingError,
    effective,
    keys_list,
    parse_key,
    parse_value,
    show_value,
)

ONLY_MANAGERS = (
    f"Only people who may manage this channel can change its settings {WHO_MANAGES}. "
    "`{cmd} settings` shows them."
)


class SettingsService:
    """A channel's settings: shown, validated, stored, and resolved against the defaults."""

    def __init__(
        self,
        repo: SettingsRepository,
        bank: QuestionBank,
        clock: Callable[[], datetime],
        *,
        defaults: Defaults | None = None,
        admins: Collection[str] = (),
        command_name: str = "/mockroom",
    ) -> None:
        self.repo = repo
        self.clock = clock
        self.defaults = defaults or Defaults()
        self.admins = frozenset(admins)
        self.cmd = command_name
        self.topics = frozenset(bank.topics)
        self.resolver = ChannelResolver(repo, self.defaults)

    def may_manage(self, platform: str, user_id: str, is_admin: bool) -> bool:
        """The same check as drills and peer pairing: a platform admin or a named admin."""
        return is_manager(self.admins, platform, user_id, is_admin)

    def command(
        self,
        platform: str,
        workspace: str,
        channel: str,
        who: Who,
        is_admin: bool,
        args: str,
        *,
        not_after: float | None = None,
    ) -> str:
        """`settings` (anyone) or `settings set KEY VALUE` (managers); the text to show."""
        words = args.split()
        if not words or [w.lower() for w in words] == ["show"]:
            return self.show(platform, channel)
        if words[0].lower() != "set" or len(words) < 3:
            raise SettingError(
                f"Use `{self.cmd} settings` to see them, `{self.cmd} settings set KEY VALUE` to "
                f"change one; keys: {keys_list()}."
            )
        key = parse_key(words[1])
        value = parse_value(key, " ".join(words[2:]), self.topics)
        self.save(platform, workspace, channel, who, is_admin, {key: value}, not_after=not_after)
        shown = "the default" if value is None else show_value(key, value)
        return f"This channel's {key.value} is now {shown}.\n" + self.show(platform, channel)

    def validate(self, raw: Mapping[Key, str]) -> tuple[dict[Key, object], dict[Key, str]]:
        """Several typed values at once (a form): the parsed ones and an error per bad key."""
        values: dict[Key, object] = {}
        errors: dict[Key, str] = {}
        for key, text in raw.items():
            try:
                values[key] = parse_value(key, text, self.topics) if text.strip() else None
            except SettingError as exc:
                errors[key] = str(exc)
        return values, errors

    def save(
        self,
        platform: str,
        workspace: str,
        channel: str,
        who: Who,
        is_admin: bool,
        values: Mapping[Key, object],
        *,
        not_after: float | None = None,
        event_key: str | None = None,
    ) -> ChannelSettings | None:
        """Store checked values for a manager, in one write; SettingError for anyone else.
        None for a replayed submission (`event_key` seen before); see the repository for
        `not_after`, the time past which nothing commits."""
        if not self.may_manage(platform, who.user_id, is_admin):
            raise SettingError(ONLY_MANAGERS.format(cmd=self.cmd))
        return self.repo.save_channel_settings(
            platform,
            workspace,
            channel,
            values,
            who.user_id,
            self.clock(),
            not_after=not_after,
            event_key=event_key,
        )

    def stored(self, platform: str, channel: str) -> ChannelSettings:
        """A channel's own choices."""
        return self.resolver.stored(platform, channel)

    def show(self, platform: str, channel: str) -> str:
        """Every setting of the channel with its value, marked when it is the default."""
        stored = self.stored(platform, channel)
        chosen = stored.changed()
        lines = ["*This channel's settings*"]
        for key, value in effective(stored, self.defaults).items():
            mark = "" if key in chosen else " (default)"
            lines.append(f"• {key.value}: {show_value(key, value)}{mark} · {ALLOWED[key]}")
        lines.append(f"Channel managers change one with `{self.cmd} settings set KEY VALUE`.")
        return "\n".join(lines)

    def start_defaults(self, platform: str, channel: str) -> tuple[Format, Level]:
        """The format and level a `start` with none uses in this channel."""
        in_force = self.resolver.channel(platform, channel)
        return in_force.fmt, in_force.level
