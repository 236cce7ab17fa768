"""`/mockroom export` and `forget-me` through the real bolt app and the fake Slack."""

from __future__ import annotations

import json

from bot.slack.places import who_of
from tests.bot.slack.conftest import ADA, BOB, CHANNEL, Harness, dm_of

ADA_SAYS = "Ada: consistent hashing over forty shards, with a write-ahead log per shard."
BOB_SAYS = "Bob: one Postgres primary and two read replicas behind PgBouncer."


async def interview(slack: Harness, user: str, answer: str) -> None:
    """An async interview in the user's DM with one answer, ended."""
    dm = dm_of(user)
    await slack.command(user, dm, "start url-shortener async")
    await slack.say(user, dm, answer)
    await slack.command(user, dm, "end")


async def test_export_in_a_channel_goes_to_the_members_dm_as_a_json_file(slack: Harness) -> None:
    await interview(slack, ADA, ADA_SAYS)
    await interview(slack, BOB, BOB_SAYS)
    uploads_before = len(slack.fake.calls_to("files.completeUploadExternal"))
    posts_before = len(slack.fake.calls_to("chat.postMessage"))

    opens_before = len(slack.fake.calls_to("conversations.open"))
    await slack.command(ADA, CHANNEL, "export")

    [opened] = slack.fake.calls_to("conversations.open")[opens_before:]
    assert opened.args["users"] == ADA
    completes = slack.fake.calls_to("files.completeUploadExternal")[uploads_before:]
    [complete] = completes
    assert complete.args["channel_id"] == dm_of(ADA)
    assert complete.args["initial_comment"].startswith("Your mockroom data: 1 interview, ")
    [asked] = slack.fake.calls_to("files.getUploadURLExternal")[uploads_before:]
    assert asked.args["filename"] == "mockroom-export-slack-2026-11-25.json"
    [upload] = json.loads(complete.args["files"])
    data = json.loads(slack.fake.uploads[upload["id"]].decode("utf-8"))
    assert data["user_id"] == ADA
    text = json.dumps(data, ensure_ascii=False)
    assert ADA_SAYS in text
    assert BOB_SAYS not in text and BOB not in text
    # Nothing in the channel, and the summary went once, with the file: no second note.
    assert slack.fake.conversation(CHANNEL) == []
    assert slack.fake.ephemeral == []
    assert len(slack.fake.calls_to("chat.postMessage")) == posts_before


async def test_export_in_the_dm_sends_the_summary_once_with_the_file(slack: Harness) -> None:
    await interview(slack, ADA, ADA_SAYS)
    posts_before = len(slack.fake.calls_to("chat.postMessage"))

    await slack.command(ADA, dm_of(ADA), "export")

    complete = slack.fake.calls_to("files.completeUploadExternal")[-1]
    assert complete.args["channel_id"] == dm_of(ADA)
    assert complete.args["initial_comment"].startswith("Your mockroom data:")
    assert len(slack.fake.calls_to("chat.postMessage")) == posts_before  # no separate note


async def test_export_says_privately_why_it_could_not_be_sent(slack: Harness) -> None:
    await interview(slack, ADA, ADA_SAYS)
    slack.fake.fail("conversations.open", "user_disabled")
    uploads_before = len(slack.fake.calls_to("files.getUploadURLExternal"))

    await slack.command(ADA, CHANNEL, "export")

    assert len(slack.fake.calls_to("files.getUploadURLExternal")) == uploads_before
    [note] = slack.fake.ephemeral
    assert note["channel"] == CHANNEL and note["user"] == ADA
    assert "could not be sent" in note["text"] and "deactivated" in note["text"]
    assert slack.fake.conversation(CHANNEL) == []


async def test_forget_me_warns_then_confirm_deletes_only_that_member(slack: Harness) -> None:
    await interview(slack, ADA, ADA_SAYS)
    await interview(slack, BOB, BOB_SAYS)
    service = slack.container.service

    await slack.command(ADA, CHANNEL, "forget-me")
    [warning] = slack.fake.ephemeral
    assert warning["user"] == ADA and warning["channel"] == CHANNEL
    assert "permanently deletes" in warning["text"]
    assert "/mockroom forget-me confirm" in warning["text"]
    assert len(service.history(who_of(ADA))) == 1  # a warning deletes nothing

    await slack.command(ADA, CHANNEL, "forget-me confirm")
    [_, done] = slack.fake.ephemeral
    assert done["user"] == ADA and done["text"].startswith("Done: mockroom has forgotten you")
    assert service.history(who_of(ADA)) == []
    [kept] = service.history(who_of(BOB))
    assert kept.question_id == "url-shortener"
    assert slack.fake.conversation(CHANNEL) == []
