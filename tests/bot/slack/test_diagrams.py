"""Diagrams on Slack (against the local fake): Mermaid and arrow lists come back as an uploaded
image, the follow-up is grounded in the graph, bad diagrams get a clear note and lose nothing."""

from __future__ import annotations

import json

from interviewer.core.transcript import Role
from tests.bot.slack.conftest import ADA, BOB, CHANNEL, Harness, dm_of

DM = dm_of(ADA)
MERMAID = """```mermaid
flowchart LR
  C[Client] --> G[API gateway]
  G -->|route| R[Router] --> P[(GPU pool)]
```"""


def uploads(slack: Harness) -> list[tuple[str, bytes]]:
    """(title, bytes) of every file completed into the DM."""
    out = []
    for call in slack.fake.calls_to("files.completeUploadExternal"):
        for f in json.loads(call.args["files"]):
            out.append((f.get("title", ""), slack.fake.uploads[f["id"]]))
    return out


async def test_diagrams_come_back_as_images_and_ground_the_follow_up(slack: Harness) -> None:
    await slack.command(ADA, DM, "start model-serving")
    await slack.command(ADA, DM, "next")
    await slack.say(ADA, DM, MERMAID)  # a message that is only a diagram
    [(title, png)] = uploads(slack)
    assert title == "Your design, version 1: 4 components, 3 arrows"
    assert png.startswith(b"\x89PNG")
    said = slack.fake.conversation(DM)[-1].shown
    assert "goes through the one API gateway" in said
    assert "Client → API gateway → Router → GPU pool" in said

    await slack.say(
        ADA,
        DM,
        "The gateway and router run as pools of replicas; the GPU pool batches.\n"
        "client -> gateway pool -> router pool -> gpu pool\nrouter pool -> policy checker",
    )
    assert [t for t, _ in uploads(slack)][-1].startswith("Your design, version 2")
    said = slack.fake.conversation(DM)[-1].shown
    assert "Your diagram has policy checker" in said and "haven't said what it does" in said


async def test_malformed_and_oversized_diagrams_get_a_note_and_lose_nothing(
    slack: Harness,
) -> None:
    await slack.command(ADA, DM, "start model-serving")
    await slack.command(ADA, DM, "next")
    before = len(slack.fake.conversation(DM))
    await slack.say(ADA, DM, "We shard by user id.\nclient -> -> gateway")
    shown = [m.shown for m in slack.fake.conversation(DM)[before:]]
    assert any("Your diagram was not taken: line 2: expected a component after" in s for s in shown)
    assert uploads(slack) == []
    big = "\n".join(f"n{i} -> n{i + 1}" for i in range(45))
    await slack.say(ADA, DM, f"Every hop is a service.\n{big}")
    assert "more than 40 components" in slack.fake.conversation(DM)[-2].shown + (
        slack.fake.conversation(DM)[-1].shown
    )
    stored = slack.container.repo.active_in_channel("slack", DM)
    assert stored is not None
    said = [t.text for t in stored.turns if t.role is Role.CANDIDATE]
    assert said[-2:] == [
        "We shard by user id.\nclient -> -> gateway",
        f"Every hop is a service.\n{big}",
    ]


async def test_a_design_along_shares_one_design_and_credits_who_drew_what(
    slack: Harness,
) -> None:
    await slack.command(ADA, CHANNEL, "start model-serving --group")
    thread = slack.thread_of("started a")
    await slack.command(ADA, CHANNEL, "next")
    await slack.say(ADA, CHANNEL, "client -> gateway -> model server", thread_ts=thread)
    await slack.say(
        BOB, CHANNEL, "client -> gateway -> model server\ngateway -> cache", thread_ts=thread
    )
    titles = [t for t, _ in uploads(slack)]
    assert titles == [
        "Your design, version 1: 3 components, 2 arrows",
        "Your design, version 2: 4 components, 3 arrows",  # the thread's latest is the design
    ]
    await slack.command(ADA, CHANNEL, "end")
    shown = "\n".join(m.shown for m in slack.fake.conversation(CHANNEL, thread))
    assert "The final design, version 2: 4 components, 3 arrows" in shown
    credits = next(line for line in shown.splitlines() if "contributors" in line)
    assert "drew client, gateway, model server" in credits and "drew cache" in credits


async def test_a_diagram_whose_upload_fails_is_shown_as_discord_shows_it(slack: Harness) -> None:
    await slack.command(ADA, DM, "start model-serving")
    await slack.command(ADA, DM, "next")
    slack.fake.fail("files.getUploadURLExternal", "internal_error", times=5)
    await slack.say(ADA, DM, MERMAID)
    title = "Your design, version 1: 4 components, 3 arrows"
    [shown] = [m.text for m in slack.fake.conversation(DM) if title in m.text]
    # the title, then the same code block Discord's embed holds (bot/chat/render.diagram_block)
    assert shown.startswith(f"*{title}*\n```\n") and "API gateway" in shown
    slack.fake.errors.clear()  # the failures were ours to make
