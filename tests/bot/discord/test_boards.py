"""Boards count every member with points in the server, however they earned them: an interview,
a drill answer, a peer mock as candidate or as interviewer; a member who never ran a board
command or answered a drill is on `leaderboard` and `leaderboard share:True` all the same."""

from __future__ import annotations

from bot.bootstrap import Container
from interviewer.core.rubric import Criterion
from tests.bot.discord.conftest import ADA, BOB, CYD, StartBot
from tests.bot.discord.fake_discord import FakeDiscord
from tests.bot.discord.test_dm import custom_ids
from tests.bot.discord.test_drills import BOB_ANSWER, board, dm_texts, posted_drill, private_note
from tests.bot.discord.test_peer_commands import answered, interview_id, started
from tests.bot.discord.test_peer_sessions import ANSWER, ephemeral
from tests.bot.discord.test_peers import CHANNEL
from tests.bot.discord.test_threads import start_in_channel
from tests.clock import FakeClock
from tests.support import wait_until


def points(container: Container, user: dict[str, str], kind: str) -> int:
    """The member's points from one source, as the ledger holds them."""
    assert container.drills is not None
    ledger = container.drills.repo.ledger("discord")
    return sum(e.points for e in ledger if e.user_id == user["id"] and e.source_kind == kind)


def rows(text: str) -> list[str]:
    """The ranked lines of a board."""
    return [line for line in text.splitlines() if line[:1].isdigit() and " pts" in line]


async def test_peer_points_put_both_members_on_the_board_and_the_shared_board(
    fake: FakeDiscord, start_bot: StartBot, container: Container, clock: FakeClock
) -> None:
    pair = await started(fake, start_bot, container, clock)
    await private_note(await fake.slash(pair.interviewer, pair.key, "peer", action="end"))
    await wait_until(
        lambda: len([m for m in fake.dms_to(pair.interviewer) if m.get("components")]) == 2
    )
    forms = [m for m in fake.dms_to(pair.interviewer) if m.get("components")]
    stored = container.service.repo.load(interview_id(container, pair.key))
    assert stored is not None and stored.scorecard is not None
    ids = [i for m in forms for i in custom_ids(m)]
    where = {i: m["id"] for m in forms for i in custom_ids(m)}
    for custom_id in ids[:-1]:  # scored as the AI scored: full agreement
        score = stored.scorecard.criteria[Criterion(custom_id.rsplit(":", 1)[1])].score
        await ephemeral(
            await fake.choose(pair.interviewer, where[custom_id], custom_id, str(score))
        )
    await ephemeral(await fake.press(pair.interviewer, where[ids[-1]], ids[-1]))
    await wait_until(
        lambda: points(container, pair.interviewer, "peer") > 0, "the scoring's points"
    )
    assert points(container, pair.candidate, "peer") > 0

    shown = await board(fake, CYD, "week")
    assert len(rows(shown["embeds"][0]["description"])) == 2  # the candidate and the interviewer
    assert "posted" in await private_note(await fake.slash(CYD, CHANNEL, "leaderboard", share=True))
    [shared] = [m for m in fake.by_bot(CHANNEL) if m.get("embeds")]
    assert len(rows(shared["embeds"][0]["description"])) == 2
    assert all(". a member: " in line for line in rows(shared["embeds"][0]["description"]))


async def test_interview_points_count_where_the_member_started_it(
    fake: FakeDiscord, start_bot: StartBot, container: Container
) -> None:
    await start_bot()
    thread, _ = await start_in_channel(fake, question="chatbot-api", format="drill")
    await fake.say(thread, ADA, ANSWER)
    await wait_until(lambda: len(fake.by_bot(thread)) >= 2, "the follow-up")
    await answered(await fake.slash(ADA, thread, "end"))
    await wait_until(lambda: points(container, ADA, "interview") > 0, "the interview's points")

    [row] = rows((await board(fake, BOB, "week"))["embeds"][0]["description"])
    assert row.startswith("1. a member: ")


async def test_drill_points_count_for_a_member_who_only_answered(
    fake: FakeDiscord, start_bot: StartBot, container: Container, clock: FakeClock
) -> None:
    runner = await start_bot()
    _, thread = await posted_drill(fake, container, clock, runner)
    await fake.say(thread, BOB, BOB_ANSWER)
    await wait_until(lambda: dm_texts(fake, BOB), "Bob's score")
    assert points(container, BOB, "drill") > 0

    [row] = rows((await board(fake, CYD, "week"))["embeds"][0]["description"])
    assert row.startswith("1. a member: ")
