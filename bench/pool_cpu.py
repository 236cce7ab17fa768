"""CPU per model request in the HTTP connection pool: httpcore2's own against QuickPool.

Run: uv run python -m bench.pool_cpu [--requests 3000] [--concurrency 300] [--delay 0.2]

Both send the same streamed chat requests to bench/fake_model.py (its own process, answering
after `--delay` seconds, so `--concurrency` requests are in flight on as many connections)
through httpx2 with the OpenAI SDK's limits; the figure is this process's CPU time per request
(time.process_time), best of three rounds, with every response read to the end.
"""

from __future__ import annotations

import argparse
import asyncio
import time

import httpx2

from bench.load_parts import helper
from interviewer.llm.http import DEFAULT_LIMITS, QuickTransport

BODY = {
    "model": "bench",
    "stream": True,
    "stream_options": {"include_usage": True},
    "messages": [{"role": "user", "content": "How would you shard the store?"}],
}


async def measure(client: httpx2.AsyncClient, url: str, requests: int, concurrency: int) -> float:
    """CPU milliseconds per request, best of three rounds."""
    best = float("inf")
    for _ in range(3):
        gate = asyncio.Semaphore(concurrency)

        async def one(gate: asyncio.Semaphore = gate) -> None:
            async with gate, client.stream("POST", url, json=BODY) as response:
                async for _ in response.aiter_bytes():
                    pass

        cpu = time.process_time()
        await asyncio.gather(*(one() for _ in range(requests)))
        best = min(best, (time.process_time() - cpu) * 1000 / requests)
    return best


async def main_async(port: int, requests: int, concurrency: int) -> None:
    url = f"http://127.0.0.1:{port}/v1/chat/completions"
    stock = httpx2.AsyncClient(limits=DEFAULT_LIMITS, timeout=60)
    quick = httpx2.AsyncClient(transport=QuickTransport(DEFAULT_LIMITS), timeout=60)
    figures = {}
    for name, client in (("httpcore2 pool", stock), ("QuickPool", quick)):
        await measure(client, url, concurrency, concurrency)  # warm-up: open the connections
        figures[name] = await measure(client, url, requests, concurrency)
        await client.aclose()
    print(
        f"CPU per request, {concurrency} in flight: "
        + ", ".join(f"{name} {ms:.3f} ms" for name, ms in figures.items())
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--requests", type=int, default=3000)
    parser.add_argument("--concurrency", type=int, default=300)
    parser.add_argument("--delay", type=float, default=0.2)
    args = parser.parse_args()
    with helper("bench.fake_model", "--delay", str(args.delay)) as port:
        asyncio.run(main_async(port, args.requests, args.concurrency))


if __name__ == "__main__":
    main()
