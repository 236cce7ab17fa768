"""A tiny Chrome DevTools Protocol client (aiohttp's websocket) for the real-browser test:
headless Chromium, one page, its console errors and every request it makes."""

from __future__ import annotations

import asyncio
import base64
import contextlib
import itertools
import json
import os
import shutil
import subprocess
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import aiohttp

FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--no-default-browser-check",
    "--disable-extensions",
    "--disable-sync",
    "--remote-debugging-port=0",
)


def chromium() -> str | None:
    """Debian's chromium, if installed."""
    return shutil.which("chromium") or shutil.which("chromium-browser")


@dataclass
class Page:
    """One browser tab driven over CDP: what it logged and what it requested."""

    ws: aiohttp.ClientWebSocketResponse
    session: str
    errors: list[str] = field(default_factory=list)
    requests: list[str] = field(default_factory=list)
    _ids: itertools.count[int] = field(default_factory=lambda: itertools.count(1))
    _waiting: dict[int, asyncio.Future[dict[str, Any]]] = field(default_factory=dict)
    _loaded: asyncio.Event = field(default_factory=asyncio.Event)

    async def call(self, method: str, **params: Any) -> dict[str, Any]:
        """Send a command to the tab and wait for its result."""
        number = next(self._ids)
        future: asyncio.Future[dict[str, Any]] = asyncio.get_running_loop().create_future()
        self._waiting[number] = future
        message = {"id": number, "method": method, "params": params, "sessionId": self.session}
        await self.ws.send_str(json.dumps(message))
        return await asyncio.wait_for(future, 30)

    def on(self, message: dict[str, Any]) -> None:
        """Route one message from the browser: a result, or an event worth recording."""
        if "id" in message and message["id"] in self._waiting:
            future = self._waiting.pop(message["id"])
            if "error" in message:
                future.set_exception(RuntimeError(str(message["error"])))
            else:
                future.set_result(message.get("result", {}))
            return
        method, params = message.get("method"), message.get("params", {})
        if method == "Network.requestWillBeSent":
            self.requests.append(params["request"]["url"])
        elif method == "Runtime.consoleAPICalled" and params.get("type") in ("error", "assert"):
            self.errors.append(json.dumps(params.get("args", []))[:300])
        elif method == "Runtime.exceptionThrown":
            self.errors.append(json.dumps(params.get("exceptionDetails", {}))[:300])
        elif method == "Log.entryAdded" and params["entry"].get("level") == "error":
            self.errors.append(params["entry"].get("text", ""))
        elif method == "Page.loadEventFired":
            self._loaded.set()

    async def open(self, url: str, width: int, height: int = 800) -> None:
        """Load `url` in a viewport of `width` CSS pixels and wait for its load event."""
        await self.call(
            "Emulation.setDeviceMetricsOverride",
            width=width,
            height=height,
            deviceScaleFactor=1,
            mobile=width < 600,
        )
        self._loaded.clear()
        await self.call("Page.navigate", url=url)
        await asyncio.wait_for(self._loaded.wait(), 30)

    async def evaluate(self, expression: str) -> Any:
        """The value of a JavaScript expression in the page (the test's probe, not the page's)."""
        result = await self.call("Runtime.evaluate", expression=expression, returnByValue=True)
        return result["result"].get("value")

    async def screenshot(self) -> bytes:
        """A PNG of the whole page."""
        shot = await self.call("Page.captureScreenshot", format="png", captureBeyondViewport=True)
        return base64.b64decode(shot["data"])


@contextlib.asynccontextmanager
async def browser(binary: str, profile: Path) -> AsyncIterator[Page]:
    """Headless Chromium with a fresh profile, one tab attached, its domains enabled."""
    process = await asyncio.create_subprocess_exec(
        binary,
        *FLAGS,
        f"--user-data-dir={profile}",
        "about:blank",
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        env={**os.environ, "HOME": str(profile)},
    )
    try:
        port_file = profile / "DevToolsActivePort"
        for _ in range(300):
            if port_file.exists() and len(port_file.read_text().splitlines()) >= 2:
                break
            await asyncio.sleep(0.1)
        port, path = port_file.read_text().splitlines()[:2]
        async with (
            aiohttp.ClientSession() as http,
            http.ws_connect(f"ws://127.0.0.1:{port}{path}", max_msg_size=0) as ws,
        ):
            page = await _attach(ws)
            yield page
    finally:
        process.terminate()
        try:
            await asyncio.wait_for(process.wait(), 10)
        except TimeoutError:
            process.kill()
            await process.wait()


async def _attach(ws: aiohttp.ClientWebSocketResponse) -> Page:
    await ws.send_str(
        json.dumps({"id": 1, "method": "Target.createTarget", "params": {"url": "about:blank"}})
    )
    target = await _result(ws, 1)
    await ws.send_str(
        json.dumps(
            {
                "id": 2,
                "method": "Target.attachToTarget",
                "params": {"targetId": target["targetId"], "flatten": True},
            }
        )
    )
    attached = await _result(ws, 2)
    page = Page(ws, attached["sessionId"])

    async def pump() -> None:
        async for message in ws:
            page.on(json.loads(message.data))

    page_task = asyncio.get_running_loop().create_task(pump())
    page.__dict__["_pump"] = page_task  # kept alive with the page
    for domain in ("Page", "Runtime", "Log", "Network"):
        await page.call(f"{domain}.enable")
    return page


async def _result(ws: aiohttp.ClientWebSocketResponse, number: int) -> dict[str, Any]:
    async for message in ws:
        data = json.loads(message.data)
        if data.get("id") == number:
            return dict(data["result"])
    raise RuntimeError("the browser closed the connection")
