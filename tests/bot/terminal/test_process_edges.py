"""The installed `mockroom` as a process: piped conversations, Ctrl-C, and SIGKILL recovery.

Time limits here are functional timeouts (a process that never answers fails the test),
not benchmarks.
"""

from __future__ import annotations

import json
import os
import pty
import queue
import signal
import sqlite3
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import IO, Any

import pytest

from tests.interviewer.llm.openai_server import FakeOpenAIServer

MOCKROOM = Path(sys.executable).parent / "mockroom"
pytestmark = pytest.mark.skipif(not MOCKROOM.exists(), reason="the package is not installed")
MARKER = "Who calls the model, and what is the peak QPS per tenant?"


def environment(db: Path, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("MOCKROOM_", "OPENAI_"))}
    env |= {
        "MOCKROOM_DATABASE_URL": f"sqlite:///{db}",
        "COLUMNS": "120",
        "MOCKROOM_LLM_MODEL": "offline",
    }
    return env | extra


def model_env(db: Path, server: FakeOpenAIServer) -> dict[str, str]:
    return environment(
        db,
        MOCKROOM_LLM_MODEL="openai:gpt-4o-mini",
        MOCKROOM_LLM_BASE_URL=server.url,
        OPENAI_API_KEY="sk-test",
    )


class Lines:
    """A process's stdout read on a thread, so the test can wait for a line with a timeout."""

    def __init__(self, stream: IO[str]) -> None:
        self.seen: list[str] = []
        self._queue: queue.Queue[str | None] = queue.Queue()
        threading.Thread(target=self._pump, args=(stream,), daemon=True).start()

    def _pump(self, stream: IO[str]) -> None:
        for line in stream:
            self._queue.put(line)
        self._queue.put(None)

    def until(self, found: Callable[[list[str]], bool], seconds: float = 60) -> None:
        deadline = time.monotonic() + seconds
        while not found(self.seen):
            left = deadline - time.monotonic()
            if left <= 0:
                raise AssertionError("no such output in time:\n" + "".join(self.seen[-30:]))
            try:
                line = self._queue.get(timeout=left)
            except queue.Empty:
                continue
            if line is None:
                raise AssertionError("the process ended:\n" + "".join(self.seen[-30:]))
            self.seen.append(line)


def panels(seen: list[str]) -> int:
    """Interviewer messages printed so far (each panel's title carries the stage clock)."""
    return sum(1 for line in seen if "╭" in line and "·" in line)


def turns(db: Path) -> list[tuple[str, str]]:
    with sqlite3.connect(db) as connection:
        return list(connection.execute("SELECT role, text FROM interview_turn ORDER BY id"))


def wait_for(condition: Callable[[], bool], seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError("the condition did not hold in time")
        time.sleep(0.05)


def test_thirty_piped_answers_store_thirty_turns(tmp_path: Path) -> None:
    db = tmp_path / "m.db"
    script = "".join(
        f"Answer {n}: the peak is {n} thousand requests a second.\n" for n in range(30)
    )
    done = subprocess.run(
        [str(MOCKROOM), "practice", "-q", "model-serving", "-f", "async"],
        input=script,
        capture_output=True,
        text=True,
        env=environment(db),
        timeout=300,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    answers = [text for role, text in turns(db) if role == "candidate"]
    assert len(answers) == 30 and "Nothing was recorded" not in done.stdout


def test_a_program_reads_each_reply_before_writing_the_next_answer(tmp_path: Path) -> None:
    proc = subprocess.Popen(
        [str(MOCKROOM), "practice", "-q", "model-serving", "-f", "async"],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=environment(tmp_path / "m.db"),
    )
    assert proc.stdin is not None and proc.stdout is not None
    out = Lines(proc.stdout)
    try:
        out.until(lambda seen: panels(seen) >= 1)  # the opening, before any input
        for n in range(3):
            before = panels(out.seen)
            proc.stdin.write(f"Answer {n}: how many users, and what latency?\n")
            proc.stdin.flush()
            out.until(lambda seen, b=before: panels(seen) > b)  # its reply, input still open
        proc.stdin.close()
        assert proc.wait(120) == 0
    finally:
        if proc.poll() is None:
            proc.kill()


def test_ctrl_c_ends_at_once_and_the_interview_is_kept(tmp_path: Path) -> None:
    db = tmp_path / "m.db"
    primary, secondary = pty.openpty()  # a real terminal: the interactive prompt
    proc = subprocess.Popen(
        [str(MOCKROOM), "practice", "-q", "model-serving"],
        stdin=secondary,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=environment(db),
    )
    os.close(secondary)
    assert proc.stdout is not None and proc.stderr is not None
    out = Lines(proc.stdout)
    try:
        out.until(lambda seen: panels(seen) >= 1)
        os.write(primary, f"{MARKER}\n".encode())
        out.until(lambda seen: panels(seen) >= 2)
        time.sleep(0.2)  # back at the prompt, blocked reading the terminal
        proc.send_signal(signal.SIGINT)
        assert proc.wait(timeout=2) == 130  # a functional limit: it must not wait for Enter
        assert "--resume" in proc.stderr.read()
    finally:
        os.close(primary)
        if proc.poll() is None:
            proc.kill()
    assert (("candidate", MARKER)) in turns(db)


def _practise_async(db: Path, server: FakeOpenAIServer) -> subprocess.Popen[str]:
    """`mockroom practice` in the async format on the model server, reading answers from a pipe."""
    return subprocess.Popen(
        [str(MOCKROOM), "practice", "-q", "model-serving", "-f", "async"],
        stdin=subprocess.PIPE,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        text=True,
        env=model_env(db, server),
    )


def _kill_when(proc: subprocess.Popen[str], condition: Callable[[], bool]) -> None:
    try:
        wait_for(condition, 120)
    finally:
        proc.kill()  # SIGKILL: no cleanup, no last words
        proc.wait(30)


def test_a_kill_mid_answer_gets_its_reply_on_resume(tmp_path: Path) -> None:
    db = tmp_path / "m.db"
    with FakeOpenAIServer() as server:
        server.hang_if = lambda body: MARKER in json.dumps(body)  # the reply to the answer
        proc = _practise_async(db, server)
        assert proc.stdin is not None
        proc.stdin.write(MARKER + "\n")
        proc.stdin.flush()
        _kill_when(proc, lambda: any(MARKER in json.dumps(r) for r in server.requests))
    assert turns(db)[-1] == ("candidate", MARKER)  # stored, never answered
    resumed = subprocess.run(
        [str(MOCKROOM), "practice", "--resume"],
        input="",
        capture_output=True,
        text=True,
        env=environment(db),
        timeout=300,
        check=False,
    )
    assert resumed.returncode == 0, resumed.stderr
    after = turns(db)
    at = after.index(("candidate", MARKER))
    assert after[at + 1][0] == "interviewer"  # the reply, right after the answer
    assert [t for t in after if t == ("candidate", MARKER)] == [("candidate", MARKER)]


def test_a_kill_while_grading_is_graded_by_the_next_history(tmp_path: Path) -> None:
    db = tmp_path / "m.db"

    def grading(body: dict[str, Any]) -> bool:
        return "response_format" in body or "tools" in body

    with FakeOpenAIServer() as server:
        server.hang_if = grading
        proc = _practise_async(db, server)
        assert proc.stdin is not None
        proc.stdin.write(f"{MARKER}\n/end\n")
        proc.stdin.flush()
        _kill_when(proc, lambda: any(grading(r) for r in server.requests))
    with sqlite3.connect(db) as connection:
        assert list(connection.execute("SELECT status, overall FROM interview")) == [
            ("ended", None)
        ]
    history = subprocess.run(
        [str(MOCKROOM), "history"],
        capture_output=True,
        text=True,
        env=environment(db),
        timeout=300,
        check=False,
    )
    assert history.returncode == 0, history.stderr
    assert "ended without its scorecard" in history.stdout and "Overall" in history.stdout
    with sqlite3.connect(db) as connection:
        [(overall,)] = list(connection.execute("SELECT overall FROM interview"))
    assert overall is not None
