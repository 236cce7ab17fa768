"""HTTP mode: bolt verifies every request's signature; a bad one gets 401 and does nothing."""

from __future__ import annotations

import hashlib
import hmac
import json
import time
from typing import Any
from urllib.parse import urlencode

import aiohttp
import pytest

from bot.slack.places import who_of
from bot.slack.runner import EVENTS_PATH, SlackConfigError, build_slack_runner
from tests.bot.slack import payloads
from tests.bot.slack.conftest import ADA, BOB, CHANNEL, Factory, Harness, dm_of, make_container
from tests.bot.slack.fake_slack import FakeSlack
from tests.clock import FakeClock

SECRET = "8f742231b10e8888abcd99yyyzzz85a5"
DM = dm_of(ADA)


def signed(body: str, secret: str = SECRET, age: float = 0) -> dict[str, str]:
    """The headers Slack sends, signed with this file's secret unless told otherwise."""
    return payloads.signed(body, secret, age)


class HttpSlack:
    """Slack's side of HTTP mode: it POSTs (signed or not) to the app's events URL."""

    def __init__(self, harness: Harness) -> None:
        self.harness = harness
        self.url = f"http://127.0.0.1:{harness.runner.port}{EVENTS_PATH}"

    async def post(self, body: str, content_type: str, headers: dict[str, str]) -> tuple[int, str]:
        """Send one request; the status and body once the work it started is done."""
        async with (
            aiohttp.ClientSession() as session,
            session.post(
                self.url, data=body, headers={"Content-Type": content_type, **headers}
            ) as response,
        ):
            status, text = response.status, await response.text()
        await self.harness.runner.drain()
        return status, text

    async def command(self, user: str, channel: str, text: str, **sign: Any) -> int:
        """A form-encoded slash command."""
        body = urlencode(payloads.slash(user, channel, text))
        status, _ = await self.post(body, "application/x-www-form-urlencoded", signed(body, **sign))
        return status

    async def event(self, event: dict[str, Any], headers: dict[str, str] | None = None) -> str:
        """A signed JSON event; its body (to replay it)."""
        body = json.dumps(payloads.event_callback(event))
        status, _ = await self.post(body, "application/json", {**signed(body), **(headers or {})})
        assert status == 200
        return body


@pytest.fixture
async def http(harness_factory: Factory) -> HttpSlack:
    """The app in HTTP mode on an ephemeral loopback port."""
    harness = await harness_factory(slack_app_token=None, slack_signing_secret=SECRET)
    assert harness.runner.mode == "http" and harness.fake.connections == 0
    return HttpSlack(harness)


async def test_a_signed_command_starts_an_interview(http: HttpSlack) -> None:
    assert await http.command(ADA, DM, "start model-serving") == 200
    [opening] = http.harness.fake.conversation(DM)
    assert opening.action_ids()


@pytest.mark.parametrize(
    "headers",
    [
        {},  # unsigned
        signed("a different body"),  # a signature of something else
        {"X-Slack-Request-Timestamp": str(int(time.time())), "X-Slack-Signature": "v0=00"},
    ],
    ids=["unsigned", "wrong-body", "garbage"],
)
async def test_unsigned_or_wrongly_signed_requests_get_401(
    http: HttpSlack, headers: dict[str, str]
) -> None:
    body = urlencode(payloads.slash(ADA, DM, "start model-serving"))
    status, _ = await http.post(body, "application/x-www-form-urlencoded", headers)
    assert status == 401
    assert_nothing_happened(http)


async def test_a_wrong_secret_or_a_stale_request_gets_401(http: HttpSlack) -> None:
    assert await http.command(ADA, DM, "start model-serving", secret="not-the-secret") == 401
    # a request signed six minutes ago (a captured request replayed later)
    assert await http.command(ADA, DM, "start model-serving", age=360) == 401
    assert_nothing_happened(http)


def _signed_at(timestamp: str, body: bytes) -> dict[str, str]:
    """Headers signed correctly over whatever timestamp and body bytes they carry."""
    base = b"v0:" + timestamp.encode() + b":" + body
    digest = hmac.new(SECRET.encode(), base, hashlib.sha256).hexdigest()
    return {"X-Slack-Request-Timestamp": timestamp, "X-Slack-Signature": f"v0={digest}"}


@pytest.mark.parametrize(
    ("timestamp", "body"),
    [
        ("9" * 400, b"token=x&text=help"),  # OverflowError in the age check
        ("\u00b2", b"token=x&text=help"),  # `²` passes str.isdigit(), not int()
        ("\uff11\uff12\uff13", b"token=x&text=help"),  # full-width digits
        ("now", b"text=\xff\xfe caf\xe9"),  # not UTF-8
        ("now", "text=\u00e9".encode("utf-16")),
    ],
    ids=["400-digits", "superscript", "full-width", "latin-1-body", "utf-16-body"],
)
async def test_a_malformed_request_before_authentication_is_400_or_401_never_500(
    http: HttpSlack, timestamp: str, body: bytes
) -> None:
    timestamp = str(int(time.time())) if timestamp == "now" else timestamp
    headers = {
        "Content-Type": "application/x-www-form-urlencoded",
        **_signed_at(timestamp, body),
    }
    async with (
        aiohttp.ClientSession() as session,
        session.post(http.url, data=body, headers=headers) as response,
    ):
        status, text = response.status, await response.text()
    assert status in (400, 401) and "Traceback" not in text
    assert_nothing_happened(http)


async def test_a_replayed_or_retried_event_is_answered_once(http: HttpSlack) -> None:
    assert await http.command(ADA, DM, "start model-serving") == 200
    event = payloads.message(ADA, DM, "How many users at peak?", http.harness.fake.next_ts())
    body = await http.event(event)
    retry = {"X-Slack-Retry-Num": "1", "X-Slack-Retry-Reason": "http_timeout"}
    status, _ = await http.post(body, "application/json", {**signed(body), **retry})
    assert status == 200
    status, _ = await http.post(body, "application/json", signed(body))  # replayed verbatim
    assert status == 200
    assert len(http.harness.fake.conversation(DM)) == 2


async def test_buttons_over_http_check_the_user(http: HttpSlack) -> None:
    assert await http.command(ADA, CHANNEL, "start model-serving") == 200
    thread = http.harness.thread_of("started a")
    [opening] = http.harness.fake.conversation(CHANNEL, thread)
    value = str(http.harness.container.service.history(who_of(ADA))[0].interview_id)
    for user in (BOB, ADA):
        press = payloads.button(user, CHANNEL, opening.ts, thread, "mockroom_hint", value)
        body = urlencode({"payload": json.dumps(press)})
        status, _ = await http.post(body, "application/x-www-form-urlencoded", signed(body))
        assert status == 200
    [note] = http.harness.fake.ephemeral
    assert note["user"] == BOB and "not your interview" in note["text"]
    _, hint = http.harness.fake.conversation(CHANNEL, thread)
    assert hint.action_ids()


async def test_url_verification_is_answered(http: HttpSlack) -> None:
    body = json.dumps({"type": "url_verification", "challenge": "abc123", "token": "legacy"})
    status, text = await http.post(body, "application/json", signed(body))
    assert status == 200 and "abc123" in text


def assert_nothing_happened(http: HttpSlack) -> None:
    """No Web API call beyond the token check at start, and no interview stored."""
    assert [c.method for c in http.harness.fake.calls] == ["auth.test"]
    assert http.harness.container.service.history(who_of(ADA)) == []


async def test_settings_that_cannot_work_are_refused(fake: FakeSlack, tmp_path: Any) -> None:
    container = make_container(tmp_path / "x.db", FakeClock(), fake, slack_app_token=None)
    try:
        with pytest.raises(SlackConfigError, match="SLACK_SIGNING_SECRET"):
            build_slack_runner(container)
    finally:
        container.close()


async def test_a_refused_bot_token_stops_the_start_with_the_reason(
    fake: FakeSlack, tmp_path: Any
) -> None:
    container = make_container(
        tmp_path / "x.db", FakeClock(), fake, slack_signing_secret=SECRET, slack_bot_token="bad"
    )
    runner = build_slack_runner(container, 0, host="127.0.0.1")
    try:
        with pytest.raises(SlackConfigError, match=r"refused SLACK_BOT_TOKEN \(invalid_auth\)"):
            await runner.start()
    finally:
        await runner.stop()
        container.close()
    fake.errors.clear()  # the fake recorded the refusal it was meant to give
