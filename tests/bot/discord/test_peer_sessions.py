"""A peer session on Discord, end to end through discord.py and the fake Discord: pairing, the
brief by DM, `/mockroom peer start` in the private thread, the clock's stage move and curveball,
the transcript, `/mockroom peer end`, the interviewer's form by DM (select menus and Submit),
both comparisons; and the refusals of a third member."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from bot.bootstrap import Container
from bot.scheduler import ClockScheduler
from interviewer.core.rubric import Criterion
from interviewer.core.transcript import Role
from tests.bot.discord.conftest import ADA, BOB, CYD, StartBot
from tests.bot.discord.fake_discord import FakeDiscord, Interaction
from tests.bot.discord.test_dm import custom_ids
from tests.bot.discord.test_drills import private_note
from tests.bot.discord.test_peers import CHANNEL, PRIVATE_THREAD, ROUND_AT
from tests.clock import FakeClock
from tests.support import wait_until

ANSWER = (
    "Clients call an API gateway that rate limits; stateless app servers behind a load "
    "balancer autoscale on CPU; a sharded key-value store with three replicas, and because "
    "reads dominate 100:1 a Redis cache in front keeps p99 under 50 ms."
)


async def ephemeral(record: Interaction) -> str:
    """The private follow-up to a form press."""
    await wait_until(lambda: record.followups, "the private answer")
    return str(record.followups[-1]["content"])


def turns(container: Container, thread: str) -> list[tuple[Role, str | None]]:
    """The session's messages as stored: (role, author)."""
    assert container.peers is not None and container.peers.sessions is not None
    found = container.peers.sessions.repo.in_thread("discord", thread)
    if found is None or found.interview_id is None:
        return []
    stored = container.service.repo.load(found.interview_id)
    assert stored is not None
    return [(t.role, t.author) for t in stored.turns if t.kind == "message"]


@dataclass
class Paired:
    """A weekly round's pair in its private thread, with the clock's scheduler."""

    scheduler: ClockScheduler
    key: str
    interviewer: dict[str, Any]
    candidate: dict[str, Any]


async def paired(
    fake: FakeDiscord, start_bot: StartBot, container: Container, clock: FakeClock
) -> Paired:
    """Ada and Bob opted in, the weekly round paired them; the brief came by DM."""
    runner = await start_bot()
    weekly = await fake.slash(
        ADA, CHANNEL, "pair", action="weekly", day="wed", time="18:00", timezone="Europe/Berlin"
    )
    assert "Weekly pairing set: " in await private_note(weekly)
    for who in (ADA, BOB):
        assert "You are in" in await private_note(await fake.slash(who, CHANNEL, "pair"))
    scheduler = ClockScheduler(container.service, [runner], peers=container.peers)
    clock.now = ROUND_AT
    assert await scheduler.pair_rounds() == 1
    (thread,) = [c for c in fake.channels.values() if c["type"] == PRIVATE_THREAD]
    key = str(thread["id"])
    (intro,) = fake.by_bot(key)
    interviewer = ADA if f"<@{ADA['id']}> interviews" in intro["content"] else BOB
    candidate = BOB if interviewer is ADA else ADA
    assert "**Stage plan**" in "\n".join(m["content"] for m in fake.dms_to(interviewer))
    return Paired(scheduler, key, interviewer, candidate)


async def test_a_peer_session_runs_end_to_end_on_discord(
    fake: FakeDiscord, start_bot: StartBot, container: Container, clock: FakeClock
) -> None:
    pair = await paired(fake, start_bot, container, clock)
    scheduler, key = pair.scheduler, pair.key
    interviewer, candidate = pair.interviewer, pair.candidate

    refused = await fake.slash(CYD, key, "peer", action="start")
    assert "Only the two members paired here" in await private_note(refused)
    started = await fake.slash(candidate, key, "peer", action="start")
    await private_note(started)
    assert (
        "The peer mock starts now: Clarify requirements (5 min)" in fake.by_bot(key)[-1]["content"]
    )

    await fake.say(key, interviewer, "What would you clarify first?")
    await wait_until(lambda: len(turns(container, key)) == 1, "the interviewer's turn")
    await fake.say(key, candidate, "How many users, and what latency target?")
    await wait_until(lambda: len(turns(container, key)) == 2, "the candidate's turn")
    assert turns(container, key) == [
        (Role.INTERVIEWER, interviewer["id"]),
        (Role.CANDIDATE, candidate["id"]),
    ]
    assert len(fake.by_bot(key)) == 2  # the intro and the opening: no AI follow-up

    clock.advance(minutes=5)
    assert await scheduler.tick_interviews() == 1
    assert "Now **High-level design** (12 min)" in fake.by_bot(key)[-1]["content"]
    await fake.say(key, candidate, ANSWER)
    await wait_until(lambda: len(turns(container, key)) == 3, "the answer")
    clock.advance(minutes=12)
    await scheduler.tick_interviews()
    clock.advance(minutes=10)
    await scheduler.tick_interviews()
    assert any(m["content"].startswith("🎯 Curveball: ") for m in fake.by_bot(key))
    assert not any(m.get("components") for m in fake.by_bot(key))  # no AI buttons

    denied = await fake.slash(CYD, key, "peer", action="end")
    assert "Only the two members paired here" in await private_note(denied)
    ended = await fake.slash(interviewer, key, "peer", action="end")
    await private_note(ended)
    assert f"The AI has graded <@{candidate['id']}>" in fake.by_bot(key)[-1]["content"]
    forms = [m for m in fake.dms_to(interviewer) if m.get("components")]
    assert len(forms) == 2  # seven selects and Submit: five rows a message
    ids = [i for m in forms for i in custom_ids(m)]
    assert len(ids) == 8 and ids[-1].startswith("mockroom:peersubmit:")
    where = {i: m["id"] for m in forms for i in custom_ids(m)}
    assert not [m for m in fake.dms_to(candidate) if "Your peer mock" in m["content"]]

    clarity = next(i for i in ids if i.endswith(":clarity"))
    outsider = await fake.choose(CYD, where[clarity], clarity, "1")
    assert await ephemeral(outsider) == "Only this session's interviewer scores it."
    outsider = await fake.press(CYD, where[ids[-1]], ids[-1])
    assert await ephemeral(outsider) == "Only this session's interviewer scores it."
    for custom_id in ids[:-1]:
        chose = await fake.choose(interviewer, where[custom_id], custom_id, "3")
        assert (await ephemeral(chose)).endswith(": 3/4 noted.")
    submitted = await fake.press(interviewer, where[ids[-1]], ids[-1])
    agreement = await ephemeral(submitted)
    assert agreement.startswith("**Your scoring**: you agreed with the AI on ")
    again = await fake.press(interviewer, where[ids[-1]], ids[-1])
    await wait_until(lambda: again.original is not None or again.callbacks, "the replay's ack")

    def side_by_side() -> list[dict[str, Any]]:
        return [m for m in fake.dms_to(candidate) if "Your peer mock" in m["content"]]

    await wait_until(side_by_side, "the candidate's side-by-side")
    [card] = side_by_side()
    assert "• Scalability: AI " in card["content"] and "your interviewer 3/4" in card["content"]
    assert len(Criterion) == sum(1 for line in card["content"].splitlines() if " · " in line) - 1
    assert len([m for m in fake.dms_to(candidate) if "Your peer mock" in m["content"]]) == 1


async def test_an_interviewer_who_takes_no_dms_gets_the_form_again(
    fake: FakeDiscord, start_bot: StartBot, container: Container, clock: FakeClock
) -> None:
    pair = await paired(fake, start_bot, container, clock)
    await private_note(await fake.slash(pair.candidate, pair.key, "peer", action="start"))
    fake.dms_closed.add(pair.interviewer["id"])
    await private_note(await fake.slash(pair.interviewer, pair.key, "peer", action="end"))
    assert "I could not send you the scoring form" in fake.by_bot(pair.key)[-1]["content"]
    again = await fake.slash(pair.candidate, pair.key, "peer", action="end")
    assert "over already" in await private_note(again)  # only the interviewer gets the form
    fake.dms_closed.discard(pair.interviewer["id"])
    await private_note(await fake.slash(pair.interviewer, pair.key, "peer", action="end"))
    forms = [m for m in fake.dms_to(pair.interviewer) if m.get("components")]
    assert len(forms) == 2 and custom_ids(forms[-1])[-1].startswith("mockroom:peersubmit:")


async def test_a_stale_forms_unknown_criterion_scores_nothing(
    fake: FakeDiscord, start_bot: StartBot, container: Container, clock: FakeClock
) -> None:
    pair = await paired(fake, start_bot, container, clock)
    await private_note(await fake.slash(pair.candidate, pair.key, "peer", action="start"))
    await private_note(await fake.slash(pair.interviewer, pair.key, "peer", action="end"))
    forms = [m for m in fake.dms_to(pair.interviewer) if m.get("components")]
    select = fake.messages[forms[0]["id"]]["components"][0]["components"][0]
    stale = select["custom_id"].rsplit(":", 1)[0] + ":charisma"  # a criterion since dropped
    select["custom_id"] = stale  # the form as an older release sent it
    chose = await fake.choose(pair.interviewer, forms[0]["id"], stale, "4")
    assert await ephemeral(chose) == "That form is out of date."
    assert container.peers is not None and container.peers.sessions is not None
    found = container.peers.sessions.repo.in_thread("discord", pair.key)
    assert found is not None and found.scores == {}
