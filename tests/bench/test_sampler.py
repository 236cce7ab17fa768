"""bench/sampler.py: the thread-aware sampler sees worker threads' work, not their waiting."""

from __future__ import annotations

import threading
import time

from bench.sampler import Sampler, group, waiting


def spin_alpha(stop: list[bool]) -> int:
    n = 0
    while not stop[0]:
        n += 1
    return n


def spin_beta(stop: list[bool]) -> int:
    n = 0
    while not stop[0]:
        n = (n * 7 + 3) % 1_000_003
    return n


def doze(event: threading.Event) -> None:
    event.wait()


def nap(stop: list[bool]) -> None:
    while not stop[0]:
        time.sleep(0.005)


def test_two_busy_threads_top_the_tables_and_the_idle_ones_are_filtered() -> None:
    stop = [False]
    idle = threading.Event()
    threads = [
        threading.Thread(target=spin_alpha, args=(stop,), name="busy-1"),
        threading.Thread(target=spin_beta, args=(stop,), name="busy-2"),
        threading.Thread(target=doze, args=(idle,), name="idle-1"),
        threading.Thread(target=nap, args=(stop,), name="sleepy"),
    ]
    for th in threads:
        th.start()
    try:
        sampler = Sampler(interval=0.002)
        with sampler:
            # the main thread waits too (in threading's wait): it must not count either
            threading.Event().wait(0.6)
    finally:
        stop[0] = True
        idle.set()
        for th in threads:
            th.join()

    self_top = [w[2] for w, _ in sampler.busiest(inclusive=False, top=2)]
    assert set(self_top) == {"spin_alpha", "spin_beta"}
    names = {w[2] for w, _ in sampler.busiest(inclusive=True, top=30)}
    assert {"spin_alpha", "spin_beta"} <= names
    assert "doze" not in names  # blocked in Event.wait: a waiting sample
    counts = {w[2]: n for w, n in sampler.busiest(inclusive=True, top=30)}
    assert counts.get("nap", 0) < counts["spin_alpha"] / 5  # sleeping: its wake-ups only
    assert "_bootstrap" not in counts  # the thread plumbing is left out of the table
    busy = sampler.tally.threads_cpu
    assert max(busy, key=lambda g: busy[g]) == "busy"  # both workers, one group
    assert busy["busy"] > 10 * busy.get("sleepy", 0.0) and "idle" not in sampler.tally.threads_n
    assert any(g == "idle" for g, _ in sampler.tally.waits)
    report = sampler.report()
    assert "spin_alpha" in report and "top 30 inclusive" in report and "waiting" in report


def test_group_and_waiting() -> None:
    assert group("ThreadPoolExecutor-0_12") == "ThreadPoolExecutor-0"
    assert group("asyncio_3") == "asyncio"
    assert group("MainThread") == "MainThread"
    frames: list[bool] = []
    event = threading.Event()

    def probe() -> None:
        import sys

        time.sleep(0.05)
        frame = sys._current_frames()[waiter.ident or 0]
        frames.append(waiting(frame))
        event.set()

    waiter = threading.Thread(target=event.wait, name="w")
    waiter.start()
    probe()
    waiter.join()
    assert frames == [True]
