"""Diagrams on Discord (against the local fake): Mermaid and arrow lists come back as an
attached image with a text layout, the follow-up is grounded in the graph, and bad diagrams get
a clear reply while the answer is kept."""

from __future__ import annotations

from typing import Any

from bot.bootstrap import Container
from interviewer.core.transcript import Role
from tests.bot.discord.conftest import ADA, StartBot
from tests.bot.discord.fake_discord import FakeDiscord
from tests.bot.discord.test_dm import done
from tests.support import wait_until

MERMAID = """```mermaid
graph TD
  C[Client] --> G[API gateway]
  G --> R[Router] --> P[(GPU pool)]
```"""


def diagram_posts(fake: FakeDiscord, dm: str) -> list[dict[str, Any]]:
    return [
        m
        for m in fake.by_bot(dm)
        if m["embeds"]
        and m["embeds"][0].get("image")
        and m["embeds"][0]["image"]["url"] == "attachment://diagram.png"
    ]


def png_uploads(fake: FakeDiscord, dm: str) -> list[bytes]:
    calls = fake.calls_to("POST", rf"/channels/{dm}/messages")
    return [c.uploads["diagram.png"] for c in calls if "diagram.png" in c.uploads]


def words(fake: FakeDiscord, dm: str) -> str:
    """Everything the bot's embeds said in the DM."""
    return "\n".join(str(e.get("description", "")) for m in fake.by_bot(dm) for e in m["embeds"])


async def test_diagrams_come_back_attached_and_ground_the_follow_up(
    fake: FakeDiscord, start_bot: StartBot
) -> None:
    await start_bot()
    dm = fake.dm_channel(ADA)
    started = await fake.slash(ADA, dm, "start", question="model-serving")
    await wait_until(lambda: done(started), "the opening")
    moved = await fake.slash(ADA, dm, "next")
    await wait_until(lambda: done(moved), "the next stage")

    await fake.say(dm, ADA, MERMAID)
    [shown] = await wait_until(lambda: diagram_posts(fake, dm), "the diagram")
    assert shown["embeds"][0]["title"] == "Your design, version 1: 4 components, 3 arrows"
    assert "└─▶ API gateway · gateway" in shown["embeds"][0]["description"]
    assert [a["filename"] for a in shown["attachments"]] == ["diagram.png"]
    assert png_uploads(fake, dm)[0].startswith(b"\x89PNG")
    await wait_until(lambda: "the one API gateway" in words(fake, dm), "the grounded question")
    assert "`Client → API gateway → Router → GPU pool`" in words(fake, dm)

    await fake.say(
        dm,
        ADA,
        "Gateway and router are pools; the GPU pool batches.\nclient -> gateway pool -> router pool -> gpu pool\n"
        "router pool -> policy checker",
    )
    await wait_until(lambda: len(diagram_posts(fake, dm)) == 2, "the second version")
    await wait_until(
        lambda: "Your diagram has policy checker" in words(fake, dm), "the unexplained box"
    )


async def test_malformed_and_oversized_diagrams_get_a_reply_and_lose_nothing(
    fake: FakeDiscord, start_bot: StartBot, container: Container
) -> None:
    await start_bot()
    dm = fake.dm_channel(ADA)
    started = await fake.slash(ADA, dm, "start", question="model-serving")
    await wait_until(lambda: done(started), "the opening")
    await fake.say(dm, ADA, "We shard by user id.\nclient -> -> gateway")
    note = await wait_until(
        lambda: [m for m in fake.by_bot(dm) if "Your diagram was not taken" in m["content"]],
        "the note",
    )
    assert "line 2: expected a component after `->`" in note[0]["content"]
    big = "\n".join(f"n{i} -> n{i + 1}" for i in range(45))
    await fake.say(dm, ADA, f"Every hop is a service.\n{big}")
    await wait_until(
        lambda: [m for m in fake.by_bot(dm) if "more than 40 components" in m["content"]],
        "the refusal",
    )
    assert diagram_posts(fake, dm) == []
    stored = container.repo.active_in_channel("discord", dm)
    assert stored is not None
    said = [t.text for t in stored.turns if t.role is Role.CANDIDATE]
    assert said[-2:] == [
        "We shard by user id.\nclient -> -> gateway",
        f"Every hop is a service.\n{big}",
    ]
