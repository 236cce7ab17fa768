"""Channel interviews in a thread: an observer, buttons from the wrong user, a design-along."""

from __future__ import annotations

from bot.slack.places import who_of
from tests.bot.slack.conftest import ADA, BOB, CAROL, CHANNEL, Harness


async def start_in_channel(slack: Harness, text: str) -> str:
    """Ada starts an interview in the channel; the thread's ts."""
    await slack.command(ADA, CHANNEL, text)
    return slack.thread_of("started a")


def turns(slack: Harness) -> int:
    """How many turns Ada's latest interview holds."""
    entry = slack.container.service.history(who_of(ADA))[0]
    stored = slack.container.repo.load(entry.interview_id)
    assert stored is not None
    return len(stored.turns)


async def test_a_channel_interview_runs_in_a_thread_that_others_can_watch(slack: Harness) -> None:
    thread = await start_in_channel(slack, "start chatbot-api drill")
    [parent] = slack.fake.conversation(CHANNEL)
    assert slack.fake.calls_to("conversations.join")[0].args["channel"] == CHANNEL
    assert "u0ada started a drill mock interview" in parent.shown
    assert "Answers go in this thread" in parent.shown
    [opening] = slack.fake.conversation(CHANNEL, thread)
    assert "Clarify requirements" in opening.shown and opening.action_ids()

    await slack.say(BOB, CHANNEL, "go Ada!", thread_ts=thread)  # an observer
    await slack.say(ADA, CHANNEL, "unrelated chatter at the top level")
    assert len(slack.fake.conversation(CHANNEL, thread)) == 1
    assert len(slack.fake.conversation(CHANNEL)) == 1

    await slack.say(ADA, CHANNEL, "How many concurrent users at peak?", thread_ts=thread)
    assert len(slack.fake.conversation(CHANNEL, thread)) == 2

    # the clock's warnings arrive in the thread
    slack.clock.advance(100)
    assert await slack.tick() == 1
    assert len(slack.fake.conversation(CHANNEL, thread)) == 3
    assert slack.fake.conversation(CHANNEL) == [parent]

    # a slash command typed in the channel reaches the interview in the thread
    await slack.command(ADA, CHANNEL, "end")
    closing, card = slack.fake.conversation(CHANNEL, thread)[-2:]
    assert "scorecard" in closing.shown and closing.action_ids() == []
    assert card.blocks[0]["text"]["text"].startswith("Scorecard:")
    assert "Design-along contributors" not in card.shown
    assert slack.fake.calls_to("files.completeUploadExternal")[0].args["thread_ts"] == thread


async def test_a_button_from_someone_else_is_refused_privately(slack: Harness) -> None:
    thread = await start_in_channel(slack, "start model-serving")
    [opening] = slack.fake.conversation(CHANNEL, thread)
    before = turns(slack)
    for action in ("mockroom_hint", "mockroom_next", "mockroom_end"):
        await slack.press(BOB, opening, action)
    assert len(slack.fake.conversation(CHANNEL, thread)) == 1  # nothing changed in the thread
    assert turns(slack) == before
    assert len(slack.fake.ephemeral) == 3
    for note in slack.fake.ephemeral:
        assert note["user"] == BOB and note["channel"] == CHANNEL and note["thread_ts"] == thread
        assert "not your interview" in note["text"]

    await slack.press(ADA, opening, "mockroom_hint")
    assert len(slack.fake.conversation(CHANNEL, thread)) == 2
    assert turns(slack) == before + 1


async def test_a_design_along_takes_answers_from_everyone_and_credits_them(slack: Harness) -> None:
    thread = await start_in_channel(slack, "start model-serving --group")
    assert "design-along" in slack.fake.conversation(CHANNEL)[0].shown
    await slack.say(ADA, CHANNEL, "What peak QPS should we plan for?", thread_ts=thread)
    await slack.say(BOB, CHANNEL, "And the latency target for the first token?", thread_ts=thread)
    await slack.say(CAROL, CHANNEL, "Is there a budget cap on GPUs?", thread_ts=thread)
    await slack.say(BOB, CHANNEL, "We should batch requests per model.", thread_ts=thread)
    assert len(slack.fake.conversation(CHANNEL, thread)) == 5  # the opening and four answers

    await slack.press(BOB, slack.fake.conversation(CHANNEL, thread)[-1], "mockroom_next")
    assert "High-level design" in slack.fake.conversation(CHANNEL, thread)[-1].shown
    assert slack.fake.ephemeral == []

    await slack.press(CAROL, slack.fake.conversation(CHANNEL, thread)[-1], "mockroom_end")
    card = next(
        m
        for m in slack.fake.conversation(CHANNEL, thread)
        if m.blocks and m.blocks[0]["type"] == "header"
    )
    credits = next(line for line in card.shown.splitlines() if "contributors" in line)
    # names from users.info, never @-mentions: a mention would notify every contributor
    assert "<@" not in credits
    assert "u0bob: " in credits and "on 2 messages" in credits
    assert "u0ada: " in credits and "u0carol: " in credits
    assert "on 1 message;" in credits
    uploaded = [c.args["filename"] for c in slack.fake.calls_to("files.getUploadURLExternal")]
    assert uploaded == ["scorecard.png", "members.png"]  # and a radar per member


async def test_someone_else_cannot_start_over_a_running_thread_interview(slack: Harness) -> None:
    await start_in_channel(slack, "start model-serving")
    await slack.command(BOB, CHANNEL, "start chatbot-api")
    threads = slack.fake.conversation(CHANNEL)
    assert len(threads) == 2  # Bob gets his own thread: one interview per thread
    await slack.command(BOB, CHANNEL, "time")
    assert "left" in slack.fake.conversation(CHANNEL, threads[1].ts)[-1].shown
