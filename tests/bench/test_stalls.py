"""bench/stalls.py: a loop held by one call is caught with that call on its stack."""

from __future__ import annotations

import asyncio
import time

from bench.stalls import StallWatch, is_ours


def hold_the_loop(seconds: float) -> int:
    """CPU work on the loop's thread, as a synchronous call in a coroutine would be."""
    n, end = 0, time.monotonic() + seconds
    while time.monotonic() < end:
        n += 1
    return n


def test_a_stall_is_recorded_with_the_function_that_held_the_loop() -> None:
    async def main() -> StallWatch:
        watch = StallWatch(threshold=0.1, interval=0.002)
        watch.start()
        try:
            await asyncio.sleep(0.05)  # the heartbeat runs
            hold_the_loop(0.6)
            await asyncio.sleep(0.05)  # ... and comes again: the stall is over
        finally:
            watch.stop()
        return watch

    watch = asyncio.run(main())
    assert watch.stalls, "the held loop was not seen"
    longest = max(watch.stalls, key=lambda s: s.seconds)
    held = {w[2] for stack in longest.stacks for w in stack}
    assert "hold_the_loop" in held
    report = watch.report()
    assert "hold_the_loop" in report and "stall of" in report


def test_our_frames_are_told_from_the_libraries() -> None:
    assert is_ours(("/work/x/interviewer/steps.py", 1, "_grade"))
    assert not is_ours(("/x/.venv/lib/python3.11/site-packages/openai/_base_client.py", 1, "post"))
    assert not is_ours(("/usr/lib/python3.11/asyncio/base_events.py", 1, "_run_once"))
