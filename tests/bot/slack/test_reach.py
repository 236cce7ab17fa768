"""Every command gets a visible answer on Slack: where the app cannot post, one running
interview per member, and past scorecards (interviews and drills) reopened from history."""

from __future__ import annotations

from sqlalchemy import text

from bot.slack.places import who_of
from tests.bot.slack.conftest import ADA, BOB, CHANNEL, Harness, dm_of
from tests.bot.slack.test_drills import ANSWER, drill_with_answers, last_note, top_level

PRIVATE = "G0SECRET"  # a private channel the app was not invited to
THEIR_DM = "D0ADABOB"  # a DM between Ada and Bob: the app is not in it


def interviews(slack: Harness) -> int:
    with slack.container.engine.connect() as connection:
        return int(connection.execute(text("SELECT count(*) FROM interview")).scalar_one())


async def test_help_where_the_app_is_not_answers_through_the_response_url(slack: Harness) -> None:
    slack.fake.outside |= {PRIVATE}
    await slack.command(ADA, PRIVATE, "help")
    [said] = slack.fake.responded()
    assert "/mockroom start" in said and "/invite @mockroom" in said
    assert slack.fake.responses[0]["response_type"] == "ephemeral"
    assert slack.fake.messages == [] and slack.fake.ephemeral == []


async def test_start_in_a_channel_the_app_is_not_in_says_to_invite_it(slack: Harness) -> None:
    slack.fake.outside |= {PRIVATE}
    await slack.command(ADA, PRIVATE, "start url-shortener")
    [said] = slack.fake.responded()
    assert "I am not in this conversation" in said and "/invite @mockroom" in said
    assert interviews(slack) == 0  # nothing runs where nobody could see it
    await slack.command(ADA, PRIVATE, "history")
    assert "No interviews yet" in slack.fake.responded()[-1]


async def test_start_in_a_dm_between_people_starts_nothing_and_says_why(slack: Harness) -> None:
    slack.fake.outside |= {THEIR_DM}
    await slack.command(ADA, THEIR_DM, "start url-shortener")
    [said] = slack.fake.responded()
    assert "I am not in this conversation" in said
    assert interviews(slack) == 0 and slack.fake.messages == []
    # in her own DM with the app, the same command runs there as before
    await slack.command(ADA, dm_of(ADA), "start url-shortener")
    assert interviews(slack) == 1 and slack.fake.conversation(dm_of(ADA))


async def test_a_second_start_asks_first_and_new_ends_the_first(slack: Harness) -> None:
    await slack.command(ADA, CHANNEL, "start chatbot-api")
    first = slack.thread_of("started a")
    await slack.command(ADA, CHANNEL, "start url-shortener drill")
    note = last_note(slack, ADA)
    assert "You already have an interview running (Design a real-time chatbot API" in note
    assert "/mockroom start url-shortener drill --new" in note
    assert interviews(slack) == 1 and len(slack.fake.conversation(CHANNEL)) == 1

    await slack.command(ADA, CHANNEL, "start url-shortener drill --new")
    assert interviews(slack) == 2
    old = slack.fake.conversation(CHANNEL, first)
    assert any(m.blocks and m.blocks[0]["type"] == "header" for m in old)  # its scorecard
    [running] = [e for e in slack.container.service.history(who_of(ADA)) if e.status == "active"]
    assert running.question_id == "url-shortener"
    # `end` from the channel now means the one running interview, and the first stays quiet
    posts = len(old)
    slack.clock.advance(3600)
    await slack.tick()
    assert len(slack.fake.conversation(CHANNEL, first)) == posts


async def test_history_lists_drills_and_opens_any_scorecard_by_number(slack: Harness) -> None:
    await drill_with_answers(slack)
    [post] = top_level(slack, "Daily design drill")
    drilled = post.shown.split("Daily design drill: ", 1)[1].split("*", 1)[0]  # its title
    dm = dm_of(ADA)
    await slack.command(ADA, dm, "start url-shortener async")
    await slack.say(ADA, dm, ANSWER)
    await slack.command(ADA, dm, "end")

    await slack.command(ADA, dm, "history")
    listing = slack.fake.conversation(dm)[-1].shown
    assert f"1. *{drilled}* · drill answer · graded" in listing
    assert "2. *Design a URL shortener* · async · ended" in listing
    assert "/mockroom history N" in listing
    # two scorecards: the progress chart follows the list in her DM
    uploads = slack.fake.calls_to("files.getUploadURLExternal")
    assert [c.args["filename"] for c in uploads][-1] == "progress.png"
    complete = slack.fake.calls_to("files.completeUploadExternal")[-1]
    assert complete.args["channel_id"] == dm

    await slack.command(ADA, dm, "history 1")  # the drill's scorecard, no longer lost
    card = slack.fake.conversation(dm)[-1]
    assert card.blocks[0]["text"]["text"] == f"Scorecard: 1. {drilled}"
    assert "Hire signal" in card.shown
    await slack.command(ADA, dm, "history 2")
    assert slack.fake.conversation(dm)[-1].blocks[0]["text"]["text"].startswith("Scorecard: 2.")
    await slack.command(ADA, dm, "history 7")
    assert "no number 7: the numbers run from 1 to 2" in slack.fake.conversation(dm)[-1].shown
    await slack.command(BOB, dm_of(BOB), "history 1")  # Bob's own history: his drill answer
    assert "Scorecard: 1." in slack.fake.conversation(dm_of(BOB))[-1].shown
