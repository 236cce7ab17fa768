"""Daily drills and leaderboards end to end through the fake Discord, on a controlled clock."""

from __future__ import annotations

from datetime import UTC, datetime
from functools import partial
from typing import Any

import pytest

from bot.bootstrap import Container
from bot.discord.drills import markup
from bot.discord.runner import DiscordRunner
from bot.discord.subcommands import subscribe_text
from bot.discord.syntax import discord_syntax
from bot.scheduler import ClockScheduler
from interviewer.drills.ports import DrillAnswer
from interviewer.outbox import POST_LEASE
from tests.bot.discord import payloads
from tests.bot.discord.conftest import ADA, BOB, CYD, StartBot
from tests.bot.discord.fake_discord import FakeDiscord, Interaction
from tests.bot.discord.fake_gateway import RESUME
from tests.bot.discord.test_dm import done
from tests.clock import FakeClock
from tests.support import wait_until

CHANNEL = payloads.TEXT_CHANNEL_ID
PNG = b"\x89PNG\r\n\x1a\n"
BOB_ANSWER = (
    "Stateless API servers behind a load balancer; a key-value store sharded by key with "
    "replicas; a Redis cache for hot reads, because reads outnumber writes 100 to 1. "
    "Trade-off: eventual consistency on the replicas for lower latency. "
    "Every request is authenticated, so one user never sees another user's data."
)
CYD_ANSWER = "One big database server. It will be fine."
ADA_ANSWER = "API servers behind a load balancer, a database with replicas and a cache for reads."


async def private_note(record: Interaction) -> str:
    """The text of a private (ephemeral) answer to a slash command."""
    original = await wait_until(lambda: done(record), "the private answer")
    assert original["flags"] & payloads.EPHEMERAL
    return str(original["content"])


async def subscribe(fake: FakeDiscord, who: dict[str, Any] = ADA, **options: Any) -> str:
    """`/mockroom drill subscribe` in the text channel (by a manager unless told otherwise)."""
    return await private_note(await fake.slash(who, CHANNEL, "drill subscribe", **options))


async def posted_drill(
    fake: FakeDiscord, container: Container, clock: FakeClock, runner: DiscordRunner
) -> tuple[ClockScheduler, str]:
    """A drill at 09:30 Berlin on Wednesdays, posted by the clock; the scheduler and thread."""
    note = await subscribe(fake, time="09:30", timezone="Europe/Berlin", weekdays="wed")
    assert "subscribed" in note
    scheduler = ClockScheduler(container.service, [runner], drills=container.drills)
    clock.now = datetime(2026, 12, 2, 8, 30, tzinfo=UTC)  # Wed 09:30 in Berlin (UTC+1)
    assert await scheduler.sweep_drills() == 1
    (thread,) = fake.threads()
    return scheduler, str(thread["id"])


async def board(fake: FakeDiscord, who: dict[str, Any], view: str) -> dict[str, Any]:
    """`/mockroom leaderboard view:<view>`: the private response once finished."""
    record = await fake.slash(who, CHANNEL, "leaderboard", view=view)
    original: dict[str, Any] = await wait_until(lambda: done(record), "the leaderboard")
    assert original["flags"] & payloads.EPHEMERAL
    return original


def dm_texts(fake: FakeDiscord, user: dict[str, Any]) -> list[str]:
    return [m["content"] for m in fake.dms_to(user)]


async def test_only_channel_managers_subscribe_and_mistakes_get_an_example(
    fake: FakeDiscord, start_bot: StartBot, container: Container
) -> None:
    await start_bot()
    refused = await subscribe(
        fake, BOB, permissions=payloads.MEMBER_PERMISSIONS, time="09:30", timezone="UTC"
    )
    assert "Manage Channels" in refused
    assert container.drills is not None and container.drills.repo.subscriptions() == []

    wrong = await subscribe(fake, time="9.30", timezone="Mars/Base")
    assert "/mockroom drill subscribe 09:30 Europe/Berlin mon-fri" in wrong
    assert container.drills.repo.subscriptions() == []

    done_note = await subscribe(
        fake, time="09:30", timezone="Europe/Berlin", weekdays="mon - fri", topic="senior"
    )
    assert "Daily drill on senior subscribed" in done_note and "09:30 Europe/Berlin" in done_note
    (sub,) = container.drills.repo.subscriptions()
    assert (sub.platform, sub.workspace, sub.channel) == ("discord", payloads.GUILD_ID, CHANNEL)
    assert sub.schedule.weekdays == frozenset(range(5)) and sub.created_by == ADA["id"]

    listed = await private_note(await fake.slash(BOB, CHANNEL, "drill list"))
    assert f"• <#{CHANNEL}>: 09:30 Europe/Berlin" in listed and "senior" in listed
    in_dm = await private_note(await fake.slash(BOB, fake.dm_channel(BOB), "drill list"))
    assert "belong to a server" in in_dm
    kept = await private_note(
        await fake.slash(BOB, CHANNEL, "drill unsubscribe", permissions=payloads.MEMBER_PERMISSIONS)
    )
    assert "Manage Channels" in kept and len(container.drills.repo.subscriptions()) == 1
    ended = await private_note(await fake.slash(ADA, CHANNEL, "drill unsubscribe"))
    assert "unsubscribed" in ended and container.drills.repo.subscriptions() == []
    assert fake.by_bot(CHANNEL) == []  # every answer was ephemeral


async def test_a_drill_posts_at_local_time_and_scores_arrive_by_dm_once(
    fake: FakeDiscord, start_bot: StartBot, container: Container, clock: FakeClock
) -> None:
    runner = await start_bot()
    await subscribe(fake, time="09:30", timezone="Europe/Berlin", weekdays="wed")
    scheduler = ClockScheduler(container.service, [runner], drills=container.drills)
    clock.now = datetime(2026, 12, 2, 8, 29, tzinfo=UTC)  # 09:29 in Berlin
    assert await scheduler.sweep_drills() == 0 and fake.by_bot(CHANNEL) == []
    clock.advance(minutes=1)
    assert await scheduler.sweep_drills() == 1

    (parent,) = fake.by_bot(CHANNEL)
    assert parent["content"].startswith("**Daily design drill: ")
    assert fake.calls_to("POST", rf"/channels/{CHANNEL}/messages/{parent['id']}/threads")
    (thread,) = fake.threads()
    assert thread["id"] == parent["id"] and thread["name"].startswith("Daily design drill: ")
    thread_id = str(thread["id"])

    said = await fake.say(thread_id, BOB, BOB_ANSWER)
    seq_of_bob = fake.gateway.last_seq
    cyd = await fake.say(thread_id, CYD, CYD_ANSWER)
    bob_dm = await wait_until(lambda: dm_texts(fake, BOB), "Bob's score by DM")
    cyd_dm = await wait_until(lambda: dm_texts(fake, CYD), "Cyd's score by DM")
    for (note,) in (bob_dm, cyd_dm):
        assert note.startswith("**Drill scored: ") and "/4**" in note and "points" in note
    opened = [str(c.body["recipient_id"]) for c in fake.calls_to("POST", r"/users/@me/channels")]
    assert sorted(opened) == sorted([BOB["id"], CYD["id"]])
    assert fake.by_bot(thread_id) == []  # no score in the thread

    # The gateway drops; the resume replays Bob's answer: not graded again, nothing said.
    fake.gateway.replay_from = seq_of_bob - 1
    await fake.gateway.drop(4000)
    await wait_until(lambda: fake.gateway.ops(RESUME) == 1, "the RESUME")
    # A later, different message from Bob: a sync point after the replay, and a polite no.
    await fake.say(thread_id, BOB, "Also: a CDN in front for static assets.")
    (second,) = await wait_until(lambda: dm_texts(fake, BOB)[1:], "the note on a second answer")
    assert second.startswith("You already answered this drill (")
    assert "only your first answer counts" in second
    answers = answers_in(container, thread_id)
    assert [(a.user_id, a.event_key) for a in answers] == [(BOB["id"], said), (CYD["id"], cyd)]
    assert all(a.overall is not None for a in answers)
    assert len(dm_texts(fake, BOB)) == 2 and len(dm_texts(fake, CYD)) == 1
    assert fake.by_bot(thread_id) == []


def answers_in(container: Container, thread_id: str) -> list[DrillAnswer]:
    """The graded answers of the drill posted in a thread, by member id."""
    assert container.drills is not None
    post = container.drills.repo.post_by_thread("discord", thread_id)
    assert post is not None
    return sorted(container.drills.repo.answers(post.id), key=lambda a: a.user_id)


async def test_a_member_who_takes_no_dms_is_told_in_the_thread_without_the_score(
    fake: FakeDiscord, start_bot: StartBot, container: Container, clock: FakeClock
) -> None:
    runner = await start_bot()
    _, thread_id = await posted_drill(fake, container, clock, runner)
    fake.dms_closed.add(BOB["id"])
    await fake.say(thread_id, BOB, BOB_ANSWER)
    (pointer,) = await wait_until(lambda: fake.by_bot(thread_id), "the pointer in the thread")
    assert pointer["content"].startswith(f"<@{BOB['id']}> I could not send you your drill score")
    assert "/4" not in pointer["content"]
    statuses = [c.status for c in fake.calls_to("POST", r"/channels/\d+/messages")]
    assert statuses[-2:] == [403, 200]  # the DM refused, then the pointer
    sent = fake.calls_to("POST", rf"/channels/{thread_id}/messages")[-1].body or {}
    assert [str(u) for u in sent["allowed_mentions"]["users"]] == [
        BOB["id"]
    ]  # so the mention notifies Bob
    assert len(answers_in(container, thread_id)) == 1  # the answer still counts


async def test_the_recap_comes_at_the_window_end(
    fake: FakeDiscord, start_bot: StartBot, container: Container, clock: FakeClock
) -> None:
    runner = await start_bot()
    scheduler, thread_id = await posted_drill(fake, container, clock, runner)
    await fake.slash(BOB, CHANNEL, "leaderboard", view="show-me")
    for who, text in ((BOB, BOB_ANSWER), (CYD, CYD_ANSWER)):
        await fake.say(thread_id, who, text)
        await wait_until(partial(dm_texts, fake, who), f"{who['username']}'s score")

    clock.advance(minutes=24 * 60 - 1)
    assert await scheduler.sweep_drills() == 0 and fake.by_bot(thread_id) == []
    clock.advance(minutes=1)
    assert await scheduler.sweep_drills() == 1
    (recap,) = fake.by_bot(thread_id)
    text = recap["content"]
    assert text.startswith("**Recap: ") and "2 answers" in text
    assert "1. Bob, " in text and BOB_ANSWER[:40] in text  # Bob opted in
    assert CYD_ANSWER not in text and "1 other member answered" in text
    assert "The next drill: Wed 9 Dec 09:30 Europe/Berlin" in text
    assert await scheduler.sweep_drills() == 0  # once


async def test_the_leaderboard_shows_the_chart_your_standing_and_chosen_names(
    fake: FakeDiscord, start_bot: StartBot, container: Container, clock: FakeClock
) -> None:
    runner = await start_bot()
    _, thread_id = await posted_drill(fake, container, clock, runner)
    for who, text in ((BOB, BOB_ANSWER), (ADA, ADA_ANSWER)):
        await fake.say(thread_id, who, text)
        await wait_until(partial(dm_texts, fake, who), f"{who['username']}'s score")

    shown = await board(fake, ADA, "week")
    (embed,) = shown["embeds"]
    assert embed["title"] == "Leaderboard, week of 30 Nov 2026"
    rows = [line for line in embed["description"].splitlines() if line[:1].isdigit()]
    assert len(rows) == 2  # names hidden; shown only to Ada, her own row is hers
    assert rows[0].startswith("1. a member: ") and rows[1].startswith("2. you: ")
    assert embed["image"]["url"] == "attachment://leaderboard.png"
    assert [a["filename"] for a in shown["attachments"]] == ["leaderboard.png"]
    (standing,) = [f for f in embed["fields"] if f["name"] == "Your standing"]
    assert "#2 this week" in standing["value"] and "drill streak 1 day" in standing["value"]
    assert "Scalability: " in standing["value"]  # the trend per criterion
    (edit,) = [
        c for c in fake.calls_to("PATCH", r"/webhooks/\d+/[^/]+/messages/@original") if c.files
    ]
    assert edit.uploads["leaderboard.png"].startswith(PNG)
    assert fake.by_bot(CHANNEL)[1:] == []  # only the drill itself is public

    assert "now shows" in await private_note(
        await fake.slash(BOB, CHANNEL, "leaderboard", view="show-me")
    )
    rows = (await board(fake, ADA, "all"))["embeds"][0]["description"]
    assert "1. Bob: " in rows and "2. you: " in rows  # Ada sees her own row as hers
    assert "hidden" in await private_note(
        await fake.slash(BOB, CHANNEL, "leaderboard", view="hide-me")
    )
    rows = (await board(fake, ADA, "week"))["embeds"][0]["description"]
    assert "Bob" not in rows and "1. a member: " in rows

    me = await private_note(await fake.slash(BOB, CHANNEL, "leaderboard", view="me"))
    assert me.startswith("**Your standing**: #1 this week")


async def test_the_weekly_board_is_posted_on_monday_morning(
    fake: FakeDiscord, start_bot: StartBot, container: Container, clock: FakeClock
) -> None:
    runner = await start_bot()
    scheduler, thread_id = await posted_drill(fake, container, clock, runner)
    await fake.say(thread_id, BOB, BOB_ANSWER)
    await wait_until(lambda: dm_texts(fake, BOB), "Bob's score")
    before = len(fake.by_bot(CHANNEL))

    clock.now = datetime(2026, 12, 7, 7, 59, tzinfo=UTC)  # Mon 08:59 in Berlin
    assert await scheduler.post_boards() == 0
    clock.advance(minutes=1)
    assert await scheduler.post_boards() == 1
    (posted,) = fake.by_bot(CHANNEL)[before:]
    (embed,) = posted["embeds"]
    assert embed["title"] == "Last week's Leaderboard, week of 30 Nov 2026"
    assert "1. a member: " in embed["description"]  # nobody is "you" on a public board
    assert [a["filename"] for a in posted["attachments"]] == ["leaderboard.png"]
    call = fake.calls_to("POST", rf"/channels/{CHANNEL}/messages")[-1]
    assert call.uploads["leaderboard.png"].startswith(PNG)
    assert await scheduler.post_boards() == 0  # once a week


async def test_time_zones_autocomplete(fake: FakeDiscord, start_bot: StartBot) -> None:
    await start_bot()
    asked = await fake.autocomplete(ADA, CHANNEL, "drill subscribe", "timezone", "new york")
    await wait_until(lambda: asked.callbacks, "the choices")
    assert [c["value"] for c in asked.callbacks[0]["data"]["choices"]] == ["America/New_York"]
    empty = await fake.autocomplete(ADA, CHANNEL, "drill subscribe", "timezone", "")
    await wait_until(lambda: empty.callbacks, "the common zones")
    values = [c["value"] for c in empty.callbacks[0]["data"]["choices"]]
    assert "Europe/Berlin" in values and 1 < len(values) <= 25


async def test_a_member_named_in_drill_admins_may_subscribe_without_manage_channels(
    fake: FakeDiscord, start_bot: StartBot, container: Container
) -> None:
    assert container.drills is not None
    container.drills.admins = frozenset({f"discord:{CYD['id']}"})  # MOCKROOM_DRILL_ADMINS
    await start_bot()
    note = await subscribe(
        fake, CYD, permissions=payloads.MEMBER_PERMISSIONS, time="07:00", timezone="Asia/Tokyo"
    )
    assert "subscribed" in note and "07:00 Asia/Tokyo" in note
    (sub,) = container.drills.repo.subscriptions()
    assert sub.created_by == CYD["id"]


def test_drill_texts_become_discord_markup() -> None:
    assert markup("*Recap: URL shortener*: 2 answer(s), 3 * 4 = 12, a*b*c") == (
        "**Recap: URL shortener**: 2 answer(s), 3 * 4 = 12, a*b*c"
    )
    assert markup("already **bold** stays") == "already **bold** stays"
    assert subscribe_text(" 09:30", "Europe/Berlin ", "mon, wed", None) == (
        "drill subscribe 09:30 Europe/Berlin mon,wed"
    )


async def test_server_commands_in_a_dm_say_which_and_use_discord_syntax(
    fake: FakeDiscord, start_bot: StartBot
) -> None:
    await start_bot()
    dm = fake.dm_channel(BOB)
    said = {
        name: await private_note(await fake.slash(BOB, dm, name, **options))
        for name, options in (("pair", {}), ("remind", {}), ("leaderboard", {"view": "all"}))
    }
    assert said["pair"] == (
        "Peer mocks are paired in a server's channel: run `/mockroom pair action:join` in one "
        "of its channels."
    )
    assert said["remind"].startswith("Streak reminders follow a server's daily drills: run ")
    assert said["leaderboard"].startswith("Leaderboards belong to a server: each server has ")
    assert "`/mockroom leaderboard view:all`" in said["leaderboard"]
    reminded = await private_note(await fake.slash(BOB, CHANNEL, "remind"))
    assert "`/mockroom remind action:snooze days:3`" in reminded  # not Slack's words


def test_commands_in_texts_take_discords_options() -> None:
    assert discord_syntax("`/mockroom pair weekly mon 18:00 Europe/Berlin`") == (
        "`/mockroom pair action:weekly day:mon time:18:00 timezone:Europe/Berlin`"
    )
    assert discord_syntax("`/mockroom leaderboard share all`") == (
        "`/mockroom leaderboard view:all share:True`"
    )
    assert discord_syntax("`/mockroom remind [on|off|snooze DAYS]`") == (
        "`/mockroom remind [on|off|snooze DAYS]`"  # a usage line stays as it is
    )


@pytest.mark.parametrize("reached_discord", [False, True])
async def test_a_drill_a_crash_left_without_its_thread_is_posted_once(
    fake: FakeDiscord,
    start_bot: StartBot,
    container: Container,
    clock: FakeClock,
    reached_discord: bool,
) -> None:
    runner = await start_bot()
    note = await subscribe(fake, time="09:30", timezone="Europe/Berlin", weekdays="wed")
    assert "subscribed" in note and container.drills is not None
    clock.now = datetime(2026, 12, 2, 8, 30, tzinfo=UTC)  # Wed 09:30 in Berlin
    # The process that claimed the drill died after its claim, or after Discord took the post
    # (its thread made) but before the thread's id was saved: it never got further.
    [planned] = container.drills.due_posts()
    if reached_discord:
        await runner.post_drill(CHANNEL, planned.text, planned.marker)
    before = len(fake.by_bot(CHANNEL))
    scheduler = ClockScheduler(container.service, [runner], drills=container.drills)
    clock.advance(minutes=1)
    assert await scheduler.sweep_drills() == 0  # within the claim's lease
    clock.advance(minutes=2)
    assert await scheduler.sweep_drills() == 1
    assert len(fake.by_bot(CHANNEL)) == (before if reached_discord else before + 1)
    (thread,) = fake.threads()
    post = container.drills.repo.post_by_thread("discord", str(thread["id"]))
    assert post is not None and post.id == planned.post.id  # the drill knows its thread


@pytest.mark.parametrize("kind", ["recap", "board"])
@pytest.mark.parametrize("reached_discord", [False, True])
async def test_a_scheduled_post_a_crash_left_unsaved_is_posted_once(
    fake: FakeDiscord,
    start_bot: StartBot,
    container: Container,
    clock: FakeClock,
    kind: str,
    reached_discord: bool,
) -> None:
    runner = await start_bot()
    scheduler, thread_id = await posted_drill(fake, container, clock, runner)
    await fake.say(thread_id, BOB, BOB_ANSWER)
    await wait_until(partial(dm_texts, fake, BOB), "Bob's score")
    drills = container.drills
    assert drills is not None
    where = thread_id if kind == "recap" else CHANNEL
    before = len(fake.by_bot(where))
    # The process that made the post due died once it took it from the outbox, or after
    # Discord took the post but before its id was saved: it never got further.
    if kind == "recap":
        clock.advance(minutes=24 * 60)
        [made] = drills.due_recaps()
    else:
        clock.now = datetime(2026, 12, 7, 8, 0, tzinfo=UTC)  # Mon 09:00 in Berlin
        [board] = drills.due_boards()
        made = board.post
    [taken] = scheduler.posts.repo.take(clock.now, POST_LEASE)
    assert taken.post == made
    if reached_discord:
        await runner.post_scheduled(taken)
    sweep = scheduler.sweep_drills if kind == "recap" else scheduler.post_boards
    clock.advance(minutes=1)
    assert await sweep() == 0  # within the lease
    clock.advance(minutes=2)
    assert await sweep() == 1  # found again, or posted
    (posted,) = fake.by_bot(where)[before:]  # once
    shown = posted["content"] or posted["embeds"][0]["title"]
    assert shown.startswith("**Recap: " if kind == "recap" else "Last week's Leaderboard")
    assert scheduler.posts.repo.posted_id(made.key) == str(posted["id"])
