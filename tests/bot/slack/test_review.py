"""The Review link on Slack scorecards, and `/mockroom review`, through the real bolt app."""

from __future__ import annotations

import json

from aiohttp.test_utils import TestClient, TestServer

from bot.review.server import RateLimit, ReviewServer
from tests.bot.slack.conftest import ADA, CHANNEL, Factory, Harness, dm_of

PUBLIC = "https://review.example.org"
REVIEW = {"public_url": PUBLIC, "review_secret": "a-review-secret-of-some-length"}
SAYS = "I would shard the <table> by user id & keep <!channel> replicas"


async def interview(slack: Harness, channel: str) -> None:
    await slack.command(ADA, channel, "start url-shortener async")
    await slack.say(ADA, channel, SAYS)
    await slack.command(ADA, channel, "end")


def review_url(slack: Harness, channel: str) -> str:
    card = next(m for m in slack.fake.conversation(channel) if m.blocks[0]["type"] == "header")
    [button] = [e for b in card.blocks if b["type"] == "actions" for e in b["elements"]]
    assert button["text"]["text"] == "Review" and button["action_id"] == "mockroom_review"
    return str(button["url"])


async def open_page(slack: Harness, url: str) -> tuple[int, str]:
    """GET the link's path from the review server the container would serve."""
    assert slack.container.review is not None
    server = ReviewServer(slack.container.review, RateLimit(30, slack.clock), 0)
    async with TestClient(TestServer(server.app())) as client:
        response = await client.get(url.removeprefix(PUBLIC))
        return response.status, await response.text()


async def test_a_dm_scorecard_carries_the_review_button(harness_factory: Factory) -> None:
    slack = await harness_factory(**REVIEW)
    await interview(slack, dm_of(ADA))
    url = review_url(slack, dm_of(ADA))
    assert url.startswith(f"{PUBLIC}/review/")
    status, html = await open_page(slack, url)
    assert status == 200
    assert "I would shard the &lt;table&gt; by user id &amp; keep &lt;!channel&gt;" in html


async def test_without_a_public_url_the_card_says_how_to_get_the_file(slack: Harness) -> None:
    await interview(slack, dm_of(ADA))
    card = next(m for m in slack.fake.conversation(dm_of(ADA)) if m.blocks[0]["type"] == "header")
    assert card.action_ids() == []
    assert "`/mockroom review` sends you this interview as an annotated page" in card.shown
    uploads = len(slack.fake.calls_to("files.completeUploadExternal"))
    await slack.command(ADA, CHANNEL, "review")
    [complete] = slack.fake.calls_to("files.completeUploadExternal")[uploads:]
    assert complete.args["channel_id"] == dm_of(ADA)  # privately, never in the channel
    [upload] = json.loads(complete.args["files"])
    html = slack.fake.uploads[upload["id"]].decode("utf-8")
    assert html.startswith("<!doctype html>") and "&lt;table&gt;" in html
    assert slack.fake.conversation(CHANNEL) == []


async def test_a_thread_card_keeps_the_link_private(harness_factory: Factory) -> None:
    slack = await harness_factory(**REVIEW)
    await slack.command(ADA, CHANNEL, "start url-shortener async")
    thread = slack.thread_of("started a")
    await slack.say(ADA, CHANNEL, SAYS, thread_ts=thread)
    await slack.command(ADA, CHANNEL, "end")
    card = next(
        m for m in slack.fake.conversation(CHANNEL, thread) if m.blocks[0]["type"] == "header"
    )
    assert "/review/" not in json.dumps(card.blocks)
    assert "private to the candidate: `/mockroom review` sends them its link" in card.shown
    await slack.command(ADA, CHANNEL, "review 1")
    said = [e["text"] for e in slack.fake.ephemeral] + slack.fake.responded()
    link = next(s for s in said if f"{PUBLIC}/review/" in s)
    url = link[link.index(PUBLIC) :].split()[0].rstrip(">").split("|")[0]
    assert (await open_page(slack, url))[0] == 200


async def test_share_posts_the_link_where_it_was_typed(harness_factory: Factory) -> None:
    slack = await harness_factory(**REVIEW)
    await interview(slack, dm_of(ADA))
    assert slack.fake.conversation(CHANNEL) == []
    await slack.command(ADA, CHANNEL, "review 1 share")
    [posted] = slack.fake.conversation(CHANNEL)
    assert f"{PUBLIC}/review/" in posted.shown and "url-shortener" in posted.shown
    url = posted.shown[posted.shown.index(PUBLIC) :].split()[0]
    assert (await open_page(slack, url))[0] == 200


async def test_share_without_a_review_server_says_so(slack: Harness) -> None:
    await interview(slack, dm_of(ADA))
    await slack.command(ADA, CHANNEL, "review share")
    said = [e["text"] for e in slack.fake.ephemeral] + slack.fake.responded()
    assert any("Sharing needs the review server" in s for s in said)
    assert slack.fake.conversation(CHANNEL) == []


async def test_a_past_scorecard_shown_privately_carries_the_button(
    harness_factory: Factory,
) -> None:
    slack = await harness_factory(**REVIEW)
    await interview(slack, dm_of(ADA))
    await slack.command(ADA, CHANNEL, "history 1")
    shown = [*slack.fake.ephemeral, *slack.fake.responses]
    buttons = [
        e
        for message in shown
        for b in message.get("blocks") or []
        if b["type"] == "actions"
        for e in b["elements"]
    ]
    [button] = buttons
    assert button["text"]["text"] == "Review" and button["url"].startswith(f"{PUBLIC}/review/")
    assert (await open_page(slack, button["url"]))[0] == 200
