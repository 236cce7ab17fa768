"""A one-on-one interview in a DM over Socket Mode, from `/mockroom start` to the scorecard."""

from __future__ import annotations

import json

from bot.slack.places import who_of
from bot.slack.render import ACTION_IDS
from interviewer.core.events import Action
from interviewer.core.rubric import Criterion
from interviewer.ports import Brain, DeltaSink, TurnContext, Utterance
from tests.bot.slack import payloads
from tests.bot.slack.conftest import ADA, Harness, dm_of

DM = dm_of(ADA)


async def test_a_dm_interview_runs_from_start_to_scorecard(slack: Harness) -> None:
    await slack.command(ADA, DM, "start model-serving drill")
    assert slack.acks[-1] == {"envelope_id": slack.acks[-1]["envelope_id"]}  # a bare ack
    [opening] = slack.fake.conversation(DM)
    assert "Clarify requirements · 2:00 left in stage · " in opening.shown
    assert opening.action_ids() == list(ACTION_IDS.values())
    interview_id = slack_interview(slack)
    values = {e["value"] for b in opening.blocks if b["type"] == "actions" for e in b["elements"]}
    assert values == {str(interview_id)}

    await slack.say(ADA, DM, "How many users, and what is the peak QPS?")
    follow_up = slack.fake.conversation(DM)[-1]
    assert len(slack.fake.conversation(DM)) == 2  # one message for the answer, not one per token
    assert "requests per second" in follow_up.shown or "QPS" in follow_up.shown
    assert follow_up.action_ids() == list(ACTION_IDS.values())

    # the clock: a time warning, then the move to the next stage, in the same DM
    slack.clock.advance(100)
    assert await slack.tick() == 1
    slack.clock.advance(30)
    assert await slack.tick() == 1
    moved = slack.fake.conversation(DM)[-1]
    assert "High-level design" in moved.shown
    assert len(slack.fake.conversation(DM)) == 4

    await slack.say(ADA, DM, "A gateway, a request queue, and a GPU pool autoscaled on depth.")
    await slack.press(ADA, slack.fake.conversation(DM)[-1], "mockroom_end")
    card = next(m for m in slack.fake.conversation(DM) if m.blocks[0]["type"] == "header")
    assert (
        card.blocks[0]["text"]["text"]
        == "Scorecard: " + slack.container.bank.problem("model-serving").title
    )
    assert "Overall" in card.shown and "Hire signal" in card.shown
    for criterion in Criterion:
        assert criterion.label in card.shown
    assert card.action_ids() == []  # an ended interview has no buttons
    # the radar chart: an upload URL, the PNG bytes, then completion into the DM
    [complete] = slack.fake.calls_to("files.completeUploadExternal")
    assert complete.args["channel_id"] == DM
    [file_id] = [f["id"] for f in json.loads(complete.args["files"])]
    assert slack.fake.uploads[file_id].startswith(b"\x89PNG")


async def test_history_questions_and_help_answer_privately(slack: Harness) -> None:
    await slack.command(ADA, DM, "start url-shortener async")
    await slack.command(ADA, DM, "end")
    before = len(slack.fake.messages)
    await slack.command(ADA, DM, "history")
    assert (
        "url-shortener" in slack.fake.messages[-1].shown.lower()
        or "URL" in slack.fake.messages[-1].shown
    )
    assert "/4" in slack.fake.messages[-1].shown
    await slack.command(ADA, DM, "questions")
    assert "`model-serving`" in slack.fake.messages[-1].shown
    await slack.command(ADA, DM, "dance")
    assert "Unknown command `dance`" in slack.fake.messages[-1].shown
    assert "/mockroom start" in slack.fake.messages[-1].shown
    assert len(slack.fake.messages) == before + 3
    assert slack.fake.ephemeral == []  # in a DM, private notes are plain DM messages


async def test_a_dm_without_an_interview_says_how_to_start(slack: Harness) -> None:
    await slack.say(ADA, DM, "hello?")
    [note] = slack.fake.conversation(DM)
    assert "/mockroom start" in note.shown


async def test_a_streaming_brain_edits_one_message(slack: Harness) -> None:
    brain = slack.container.service.brain
    slack.container.service.brain = WordByWord(brain)
    await slack.command(ADA, DM, "start model-serving")
    await slack.say(ADA, DM, "How many users, and what is the peak QPS?")
    messages = slack.fake.conversation(DM)
    assert len(messages) == 2
    updates = slack.fake.calls_to("chat.update")
    assert 1 <= len(updates) <= 2  # at most one edit a second, and the final one
    stored = slack.container.repo.load(slack_interview(slack))
    assert stored is not None
    turns = stored.turns
    assert messages[-1].blocks[0]["text"]["text"] == turns[-1].text
    assert messages[-1].action_ids() == list(ACTION_IDS.values())


async def test_app_home_lists_interviews_and_starts_one(slack: Harness) -> None:
    await slack.command(ADA, DM, "start url-shortener async")
    await slack.command(ADA, DM, "end")
    await slack.send("events_api", payloads.event_callback(payloads.home_opened(ADA)))
    [published] = slack.fake.views
    assert published["user_id"] == ADA
    home = json.dumps(published["view"])
    assert "/4" in home and "mockroom_start" in home
    assert "leaderboard" not in home.lower()  # no leaderboard exists yet: nothing is shown
    start = {"type": "block_actions", "user": {"id": ADA, "username": "ada"}, "api_app_id": "A1"}
    start |= {"team": {"id": "T1"}, "container": {"type": "view", "view_id": "V1"}}
    start |= {"trigger_id": "1", "actions": [{"action_id": "mockroom_start", "value": "start"}]}
    await slack.send("interactive", start)
    assert slack.fake.calls_to("conversations.open")[0].args["users"] == ADA
    assert "Hi, I'll be your interviewer" in slack.fake.conversation(DM)[-1].shown
    assert len(slack.fake.views) == 2 and "in progress" in json.dumps(slack.fake.views[-1])


def slack_interview(slack: Harness) -> int:
    """Ada's latest interview id."""
    return slack.container.service.history(who_of(ADA))[0].interview_id


class WordByWord:
    """A brain that streams the wrapped brain's words one at a time."""

    name = "streaming"

    def __init__(self, inner: Brain) -> None:
        self.inner = inner

    async def speak(
        self, ctx: TurnContext, action: Action, on_delta: DeltaSink | None = None
    ) -> Utterance:
        utterance = await self.inner.speak(ctx, action)
        if on_delta is not None:
            words = utterance.text.split(" ")
            for i, word in enumerate(words):
                await on_delta(word if i == 0 else " " + word)
        return utterance


async def test_web_api_calls_share_connections(slack: Harness) -> None:
    # slack_sdk opens a connection per call unless it is given a session: against Slack
    # that is a TLS handshake per post and edit. The runner keeps one while it runs.
    await slack.command(ADA, DM, "start model-serving drill")
    for answer in (
        "How many users, and what is the peak QPS?",
        "What latency does a chat turn need at p99?",
        "A gateway, a request queue, and a GPU pool autoscaled on depth.",
    ):
        await slack.say(ADA, DM, answer)
    calls = [c for c in slack.fake.calls if c.peer is not None]
    connections = {c.peer for c in calls}
    assert len(calls) >= 6
    assert len(connections) <= 2, (len(connections), len(calls))
