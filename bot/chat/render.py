"""Plain-text pieces every chat renderer shares: splitting within limits, clocks, score bars."""

from __future__ import annotations

import re
from collections.abc import Callable

from interviewer.core.rubric import HireSignal, Scorecard
from interviewer.diagrams.view import DiagramView
from interviewer.service import Outbound

_BREAKS = (re.compile(r"\n\n"), re.compile(r"\n"), re.compile(r"(?<=[.!?])\s"), re.compile(r"\s"))

NO_INTERVIEWS = "No interviews yet. Start one with `/mockroom start`."
DRAFT_REPLACED = "(This draft was replaced by the reply that counts.)"  # a draft not deleted

SIGNAL_LABELS = {
    HireSignal.STRONG_HIRE: "Strong hire",
    HireSignal.HIRE: "Hire",
    HireSignal.LEAN_HIRE: "Lean hire",
    HireSignal.LEAN_NO_HIRE: "Lean no hire",
    HireSignal.NO_HIRE: "No hire",
}


def split_text(text: str, limit: int) -> list[str]:
    """Pieces of at most `limit` characters, cut at paragraphs, lines, sentences or spaces."""
    if limit < 1:
        raise ValueError("limit must be positive")
    pieces: list[str] = []
    rest = text
    while len(rest) > limit:
        window = rest[: limit + 1]
        cut = -1
        for pattern in _BREAKS:
            found = [m.start() for m in pattern.finditer(window) if 0 < m.start() <= limit]
            if found:
                cut = found[-1]
                break
        if cut <= 0:
            cut = limit
        pieces.append(rest[:cut].rstrip())
        rest = rest[cut:].lstrip()
    if rest or not pieces:
        pieces.append(rest)
    return pieces


def clip(text: str, limit: int) -> str:
    """The text cut to `limit` characters, with an ellipsis when cut."""
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def clock_label(seconds: int | None) -> str:
    """m:ss, or an empty string when there is no clock."""
    if seconds is None:
        return ""
    return f"{seconds // 60}:{seconds % 60:02d}"


def status_line(message: Outbound) -> str:
    """'Deep dive · 12:30 left in stage · 30:10 overall' (no clock parts when unclocked)."""
    parts = [message.stage.label]
    if message.stage_seconds_left is not None:
        parts.append(f"{clock_label(message.stage_seconds_left)} left in stage")
    if message.total_seconds_left is not None:
        parts.append(f"{clock_label(message.total_seconds_left)} overall")
    return " · ".join(parts)


def score_bar(score: int) -> str:
    """●●●○ for 3 of 4."""
    return "●" * score + "○" * (4 - score)


def headline(card: Scorecard) -> str:
    """'Overall 3.1/4 · Hire (senior bar)'."""
    return f"Overall {card.overall:.1f}/4 · {SIGNAL_LABELS[card.hire_signal]} ({card.level} bar)"


def diagram_layout(view: DiagramView) -> str:
    """The diagram's text layout without its title line (the title is shown apart)."""
    return view.text.split("\n", 1)[1] if "\n" in view.text else view.text


QUOTE_CHARS = 300
"""A member's words quoted back (evidence, a label): at most this long, whole words."""


def fenced(text: str) -> str:
    """Text in a code block that no backtick in a member's words can close early."""
    return "```\n" + text.replace("`", "\u02cb") + "\n```"


def diagram_block(view: DiagramView, limit: int) -> str:
    """The diagram's text layout as a code block within `limit` characters: shown under its
    title beside the image, and in its place when the image cannot be drawn or uploaded."""
    return fenced(clip(diagram_layout(view), limit - 8))


def mention(user_id: str) -> str:
    """A user id as a mention; Slack and Discord both show `<@id>` as the member's name."""
    return f"<@{user_id}>"


def credit_lines(
    card: Scorecard, show: Callable[[str], str] = mention, label: Callable[[str], str] = str
) -> list[str]:
    """One line per design-along member: their score on their own words, strongest first;
    `label` makes the boxes they drew (their own words) inert for the platform."""
    lines = []
    for c in card.contributors:
        strengths = ", ".join(s.label.lower() for s in c.strengths[:3]) or "no area at 3/4 yet"
        noun = "message" if c.messages == 1 else "messages"
        drew = f"; drew {', '.join(label(d) for d in c.drew[:6])}" if c.drew else ""
        lines.append(
            f"{show(c.author)}: {c.overall:.1f}/4 on {c.messages} {noun}; strongest: {strengths}"
            f"{drew}"
        )
    return lines


def summarise(lines: list[str], limit: int, sep: str = "\n") -> str:
    """Whole lines joined within `limit` characters, then 'and N more'; a line is never cut."""
    kept: list[str] = []
    for index, line in enumerate(lines):
        more = len(lines) - index - 1
        tail = f"{sep}…and {more} more" if more else ""
        candidate = sep.join([*kept, line])
        if len(candidate) + len(tail) > limit:
            left = len(lines) - len(kept)
            ending = f"…and {left} more"
            while kept and len(sep.join([*kept, ending])) > limit:
                kept.pop()
                left += 1
                ending = f"…and {left} more"
            return sep.join([*kept, ending])
        kept.append(line)
    return sep.join(kept)
