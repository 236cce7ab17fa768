"""`mockroom serve slack`: the bolt app in Socket Mode (app token) or HTTP mode (signing secret)."""

from __future__ import annotations

import asyncio
import logging
from datetime import datetime
from typing import Any

import aiohttp
from aiohttp import web

from bot.bootstrap import Container
from bot.chat.controller import ChatController
from bot.serve import PlatformConfigError
from bot.slack.app import SlackListeners, register
from bot.slack.outbox import SlackOutbox
from bot.slack.peers import deliver as deliver_peer
from bot.slack.peers import register as register_peer_form
from bot.slack.places import split_key, thread_key
from bot.slack.users import UserDirectory
from bot.slack.work import BackgroundWork
from interviewer.core.text import ascii_number
from interviewer.outbox import Kind, Queued
from interviewer.peers.outcome import PeerOutcome
from interviewer.service import Reply

log = logging.getLogger(__name__)


EVENTS_PATH = "/slack/events"
DEFAULT_API_URL = "https://slack.com/api/"
STOP_GRACE_SECONDS = 10.0


def _not_the_env_token_warning(record: logging.LogRecord) -> bool:
    """Drop bolt's notice that SLACK_BOT_TOKEN in the environment is unused: we pass the client."""
    return not record.getMessage().startswith("As you gave `client` as well")


def _reason(exc: BaseException) -> str:
    """An exception in a few words: its message, else its type."""
    return " ".join(str(exc).split())[:200] or type(exc).__name__


class SlackConfigError(PlatformConfigError):
    """Slack settings that cannot work; the message says which variable to set."""


def make_client(token: str, api_url: str | None = None) -> Any:
    """The Web API client: our base URL, retries on 429s, connection errors and Slack's own
    passing failures (a reply whose post failed is posted on a later try, with backoff)."""
    from slack_sdk.http_retry.builtin_async_handlers import (
        AsyncConnectionErrorRetryHandler,
        AsyncRateLimitErrorRetryHandler,
    )
    from slack_sdk.web.async_client import AsyncWebClient

    from bot.slack.retry import SlackErrorRetryHandler

    base_url = api_url or DEFAULT_API_URL
    return AsyncWebClient(
        token=token,
        base_url=base_url if base_url.endswith("/") else base_url + "/",
        retry_handlers=[
            AsyncConnectionErrorRetryHandler(max_retry_count=2),
            AsyncRateLimitErrorRetryHandler(max_retry_count=3),
            SlackErrorRetryHandler(max_retry_count=3),
        ],
    )


class SlackRunner:
    """The Slack platform for `mockroom serve`: listens, and posts what the clock says
    (interview deadlines; drills as a bot.chat.poster.Poster; recaps, boards, reminders and
    pairs as an OutboxPoster)."""

    platform = "slack"

    def __init__(
        self,
        app: Any,
        outbox: SlackOutbox,
        work: BackgroundWork,
        *,
        app_token: str | None,
        port: int,
        host: str,
        signing_secret: str | None = None,
    ) -> None:
        self.app = app
        self.signing_secret = signing_secret
        self.outbox = outbox
        self.work = work
        self.app_token = app_token
        self.port = port
        self.host = host
        self._socket: Any = None
        self._site_runner: web.AppRunner | None = None

    @property
    def mode(self) -> str:
        """'socket' or 'http'."""
        return "socket" if self.app_token else "http"

    async def start(self) -> None:
        """Connect to Socket Mode, or listen for signed HTTP requests on host:port."""
        self._keep_alive()
        try:
            await self._check_token()
        except BaseException:
            await self._close_session()
            raise
        if self.app_token:
            from slack_bolt.adapter.socket_mode.async_handler import AsyncSocketModeHandler

            self._socket = AsyncSocketModeHandler(self.app, self.app_token)
            await self._socket.connect_async()
            return
        self._site_runner = web.AppRunner(self.web_app())
        await self._site_runner.setup()
        site = web.TCPSite(self._site_runner, self.host, self.port)
        await site.start()
        address = self._site_runner.addresses[0]
        self.port = int(address[1])
        log.warning("Slack: listening on http://%s:%s%s", self.host, self.port, EVENTS_PATH)

    def _keep_alive(self) -> None:
        """One HTTP session for every Web API call while running. Without one, slack_sdk opens
        a session (a new connection, and TLS handshake against Slack) per call: several per
        streamed reply, and the churn showed in the load profile (issue 25)."""
        client = self.outbox.client
        if client.session is None or client.session.closed:
            # slack_sdk applies its timeout only to the sessions it makes; ours carries it.
            timeout = aiohttp.ClientTimeout(total=client.timeout)
            client.session = aiohttp.ClientSession(timeout=timeout)

    async def _close_session(self) -> None:
        session = self.outbox.client.session
        if session is not None and not session.closed:
            await session.close()

    async def _check_token(self) -> None:
        """Fail at start, with the reason, when Slack refuses the bot token."""
        from slack_sdk.errors import SlackApiError

        try:
            await self.outbox.client.auth_test()
        except SlackApiError as exc:
            error = exc.response.get("error", "an error")
            raise SlackConfigError(f"Slack refused SLACK_BOT_TOKEN ({error}).") from None
        except (OSError, TimeoutError, aiohttp.ClientError) as exc:
            # One line, not a trace: the operator needs the address and the reason.
            raise SlackConfigError(
                f"Cannot reach Slack at {self.outbox.client.base_url} ({_reason(exc)}); "
                "check the network, or MOCKROOM_SLACK_API_URL."
            ) from None

    def web_app(self) -> web.Application:
        """The HTTP endpoint; bolt verifies each request's signature (401 when it is wrong)."""
        from slack_bolt.adapter.aiohttp import to_aiohttp_response, to_bolt_request
        from slack_sdk.signature import SignatureVerifier

        verifier = SignatureVerifier(self.signing_secret or "")

        async def events(request: web.Request) -> web.Response:
            try:
                body = (await request.read()).decode("utf-8")
            except UnicodeDecodeError:
                log.info("Slack: refused a request whose body is not UTF-8 (400)")
                return web.Response(status=400, text="malformed request")
            timestamp = request.headers.get("X-Slack-Request-Timestamp", "")
            signature = request.headers.get("X-Slack-Signature", "")
            # Verified here, before bolt: a forged or stale request gets 401 however its
            # headers are mangled (a timestamp of 400 digits, or of `²`, which int() reads or
            # refuses with an error), and its body (perhaps a member's words) is never logged.
            if ascii_number(timestamp, max_digits=12) is None or not verifier.is_valid(
                body, timestamp, signature
            ):
                log.info("Slack: refused a request that failed verification (401)")
                return web.Response(status=401, text="invalid request")
            try:
                response = await self.app.async_dispatch(await to_bolt_request(request))
            except Exception as exc:  # a signed but malformed body: a 400, never a 500
                log.warning("Slack: a signed request could not be read (%s)", type(exc).__name__)
                return web.Response(status=400, text="malformed request")
            if response.status >= 500:
                return web.Response(status=400, text="malformed request")
            result: web.Response = await to_aiohttp_response(response)
            return result

        async def health(request: web.Request) -> web.Response:
            return web.Response(text="ok")

        application = web.Application()
        application.add_routes([web.post(EVENTS_PATH, events), web.get("/healthz", health)])
        return application

    async def stop(self) -> None:
        """Finish the work in hand (briefly), then disconnect."""
        try:
            async with asyncio.timeout(STOP_GRACE_SECONDS):
                await self.work.drain()
        except TimeoutError:
            log.warning("Slack: stopping with %s unfinished tasks", self.work.pending)
        if self._socket is not None:
            await self._socket.close_async()
            self._socket = None
        if self._site_runner is not None:
            await self._site_runner.cleanup()
            self._site_runner = None
        await self._close_session()

    async def deliver(self, reply: Reply) -> None:
        """Post what the clock made the interviewer say into the reply's DM or thread."""
        await self.outbox.reply(reply, reply.channel)

    async def drain(self) -> None:
        """Wait for all work started by events so far, and work that started meanwhile."""
        await self.work.drain()

    # ---- the Poster protocol: what the clock posts for drills and boards ----------------------

    async def post_drill(self, channel: str, text: str, marker: str | None = None) -> str:
        """Post a drill in a channel; the key of its thread (`channel:ts`, as answers carry).
        The post carries `marker` in its metadata."""
        return await self.outbox.drill(channel, text, marker)

    async def find_drill(self, channel: str, marker: str, text: str, since: datetime) -> str | None:
        """The thread key of a drill posted with `marker` since `since` (a crash lost it),
        found by its metadata."""
        ts = await self.outbox.find(channel, marker)
        return None if ts is None else thread_key(channel, ts)

    # ---- the OutboxPoster protocol: scheduled posts, found again after a crash -----------------

    async def post_scheduled(self, queued: Queued, png: bytes | None = None) -> str:
        """One scheduled post carrying its marker in the message metadata; the ts it got (a
        pair's group DM id)."""
        post, marker = queued.post, queued.marker
        if post.kind == Kind.BOARD:
            return await self.outbox.board(post.target, post.text, png, marker)
        channel, thread_ts = await self._place(queued)
        if post.kind == Kind.THREAD:
            return await self.outbox.text(channel, thread_ts, post.text, marker)
        # a DM, a pair's intro: post() makes the text safe, our channel and member links kept
        ts = await self.outbox.post(channel, None, post.text, marker=marker)
        return channel if post.kind == Kind.PAIR else ts

    async def find_scheduled(self, queued: Queued) -> str | None:
        """A scheduled post a crash left unsaved, found by the marker in its metadata."""
        channel, thread_ts = await self._place(queued)
        ts = await self.outbox.find(channel, queued.marker, thread_ts)
        if ts is None or queued.post.kind != Kind.PAIR:
            return ts
        return channel

    async def _place(self, queued: Queued) -> tuple[str, str | None]:
        """Where a scheduled post goes: its conversation (a DM and a pair's group DM opened,
        which gives the same one every time)."""
        post = queued.post
        if post.kind == Kind.DM:
            opened = await self.outbox.client.conversations_open(users=post.target)
            return str(opened["channel"]["id"]), None
        if post.kind == Kind.PAIR:
            users = f"{post.extra['interviewer']},{post.extra['candidate']}"
            opened = await self.outbox.client.conversations_open(users=users)
            return str(opened["channel"]["id"]), None
        return split_key(post.target)

    # ---- the PairPoster protocol: peer-mock pairs ---------------------------------------------

    async def deliver_peer(self, outcome: PeerOutcome) -> None:
        """A peer session's clock posts in the group DM; its notes and form ephemeral there."""
        await deliver_peer(self.outbox, outcome)


def build_slack_runner(
    container: Container,
    port: int | None = None,
    *,
    host: str = "0.0.0.0",
    stream_interval: float = 1.0,
) -> SlackRunner:
    """The Slack runner from settings: Socket Mode with SLACK_APP_TOKEN, else HTTP mode."""
    from slack_bolt.async_app import AsyncApp

    settings = container.settings
    if settings.slack_bot_token is None:
        raise SlackConfigError("Slack needs SLACK_BOT_TOKEN (the xoxb- bot token).")
    app_token = settings.slack_app_token.get_secret_value() if settings.slack_app_token else None
    secret = settings.slack_signing_secret
    if app_token is None and secret is None:
        raise SlackConfigError(
            "Slack needs SLACK_APP_TOKEN (Socket Mode) or SLACK_SIGNING_SECRET (HTTP mode)."
        )
    client = make_client(settings.slack_bot_token.get_secret_value(), settings.slack_api_url)
    bolt_log = logging.getLogger("mockroom.slack.bolt")
    if _not_the_env_token_warning not in bolt_log.filters:
        bolt_log.addFilter(_not_the_env_token_warning)
    app = AsyncApp(
        client=client,
        signing_secret=secret.get_secret_value() if secret is not None else "",
        # Socket Mode requests are not signed; HTTP ones always are.
        request_verification_enabled=app_token is None,
        # Listeners only ack and start tracked work, so the ack still leaves at once, and
        # the work is registered before it does (which makes tests deterministic).
        process_before_response=True,
        logger=bolt_log,
    )
    controller = ChatController.wired(container)
    users = UserDirectory(client)
    outbox = SlackOutbox(client, controller, users)
    work = BackgroundWork()
    listeners = SlackListeners(controller, outbox, work, users, stream_interval=stream_interval)
    register(app, listeners)
    register_peer_form(app, listeners)
    return SlackRunner(
        app,
        outbox,
        work,
        app_token=app_token,
        port=settings.slack_port if port is None else port,
        host=host,
        signing_secret=secret.get_secret_value() if secret is not None else None,
    )
