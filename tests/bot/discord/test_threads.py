"""Guild interviews: a thread per interview, observers, design-alongs, buttons."""

from __future__ import annotations

from functools import partial
from typing import Any

from tests.bot.discord import payloads
from tests.bot.discord.conftest import ADA, BOB, CYD, StartBot
from tests.bot.discord.fake_discord import FakeDiscord
from tests.bot.discord.test_dm import custom_ids, done
from tests.support import wait_until

CHANNEL = payloads.TEXT_CHANNEL_ID


async def start_in_channel(fake: FakeDiscord, **options: Any) -> tuple[str, dict[str, Any]]:
    """ADA starts an interview in the text channel; the thread's id and its first message."""
    started = await fake.slash(ADA, CHANNEL, "start", **options)
    pointer = await wait_until(lambda: started.followups, "the pointer to the thread")
    (thread,) = fake.threads()
    # only the candidate sees the pointer: no public note stays in the channel
    assert started.original_deleted and pointer[0]["flags"] & payloads.EPHEMERAL
    assert f"<#{thread['id']}>" in pointer[0]["content"]
    opening = await wait_until(lambda: fake.by_bot(thread["id"]), "the opening in the thread")
    return thread["id"], opening[0]


async def test_a_thread_interview_with_an_observer(fake: FakeDiscord, start_bot: StartBot) -> None:
    await start_bot()
    thread, opening = await start_in_channel(fake, question="chatbot-api")
    parent = fake.messages[thread]  # a thread started from a message shares its id
    assert "ada started a standard mock interview" in parent["content"].lower()
    assert fake.calls_to("POST", rf"/channels/{CHANNEL}/messages/{parent['id']}/threads")

    watched = await fake.say(thread, BOB, "Go Ada! Ask about the latency target.")
    said = await fake.say(thread, ADA, "What latency do users expect for the first token?")
    await wait_until(lambda: fake.after(thread, said), "the answer to Ada")
    answers = fake.after(thread, watched)
    assert len(answers) == 1 and int(answers[0]["id"]) > int(said)  # nothing for Bob

    interview = custom_ids(opening)[0].split(":")[2]
    before = len(fake.by_bot(thread))
    denied = await fake.press(BOB, opening["id"], f"mockroom:end:{interview}")
    await wait_until(lambda: denied.followups, "the private refusal")
    assert denied.callbacks[0]["type"] == 6  # acknowledged without touching the message
    (note,) = denied.followups
    assert note["flags"] & payloads.EPHEMERAL and "not your interview" in note["content"]
    assert len(fake.by_bot(thread)) == before

    hinted = await fake.press(ADA, opening["id"], f"mockroom:hint:{interview}")
    hint = await wait_until(lambda: fake.by_bot(thread)[before:], "the hint")
    assert hint[0]["embeds"][0]["title"] == "Hint" and not hinted.followups


async def test_a_group_design_along_credits_each_contributor(
    fake: FakeDiscord, start_bot: StartBot
) -> None:
    await start_bot()
    thread, _ = await start_in_channel(fake, question="url-shortener", format="drill", group=True)
    for who, text in (
        (BOB, "How many new URLs per day, and what read/write ratio?"),
        (CYD, "A stateless API tier behind a load balancer, with a key-value store."),
        (BOB, "Cache hot redirects in Redis; base62 ids from a counter per shard."),
    ):
        said = await fake.say(thread, who, text)
        await wait_until(partial(fake.after, thread, said), f"the answer to {who['username']}")

    ended = await fake.slash(CYD, thread, "end")  # anyone may end a design-along

    def scorecards() -> list[dict[str, Any]]:
        shown = [*fake.by_bot(thread), *ended.followups, done(ended) or {}]
        return [m for m in shown if m.get("embeds") and m["embeds"][0]["title"].startswith("Score")]

    card = await wait_until(scorecards, "the scorecard")
    assert [a["filename"] for a in card[0]["attachments"]] == ["radar.png", "members.png"]
    fields = {f["name"]: f["value"] for f in card[0]["embeds"][0]["fields"]}
    credits = fields["Contributors"].splitlines()
    assert len(credits) == 2
    assert any(line.startswith(f"<@{BOB['id']}>: ") and "on 2 messages" in line for line in credits)
    assert any(line.startswith(f"<@{CYD['id']}>: ") and "on 1 message;" in line for line in credits)
