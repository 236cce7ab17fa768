"""Commands named in the shared texts, as Discord's slash commands take them: the texts say
`/mockroom remind snooze 3` (Slack's words); Discord's command has options, so its members read
`/mockroom remind action:snooze days:3`."""

from __future__ import annotations

import re

_SNIPPET = re.compile(r"`/mockroom ([^`\n]{1,200})`")
_PLACEHOLDER = re.compile(r"[\[\]|]|\b[A-Z]{2,}\b")  # a usage line, not a command to copy
_NAMED = {
    "pair": ("action", "day", "time", "timezone"),
    "peer": ("action",),
    "remind": ("action", "days"),
    "history": ("number",),
    "start": ("question", "format", "level"),
}


def discord_syntax(text: str) -> str:
    """Every concrete `/mockroom …` command in the text, in Discord's option syntax."""
    return _SNIPPET.sub(lambda m: f"`/mockroom {_options(m.group(1))}`", text)


def _options(command: str) -> str:
    words = command.split()
    if len(words) < 2 or _PLACEHOLDER.search(command):
        return command
    head, rest = words[0], words[1:]
    if head == "leaderboard":
        share = rest[0] == "share"
        view = rest[1:] if share else rest
        return " ".join(["leaderboard", *(f"view:{v}" for v in view[:1]), *["share:True"] * share])
    if head == "drill" and rest[0] == "subscribe":
        subscribe = ("time", "timezone", "weekdays", "topic")
        return "drill subscribe " + " ".join(
            f"{n}:{v}" for n, v in zip(subscribe, rest[1:], strict=False)
        )
    if head == "settings" and rest[0] == "set" and len(rest) >= 3:
        return f"settings set key:{rest[1]} value:{' '.join(rest[2:])}"
    if head == "forget-me" and rest == ["confirm"]:
        return "forget-me confirm:True"
    names = _NAMED.get(head)
    if names is None:
        return command
    flags = [f"{w[2:]}:True" for w in rest if w.startswith("--")]
    named = [f"{n}:{v}" for n, v in zip(names, [w for w in rest if w[:2] != "--"], strict=False)]
    return " ".join([head, *named, *flags])
