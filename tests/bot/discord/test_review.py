"""The Review link button on Discord scorecards, through discord.py and the fake Discord."""

from __future__ import annotations

import random
from collections.abc import Iterator
from pathlib import Path

import pytest
from aiohttp.test_utils import TestClient, TestServer

from bot.bootstrap import Container, build
from bot.review.server import RateLimit, ReviewServer
from bot.settings import Settings
from tests.bot.discord.conftest import ADA, TOKEN, StartBot
from tests.bot.discord.fake_discord import FakeDiscord
from tests.bot.discord.test_dm import done
from tests.clock import FakeClock
from tests.support import wait_until

PUBLIC = "https://review.example.org"
SAYS = "I would shard by user id @everyone **now** <script>x</script>"


@pytest.fixture
def container(fake: FakeDiscord, tmp_path: Path, clock: FakeClock) -> Iterator[Container]:
    settings = Settings(
        _env_file=None,
        DISCORD_TOKEN=TOKEN,
        discord_api_url=f"http://127.0.0.1:{fake.port}",
        database_url=f"sqlite:///{tmp_path / 'mockroom.db'}",
        public_url=PUBLIC,
        review_secret="a-review-secret-of-some-length",
    )
    parts = build(settings, clock=clock, rng=random.Random(7))
    yield parts
    parts.close()


async def test_a_dm_scorecard_carries_a_review_link_button(
    fake: FakeDiscord, start_bot: StartBot, container: Container, clock: FakeClock
) -> None:
    await start_bot()
    dm = fake.dm_channel(ADA)
    started = await fake.slash(ADA, dm, "start", question="url-shortener", format="async")
    await wait_until(lambda: done(started), "the opening message")
    said = await fake.say(dm, ADA, SAYS)
    await wait_until(lambda: [m for m in fake.after(dm, said) if m["embeds"]], "the answer")
    ended = await fake.slash(ADA, dm, "end")
    await wait_until(lambda: done(ended) and ended.followups, "the scorecard")
    messages = [done(ended), *ended.followups]
    card = next(m for m in messages if m and m["embeds"][0]["title"].startswith("Scorecard"))
    [[button]] = [row["components"] for row in card["components"]]
    assert button["style"] == 5 and button["label"] == "Review"  # a link button
    url = button["url"]
    assert url.startswith(f"{PUBLIC}/review/")

    assert container.review is not None
    server = ReviewServer(container.review, RateLimit(30, clock), 0)
    async with TestClient(TestServer(server.app())) as client:
        response = await client.get(url.removeprefix(PUBLIC))
        assert response.status == 200
        html = await response.text()
    assert "@everyone **now** &lt;script&gt;x&lt;/script&gt;" in html

    past = await fake.slash(ADA, dm, "history", number=1)  # the same card, privately
    shown = await wait_until(lambda: done(past), "the past scorecard")
    [[again]] = [row["components"] for row in shown["components"]]
    assert again["style"] == 5 and again["url"].startswith(f"{PUBLIC}/review/")
