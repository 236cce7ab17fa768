"""Embeds within Discord's limits, and the measured pace of streaming edits."""

from __future__ import annotations

from bot.chat.grammar import usage
from bot.discord.commands import DISCORD_HELP, NO_CONTENT_HELP
from bot.discord.render import (
    CONTENT_LIMIT,
    DESCRIPTION_LIMIT,
    EMBED_TOTAL_LIMIT,
    FIELD_LIMIT,
    outbound_messages,
    reply_messages,
    scorecard_embed,
)
from bot.discord.stream import StreamEditor, preview
from interviewer.core.rubric import (
    Contribution,
    Criterion,
    CriterionScore,
    HireSignal,
    Scorecard,
)
from interviewer.core.stages import Stage
from interviewer.core.transcript import TurnKind
from interviewer.service import Outbound, Reply


def test_a_long_message_splits_into_embeds_within_the_limits() -> None:
    text = ("Let us look at the batching layer in more depth. " * 200).strip()
    out = outbound_messages(Outbound(TurnKind.FOLLOW_UP, text, Stage.DEEP_DIVE, 300, 1200))
    assert len(out) == 3
    for message in out:
        (embed,) = message.embeds
        assert len(embed.description or "") <= DESCRIPTION_LIMIT
        assert len(embed) <= EMBED_TOTAL_LIMIT
    assert out[0].embeds[0].title == "Deep dive" and out[1].embeds[0].title is None
    assert out[-1].embeds[0].footer.text == "Deep dive · 5:00 left in stage · 20:00 overall"


def test_an_oversized_scorecard_is_trimmed_to_the_embed_limits() -> None:
    words = "evidence " * 400
    card = Scorecard(
        criteria={c: CriterionScore(3, [words], words) for c in Criterion},
        overall=3.0,
        hire_signal=HireSignal.HIRE,
        improvements=[words] * 5,
        contributors=[
            Contribution("11", 2, 3.2, [Criterion.SCALABILITY, Criterion.RELIABILITY]),
            Contribution("12", 1, 1.0, []),
        ],
    )
    embed = scorecard_embed(card, "A URL shortener")
    assert len(embed) <= EMBED_TOTAL_LIMIT
    assert all(len(str(f.value)) <= FIELD_LIMIT for f in embed.fields)
    assert embed.fields[-1].name == "Contributors"
    assert embed.fields[-1].value == (
        "<@11>: 3.2/4 on 2 messages; strongest: scalability, reliability & fault tolerance\n"
        "<@12>: 1.0/4 on 1 message; strongest: no area at 3/4 yet"
    )


def test_a_scorecard_reads_full_width_and_long_credits_keep_whole_mentions() -> None:
    card = Scorecard(
        criteria={
            c: CriterionScore(2 + (i % 3), ["a quote"], "feedback") for i, c in enumerate(Criterion)
        },
        overall=3.0,
        hire_signal=HireSignal.HIRE,
        contributors=[
            Contribution(str(10**17 + i), 3, 3.0, [Criterion.SCALABILITY]) for i in range(40)
        ],
    )
    embed = scorecard_embed(card, "A URL shortener")
    criteria = embed.fields[:7]
    assert not any(f.inline for f in embed.fields)  # no narrow columns of three
    for criterion, field_ in zip(Criterion, criteria, strict=True):
        score = card.criteria[criterion].score
        assert str(field_.name).startswith(f"{criterion.label}: {score}/4")
    credits = str(embed.fields[-1].value).splitlines()
    assert len("\n".join(credits)) <= FIELD_LIMIT
    *whole, ending = credits
    assert all(line.startswith("<@") and line.endswith("scalability") for line in whole)
    assert ending == f"…and {40 - len(whole)} more"


def test_buttons_ride_on_the_last_message_until_the_end() -> None:
    say = Outbound(TurnKind.FOLLOW_UP, "Which store?", Stage.DEEP_DIVE, 60, 600)
    running = reply_messages(Reply(1, "q", [say, say]))
    assert [m.buttons for m in running] == [False, True]
    ended = reply_messages(Reply(1, "q", [say], ended=True))
    assert [m.buttons for m in ended] == [False]


class RecordingChannel:
    """A messageable that records sends and edits (a hand-written fake of discord.py)."""

    def __init__(self) -> None:
        self.sent: list[str] = []
        self.edits: list[str] = []

    async def send(self, content: str) -> RecordingChannel:
        self.sent.append(content)
        return self  # stands in for the sent message too

    async def edit(self, *, content: str) -> RecordingChannel:
        self.edits.append(content)
        return self


async def test_streaming_edits_at_most_once_per_interval() -> None:
    now = [0.0]
    channel = RecordingChannel()
    stream = StreamEditor(channel, interval=1.0, clock=lambda: now[0])  # type: ignore[arg-type]
    for _ in range(100):  # 100 tokens over 5 seconds
        await stream.push("token ")
        now[0] += 0.05
    assert len(channel.sent) == 1
    assert 4 <= len(channel.edits) <= 5
    assert channel.edits[-1].startswith("token token")


def test_a_long_preview_keeps_its_tail_within_a_message() -> None:
    shown = preview("x" * 5000 + "the end")
    assert len(shown) <= CONTENT_LIMIT and shown.endswith("the end ▌")


def test_the_whole_help_fits_one_discord_message() -> None:
    # The longest help a member can get: the shared list, the buttons note and, without the
    # Message Content intent, the mention note with a 32-character bot name.
    longest = usage("/mockroom", "**") + DISCORD_HELP + NO_CONTENT_HELP.format(name="n" * 32)
    assert len(longest) <= CONTENT_LIMIT
