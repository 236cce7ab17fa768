"""A member's words echoed by the bot stay words on every platform (issue 22): Discord
scorecard embeds quoted answers raw (`[cache](https://evil.example)` became a disguised
link), and Slack re-posted a diagram label `<@U…>` as a live mention."""

from __future__ import annotations

from bot.chat.render import QUOTE_CHARS, fenced
from bot.discord.render import inert, scorecard_embed
from bot.slack.render import escape, scorecard_blocks
from interviewer.core.rubric import (
    Contribution,
    Criterion,
    CriterionScore,
    HireSignal,
    Pitfall,
    PitfallSeen,
    Scorecard,
)

LINK = "[cache](https://evil.example)"
HOSTILE = f"We add a {LINK} **now** <@U0EVIL> <!channel> @everyone <@123456789012345678> `x`"


def card() -> Scorecard:
    quote = HOSTILE + " and then " + "more words " * 100
    return Scorecard(
        criteria={c: CriterionScore(3, [quote], f"You said {HOSTILE}") for c in Criterion},
        overall=3.0,
        hire_signal=HireSignal.HIRE,
        pitfalls=[PitfallSeen(Pitfall.LOST_IN_DETAILS, f'You said "{HOSTILE}"')],
        improvements=[HOSTILE],
        notes=[HOSTILE],
        contributors=[Contribution("U1", 2, 3.0, [Criterion.SCALABILITY], drew=["<@U0EVIL>"])],
    )


def test_discord_embeds_show_links_mentions_and_markdown_as_typed() -> None:
    embed = scorecard_embed(card(), "t")
    shown = "\n".join([embed.description or "", *(f"{f.name}\n{f.value}" for f in embed.fields)])
    assert "](" not in shown.replace("]\u200b(", "")  # no masked link
    assert "<@U0EVIL>" not in shown and "<@1234" not in shown and "@everyone" not in shown
    assert "**now**" not in shown and "\\*\\*now\\*\\*" in shown
    for field in embed.fields[:7]:  # each criterion's quote is a short excerpt
        quote = str(field.value).split("\n> ", 1)[1]
        assert len(quote) <= 2 * QUOTE_CHARS  # escapes add backslashes, not words


def test_inert_keeps_the_words() -> None:
    assert "cache" in inert(LINK) and "evil.example" in inert(LINK)
    assert len(inert("word " * 1000, QUOTE_CHARS)) <= QUOTE_CHARS


def test_slack_scorecards_and_diagram_labels_mention_nobody() -> None:
    shown = str(scorecard_blocks(card(), "t", {"U1": "Ada"}))
    assert "<@U0EVIL>" not in shown and "<!channel>" not in shown
    assert "&lt;@U0EVIL&gt;" in shown  # the drawn box, as typed
    code = escape(fenced("client -> <@U0EVIL>\n``` <!here>"))
    assert "<@" not in code and "<!" not in code and code.count("```") == 2
