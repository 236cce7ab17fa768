"""Discord's platform rules: 3-second acknowledgements, measured streaming, 429s, errors."""

from __future__ import annotations

import re

from bot.bootstrap import Container
from tests.bot.discord import payloads
from tests.bot.discord.brains import controlled_brain
from tests.bot.discord.conftest import ADA, BOB, StartBot
from tests.bot.discord.fake_discord import FakeDiscord
from tests.bot.discord.fake_gateway import MESSAGE_CONTENT
from tests.bot.discord.test_dm import done
from tests.bot.discord.test_threads import start_in_channel
from tests.support import wait_until

THINKING = 5


async def test_commands_are_acknowledged_before_a_slow_model_answers(
    fake: FakeDiscord, start_bot: StartBot, container: Container
) -> None:
    brain = controlled_brain(container)
    brain.gate.clear()  # the model does not answer until the test lets it
    await start_bot()
    dm = fake.dm_channel(ADA)
    started = await fake.slash(ADA, dm, "start", question="model-rate-limiter")
    await wait_until(lambda: started.callbacks, "the acknowledgement")
    assert started.callbacks[0]["type"] == THINKING and done(started) is None
    brain.gate.set()
    first = await wait_until(lambda: done(started), "the follow-up")
    assert first["embeds"][0]["title"] == "Your question" and not started.late


async def test_a_streamed_reply_edits_one_message_at_a_measured_pace(
    fake: FakeDiscord, start_bot: StartBot, container: Container
) -> None:
    controlled_brain(container, chunk=3)  # a few characters per delta: dozens of deltas
    await start_bot(edit_interval=60.0)
    dm = fake.dm_channel(ADA)
    started = await fake.slash(ADA, dm, "start", question="model-serving")
    await wait_until(lambda: done(started), "the opening")
    posts = len(fake.calls_to("POST", rf"/channels/{dm}/messages"))
    said = await fake.say(dm, ADA, "What is the peak QPS and the p99 latency target?")
    final = await wait_until(
        lambda: [m for m in fake.after(dm, said) if m["embeds"]], "the finished reply"
    )
    assert len(fake.calls_to("POST", rf"/channels/{dm}/messages")) == posts + 1
    (edit,) = fake.calls_to("PATCH", rf"/channels/{dm}/messages/{final[0]['id']}")
    assert edit.body["content"] is None and edit.body["embeds"]


async def test_a_429_is_waited_out_and_retried(fake: FakeDiscord, start_bot: StartBot) -> None:
    await start_bot()
    fake.rate_limit_once.append(("POST", re.compile(r"/channels/\d+/messages/\d+/threads")))
    fake.rate_limit_once.append(("POST", re.compile(r"/webhooks/\d+/[^/]+")))
    _, opening = await start_in_channel(fake, question="chatbot-api")
    statuses = [c.status for c in fake.calls_to("POST", r"/channels/\d+/messages/\d+/threads")]
    assert statuses == [429, 201]
    custom_id = opening["components"][0]["components"][0]["custom_id"]
    denied = await fake.press(BOB, opening["id"], custom_id)  # answered with a follow-up
    await wait_until(lambda: denied.followups, "the retried follow-up")
    statuses = [c.status for c in fake.calls_to("POST", r"/webhooks/\d+/[^/]+")]
    assert statuses == [429, 200, 200]  # the private pointer (429, retried), then the refusal


async def test_one_error_boundary_apologises_and_the_interview_survives(
    fake: FakeDiscord, start_bot: StartBot, container: Container
) -> None:
    brain = controlled_brain(container)
    await start_bot()
    dm = fake.dm_channel(ADA)
    started = await fake.slash(ADA, dm, "start", question="model-serving")
    await wait_until(lambda: done(started), "the opening")

    brain.broken = True
    said = await fake.say(dm, ADA, "How many users do we serve?")
    sorry = await wait_until(lambda: fake.after(dm, said), "the note for a message")
    # The answer was stored before the model failed: the member is told so, not "sorry".
    assert sorry[0]["content"].startswith("Your answer is saved")
    hint = await fake.slash(ADA, dm, "hint")
    await wait_until(lambda: hint.followups, "the apology for a command")
    assert hint.followups[0]["flags"] & payloads.EPHEMERAL
    assert hint.followups[0]["content"].startswith("Sorry, something went wrong")

    brain.broken = False
    said = await fake.say(dm, ADA, "And what latency do they expect?")
    answer = await wait_until(
        lambda: [m for m in fake.after(dm, said) if m["embeds"]], "an answer after the failure"
    )
    assert answer[0]["embeds"][0]["footer"]["text"]


async def test_without_message_content_it_reads_mentions_and_says_so(
    fake: FakeDiscord, start_bot: StartBot
) -> None:
    fake.gateway.allow_message_content = False  # the intent is off in the Developer Portal
    await start_bot()
    first, second = fake.gateway.intents
    assert first & MESSAGE_CONTENT and not second & MESSAGE_CONTENT
    thread, _ = await start_in_channel(fake, question="url-shortener")
    before = len(fake.by_bot(thread))
    await fake.say(thread, ADA, "How many redirects per second?")  # unreadable: ignored
    said = await fake.say(thread, ADA, f"<@{payloads.BOT_ID}> How many redirects per second?")
    await wait_until(lambda: fake.after(thread, said), "the answer to the mention")
    assert len(fake.by_bot(thread)) == before + 1

    helped = await fake.slash(ADA, thread, "help")
    text = await wait_until(lambda: done(helped), "the help")
    assert "mention it" in text["content"] or any(
        "mention it" in f["content"] for f in helped.followups
    )


async def test_question_ids_autocomplete(fake: FakeDiscord, start_bot: StartBot) -> None:
    await start_bot()
    asked = await fake.autocomplete(ADA, fake.dm_channel(ADA), "start", "question", "serv")
    await wait_until(lambda: asked.callbacks, "the choices")
    (callback,) = asked.callbacks
    assert callback["type"] == 8
    values = [c["value"] for c in callback["data"]["choices"]]
    assert "model-serving" in values and len(values) <= 25
