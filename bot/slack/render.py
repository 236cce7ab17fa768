"""Block Kit for interviewer messages, the scorecard, lists and App Home, within Slack's limits."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from bot.chat.render import (
    NO_INTERVIEWS,
    QUOTE_CHARS,
    SIGNAL_LABELS,
    clip,
    credit_lines,
    headline,
    score_bar,
    split_text,
    status_line,
    summarise,
)
from bot.review.card import REVIEW_LABEL, CardReview
from interviewer.bank import Problem
from interviewer.core.rubric import Criterion, Scorecard
from interviewer.core.text import excerpt
from interviewer.ports import HistoryEntry
from interviewer.service import Outbound

Block = dict[str, Any]

MAX_BLOCKS = 50
SECTION_CHARS = 3000
FALLBACK_CHARS = 3000  # the notification text; the blocks carry the whole message
ACTION_IDS = {"hint": "mockroom_hint", "next": "mockroom_next", "end": "mockroom_end"}
START_ACTION = "mockroom_start"
_BUTTON_LABELS = {"hint": "Hint", "next": "Next stage", "end": "End"}
_SIGNALS_BY_ID = {signal.value: label for signal, label in SIGNAL_LABELS.items()}


def escape(text: str) -> str:
    """Text shown as written: Slack reads &, < and > as markup unless escaped."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


_MENTION = re.compile(r"<[@#][A-Z0-9]+(?:\|[^<>&]*)?>")
"""A user or channel mention we wrote (`<@U1>`, `<#C1>`): it pings no crowd, so it stays."""


def safe(text: str) -> str:
    """Text for Slack with every &, < and > escaped except user and channel mentions: no
    `<!channel>`, `<!here>`, `<!everyone>`, link or command reaches Slack as markup."""
    pieces, last = [], 0
    for found in _MENTION.finditer(text):
        pieces += [escape(text[last : found.start()]), found.group(0)]
        last = found.end()
    return "".join([*pieces, escape(text[last:])])


def section(text: str) -> Block:
    """A mrkdwn section (the caller keeps it within 3,000 characters)."""
    return {"type": "section", "text": {"type": "mrkdwn", "text": text}}


def sections(text: str) -> list[Block]:
    """Sections holding `text`, split at paragraphs within the per-section limit."""
    return [section(piece) for piece in split_text(text, SECTION_CHARS) if piece.strip()]


def context(text: str) -> Block:
    """A small grey line."""
    return {"type": "context", "elements": [{"type": "mrkdwn", "text": text[:SECTION_CHARS]}]}


def buttons(interview_id: int) -> Block:
    """Hint / Next stage / End, each carrying the interview id."""
    elements = [
        {
            "type": "button",
            "action_id": ACTION_IDS[name],
            "text": {"type": "plain_text", "text": label},
            "value": str(interview_id),
            **({"style": "danger"} if name == "end" else {}),
        }
        for name, label in _BUTTON_LABELS.items()
    ]
    return {
        "type": "actions",
        "block_id": f"mockroom_controls_{interview_id}",
        "elements": elements,
    }


def chunk(blocks: Sequence[Block], limit: int = MAX_BLOCKS) -> list[list[Block]]:
    """Blocks grouped into messages of at most `limit` blocks."""
    return [list(blocks[i : i + limit]) for i in range(0, len(blocks), limit)] or [[]]


def fallback(text: str) -> str:
    """The plain `text` of a message (notifications, screen readers), made safe: it is
    markup to Slack as much as the blocks are."""
    text = text if len(text) <= FALLBACK_CHARS else text[: FALLBACK_CHARS - 1] + "…"
    return safe(text)


def interviewer_blocks(
    message: Outbound, interview_id: int, *, controls: bool
) -> list[list[Block]]:
    """An interviewer message: its text, the stage and time left, and optionally the buttons."""
    blocks = [*sections(escape(message.text)), context(status_line(message))]
    if controls:
        blocks.append(buttons(interview_id))
    return chunk(blocks)


def _criterion(card: Scorecard, criterion: Criterion) -> Block:
    score = card.criteria[criterion]
    lines = [f"*{criterion.label}*  {score_bar(score.score)}  {score.score}/4"]
    if score.feedback:
        lines.append(escape(clip(score.feedback, 1200)))
    # Room is kept for the evidence: three quotes, one line each, whatever the feedback's length.
    lines.extend(f"> {escape(excerpt(q, QUOTE_CHARS))}" for q in score.evidence[:3])
    return section("\n".join(lines))


def _bullets(title: str, items: Iterable[str]) -> list[Block]:
    text = "\n".join(f"• {escape(item)}" for item in items)
    return sections(f"*{title}*\n{text}") if text else []


def scorecard_blocks(
    card: Scorecard,
    title: str,
    names: Mapping[str, str] | None = None,
    review: CardReview | None = None,
) -> list[Block]:
    """The scorecard: headline, each criterion with evidence, pitfalls, what to practise.

    Design-along credits show members by `names` (user id to name), never as @-mentions:
    a mention notifies, and a 25-member design-along would ping 25 people.
    """
    signal = SIGNAL_LABELS[card.hire_signal]
    blocks: list[Block] = [
        {"type": "header", "text": {"type": "plain_text", "text": f"Scorecard: {title}"[:150]}},
        section(f"*{headline(card)}*\nHire signal: *{signal}*"),
    ]
    known = names or {}
    credits = credit_lines(card, lambda author: escape(known.get(author, "a member")), label=escape)
    if credits:
        prefix = "Design-along contributors: "
        blocks.append(context(prefix + summarise(credits, SECTION_CHARS - len(prefix), " · ")))
    blocks.append({"type": "divider"})
    blocks.extend(_criterion(card, c) for c in Criterion)
    blocks.append({"type": "divider"})
    blocks.extend(_bullets("Pitfalls", (p.detail or p.id.value for p in card.pitfalls)))
    blocks.extend(_bullets("What to practise", card.improvements))
    notes = [*card.notes, f"Graded by the {card.grader} grader."]
    blocks.append(context(escape(" ".join(notes))))
    blocks = blocks[: MAX_BLOCKS - 1]
    if review is not None:  # the review page (bot/review): a link button, or how to get it
        blocks.append(review_block(review))
    return blocks


def review_block(review: CardReview) -> Block:
    """The scorecard's Review button (a link), or the line saying how to get the page."""
    if review.url is None:
        return context(review.text)
    button = {"type": "button", "text": {"type": "plain_text", "text": REVIEW_LABEL}}
    button |= {"url": review.url, "action_id": "mockroom_review"}
    return {"type": "actions", "elements": [button]}


def scorecard_text(card: Scorecard, title: str) -> str:
    """The scorecard's notification text."""
    return f"Scorecard for {title}: {headline(card)}"


def history_blocks(entries: Sequence[HistoryEntry], titles: dict[str, str]) -> list[Block]:
    """The user's past interviews with their scores."""
    if not entries:
        return [section(NO_INTERVIEWS)]
    lines = [history_line(e, titles) for e in entries]
    more = "Open one with `/mockroom history N`." if any(e.number for e in entries) else ""
    blocks = [section("*Your interviews and drills*"), *sections("\n".join(lines))]
    return [*blocks, *([context(more)] if more else [])][:MAX_BLOCKS]


def history_line(entry: HistoryEntry, titles: dict[str, str]) -> str:
    """'• *Title* · standard · ended · 25 Nov 2026 · 3.1/4 Hire'."""
    title = escape(titles.get(entry.question_id, entry.question_id))
    score = "not scored"
    if entry.overall is not None:
        label = _SIGNALS_BY_ID.get(entry.hire_signal or "", "")
        score = f"{entry.overall:.1f}/4 {label}".strip()
    day = entry.started_at.strftime("%d %b %Y")
    status = "in progress" if entry.status == "active" else entry.status
    number = f"{entry.number}. " if entry.number else "• "
    return f"{number}*{title}* · {entry.format} · {status} · {day} · {score}"


def questions_blocks(problems: Iterable[Problem]) -> list[Block]:
    """The question bank, one line a question."""
    lines = [f"• `{p.id}` {escape(p.title)} ({', '.join(p.topics[:3])})" for p in problems]
    return [
        section("*Questions* (start one with `/mockroom start ID`)"),
        *sections("\n".join(lines)),
    ]


def start_button() -> Block:
    """The App Home button that starts a practice interview in a DM."""
    return {
        "type": "actions",
        "elements": [
            {
                "type": "button",
                "action_id": START_ACTION,
                "style": "primary",
                "text": {"type": "plain_text", "text": "Start a practice interview"},
                "value": "start",
            }
        ],
    }


def home_view(
    entries: Sequence[HistoryEntry],
    titles: dict[str, str],
    leaderboard: Sequence[str] | None = None,
    standing: str | None = None,
) -> dict[str, Any]:
    """App Home: a Start button, recent interviews, the member's standing and the team
    leaderboard once drills or points exist."""
    blocks: list[Block] = [
        {"type": "header", "text": {"type": "plain_text", "text": "mockroom"}},
        section(
            "A mock interviewer for system design rounds. Practise here in a DM, or run "
            "`/mockroom start` in a channel to interview in a thread while others watch."
        ),
        start_button(),
        {"type": "divider"},
        *history_blocks(entries, titles),
    ]
    if standing:
        blocks += [{"type": "divider"}, *sections(standing)]
    if leaderboard:  # a hook for the team leaderboard; nothing is shown until one exists
        blocks += [
            {"type": "divider"},
            section("*Team leaderboard*"),
            *sections("\n".join(leaderboard)),
        ]
    return {"type": "home", "blocks": blocks[:MAX_BLOCKS]}
