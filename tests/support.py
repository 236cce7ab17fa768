"""Small helpers the test packages share: a free loopback port, polling for a condition."""

from __future__ import annotations

import asyncio
import socket
from collections.abc import Callable
from typing import Any

import pytest


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


async def wait_until(check: Callable[[], Any], what: str = "", within: float = 10.0) -> Any:
    """Poll until `check()` is truthy and return it; fail after `within` seconds."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + within
    while True:
        value = check()
        if value:
            return value
        if loop.time() > deadline:
            pytest.fail(f"timed out waiting for {what or check}")
        await asyncio.sleep(0.01)
