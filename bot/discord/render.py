"""Discord embeds for interviewer messages, the scorecard, history and the question bank."""

from __future__ import annotations

import io
import logging
from collections.abc import Iterable
from dataclasses import dataclass

import discord

from bot.chat.render import (
    NO_INTERVIEWS,
    QUOTE_CHARS,
    SIGNAL_LABELS,
    clip,
    credit_lines,
    diagram_block,
    fenced,
    headline,
    score_bar,
    split_text,
    status_line,
    summarise,
)
from bot.review.card import CardReview
from interviewer.bank import Problem
from interviewer.core.rubric import Criterion, Scorecard
from interviewer.core.text import excerpt
from interviewer.core.transcript import TurnKind
from interviewer.diagrams.view import DiagramView
from interviewer.ports import HistoryEntry
from interviewer.service import Outbound, Reply

CONTENT_LIMIT = 2000
TITLE_LIMIT = 256
DESCRIPTION_LIMIT = 4096
FIELD_LIMIT = 1024
EMBED_TOTAL_LIMIT = 6000
COLOUR = discord.Colour(0x2B6CB0)
RADAR_FILE = "radar.png"
MEMBERS_FILE = "members.png"
log = logging.getLogger(__name__)
DIAGRAM_FILE = "diagram.png"

_TITLES = {
    TurnKind.OPENING: "Your question",
    TurnKind.HINT: "Hint",
    TurnKind.CURVEBALL: "Curveball",
    TurnKind.TIME_WARNING: "Time check",
    TurnKind.TIME_LEFT: "Time left",
    TurnKind.STAGE_INTRO: "Next stage",
    TurnKind.CLOSING: "Wrapping up",
}


@dataclass
class OutMessage:
    """One Discord message to post: embeds, maybe the radar chart, maybe the buttons."""

    embeds: list[discord.Embed]
    radar: bytes | None = None
    buttons: bool = False
    members: bytes | None = None  # a design-along's radar per member, below the scorecard
    diagram: bytes | None = None  # the candidate's diagram as read (diagrams, issue 15)
    link: str | None = None  # the scorecard's Review page (bot/review), as a link button

    def take_files(self) -> list[discord.File]:
        """Fresh file objects for one send (a discord.File is consumed by sending it)."""
        files = []
        if self.radar is not None:
            files.append(discord.File(io.BytesIO(self.radar), filename=RADAR_FILE))
        if self.members is not None:
            files.append(discord.File(io.BytesIO(self.members), filename=MEMBERS_FILE))
        if self.diagram is not None:
            files.append(discord.File(io.BytesIO(self.diagram), filename=DIAGRAM_FILE))
        return files


def outbound_messages(message: Outbound) -> list[OutMessage]:
    """An interviewer message as embeds of at most 4,096 characters, the clock in the footer."""
    title = _TITLES.get(message.kind, message.stage.label)
    pieces = split_text(message.text, DESCRIPTION_LIMIT)
    out = []
    for index, piece in enumerate(pieces):
        embed = discord.Embed(description=piece, colour=COLOUR)
        if index == 0:
            embed.title = clip(title, TITLE_LIMIT)
        if index == len(pieces) - 1:
            embed.set_footer(text=status_line(message))
        out.append(OutMessage([embed]))
    return out


def reply_messages(
    reply: Reply, title: str = "", review: CardReview | None = None
) -> list[OutMessage]:
    """Everything a reply says, in order; the buttons ride on its last interviewer message."""
    out: list[OutMessage] = []
    if reply.diagram is not None:
        out.append(diagram_message(reply.diagram))
    for message in reply.messages:
        if message.scorecard is not None:
            embed = scorecard_embed(message.scorecard, title)
            card = message.scorecard
            if review is not None and review.url is None:  # how to get the page
                room = DESCRIPTION_LIMIT - len(review.text) - 2
                embed.description = f"{clip(embed.description or '', room)}\n\n{review.text}"
            link = review.url if review is not None else None
            out.append(
                OutMessage([fit(embed)], radar(card, title), members=_members(card), link=link)
            )
            if card.diagram:
                final = fenced(clip(card.diagram, DESCRIPTION_LIMIT - 8))
                out.append(OutMessage([discord.Embed(description=final, colour=COLOUR)]))
        elif message.text.strip():
            out.extend(outbound_messages(message))
    if not reply.ended:
        for item in reversed(out):
            if item.radar is None and item.diagram is None:
                item.buttons = True
                break
    return out


def diagram_message(view: DiagramView) -> OutMessage:
    """The diagram as the interviewer read it: its text layout, its picture attached."""
    from bot.chat.diagram import diagram_png

    embed = discord.Embed(
        title=clip(view.title, TITLE_LIMIT),
        description=diagram_block(view, DESCRIPTION_LIMIT),
        colour=COLOUR,
    )
    try:
        png = diagram_png(view)
    except Exception:  # the title and text layout stand in for it, as on Slack
        log.exception("Discord: could not draw the diagram")
        return OutMessage([embed])
    embed.set_image(url=f"attachment://{DIAGRAM_FILE}")
    return OutMessage([embed], diagram=png)


def radar(card: Scorecard, title: str) -> bytes:
    """The scorecard's radar chart (matplotlib imported only when one is drawn)."""
    from bot.chat.charts import radar_png

    return radar_png(card, title)


def _members(card: Scorecard) -> bytes | None:
    """A design-along's per-member radars, names hidden: an image cannot mention anyone."""
    from bot.chat.charts import members_png

    if not card.contributors:
        return None
    return members_png(card, {c.author: f"member {i}" for i, c in enumerate(card.contributors, 1)})


def inert(text: str, limit: int | None = None) -> str:
    """Words that may be a member's, as Discord shows them typed: markdown and masked links
    (`[cache](https://evil.example)`) escaped, mentions broken; cut to `limit` characters."""
    if limit is not None:
        text = excerpt(text, limit)
    text = discord.utils.escape_mentions(discord.utils.escape_markdown(text))
    return text.replace("<@", "<\u200b@").replace("<#", "<\u200b#").replace("](", "]\u200b(")


def scorecard_embed(card: Scorecard, title: str = "") -> discord.Embed:
    """The scorecard: headline, one field per criterion, pitfalls, next steps, the chart.
    Everything a grader wrote may quote the candidate, so all of it is made inert."""
    lines = [f"**{headline(card)}**"]
    if card.pitfalls:
        lines.append("\n**Pitfalls seen**")
        lines += [
            f"• {p.id.value.replace('_', ' ').capitalize()}: {inert(p.detail, QUOTE_CHARS)}"
            for p in card.pitfalls
        ]
    if card.improvements:
        lines.append("\n**What to practise next**")
        lines += [f"• {inert(item)}" for item in card.improvements]
    lines += [f"_{inert(note)}_" for note in card.notes]
    embed = discord.Embed(
        title=clip(f"Scorecard · {title}" if title else "Scorecard", TITLE_LIMIT),
        description=clip("\n".join(lines), DESCRIPTION_LIMIT),
        colour=COLOUR,
    )
    for criterion in Criterion:
        score = card.criteria[criterion]
        value = inert(score.feedback) if score.feedback else "No comment."
        if score.evidence:
            value += f"\n> {inert(score.evidence[0], QUOTE_CHARS)}"
        # Full width, the score as a number: narrow inline columns of 400 characters read badly.
        embed.add_field(
            name=f"{criterion.label}: {score.score}/4  {score_bar(score.score)}",
            value=clip(value, FIELD_LIMIT),
            inline=False,
        )
    credits = credit_lines(card, label=inert)
    if credits:
        embed.add_field(name="Contributors", value=summarise(credits, FIELD_LIMIT), inline=False)
    embed.set_image(url=f"attachment://{RADAR_FILE}")
    embed.set_footer(text=f"{SIGNAL_LABELS[card.hire_signal]} · graded by {card.grader}")
    return fit(embed)


def fit(embed: discord.Embed) -> discord.Embed:
    """Trim the description (then field values) until the embed is within 6,000 characters."""
    excess = len(embed) - EMBED_TOTAL_LIMIT
    if excess > 0 and embed.description:
        embed.description = clip(embed.description, max(1, len(embed.description) - excess))
    index = 0
    while len(embed) > EMBED_TOTAL_LIMIT and index < len(embed.fields):
        field_ = embed.fields[index]
        embed.set_field_at(
            index, name=field_.name, value=clip(str(field_.value), 200), inline=bool(field_.inline)
        )
        index += 1
    return embed


def history_text(entries: Iterable[HistoryEntry], cmd: str = "/mockroom") -> str:
    """Past interviews and drill answers, one line each, numbered to open with `history N`."""
    lines = []
    for e in entries:
        score = f"{e.overall:.1f}/4" if e.overall is not None else "–"
        signal = (e.hire_signal or "").replace("_", " ")
        lines.append(
            f"**{e.number}.** {e.started_at:%Y-%m-%d} · `{e.question_id}` · {e.format} · "
            f"{e.status} · {score} {signal}".rstrip()
        )
    if not lines:
        return NO_INTERVIEWS
    return "\n".join([*lines, f"Open one with `{cmd} history number:N`."])


def questions_text(problems: Iterable[Problem]) -> str:
    """The question bank, one line each."""
    return "\n".join(f"`{p.id}` · {p.level} · {p.title}" for p in problems)


def pieces(text: str) -> list[str]:
    """Plain text split within a message's 2,000 characters."""
    return split_text(text, CONTENT_LIMIT)
