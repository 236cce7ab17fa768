"""Review links: exactly one page per token, for a while; everything else is the same 404."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass, replace
from pathlib import Path

import pytest
from aiohttp.test_utils import TestClient, TestServer

from bot.bootstrap import Container
from bot.review.links import ReviewLinks
from bot.review.pages import interview_ref
from bot.review.server import RateLimit, ReviewServer
from bot.settings import Settings
from interviewer.commands import Command
from interviewer.replies import Who
from tests.bot.review.sample import SCRIPT, SECRET, SLACK, container
from tests.clock import FakeClock

ADA, BOB = Who("slack", "U0ADA", "Ada"), Who("slack", "U0BOB", "Bob")


@dataclass
class Served:
    parts: Container
    clock: FakeClock
    client: TestClient
    limit: RateLimit


async def interview(parts: Container, who: Who, text: str) -> int:
    """A short interview of `who`, scored; its id."""
    channel = "D" + who.user_id
    started = await parts.service.start(who, channel, "url-shortener")
    await parts.service.answer(who, channel, text)
    await parts.service.command(who, channel, Command.END)
    return started.interview_id


@pytest.fixture
async def served(tmp_path: Path) -> AsyncIterator[Served]:
    clock = FakeClock()
    parts = container(tmp_path / "db.sqlite", clock, seed=3)
    assert parts.review is not None
    limit = RateLimit(5, clock)
    client = TestClient(TestServer(ReviewServer(parts.review, limit, 0).app()))
    await client.start_server()
    yield Served(parts, clock, client, limit)
    await client.close()
    parts.close()


def token_of(s: Served, interview_id: int) -> str:
    stored = s.parts.repo.load(interview_id)
    assert stored is not None and s.parts.review is not None and s.parts.review.links
    return s.parts.review.links.token(interview_ref(stored))


async def status(s: Served, token: str) -> int:
    s.limit._seen.clear()  # these tests are about tokens, not the rate
    response = await s.client.get(f"/review/{token}")
    return response.status


async def test_a_token_opens_its_page_with_a_strict_policy(served: Served) -> None:
    ada = await interview(served.parts, ADA, f"I would shard by user id {SCRIPT} {SLACK}")
    response = await served.client.get(f"/review/{token_of(served, ada)}")
    assert response.status == 200
    policy = response.headers["Content-Security-Policy"]
    assert policy.startswith("default-src 'none'; style-src 'sha256-") and "img-src data:" in policy
    assert "frame-ancestors 'none'" in policy
    assert response.headers["Referrer-Policy"] == "no-referrer"
    html = await response.text()
    assert "&lt;script&gt;" in html and "<script" not in html
    assert "can read it until 2026-12-02 09:00 UTC" in html  # signed now, plus 7 days


async def test_forged_altered_and_malformed_tokens_are_404(served: Served) -> None:
    ada = await interview(served.parts, ADA, "I would shard by user id.")
    token = token_of(served, ada)
    body, _, signature = token.rpartition(".")
    flipped = signature[:-1] + ("A" if signature[-1] != "A" else "B")
    for bad in (f"{body}.{flipped}", "nonsense", token + "x", "a" * 500, str(ada)):
        assert await status(served, bad) == 404
    other = ReviewLinks("another-secret-of-some-length", None, served.clock)
    stored = served.parts.repo.load(ada)
    assert stored is not None
    assert await status(served, other.token(interview_ref(stored))) == 404  # a changed secret


async def test_an_expired_token_is_404(served: Served) -> None:
    ada = await interview(served.parts, ADA, "I would shard by user id.")
    token = token_of(served, ada)
    served.clock.advance(minutes=7 * 24 * 60 - 1)
    assert await status(served, token) == 200
    served.clock.advance(minutes=2)
    assert await status(served, token) == 404


async def test_another_members_page_cannot_be_reached(served: Served) -> None:
    ada = await interview(served.parts, ADA, "Ada's answer: shard by user id.")
    bob = await interview(served.parts, BOB, "Bob's answer: a single database.")
    links = served.parts.review.links if served.parts.review else None
    assert links is not None
    mine = links.read(token_of(served, ada))
    stored_bob = served.parts.repo.load(bob)
    assert mine is not None and stored_bob is not None
    # Ada's signed reference pointed at Bob's interview (even correctly signed) opens nothing
    assert await status(served, links.token(replace(mine, id=bob))) == 404
    bobs = interview_ref(stored_bob)
    assert await status(served, links.token(replace(bobs, owner=mine.owner))) == 404
    response = await served.client.get(f"/review/{token_of(served, ada)}")
    assert "Bob&#39;s answer" not in await response.text()


async def test_a_forgotten_members_links_are_404(served: Served) -> None:
    ada = await interview(served.parts, ADA, "I would shard by user id.")
    token = token_of(served, ada)
    assert await status(served, token) == 200
    assert served.parts.privacy is not None
    served.parts.privacy.forget(ADA)
    assert await status(served, token) == 404
    served.clock.advance(1)
    # SQLite may give the new user and interview the forgotten ones' ids: the start differs
    await interview(served.parts, ADA, "A new interview after forgetting.")
    assert await status(served, token) == 404


async def test_requests_are_limited_per_address(served: Served) -> None:
    codes = [(await served.client.get("/review/nothing")).status for _ in range(6)]
    assert codes == [404] * 5 + [429]
    served.clock.advance(61)
    assert (await served.client.get("/elsewhere")).status == 404


@pytest.mark.parametrize("secret", ["change-me-to-32-random-characters", "your-review-secret-here"])
def test_a_placeholder_secret_is_refused(secret: str) -> None:
    with pytest.raises(ValueError, match="MOCKROOM_REVIEW_SECRET is still a placeholder"):
        Settings(_env_file=None, review_secret=secret)


def test_a_short_secret_is_refused_and_a_real_one_is_kept_out_of_logs() -> None:
    with pytest.raises(ValueError, match="MOCKROOM_REVIEW_SECRET is too short"):
        Settings(_env_file=None, review_secret="short")
    settings = Settings(_env_file=None, review_secret=SECRET)
    assert SECRET in settings.secret_values() and SECRET not in repr(settings)
