"""Retries, duplicates, bots, edits, 429s and the error boundary: the interview never forks."""

from __future__ import annotations

import asyncio
import logging

import pytest
from slack_sdk.http_retry.request import HttpRequest
from slack_sdk.http_retry.response import HttpResponse
from slack_sdk.http_retry.state import RetryState

from bot.slack.places import who_of
from bot.slack.retry import SlackErrorRetryHandler
from interviewer.core.events import Action
from interviewer.ports import Brain, DeltaSink, TurnContext, Utterance
from tests.bot.slack import payloads
from tests.bot.slack.conftest import ADA, Harness, dm_of, until

DM = dm_of(ADA)


def candidate_turns(slack: Harness) -> list[str]:
    """The candidate's words in Ada's latest interview."""
    entry = slack.container.service.history(who_of(ADA))[0]
    stored = slack.container.repo.load(entry.interview_id)
    assert stored is not None
    return [t.text for t in stored.turns if t.role.value == "candidate"]


async def test_retried_and_duplicated_events_get_one_answer(slack: Harness) -> None:
    await slack.command(ADA, DM, "start model-serving")
    body = await slack.say(ADA, DM, "How many users at peak?")
    assert len(slack.fake.conversation(DM)) == 2
    await slack.send("events_api", body, retry_attempt=1)  # Slack's retry: same event
    await slack.send("events_api", body, retry_attempt=2)
    duplicate = payloads.event_callback(body["event"], event_id="EvOTHER")  # a second delivery
    await slack.send("events_api", duplicate)
    assert len(slack.acks) == 5  # every delivery is acknowledged...
    assert len(slack.fake.conversation(DM)) == 2  # ...and answered once
    assert candidate_turns(slack) == ["How many users at peak?"]


async def test_bots_edits_and_deletions_do_not_touch_the_interview(slack: Harness) -> None:
    await slack.command(ADA, DM, "start model-serving")
    await slack.say(ADA, DM, "How many users at peak?")
    before = len(slack.fake.conversation(DM))
    ts = slack.fake.conversation(DM)[-1].ts
    await slack.say(None, DM, "I am a bot", bot_id="BOTHER", subtype="bot_message")
    await slack.say("UBOT", DM, "my own echo", bot_id="BBOT")
    edited = {"type": "message", "user": ADA, "text": "edited text", "ts": ts}
    await slack.say(None, DM, "", subtype="message_changed", message=edited)
    await slack.say(None, DM, "", subtype="message_deleted", deleted_ts=ts)
    await slack.say(ADA, DM, "joined", subtype="channel_join")
    assert len(slack.fake.conversation(DM)) == before
    assert candidate_turns(slack) == ["How many users at peak?"]
    await slack.say(ADA, DM, "Then what latency target?", subtype="thread_broadcast")
    assert len(slack.fake.conversation(DM)) == before + 1  # a real answer still counts


async def test_slack_escapes_are_undone_before_the_interviewer_reads(slack: Harness) -> None:
    await slack.command(ADA, DM, "start model-serving")
    await slack.say(ADA, DM, "p99 &lt; 200 ms &amp; QPS &gt; 10k")
    assert candidate_turns(slack) == ["p99 < 200 ms & QPS > 10k"]


async def test_a_429_is_retried_after_retry_after(slack: Harness) -> None:
    await slack.command(ADA, DM, "start model-serving")
    slack.fake.rate_limit("chat.update", times=1, retry_after=0)
    await slack.say(ADA, DM, "How many users at peak?")
    assert len(slack.fake.calls_to("chat.update")) == 2  # refused once, then sent again
    assert slack.fake.conversation(DM)[-1].edits == 1
    assert slack.fake.conversation(DM)[-1].action_ids()


async def test_the_error_boundary_apologises_logs_and_the_interview_survives(
    slack: Harness, caplog: pytest.LogCaptureFixture
) -> None:
    await slack.command(ADA, DM, "start model-serving")
    # the streamed post and the whole post, refused for good (not a passing failure)
    slack.fake.fail("chat.postMessage", "invalid_arguments", times=2)
    with caplog.at_level(logging.ERROR):
        await slack.say(ADA, DM, "How many users at peak?")
    assert "Slack: an answer failed" in caplog.text and "Traceback" in caplog.text
    apology = slack.fake.conversation(DM)[-1]
    assert "Sorry, something went wrong" in apology.shown
    assert candidate_turns(slack) == ["How many users at peak?"]  # the answer is kept
    await slack.say(ADA, DM, "What latency target for the first token?")
    assert slack.fake.conversation(DM)[-1].action_ids()  # and the interview carries on
    assert len(candidate_turns(slack)) == 2


async def test_a_reply_whose_post_slack_fails_is_posted_on_a_later_try(slack: Harness) -> None:
    await slack.command(ADA, DM, "start model-serving")
    slack.fake.fail("chat.postMessage", times=2)  # Slack's internal_error, twice
    await slack.say(ADA, DM, "How many users at peak?")
    assert len(slack.fake.calls_to("chat.postMessage")) == 4  # the opening, 2 failures, the post
    _opening, reply = slack.fake.conversation(DM)  # the reply once, no apology, nothing resent
    assert reply.action_ids() and "Sorry" not in reply.shown
    [entry] = slack.container.service.history(who_of(ADA))
    stored = slack.container.repo.load(entry.interview_id)
    assert stored is not None and stored.turns[-1].text[:60] in reply.shown
    assert candidate_turns(slack) == ["How many users at peak?"]


async def test_only_failures_that_made_nothing_are_retried() -> None:
    # fatal_error: Slack says part of the call may have succeeded, so a retry could post twice.
    handler = SlackErrorRetryHandler()
    request = HttpRequest(method="POST", url="https://slack.test/api/chat.postMessage", headers={})

    async def retried(status: int, error: str) -> bool:
        body = {"ok": False, "error": error}
        response = HttpResponse(status_code=status, headers={}, body=body, data=b"")
        return await handler._can_retry_async(
            state=RetryState(), request=request, response=response
        )

    assert await retried(200, "internal_error")
    assert await retried(503, "service_unavailable")
    assert not await retried(200, "fatal_error")
    assert not await retried(200, "invalid_arguments")


async def test_a_retried_message_without_an_interview_gets_one_note(slack: Harness) -> None:
    body = await slack.say(ADA, DM, "hello?")
    await slack.send("events_api", body, retry_attempt=1)
    [note] = slack.fake.conversation(DM)
    assert "/mockroom start" in note.shown


async def test_a_private_note_in_a_channel_is_ephemeral(slack: Harness) -> None:
    await slack.command(ADA, "C0DESIGN", "hint")
    [note] = slack.fake.ephemeral
    assert note["user"] == ADA and "No interview is running" in note["text"]
    assert slack.fake.messages == []


class GatedBrain:
    """A brain that waits for the test before it speaks (a slow model)."""

    name = "gated"

    def __init__(self, inner: Brain, gate: asyncio.Event) -> None:
        self.inner = inner
        self.gate = gate

    async def speak(
        self, ctx: TurnContext, action: Action, on_delta: DeltaSink | None = None
    ) -> Utterance:
        await self.gate.wait()
        return await self.inner.speak(ctx, action, on_delta)


async def test_the_ack_leaves_before_the_model_has_spoken(slack: Harness) -> None:
    await slack.command(ADA, DM, "start model-serving")
    gate = asyncio.Event()
    slack.container.service.brain = GatedBrain(slack.container.service.brain, gate)
    event = payloads.message(ADA, DM, "How many users at peak?", slack.fake.next_ts())
    ack = await slack.fake.send_envelope("events_api", payloads.event_callback(event))
    assert "envelope_id" in ack  # acknowledged while the interviewer is still thinking
    assert slack.runner.work.pending == 1
    assert len(slack.fake.conversation(DM)) == 1
    await slack.fake.send_envelope("slash_commands", payloads.slash(ADA, DM, "help"))
    await until(lambda: "/mockroom hint" in slack.fake.conversation(DM)[-1].shown)
    # help was answered meanwhile (its task ends just after its post); the answer still waits
    await until(lambda: slack.runner.work.pending == 1)
    gate.set()
    await slack.runner.drain()
    assert slack.runner.work.pending == 0
    assert slack.fake.conversation(DM)[-1].action_ids()
