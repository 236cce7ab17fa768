"""Two `mockroom serve slack` processes on one PostgreSQL, behind a round-robin balancer.

What docs/scaling.md promises, checked with real processes: any replica can take any
request of any interview; a Slack retry that lands on the other replica is handled once;
two answers racing on two replicas are both kept, each once, and the interviewer does not
speak twice over one step.
"""

from __future__ import annotations

import asyncio
import itertools
import json
import os
import subprocess
import sys
import time
from collections.abc import AsyncIterator, Iterator
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import urlencode

import aiohttp
import pytest

from bot.slack.runner import EVENTS_PATH
from interviewer.core.transcript import Role
from interviewer.ports import StoredInterview
from storage.engine import make_engine
from storage.repositories.interviews import SqlRepository
from tests.bot.slack import payloads
from tests.bot.slack.fake_slack import FakeSlack
from tests.support import free_port, wait_until

MOCKROOM = Path(sys.executable).parent / "mockroom"
SECRET = "9c1d5e0b7a3f42d8b6e1c0a9f8e7d6c5"
ADA, BOB = "U0ADA", "U0BOB"

pytestmark = pytest.mark.skipif(not MOCKROOM.exists(), reason="mockroom is not installed here")


def environment(database_url: str, fake: FakeSlack) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("MOCKROOM_", "OPENAI_"))}
    env.pop("SLACK_APP_TOKEN", None)
    env.pop("DISCORD_TOKEN", None)
    return env | {
        "MOCKROOM_DATABASE_URL": database_url,
        "MOCKROOM_LLM_MODEL": "offline",
        "SLACK_BOT_TOKEN": "xoxb-replica-test",
        "SLACK_SIGNING_SECRET": SECRET,
        "MOCKROOM_SLACK_API_URL": fake.api_url,
    }


@contextmanager
def replica(env: dict[str, str], log: Path) -> Iterator[tuple[str, str]]:
    """One `mockroom serve slack` process; yields its events URL and health URL."""
    port, health = free_port(), free_port()
    with log.open("w") as out:
        proc = subprocess.Popen(
            [str(MOCKROOM), "serve", "slack", "--port", str(port)],
            env=env | {"MOCKROOM_HEALTH_PORT": str(health)},
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    try:
        yield f"http://127.0.0.1:{port}{EVENTS_PATH}", f"http://127.0.0.1:{health}/healthz"
    finally:
        proc.terminate()
        try:
            proc.wait(15)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(5)


async def wait_healthy(session: aiohttp.ClientSession, url: str, log: Path) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            async with session.get(url) as response:
                if response.status == 200:
                    return
        except aiohttp.ClientError:
            pass
        await asyncio.sleep(0.2)
    tail = await asyncio.to_thread(log.read_text)
    pytest.fail(f"the replica did not become healthy:\n{tail[-3000:]}")


@pytest.fixture
async def fake() -> AsyncIterator[FakeSlack]:
    slack = FakeSlack()
    await slack.start()
    try:
        yield slack
    finally:
        await slack.stop()


class Balancer:
    """Round robin over the replicas' events URLs, as a load balancer in front of them."""

    def __init__(self, session: aiohttp.ClientSession, urls: list[str]) -> None:
        self.session = session
        self.urls = urls
        self._next = itertools.cycle(urls)
        self.served: dict[str, int] = dict.fromkeys(urls, 0)

    async def post(
        self, body: str, content_type: str, url: str | None = None, retry: int = 0
    ) -> None:
        url = url or next(self._next)
        headers = {"Content-Type": content_type, **payloads.signed(body, SECRET)}
        if retry:
            headers |= {"X-Slack-Retry-Num": str(retry), "X-Slack-Retry-Reason": "http_timeout"}
        async with self.session.post(url, data=body, headers=headers) as response:
            assert response.status == 200, await response.text()
        self.served[url] += 1

    async def command(self, user: str, channel: str, text: str) -> None:
        await self.post(
            urlencode(payloads.slash(user, channel, text)), "application/x-www-form-urlencoded"
        )

    def event(self, user: str, channel: str, text: str, ts: str) -> str:
        return json.dumps(payloads.event_callback(payloads.message(user, channel, text, ts)))


async def settled(
    repo: SqlRepository, channel: str, candidate_turns: int, interviewer_turns: int
) -> StoredInterview:
    """The conversation's interview once it holds at least these turns (20 s at most)."""

    def reached() -> StoredInterview | None:
        stored = repo.active_in_channel("slack", channel)
        if stored is None:
            return None
        roles = [t.role for t in stored.turns]
        enough = (
            roles.count(Role.CANDIDATE) >= candidate_turns
            and roles.count(Role.INTERVIEWER) >= interviewer_turns
        )
        return stored if enough else None

    found: StoredInterview = await wait_until(
        reached, f"{channel} to reach {candidate_turns} answers", within=20
    )
    return found


async def test_two_replicas_share_interviews_and_handle_each_event_once(
    postgres_url: str, fake: FakeSlack, tmp_path: Path
) -> None:
    env = environment(postgres_url, fake)
    upgrade = await asyncio.to_thread(
        subprocess.run,
        [str(MOCKROOM), "db", "upgrade"],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert upgrade.returncode == 0, upgrade.stderr
    repo = SqlRepository(make_engine(postgres_url))
    with (
        replica(env, tmp_path / "one.log") as (one, one_health),
        replica(env, tmp_path / "two.log") as (two, two_health),
    ):
        async with aiohttp.ClientSession() as session:
            await wait_healthy(session, one_health, tmp_path / "one.log")
            await wait_healthy(session, two_health, tmp_path / "two.log")
            lb = Balancer(session, [one, two])
            ada_dm, bob_dm = "D" + ADA[1:], "D" + BOB[1:]
            await lb.command(ADA, ada_dm, "start url-shortener")  # replica one
            await lb.command(BOB, bob_dm, "start model-rate-limiter")  # replica two
            await settled(repo, ada_dm, 0, 1)
            await settled(repo, bob_dm, 0, 1)

            # Ada's answers alternate between the replicas, each after the previous reply.
            answers = [
                "How many URLs a day, and how long do links live?",
                "Reads dominate, so a cache in front of the key-value store takes most of them.",
                "Keys come from a counter per shard, encoded in base62, so no collisions.",
            ]
            for n, text in enumerate(answers, start=1):
                await lb.post(
                    lb.event(ADA, ada_dm, text, f"1700000100.{n:06d}"), "application/json"
                )
                await settled(repo, ada_dm, n, n + 1)

            # Slack retries an event it thinks timed out; the retry lands on the other replica
            # while the first delivery is still being handled.
            body = lb.event(ADA, ada_dm, "Hot keys get replicated to every cache node.", "1.7")
            await asyncio.gather(
                lb.post(body, "application/json", url=one),
                lb.post(body, "application/json", url=two, retry=1),
            )
            await settled(repo, ada_dm, 4, 5)

            # Bob sends two messages at once; each reaches a different replica.
            first = lb.event(BOB, bob_dm, "Token buckets per API key, kept in Redis.", "1.8")
            second = lb.event(BOB, bob_dm, "Refill lazily on each request to save writes.", "1.9")
            await asyncio.gather(
                lb.post(first, "application/json", url=one),
                lb.post(second, "application/json", url=two),
            )
            bob = await settled(repo, bob_dm, 2, 2)
            await asyncio.sleep(1.0)  # anything still in flight lands now, or never

        ada = repo.active_in_channel("slack", ada_dm)
        bob_after = repo.active_in_channel("slack", bob_dm)
    assert ada is not None and bob_after is not None
    ada_said = [t.text for t in ada.turns if t.role is Role.CANDIDATE]
    assert ada_said == [*answers, "Hot keys get replicated to every cache node."]
    ada_roles = [t.role for t in ada.turns]
    # opening, then strictly one reply per answer: the retry was not answered twice
    assert ada_roles == [Role.INTERVIEWER] + [Role.CANDIDATE, Role.INTERVIEWER] * 4
    bob_said = sorted(t.text for t in bob_after.turns if t.role is Role.CANDIDATE)
    assert bob_said == sorted(
        [
            "Token buckets per API key, kept in Redis.",
            "Refill lazily on each request to save writes.",
        ]
    )
    replies = [t for t in bob_after.turns if t.role is Role.INTERVIEWER]
    # the opening plus one or two replies: one when the answers raced (the loser's reply is
    # dropped, not said twice over the same step), two when they came one after the other
    assert 2 <= len(replies) <= 3 and bob.id == bob_after.id
    # one save for the opening, two per answer: nothing was saved twice
    assert ada.version == 1 + 2 * 4
    assert all(count > 0 for count in lb.served.values()), lb.served
