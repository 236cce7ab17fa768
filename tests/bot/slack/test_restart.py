"""A restart in the middle of an interview: a second app on the same database carries on."""

from __future__ import annotations

from bot.slack.places import who_of
from tests.bot.slack.conftest import ADA, CHANNEL, Factory, dm_of

DM = dm_of(ADA)


async def test_an_interview_carries_on_after_a_restart(harness_factory: Factory) -> None:
    first = await harness_factory()
    await first.command(ADA, DM, "start model-serving drill")
    body = await first.say(ADA, DM, "How many users at peak?")
    follow_up = first.fake.conversation(DM)[-1]
    await first.runner.stop()
    first.container.close()

    second = await harness_factory()  # a new process: new container, same SQLite file
    assert second.fake.connections == 2
    # Slack retries the event the first process had answered: still one answer
    await second.send("events_api", body, retry_attempt=1)
    assert len(second.fake.conversation(DM)) == 2
    # a button on a message the first process posted works in the second
    await second.press(ADA, follow_up, "mockroom_hint")
    await second.say(ADA, DM, "A gateway in front of a GPU pool, scaled on queue depth.")
    assert len(second.fake.conversation(DM)) == 4
    # the clock is rebuilt from the database: the stage move arrives in the DM
    second.clock.advance(200)
    assert await second.tick() >= 1
    assert "High-level design" in second.fake.conversation(DM)[-1].shown
    await second.command(ADA, DM, "end")
    [entry] = second.container.service.history(who_of(ADA))
    assert entry.status == "ended" and entry.overall is not None
    stored = second.container.repo.load(entry.interview_id)
    assert stored is not None
    answers = [t.text for t in stored.turns if t.role.value == "candidate"]
    assert answers == [
        "How many users at peak?",
        "A gateway in front of a GPU pool, scaled on queue depth.",
    ]
    assert CHANNEL not in {m.channel for m in second.fake.messages}
