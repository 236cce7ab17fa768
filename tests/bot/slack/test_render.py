"""Block Kit within Slack's limits, conversation keys, and the app manifest."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from bot.chat.controller import Place, PlaceKind
from bot.slack.places import message_place, place_of, split_key, thread_key
from bot.slack.render import (
    ACTION_IDS,
    MAX_BLOCKS,
    history_blocks,
    home_view,
    interviewer_blocks,
    questions_blocks,
    scorecard_blocks,
)
from interviewer.bank import load_bank
from interviewer.core.rubric import (
    Contribution,
    Criterion,
    CriterionScore,
    HireSignal,
    Pitfall,
    PitfallSeen,
    Scorecard,
)
from interviewer.core.stages import Stage
from interviewer.core.transcript import TurnKind
from interviewer.service import Outbound
from tests.bot.slack.fake_slack import block_errors

MANIFEST = Path(__file__).parents[3] / "bot" / "slack" / "manifest.yaml"


def texts(blocks: list[dict[str, object]]) -> str:
    """The section texts joined."""
    return "".join(str(b["text"]["text"]) for b in blocks if b["type"] == "section")  # type: ignore[index]


def test_a_long_message_is_split_into_valid_messages_without_losing_words() -> None:
    words = [f"word{i}" for i in range(40_000)]
    text = " ".join(words)
    message = Outbound(TurnKind.FOLLOW_UP, text, Stage.DEEP_DIVE, 600, 1200)
    pages = interviewer_blocks(message, 7, controls=True)
    assert len(pages) > 1
    for page in pages:
        assert block_errors(page) == [] and len(page) <= MAX_BLOCKS
    flat = [b for page in pages for b in page]
    assert texts(flat).replace(" ", "") == text.replace(" ", "")
    assert flat[-1]["type"] == "actions"  # the buttons come once, at the end
    assert [e["action_id"] for e in flat[-1]["elements"]] == list(ACTION_IDS.values())
    assert "Deep dive · 10:00 left in stage · 20:00 overall" in str(flat[-2])


def test_words_are_shown_as_written_not_read_as_markup() -> None:
    message = Outbound(TurnKind.FOLLOW_UP, "p99 < 200 ms & <@U1> -> ok?", Stage.CLARIFY)
    [page] = interviewer_blocks(message, 1, controls=False)
    assert page[0]["text"]["text"] == "p99 &lt; 200 ms &amp; &lt;@U1&gt; -&gt; ok?"


def big_card() -> Scorecard:
    """A scorecard with far more words than fit."""
    long = "Explained the GPU pool sizing with numbers. " * 200
    return Scorecard(
        criteria={c: CriterionScore(3, [long[:500]] * 6, long) for c in Criterion},
        overall=3.1,
        hire_signal=HireSignal.HIRE,
        pitfalls=[PitfallSeen(Pitfall.LOST_IN_DETAILS, long)] * 5,
        improvements=[long[:300]] * 40,
        notes=["n" * 5000],
    )


def test_the_scorecard_fits_in_one_message() -> None:
    card = big_card()
    card.contributors = [
        Contribution(f"U0{i:04d}", 50 - i, 3.0, [Criterion.SCALABILITY]) for i in range(30)
    ]
    names = {f"U0{i:04d}": f"Member {i}" for i in range(30)}
    blocks = scorecard_blocks(card, "Design a chatbot API " * 20, names)
    assert block_errors(blocks) == []
    shown = str(blocks)
    assert "Overall 3.1/4 · Hire" in shown and "Hire signal: *Hire*" in shown
    for criterion in Criterion:
        assert f"*{criterion.label}*  ●●●○  3/4" in shown
    assert "> Explained the GPU pool" in shown
    assert "*Pitfalls*" in shown and "*What to practise*" in shown
    assert "Member 0: 3.0/4 on 50 messages; strongest: scalability" in shown
    assert "<@" not in shown  # credits never ping


def test_long_credit_lists_are_summarised_without_cutting_a_name() -> None:
    card = big_card()
    card.contributors = [
        Contribution(f"U0{i:04d}", 3, 3.0, [Criterion.SCALABILITY]) for i in range(200)
    ]
    names = {f"U0{i:04d}": f"Member {i}" for i in range(200)}
    [credits] = [b for b in scorecard_blocks(card, "t", names) if "contributors" in str(b)]
    text = credits["elements"][0]["text"]
    assert len(text) <= 3000 and text.rstrip().endswith("more")
    *whole, ending = text.removeprefix("Design-along contributors: ").split(" · ")
    assert all(part.startswith("Member ") and part.endswith("scalability") for part in whole)
    shown = len(whole)
    assert ending == f"…and {200 - shown} more"


def test_lists_and_home_are_valid_blocks() -> None:
    bank = load_bank()
    assert block_errors(questions_blocks(bank.problems.values())) == []
    assert "`model-serving`" in str(questions_blocks(bank.problems.values()))
    assert "No interviews yet" in str(history_blocks([], {}))
    view = home_view([], {}, leaderboard=["1. <@U1> 3.4/4"])
    assert block_errors(view["blocks"]) == [] and "Team leaderboard" in str(view)


@pytest.mark.parametrize(
    ("event", "place"),
    [
        ({"channel": "D1", "channel_type": "im", "ts": "1.0"}, Place(PlaceKind.DM, "D1")),
        (
            {"channel": "D1", "channel_type": "im", "ts": "2.0", "thread_ts": "1.0"},
            Place(PlaceKind.DM, "D1"),
        ),
        ({"channel": "C1", "channel_type": "channel", "ts": "1.0"}, Place(PlaceKind.CHANNEL, "C1")),
        (
            {"channel": "C1", "channel_type": "channel", "ts": "2.0", "thread_ts": "1.0"},
            Place(PlaceKind.THREAD, "C1:1.0"),
        ),
        (
            {"channel": "C1", "channel_type": "channel", "ts": "1.0", "thread_ts": "1.0"},
            Place(PlaceKind.CHANNEL, "C1"),  # the thread's parent itself
        ),
        (
            {"channel": "G1", "channel_type": "group", "ts": "2.0", "thread_ts": "1.0"},
            Place(PlaceKind.THREAD, "G1:1.0"),
        ),
    ],
)
def test_message_places(event: dict[str, str], place: Place) -> None:
    assert message_place(event) == place


def test_conversation_keys_round_trip() -> None:
    assert split_key(thread_key("C1", "1700.01")) == ("C1", "1700.01")
    assert split_key("D1") == ("D1", None)
    assert place_of("C1", "1700.01", "1700.02") == Place(PlaceKind.THREAD, "C1:1700.01")


def test_the_manifest_declares_what_the_app_uses() -> None:
    manifest = yaml.safe_load(MANIFEST.read_text(encoding="utf-8"))
    features = manifest["features"]
    assert [c["command"] for c in features["slash_commands"]] == ["/mockroom"]
    assert features["app_home"]["home_tab_enabled"] is True
    scopes = set(manifest["oauth_config"]["scopes"]["bot"])
    needed = {"commands", "chat:write", "im:history", "im:write", "files:write"}
    needed |= {"channels:history", "channels:join", "groups:history", "mpim:write"}
    assert needed <= scopes
    settings = manifest["settings"]
    events = set(settings["event_subscriptions"]["bot_events"])
    assert {"message.im", "message.channels", "app_home_opened"} <= events
    assert settings["interactivity"]["is_enabled"] is True
    assert settings["socket_mode_enabled"] is True
