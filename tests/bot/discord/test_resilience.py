"""Gateway drops, resumed sessions and restarts: no lost and no doubled answers."""

from __future__ import annotations

from bot.bootstrap import Container
from interviewer.core.transcript import Role
from tests.bot.discord import payloads
from tests.bot.discord.conftest import ADA, StartBot
from tests.bot.discord.fake_discord import FakeDiscord
from tests.bot.discord.fake_gateway import IDENTIFY, RESUME
from tests.bot.discord.test_dm import custom_ids, done
from tests.bot.discord.test_threads import start_in_channel
from tests.clock import FakeClock
from tests.support import wait_until


def candidate_turns(container: Container, interview_id: int) -> list[str]:
    stored = container.repo.load(interview_id)
    assert stored is not None
    return [t.text for t in stored.turns if t.role is Role.CANDIDATE]


def interviewer_turns(container: Container, interview_id: int) -> int:
    stored = container.repo.load(interview_id)
    assert stored is not None
    return sum(1 for t in stored.turns if t.role is Role.INTERVIEWER)


async def test_a_gateway_drop_and_resume_loses_and_doubles_nothing(
    fake: FakeDiscord, start_bot: StartBot, container: Container
) -> None:
    await start_bot()
    dm = fake.dm_channel(ADA)
    started = await fake.slash(ADA, dm, "start", question="model-serving")
    first = await wait_until(lambda: done(started), "the opening")
    interview = int(custom_ids(first)[0].split(":")[2])

    first_answer = "Who are the users, and how many requests per second at peak?"
    said = await fake.say(dm, ADA, first_answer)
    seq_of_first = fake.gateway.last_seq
    await wait_until(lambda: [m for m in fake.after(dm, said) if m["embeds"]], "the first answer")
    spoken = interviewer_turns(container, interview)

    # The connection drops; Discord will replay from before the first answer (a duplicate
    # delivery), and a second answer is written while the bot is away.
    fake.gateway.replay_from = seq_of_first - 1
    await fake.gateway.drop(4000)
    second_answer = "What is the latency target for the first token?"
    await fake.say(dm, ADA, second_answer)

    await wait_until(lambda: fake.gateway.ops(RESUME) == 1, "the RESUME")
    await wait_until(
        lambda: interviewer_turns(container, interview) > spoken, "the answer after resuming"
    )
    await wait_until(
        lambda: all(not m["content"].endswith("▌") for m in fake.by_bot(dm)), "the final edit"
    )
    assert fake.gateway.ops(IDENTIFY) == 1  # resumed, not re-identified
    assert candidate_turns(container, interview) == [first_answer, second_answer]
    posted = [m for m in fake.after(dm, said) if m["embeds"]]
    assert len(posted) == interviewer_turns(container, interview) - 1  # one message per turn


async def test_a_restart_carries_the_interview_on(
    fake: FakeDiscord, start_bot: StartBot, container: Container
) -> None:
    first_bot = await start_bot()
    thread, opening = await start_in_channel(fake, question="chatbot-api")
    interview = int(custom_ids(opening)[0].split(":")[2])
    said = await fake.say(thread, ADA, "Do we need streaming responses over WebSockets?")
    await wait_until(lambda: fake.after(thread, said), "the answer before the restart")
    await first_bot.stop()

    await start_bot()
    assert fake.gateway.ops(IDENTIFY) == 2
    said = await fake.say(thread, ADA, "What about rate limiting per API key?")
    await wait_until(lambda: fake.after(thread, said), "the answer after the restart")
    assert candidate_turns(container, interview)[-1] == "What about rate limiting per API key?"

    before = len(fake.by_bot(thread))
    await fake.press(ADA, opening["id"], f"mockroom:hint:{interview}")  # a button from before
    hint = await wait_until(lambda: fake.by_bot(thread)[before:], "the hint")
    assert hint[0]["embeds"][0]["title"] == "Hint"


async def test_other_bots_are_ignored(fake: FakeDiscord, start_bot: StartBot) -> None:
    await start_bot()
    robot = payloads.user("1100000000000009999", "robot", bot=True)
    dm = fake.dm_channel(robot)
    await fake.say(dm, robot, "hello, fellow bot")
    ada_dm = fake.dm_channel(ADA)
    await fake.say(ada_dm, ADA, "hello?")  # a sync point: handled after the robot's message
    await wait_until(lambda: fake.by_bot(ada_dm), "the answer to Ada")
    assert fake.by_bot(dm) == []


async def test_a_reconnect_request_resumes_the_session(
    fake: FakeDiscord, start_bot: StartBot
) -> None:
    await start_bot()
    await fake.gateway.ask_reconnect()  # op 7, as Discord sends before moving a session
    await wait_until(lambda: fake.gateway.ops(RESUME) == 1, "the RESUME")
    dm = fake.dm_channel(ADA)
    await fake.say(dm, ADA, "anyone there?")
    await wait_until(lambda: fake.by_bot(dm), "an answer on the resumed session")
    assert fake.gateway.ops(IDENTIFY) == 1


async def test_the_clock_posts_into_the_conversation(
    fake: FakeDiscord, start_bot: StartBot, container: Container, clock: FakeClock
) -> None:
    runner = await start_bot()
    dm = fake.dm_channel(ADA)
    started = await fake.slash(ADA, dm, "start", question="url-shortener", format="drill")
    await wait_until(lambda: done(started), "the opening")
    before = len(fake.by_bot(dm))
    ended = False
    for _ in range(10):  # the clock walks the drill's stages to its end
        clock.advance(minutes=5)
        for reply in await container.service.tick_due():
            await runner.deliver(reply)
            ended = ended or reply.ended
        if ended:
            break
    posted = fake.by_bot(dm)[before:]
    assert posted and posted[-1]["embeds"][0]["title"].startswith("Scorecard")
    assert [a["filename"] for a in posted[-1]["attachments"]] == ["radar.png"]
