"""Channel settings on Slack, through the real slack-bolt against the fake Slack: a channel
manager's `/mockroom settings` opens a prefilled modal whose submission is checked and stored;
a bad field comes back as `response_action: errors`; others read the settings as text and
cannot change them; a start then uses the channel's default format and level, and a new
process reads the settings back."""

from __future__ import annotations

from typing import Any

from interviewer.core.rubric import Level
from interviewer.core.stages import Format
from interviewer.service import Who
from interviewer.settings.values import ChannelSettings, Visibility
from tests.bot.slack import payloads
from tests.bot.slack.conftest import ADA, BOB, CHANNEL, Factory, Harness
from tests.bot.slack.test_drills import last_note, make_admin, top_level
from tests.bot.slack.test_peers import PAIR_DM


def stored(slack: Harness) -> ChannelSettings:
    assert slack.container.channel_settings is not None
    return slack.container.channel_settings.stored("slack", CHANNEL)


def field(view: dict[str, Any], block_id: str) -> dict[str, Any]:
    element: dict[str, Any] = next(b for b in view["blocks"] if b["block_id"] == block_id)[
        "element"
    ]
    return element


async def open_modal(slack: Harness) -> dict[str, Any]:
    before = len(slack.fake.modals)
    await slack.command(ADA, CHANNEL, "settings")
    [opened] = slack.fake.modals[before:]
    view: dict[str, Any] = opened["view"]
    return view


async def submit(slack: Harness, user: str, view: dict[str, Any], **values: Any) -> dict[str, Any]:
    await slack.send("interactive", payloads.view_submission(user, view, values))
    return slack.acks[-1]


async def test_a_manager_edits_the_settings_in_a_modal(slack: Harness) -> None:
    make_admin(slack, ADA, "Ada")
    await slack.command(ADA, CHANNEL, "settings set level staff")
    assert "This channel's level is now staff." in last_note(slack, ADA)
    view = await open_modal(slack)
    assert view["callback_id"] == "mockroom_settings"
    assert (
        slack.fake.modals[-1]["trigger_id"]
        == slack.fake.calls_to("views.open")[-1].args["trigger_id"]
    )
    assert field(view, "level")["initial_option"]["value"] == "staff"  # prefilled
    assert field(view, "format")["initial_option"]["value"] == "default"
    assert "initial_value" not in field(view, "window")
    notes = len(slack.fake.ephemeral)

    ack = await submit(
        slack,
        ADA,
        view,
        window="36",
        **{"board-day": "fri", "board-hour": "17", "board": "private", "format": "drill"},
        topics=["rag", "gpu"],
    )
    assert "response_action" not in (ack.get("payload") or {})
    assert stored(slack) == ChannelSettings(
        window_hours=36.0,
        board_day=4,
        board_hour=17,
        board=Visibility.PRIVATE,
        fmt=Format.DRILL,
        level=Level.STAFF,
        topics=("rag", "gpu"),
    )
    assert len(slack.fake.ephemeral) == notes + 1
    assert last_note(slack, ADA).startswith("Settings saved.")
    again = await open_modal(slack)  # reopened: what was saved
    assert field(again, "window")["initial_value"] == "36"
    assert [o["value"] for o in field(again, "topics")["initial_options"]] == ["rag", "gpu"]


async def test_a_bad_field_comes_back_as_an_error_and_nothing_is_stored(slack: Harness) -> None:
    make_admin(slack, ADA, "Ada")
    view = await open_modal(slack)
    ack = await submit(slack, ADA, view, window="forever", format="drill")
    payload = ack["payload"]
    assert payload["response_action"] == "errors"
    assert list(payload["errors"]) == ["window"]
    assert "1 to 168" in payload["errors"]["window"]
    assert stored(slack) == ChannelSettings()


async def test_others_read_the_settings_and_cannot_change_them(slack: Harness) -> None:
    make_admin(slack, ADA, "Ada")
    view = await open_modal(slack)
    slack.fake.users[BOB] = {"profile": {"display_name": "Bob"}}
    await slack.command(BOB, CHANNEL, "settings")
    assert len(slack.fake.modals) == 1  # no modal for Bob
    shown = last_note(slack, BOB)
    assert "This channel's settings" in shown and "format: standard (default)" in shown
    await slack.command(BOB, CHANNEL, "settings set format drill")
    assert "Only people who may manage this channel" in last_note(slack, BOB)
    # a submission from someone who is not a manager (rights gone since it opened) is refused
    # in the modal itself: the ack carries the reason, before anything is stored
    ack = await submit(slack, BOB, view, format="drill")
    assert ack["payload"]["response_action"] == "errors"
    assert "Only people who may manage this channel" in ack["payload"]["errors"]["window"]
    assert stored(slack) == ChannelSettings()
    await slack.command(BOB, CHANNEL, "settings set colour red")
    assert "Unknown setting 'colour': use one of window" in last_note(slack, BOB)


async def test_a_replayed_submission_acts_once(slack: Harness) -> None:
    # Issue 22: a replay (with or without X-Slack-Retry-Num) saved again, and put the window
    # back from 10 to 5 after a manager had changed it.
    make_admin(slack, ADA, "Ada")
    view = await open_modal(slack)
    submission = payloads.view_submission(ADA, view, {"window": "5"})
    await slack.send("interactive", submission)
    assert stored(slack).window_hours == 5
    await slack.command(ADA, CHANNEL, "settings set window 10")
    notes = len(slack.fake.ephemeral)
    for retry in (1, 0):
        await slack.send("interactive", submission, retry_attempt=retry)
        assert "response_action" not in (slack.acks[-1].get("payload") or {})
    assert stored(slack).window_hours == 10
    assert len(slack.fake.ephemeral) == notes  # said once, with the first save


async def test_the_modal_closes_only_once_saved_and_says_when_it_was_not(
    slack: Harness,
) -> None:
    # Issue 22: with users.info slow the modal closed as saved and nothing was stored.
    make_admin(slack, ADA, "Ada")
    view = await open_modal(slack)
    # Bob is new to the app, so his rights come from users.info, which hangs:
    slack.fake.users[BOB] = {"is_admin": True, "profile": {"display_name": "Bob"}}
    slack.fake.delays["users.info"] = 5.0
    ack = await submit(slack, BOB, view, window="12")
    assert ack["payload"]["response_action"] == "errors"
    assert "nothing was saved" in ack["payload"]["errors"]["window"]
    assert stored(slack) == ChannelSettings()
    del slack.fake.delays["users.info"]
    ack = await submit(slack, BOB, view, window="12")  # Save again: stored, then closed
    assert "response_action" not in (ack.get("payload") or {})
    assert stored(slack).window_hours == 12


async def test_a_start_uses_the_channel_defaults_and_a_new_process_reads_them(
    harness_factory: Factory,
) -> None:
    first = await harness_factory()
    make_admin(first, ADA, "Ada")
    await first.command(ADA, CHANNEL, "settings set format drill")
    await first.command(ADA, CHANNEL, "settings set level mid")
    await first.runner.stop()
    first.container.close()

    second = await harness_factory()  # a new process on the same database
    await second.command(BOB, CHANNEL, "settings")
    assert "format: drill ·" in last_note(second, BOB) and "level: mid ·" in last_note(second, BOB)
    await second.command(BOB, CHANNEL, "start url-shortener")
    [parent] = top_level(second, "started a drill mock interview")
    assert "Design a URL shortener" in parent.shown
    running = await second.container.service.current_async(Who("slack", BOB, None))
    assert running is not None
    assert (running.state.format, running.state.level) == (Format.DRILL, Level.MID)
    # an explicit format still wins
    await second.command(ADA, CHANNEL, "start url-shortener extended")
    running = await second.container.service.current_async(Who("slack", ADA, None))
    assert running is not None and running.state.format is Format.EXTENDED
    assert running.state.level is Level.MID


async def test_an_expired_trigger_falls_back_to_the_text(slack: Harness) -> None:
    make_admin(slack, ADA, "Ada")
    slack.fake.fail("views.open", "expired_trigger_id")
    await slack.command(ADA, CHANNEL, "settings")
    assert slack.fake.modals == []
    assert "This channel's settings" in last_note(slack, ADA)


async def test_settings_are_refused_in_a_group_dm(slack: Harness) -> None:
    make_admin(slack, ADA, "Ada")
    await slack.command(ADA, PAIR_DM, "settings set window 5")
    assert last_note(slack, ADA) == "Settings belong to a channel: run this in the channel itself."
    assert slack.container.channel_settings is not None
    assert slack.container.channel_settings.stored("slack", PAIR_DM) == ChannelSettings()
