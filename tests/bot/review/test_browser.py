"""A real browser (headless Chromium over the DevTools protocol) opens a served review page at a
phone's 360 px and a desktop's 1280 px: no horizontal scroll, no console error, no request
but the page itself. The screenshots are kept as test artefacts."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from bot.review.pages import interview_ref
from bot.review.server import RateLimit, ReviewServer
from interviewer.commands import Command
from interviewer.replies import Who
from tests.bot.review.cdp import browser, chromium
from tests.bot.review.sample import DISCORD, FIRST, SCRIPT, SECOND, SLACK, container
from tests.clock import FakeClock
from tests.support import free_port

WIDTHS = (360, 1280)
ANSWERS = (
    f"How many writes per second? {SLACK}",
    FIRST,
    f"Reads go through the cache {SCRIPT}; I would shard the table by hash and keep a replica.",
    SECOND,
    f"A very long unbroken word: {'x' * 120} and a long path /a/b/c/d/e/f/g/h/i/j {DISCORD}",
)


def _in_ci() -> bool:
    return os.environ.get("CI", "").strip().lower() not in ("", "0", "false", "no")


@pytest.fixture
def binary() -> str:
    found = chromium()
    if found is None:
        if _in_ci():
            pytest.fail("chromium is not installed, and CI is set: install it (see .ci/run)")
        pytest.skip("chromium is not installed (apt-get install chromium)")
    return found


@pytest.fixture
def artefacts(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Where the screenshots are kept: TEST_ARTEFACTS_DIR, else pytest's base temp dir."""
    root = Path(os.environ.get("TEST_ARTEFACTS_DIR") or tmp_path_factory.getbasetemp())
    folder = root / "review-screenshots"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


async def test_a_served_page_in_chromium_at_phone_and_desktop_widths(
    binary: str, artefacts: Path, tmp_path: Path
) -> None:
    clock = FakeClock()
    parts = container(tmp_path / "db.sqlite", clock, seed=5)
    who = Who("slack", "U0ADA", "Ada")
    try:
        started = await parts.service.start(who, "DADA", "url-shortener")
        for answer in ANSWERS:
            clock.advance(minutes=2)
            await parts.service.answer(who, "DADA", answer)
        await parts.service.command(who, "DADA", Command.END)
        stored = parts.repo.load(started.interview_id)
        assert stored is not None and parts.review is not None and parts.review.links
        token = parts.review.links.token(interview_ref(stored))
        port = free_port()
        server = ReviewServer(parts.review, RateLimit(30, clock), port, "127.0.0.1")
        await server.start()
        url = f"http://127.0.0.1:{port}/review/{token}"
        try:
            async with browser(binary, tmp_path / "profile") as page:
                for width in WIDTHS:
                    page.requests.clear()
                    await page.open(url, width)
                    assert await page.evaluate("document.title") == "Review: Design a URL shortener"
                    scroll = await page.evaluate("document.documentElement.scrollWidth")
                    inner = await page.evaluate("window.innerWidth")
                    assert scroll <= inner, f"{width} px: the page is {scroll} px wide"
                    assert await page.evaluate("document.querySelectorAll('mark').length") >= 1
                    assert await page.evaluate("document.querySelectorAll('script').length") == 0
                    shot = await page.screenshot()
                    (artefacts / f"review-{width}.png").write_bytes(shot)
                    assert page.requests == [url], page.requests  # nothing else is fetched
                assert page.errors == []  # no console error, no policy violation
        finally:
            await server.stop()
    finally:
        parts.close()
    for width in WIDTHS:
        assert (artefacts / f"review-{width}.png").read_bytes().startswith(b"\x89PNG")
