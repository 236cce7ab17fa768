"""Slack hardening: malformed requests never get 500, replays act once, and no text that
reaches Slack carries a broadcast mention (<!channel>, <!here>, <!everyone>)."""

from __future__ import annotations

import json
import logging
from typing import Any
from urllib.parse import urlencode

import pytest

from bot.slack.places import who_of
from bot.slack.render import safe
from interviewer.core.events import Action
from interviewer.core.transcript import Role, Turn, TurnKind
from interviewer.ports import DeltaSink, TurnContext, Utterance
from tests.bot.slack import payloads
from tests.bot.slack.conftest import ADA, CHANNEL, Harness, dm_of
from tests.bot.slack.test_http import DM, HttpSlack, http, signed  # noqa: F401 (fixture)

FORM = "application/x-www-form-urlencoded"
BROADCASTS = ("<!channel>", "<!here>", "<!everyone>")


@pytest.mark.parametrize(
    "headers",
    [
        {"X-Slack-Request-Timestamp": "soon", "X-Slack-Signature": "v0=00"},
        {"X-Slack-Request-Timestamp": "", "X-Slack-Signature": ""},
        {"X-Slack-Request-Timestamp": "1e9", "X-Slack-Signature": "v0=zz"},
    ],
    ids=["word", "empty", "float"],
)
async def test_unauthenticated_requests_with_odd_headers_get_401(
    http: HttpSlack,  # noqa: F811
    headers: dict[str, str],
    caplog: pytest.LogCaptureFixture,
) -> None:
    body = urlencode(payloads.slash(ADA, DM, "start model-serving <secret words>"))
    with caplog.at_level(logging.DEBUG):
        status, _ = await http.post(body, FORM, headers)
    assert status == 401
    assert "secret words" not in caplog.text  # a refused body is never logged


@pytest.mark.parametrize(
    ("body", "content_type"),
    [
        ("payload=%7Bnot-json", FORM),
        ('{"type": "event_callback", "event": ', "application/json"),
        ("\x00\x01garbage", "application/octet-stream"),
        ("payload=" + json.dumps({"type": "block_actions"}), FORM),
    ],
    ids=["form-payload", "truncated-json", "binary", "action-without-parts"],
)
async def test_signed_malformed_bodies_get_400_never_500(
    http: HttpSlack,  # noqa: F811
    body: str,
    content_type: str,
) -> None:
    status, _ = await http.post(body, content_type, signed(body))
    assert status in (200, 400, 401, 404)  # Slack's own answers; never a 500
    assert status < 500


async def test_a_replayed_command_acts_once(http: HttpSlack) -> None:  # noqa: F811
    body = urlencode(payloads.slash(ADA, DM, "start model-serving"))
    headers = signed(body)
    for _ in range(3):  # the same signed request, replayed within Slack's 5 minutes
        status, _ = await http.post(body, FORM, headers)
        assert status == 200
    assert len(http.harness.fake.conversation(DM)) == 1  # one opening, no refusals
    assert len(http.harness.container.service.history(who_of(ADA))) == 1


async def test_a_replayed_button_press_acts_once(http: HttpSlack) -> None:  # noqa: F811
    assert await http.command(ADA, CHANNEL, "start model-serving") == 200
    thread = http.harness.thread_of("started a")
    [opening] = http.harness.fake.conversation(CHANNEL, thread)
    entry = http.harness.container.service.history(who_of(ADA))[0]
    press = payloads.button(
        ADA, CHANNEL, opening.ts, thread, "mockroom_next", str(entry.interview_id)
    )
    body = urlencode({"payload": json.dumps(press)})
    headers = signed(body)
    for _ in range(3):
        status, _ = await http.post(body, FORM, headers)
        assert status == 200
    stored = http.harness.container.repo.load(entry.interview_id)
    assert stored is not None and stored.state.stage.value == "high_level"  # moved once


async def test_no_text_reaching_slack_carries_a_broadcast_mention(
    http: HttpSlack,  # noqa: F811
) -> None:
    loud = "Ping " + " ".join(BROADCASTS) + " & <https://evil.example|click>"
    assert await http.command(ADA, DM, f"start {loud}") == 200  # echoed: no such question
    assert await http.command(ADA, DM, "start model-serving") == 200
    event = payloads.message(ADA, DM, loud + " how many users?", http.harness.fake.next_ts())
    await http.event(event)
    assert await http.command(ADA, DM, "end") == 200
    calls = [c for c in http.harness.fake.calls if c.method.startswith("chat.")]
    assert calls
    for call in calls:
        sent = json.dumps(call.args)
        for broadcast in BROADCASTS:
            assert broadcast not in sent, (call.method, sent[:300])
        assert "<https://evil" not in sent


def test_safe_keeps_user_and_channel_mentions_and_escapes_the_rest() -> None:
    text = "<@U123> and <#C9|design> said <!here> & <b>"
    assert safe(text) == "<@U123> and <#C9|design> said &lt;!here&gt; &amp; &lt;b&gt;"


class RacingBrain:
    """Streams a draft, and meanwhile 'another replica' stores its own reply first."""

    name = "racing"

    def __init__(self, repo: Any) -> None:
        self.repo = repo

    async def speak(
        self, ctx: TurnContext, action: Action, on_delta: DeltaSink | None = None
    ) -> Utterance:
        if on_delta is not None:
            await on_delta("A draft this replica will lose ")
        stored = self.repo.load(ctx.interview_id)
        words = Turn(Role.INTERVIEWER, stored.state.stage, "The other replica's reply.")
        self.repo.save_step(stored.id, stored.state, [words], expected_version=stored.version)
        return Utterance("This replica's words, never stored.", TurnKind.FOLLOW_UP)


async def test_the_losing_replicas_draft_is_deleted(slack: Harness) -> None:
    await slack.command(ADA, dm_of(ADA), "start model-serving")
    slack.container.service.brain = RacingBrain(slack.container.repo)
    await slack.say(ADA, dm_of(ADA), "How many users at peak?")
    assert slack.fake.calls_to("chat.delete")
    shown = [m.shown for m in slack.fake.conversation(dm_of(ADA))]
    assert not any("draft this replica will lose" in s for s in shown)
    assert not any("never stored" in s for s in shown)


@pytest.mark.parametrize("value", ["missing", None, "\u00b2", "12abc"])
async def test_a_button_without_a_usable_value_is_out_of_date(
    slack: Harness, value: str | None
) -> None:
    # Issue 22: a block_actions payload without `value` raised TypeError (an apology).
    body = payloads.button(ADA, dm_of(ADA), "1700000000.000100", None, "mockroom_hint", "1")
    if value == "missing":
        del body["actions"][0]["value"]
    else:
        body["actions"][0]["value"] = value
    await slack.send("interactive", body)
    said = [str(m.text) for m in slack.fake.conversation(dm_of(ADA))]
    said += [str(e["text"]) for e in slack.fake.ephemeral if e["user"] == ADA]
    assert said == ["That button is out of date."]
