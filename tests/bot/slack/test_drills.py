"""Daily drills and leaderboards on Slack, end to end through the fake Slack and a fake clock.

The clock's sweeps are driven directly (ClockScheduler.sweep_drills / post_boards) with the
harness's FakeClock; everything else goes through Socket Mode envelopes and the Web API.
"""

from __future__ import annotations

import json
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import text

from bot.scheduler import ClockScheduler
from bot.slack.users import UserDirectory
from tests.bot.slack import payloads
from tests.bot.slack.conftest import ADA, BOB, CAROL, CHANNEL, Factory, Harness
from tests.bot.slack.fake_slack import TEAM, Posted

BERLIN = ZoneInfo("Europe/Berlin")
SUBSCRIBE = "drill subscribe 10:30 Europe/Berlin daily"
DRILL_AT = datetime(2026, 11, 25, 10, 30, tzinfo=BERLIN)  # the harness clock starts at 10:00 here
ANSWER = (
    "Clients hit a gateway with auth and rate limits; stateless API servers behind a load "
    "balancer, a Redis cache in front of sharded Postgres with read replicas, and a queue "
    "with workers for slow writes. Around 10k QPS at peak, p99 under 200 ms; we trade "
    "consistency for availability on reads and autoscale the workers on queue depth."
)


def clock_of(slack: Harness) -> ClockScheduler:
    """The scheduler `mockroom serve` runs, over this app's services and runner."""
    return ClockScheduler(slack.container.service, [slack.runner], drills=slack.container.drills)


def notes_to(slack: Harness, user: str, thread_ts: str | None = None) -> list[dict[str, object]]:
    """The ephemeral messages shown to one user (in one thread), oldest first."""
    return [
        e
        for e in slack.fake.ephemeral
        if e["user"] == user and (thread_ts is None or e.get("thread_ts") == thread_ts)
    ]


def last_note(slack: Harness, user: str) -> str:
    return str(notes_to(slack, user)[-1]["text"])


def count(slack: Harness, table: str) -> int:
    with slack.container.engine.connect() as connection:
        return int(connection.execute(text(f"SELECT count(*) FROM {table}")).scalar_one())


def top_level(slack: Harness, needle: str) -> list[Posted]:
    """The channel's top-level bot messages that show `needle`."""
    return [m for m in slack.fake.conversation(CHANNEL) if needle in m.shown]


def make_admin(slack: Harness, user: str, name: str) -> None:
    slack.fake.users[user] = {"is_admin": True, "profile": {"display_name": name}}


async def drill_with_answers(slack: Harness) -> str:
    """Ada (an admin) subscribes the channel; the drill posts; Ada and Bob answer. Its ts."""
    make_admin(slack, ADA, "Ada Lovelace")
    slack.fake.users[BOB] = {"profile": {"display_name": "Bob"}}
    await slack.command(ADA, CHANNEL, SUBSCRIBE)
    slack.clock.now = DRILL_AT
    assert await clock_of(slack).sweep_drills() == 1
    [parent] = top_level(slack, "Daily design drill")
    await slack.say(ADA, CHANNEL, ANSWER, thread_ts=parent.ts)
    await slack.say(BOB, CHANNEL, "Bob: " + ANSWER, thread_ts=parent.ts)
    return parent.ts


async def test_only_channel_managers_subscribe_and_the_lookup_is_cached(slack: Harness) -> None:
    await slack.command(BOB, CHANNEL, SUBSCRIBE)
    assert "Only people who may manage this channel" in last_note(slack, BOB)
    assert notes_to(slack, BOB)[-1]["channel"] == CHANNEL
    assert slack.container.drills is not None
    assert slack.container.drills.repo.subscriptions("slack", TEAM) == []

    slack.fake.users[ADA] = {"is_owner": True}
    await slack.command(ADA, CHANNEL, "drill subscribe 9.30 Mars/Base")
    bad = last_note(slack, ADA)
    assert "/mockroom drill subscribe 09:30 Europe/Berlin mon-fri" in bad  # an example to copy
    await slack.command(ADA, CHANNEL, SUBSCRIBE)
    assert "Daily drill subscribed: " in last_note(slack, ADA)
    assert "10:30 Europe/Berlin" in last_note(slack, ADA)
    [sub] = slack.container.drills.repo.subscriptions("slack", TEAM)  # the command's team_id
    assert sub.channel == CHANNEL

    await slack.command(BOB, CHANNEL, "drill list")
    assert CHANNEL in last_note(slack, BOB)
    asked = [c.args["user"] for c in slack.fake.calls_to("users.info")]
    assert sorted(asked) == [ADA, BOB]  # once per member: later commands use the cache
    assert slack.fake.messages == []  # every answer so far was private

    await slack.command(ADA, CHANNEL, "start url-shortener")  # not a drill: Slack is not asked
    assert len(slack.fake.calls_to("users.info")) == 2


async def test_named_admins_subscribe_and_a_failed_lookup_is_not_an_admin(
    harness_factory: Factory,
) -> None:
    slack = await harness_factory(drill_admins=[f"slack:{CAROL}"])
    make_admin(slack, ADA, "Ada")
    slack.fake.fail("users.info", "account_inactive")  # refused: not an admin, not remembered
    await slack.command(ADA, CHANNEL, SUBSCRIBE)
    assert "Only people who may manage this channel" in last_note(slack, ADA)
    await slack.command(ADA, CHANNEL, SUBSCRIBE)
    assert "Daily drill subscribed" in last_note(slack, ADA)

    await slack.command(CAROL, CHANNEL, "drill unsubscribe")  # named in MOCKROOM_DRILL_ADMINS
    assert "Only people" not in last_note(slack, CAROL)
    assert slack.container.drills is not None
    assert slack.container.drills.repo.subscriptions("slack", TEAM) == []


async def test_a_drill_posts_at_local_time_and_answers_are_scored_privately_once(
    slack: Harness,
) -> None:
    make_admin(slack, ADA, "Ada Lovelace")
    await slack.command(ADA, CHANNEL, SUBSCRIBE)
    sweeps = clock_of(slack)
    slack.clock.now = DRILL_AT - timedelta(seconds=1)
    assert await sweeps.sweep_drills() == 0
    slack.fake.rate_limit("chat.postMessage")  # a 429 on the drill post is waited out
    slack.clock.now = DRILL_AT
    assert await sweeps.sweep_drills() == 1
    assert await sweeps.sweep_drills() == 0
    [parent] = top_level(slack, "Daily design drill")
    assert "Answer in this thread by Thu 26 Nov 10:30 Europe/Berlin" in parent.shown
    assert slack.fake.calls_to("conversations.join")[-1].args["channel"] == CHANNEL
    assert len(slack.fake.calls_to("chat.postMessage")) == 2  # the 429, then the post

    body = await slack.say(ADA, CHANNEL, ANSWER, thread_ts=parent.ts)
    await slack.say(BOB, CHANNEL, "Bob: " + ANSWER, thread_ts=parent.ts)
    for user in (ADA, BOB):
        [note] = notes_to(slack, user, parent.ts)
        assert note["channel"] == CHANNEL and note["thread_ts"] == parent.ts
        assert str(note["text"]).startswith("*Drill scored: ") and "/4*" in str(note["text"])
        assert "drill streak 1 day" in str(note["text"])
    assert slack.fake.conversation(CHANNEL, parent.ts) == []  # scores never go in the thread

    await slack.send("events_api", body, retry_attempt=1)  # Slack's retry
    await slack.send("events_api", payloads.event_callback(body["event"], event_id="EvAGAIN"))
    assert len(notes_to(slack, ADA, parent.ts)) == 1
    assert count(slack, "drill_answer") == 2
    await slack.say(ADA, CHANNEL, "A second try", thread_ts=parent.ts)
    assert "only your first answer counts" in last_note(slack, ADA)
    assert count(slack, "drill_answer") == 2

    await slack.command(ADA, CHANNEL, "leaderboard show-me")
    assert "Your name now shows" in last_note(slack, ADA)
    slack.clock.now = DRILL_AT + timedelta(hours=24) - timedelta(seconds=1)
    await sweeps.sweep_drills()
    assert slack.fake.conversation(CHANNEL, parent.ts) == []
    slack.clock.now = DRILL_AT + timedelta(hours=24)
    await sweeps.sweep_drills()
    [recap] = slack.fake.conversation(CHANNEL, parent.ts)
    assert recap.shown.startswith("*Recap: ") and ": 2 answers, average " in recap.shown
    assert "1. Ada Lovelace, " in recap.shown  # she opted in; Bob did not
    assert "1 other member answered" in recap.shown and "Bob" not in recap.shown
    assert len(top_level(slack, "Daily design drill")) == 2  # and the next day's drill

    await slack.say(CAROL, CHANNEL, ANSWER, thread_ts=parent.ts)
    assert "This drill has closed" in last_note(slack, CAROL)


async def test_the_leaderboard_posts_with_its_chart_and_names_only_who_opted_in(
    slack: Harness,
) -> None:
    await drill_with_answers(slack)
    await slack.command(ADA, CHANNEL, "leaderboard show-me")
    await slack.command(BOB, CHANNEL, "leaderboard week")  # shown to Bob only
    assert top_level(slack, "Leaderboard, week of") == []
    assert "Leaderboard, week of 23 Nov 2026" in last_note(slack, BOB)
    await slack.command(BOB, CHANNEL, "leaderboard share week")  # Bob may not post it
    assert "Only people who may manage this channel" in last_note(slack, BOB)
    assert top_level(slack, "Leaderboard, week of") == []

    await slack.command(ADA, CHANNEL, "leaderboard share week")  # Ada is an admin
    [board] = top_level(slack, "Leaderboard, week of 23 Nov 2026")
    lines = board.shown.splitlines()
    assert any(line.startswith("1. ") for line in lines)
    assert any("Ada Lovelace: " in line and " pts" in line for line in lines)
    # a board in the channel has no viewer: Bob, hidden, is "a member" like anyone hidden
    assert any(". a member: " in line for line in lines) and not any(". you: " in x for x in lines)
    [complete] = slack.fake.calls_to("files.completeUploadExternal")
    assert complete.args["channel_id"] == CHANNEL
    [upload] = json.loads(complete.args["files"])
    assert upload["title"] == "Leaderboard, week of 23 Nov 2026"
    assert slack.fake.uploads[upload["id"]].startswith(b"\x89PNG\r\n\x1a\n")

    await slack.command(ADA, CHANNEL, "leaderboard hide-me")
    assert "Your name is hidden" in last_note(slack, ADA)
    await slack.command(ADA, CHANNEL, "leaderboard share")
    latest = top_level(slack, "Leaderboard, week of")[-1]
    assert latest is not board
    assert "Ada Lovelace" not in latest.shown and ". a member: " in latest.shown
    assert len(slack.fake.calls_to("files.completeUploadExternal")) == 2


async def test_the_weekly_board_posts_on_monday_morning_once(slack: Harness) -> None:
    await drill_with_answers(slack)
    sweeps = clock_of(slack)
    slack.clock.now = datetime(2026, 11, 30, 8, 59, tzinfo=BERLIN)
    assert await sweeps.post_boards() == 0
    slack.clock.now = datetime(2026, 11, 30, 9, 0, tzinfo=BERLIN)
    assert await sweeps.post_boards() == 1
    assert await sweeps.post_boards() == 0
    [weekly] = top_level(slack, "Last week's")
    assert "Leaderboard, week of 23 Nov 2026" in weekly.shown and weekly.thread_ts is None
    [complete] = slack.fake.calls_to("files.completeUploadExternal")
    assert complete.args["channel_id"] == CHANNEL


async def test_app_home_shows_the_standing_and_the_board_once_drills_exist(
    slack: Harness,
) -> None:
    await slack.send("events_api", payloads.event_callback(payloads.home_opened(ADA)))
    before = json.dumps(slack.fake.views[-1]["view"])
    assert "Your standing" not in before and "Team leaderboard" not in before

    await drill_with_answers(slack)
    await slack.send("events_api", payloads.event_callback(payloads.home_opened(ADA)))
    home = slack.fake.views[-1]
    assert home["user_id"] == ADA
    shown = json.dumps(home["view"])
    assert "*Your standing*: #" in shown and "drill streak 1 day" in shown
    assert "Scalability: " in shown and "Clarity of thought: " in shown  # trend per criterion
    assert "Team leaderboard" in shown and "Leaderboard, week of 23 Nov 2026" in shown
    assert "1. you: " in shown or "2. you: " in shown  # her own row, named for her only


async def test_users_info_is_cached_for_a_few_minutes_and_read_for_a_name(slack: Harness) -> None:
    now = [0.0]
    users = UserDirectory(slack.runner.outbox.client, ttl=300, clock=lambda: now[0])
    slack.fake.users[CAROL] = {"is_primary_owner": True, "profile": {"real_name": "Carol C"}}
    first = await users.lookup(CAROL)
    assert first is not None and first.is_admin and first.name == "Carol C"
    now[0] = 299.0
    assert await users.is_admin(CAROL)
    assert len(slack.fake.calls_to("users.info")) == 1
    slack.fake.users[CAROL] = {}  # no longer an owner: seen once the cache entry expires
    now[0] = 300.0
    assert not await users.is_admin(CAROL)
    assert len(slack.fake.calls_to("users.info")) == 2
