"""The `mockroom` command line, run in-process with a real SQLite file and a test clock."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest
from rich.console import Console
from sqlalchemy import text

from bot.bootstrap import Container, build
from bot.settings import Settings
from bot.terminal.cli import terminal_user
from bot.terminal.session import TTY_LINE_LIMIT, PracticeOptions, TerminalSession
from interviewer.core.rubric import Criterion, HireSignal
from tests.bot.terminal.invoke import run

SCRIPT = """\
How many users do we expect and what is the peak QPS?
What is the latency target?
/next
Clients reach an API gateway that checks API keys and rate limits, because abuse burns GPUs.
A router load balances requests across GPU model servers that hold model replicas.
/hint
/time
/next
We use continuous batching so throughput rises without long waits for short requests.
/bogus
/next
Bigger batches cut cost but add latency, so I cap batch size to keep p95 TTFT under 500 ms.
"""


def test_scripted_practice_runs_to_a_scorecard(factory: Callable[[], Container]) -> None:
    code, out = run(factory, ["practice", "--question", "model-serving"], SCRIPT)
    assert code == 0, out
    assert "Design a large-scale AI model deployment system" in out
    assert "20 million daily active users" in out  # a hidden fact, answered
    assert "Hint" in out and "Unknown command /bogus" in out
    assert "Scorecard" in out and "Overall" in out
    for criterion in Criterion:
        assert criterion.label in out


def test_history_lists_the_interview_with_its_score(factory: Callable[[], Container]) -> None:
    run(factory, ["practice", "-q", "chatbot-api", "-f", "drill"], "What scale?\n")
    code, out = run(factory, ["history"])
    assert code == 0
    assert "chatbot-api" in out and "drill" in out and "ended" in out


def test_history_opens_a_past_scorecard_by_number(
    factory: Callable[[], Container], tmp_path: Path
) -> None:
    run(factory, ["practice", "-q", "chatbot-api", "-f", "drill"], "What scale?\n")
    run(factory, ["practice", "-q", "url-shortener", "-f", "drill"], "How many URLs?\n")
    code, out = run(factory, ["history"])
    assert code == 0 and "mockroom history NUMBER" in out
    code, out = run(factory, ["history", "1"])  # 1 is the oldest: the chatbot API
    assert code == 0, out
    assert "Scorecard" in out and "Overall" in out and "chatbot" in out.lower()
    code, out = run(factory, ["history", "9"])
    assert code == 1 and "no number 9: the numbers run from 1 to 2" in out
    chart = tmp_path / "progress.png"
    code, out = run(factory, ["history", "--chart", str(chart)])
    assert code == 0 and chart.read_bytes().startswith(b"\x89PNG")


def test_history_when_empty(factory: Callable[[], Container]) -> None:
    code, out = run(factory, ["history"])
    assert code == 0 and "No interviews yet" in out


def test_questions_lists_the_bank(factory: Callable[[], Container]) -> None:
    code, out = run(factory, ["questions"])
    assert code == 0
    for qid in ("model-serving", "chatbot-api", "distributed-training", "ml-data-pipeline"):
        assert qid in out


def test_questions_reference_prints_the_reference_design(factory: Callable[[], Container]) -> None:
    code, out = run(factory, ["questions", "gpu-scheduler", "--reference"])
    assert code == 0, out
    for section in ("Requirements", "High-level design", "Deep dive", "Trade-offs", "Common"):
        assert section in out
    assert "flowchart LR" in out
    assert "gang" in out.lower()


def test_questions_reference_needs_a_known_id(factory: Callable[[], Container]) -> None:
    code, out = run(factory, ["questions", "no-such-problem", "--reference"])
    assert code == 2
    assert "no question 'no-such-problem'" in out
    code, out = run(factory, ["questions", "--reference"])
    assert code == 2
    assert "Name the question" in out


def test_unknown_question_is_a_clear_error(factory: Callable[[], Container]) -> None:
    code, out = run(factory, ["practice", "-q", "nope"], "hi\n")
    assert code == 1 and "no question 'nope'" in out


def test_resume_carries_on_an_unfinished_interview(factory: Callable[[], Container]) -> None:
    parts = factory()
    # an interview left running, as after a crash or Ctrl-C
    import asyncio

    from bot.terminal.cli import terminal_user
    from bot.terminal.session import terminal_channel

    who = terminal_user()
    asyncio.run(parts.service.start(who, terminal_channel(who), "feature-store"))
    parts.close()
    code, out = run(factory, ["practice"], "How many features?\n")
    assert code == 1 and "--resume" in out
    code, out = run(factory, ["practice", "--resume"], "How many features do we serve?\n")
    assert code == 0 and "Scorecard" in out


def _transcript(tmp_path: Path, data: object) -> Path:
    path = tmp_path / "t.json"
    path.write_text(json.dumps(data) if not isinstance(data, str) else data, encoding="utf-8")
    return path


def test_score_json_has_every_field(factory: Callable[[], Container], tmp_path: Path) -> None:
    path = _transcript(
        tmp_path,
        {
            "question_id": "model-serving",
            "format": "standard",
            "turns": [
                {"role": "interviewer", "stage": "clarify", "text": "What would you like to know?"},
                {"role": "candidate", "stage": "clarify", "text": "How many users and what QPS?"},
                {
                    "role": "candidate",
                    "stage": "high_level",
                    "text": "A gateway authenticates API keys and rate limits, because GPU time is "
                    "expensive; a load balancer spreads requests over GPU replicas.",
                },
            ],
        },
    )
    code, out = run(factory, ["score", str(path), "--json"])
    assert code == 0, out
    card = json.loads(out)
    assert set(card) >= {"criteria", "overall", "hire_signal", "pitfalls", "improvements"}
    assert set(card["criteria"]) == {c.value for c in Criterion}
    for value in card["criteria"].values():
        assert set(value) >= {"score", "evidence", "feedback"} and 1 <= value["score"] <= 4
    assert card["hire_signal"] in {s.value for s in HireSignal}
    assert 1 <= card["overall"] <= 4


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("{not json", "not valid JSON"),
        ("[]", "top level must be an object"),
        ('{"format": "standard", "turns": []}', "'question_id'"),
        ('{"question_id": "x", "format": "marathon", "turns": []}', "'format' is 'marathon'"),
        ('{"question_id": "x", "turns": {}}', "'turns' must be a list"),
        (
            '{"question_id": "x", "turns": [{"role": "boss", "stage": "clarify", "text": "t"}]}',
            "turns[0]: 'role'",
        ),
        (
            '{"question_id": "x", "turns": [{"role": "candidate", "stage": "lunch", "text": "t"}]}',
            "'stage' must be one of",
        ),
        (
            '{"question_id": "x", "turns": [{"role": "candidate", "stage": "clarify", "text": 5}]}',
            "'text' must be a string",
        ),
    ],
)
def test_a_malformed_transcript_names_the_problem_and_exits_2(
    factory: Callable[[], Container], tmp_path: Path, content: str, message: str
) -> None:
    code, out = run(factory, ["score", str(_transcript(tmp_path, content))])
    assert code == 2
    assert message in out


def test_a_missing_transcript_file_exits_2(
    factory: Callable[[], Container], tmp_path: Path
) -> None:
    code, out = run(factory, ["score", str(tmp_path / "missing.json")])
    assert code == 2 and "cannot read" in out


def test_help_reads_well(factory: Callable[[], Container]) -> None:
    code, out = run(factory, ["--help"])
    assert code == 0
    for command in ("practice", "score", "history", "questions"):
        assert command in out


def test_serve_without_any_platform_says_what_to_set(factory: Callable[[], Container]) -> None:
    code, out = run(factory, ["serve"])
    assert code == 2
    assert "SLACK_BOT_TOKEN" in out and "DISCORD_TOKEN" in out


def test_serve_slack_without_app_token_or_signing_secret_is_a_clear_error(
    tmp_path: Path,
) -> None:
    settings = Settings(database_url=f"sqlite:///{tmp_path / 'm.db'}", slack_bot_token="xoxb-test")
    code, out = run(lambda: build(settings), ["serve", "slack"])
    assert code == 2
    assert "Cannot start" in out and "SLACK_APP_TOKEN" in out and "Traceback" not in out


def test_an_unreachable_slack_at_start_is_one_line(tmp_path: Path) -> None:
    import socket

    with socket.socket() as closed:  # a port nothing listens on: the connection is refused
        closed.bind(("127.0.0.1", 0))
        port = closed.getsockname()[1]
    settings = Settings(
        _env_file=None,
        database_url=f"sqlite:///{tmp_path / 'm.db'}",
        slack_bot_token="xoxb-test",
        slack_app_token="xapp-test",
        slack_api_url=f"http://127.0.0.1:{port}/api/",
        health_port=0,
    )
    code, out = run(lambda: build(settings), ["serve", "all"])
    assert code == 2, out
    lines = [line for line in out.splitlines() if line.strip()]
    assert len(lines) <= 2 and "Traceback" not in out  # rich may wrap the one line
    assert f"Cannot start: Cannot reach Slack at http://127.0.0.1:{port}/api/" in " ".join(lines)


def test_an_unreachable_discord_at_start_is_one_line(tmp_path: Path) -> None:
    import socket

    from discord.http import Route

    with socket.socket() as closed:
        closed.bind(("127.0.0.1", 0))
        port = closed.getsockname()[1]
    base = Route.BASE
    settings = Settings(
        _env_file=None,
        database_url=f"sqlite:///{tmp_path / 'm.db'}",
        DISCORD_TOKEN="test-token.abc",
        discord_api_url=f"http://127.0.0.1:{port}",
        health_port=0,
    )
    code, out = run(lambda: build(settings), ["serve", "discord"])
    assert code == 2, out
    assert "Traceback" not in out and "Cannot start: Cannot reach Discord at" in out
    assert base == Route.BASE  # the process's discord.py is pointed back


@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({"SLACK_BOT_TOKEN": "xoxb-your-bot-token"}, "SLACK_BOT_TOKEN is still a placeholder"),
        ({"OPENAI_API_KEY": "changeme"}, "OPENAI_API_KEY is still a placeholder"),
        ({"MOCKROOM_MAX_MESSAGE_CHARS": "lots"}, "MOCKROOM_MAX_MESSAGE_CHARS"),
        ({"MOCKROOM_DATABASE_URL": "nonsense://"}, "nonsense"),
        (
            {"MOCKROOM_DISCORD_SHARD_IDS": "0-1"},
            "MOCKROOM_DISCORD_SHARD_IDS: set MOCKROOM_DISCORD_SHARD_COUNT too",
        ),
        (
            {"MOCKROOM_DISCORD_SHARD_COUNT": "2", "MOCKROOM_DISCORD_SHARD_IDS": "0-3,6"},
            "MOCKROOM_DISCORD_SHARD_IDS: there is no shard 3",
        ),
    ],
)
def test_bad_settings_stop_with_one_clear_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, env: dict[str, str], message: str
) -> None:
    monkeypatch.setenv("MOCKROOM_DATABASE_URL", f"sqlite:///{tmp_path / 'm.db'}")
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    code, out = run(build, ["history"])
    assert code == 1
    assert message in out and "Traceback" not in out
    assert "xoxb-your-bot-token" not in out  # the value itself is not echoed


def test_score_refuses_a_directory_in_one_line(
    factory: Callable[[], Container], tmp_path: Path
) -> None:
    code, out = run(factory, ["score", str(tmp_path)])
    assert code == 2 and "is a directory" in out and "Traceback" not in out


@pytest.mark.parametrize(
    ("content", "said"),
    [
        ("[" * 100_000, "nested too deeply"),
        ('{"question_id": "q", "turns": [], "n": ' + "9" * 5000 + "}", "5,000 digits"),
        ('{"question_id": "q", "turns": [], "n": NaN}', "NaN is not JSON"),
    ],
    ids=["brackets", "5000-digits", "nan"],
)
def test_score_refuses_a_hostile_file_in_one_line(
    factory: Callable[[], Container], tmp_path: Path, content: str, said: str
) -> None:
    # Issue 22: these ended in RecursionError and ValueError tracebacks with exit status 1.
    path = tmp_path / "t.json"
    path.write_text(content, encoding="utf-8")
    code, out = run(factory, ["score", str(path)])
    assert code == 2 and said in out and "Traceback" not in out
    assert len(out.strip().splitlines()) == 1


def test_an_answer_of_several_lines_is_taken_whole(factory: Callable[[], Container]) -> None:
    answer = ["Clients call a gateway.", "", "A router spreads load over GPU servers."]
    script = '"""\n' + "\n".join(answer) + '\n"""\n'
    code, out = run(factory, ["practice", "-q", "model-serving", "-f", "async"], script)
    assert code == 0, out
    parts = factory()
    try:
        with parts.engine.connect() as connection:
            texts = connection.execute(
                text("SELECT text FROM interview_turn WHERE role = 'candidate'")
            ).scalars()
            assert list(texts) == ["\n".join(answer)]
    finally:
        parts.close()


def test_a_piped_answer_longer_than_a_terminal_line_is_kept_whole(
    factory: Callable[[], Container],
) -> None:
    long = "word " * 1500  # 7,500 characters: beyond a terminal's 4,095, within the limit
    code, out = run(factory, ["practice", "-q", "model-serving", "-f", "async"], long + "\n")
    assert code == 0, out
    parts = factory()
    try:
        with parts.engine.connect() as connection:
            [stored] = connection.execute(
                text("SELECT text FROM interview_turn WHERE role = 'candidate'")
            ).scalars()
            assert stored == long.strip()
    finally:
        parts.close()


def test_practice_at_the_staff_level_shows_the_bar(factory: Callable[[], Container]) -> None:
    code, out = run(factory, ["practice", "-q", "model-serving", "--level", "staff"], SCRIPT)
    assert code == 0, out
    assert "at the staff bar" in out
    code, out = run(factory, ["practice", "-q", "model-serving", "--level", "junior"], "hi\n")
    assert code != 0 and "junior" in out


async def test_a_typed_line_at_the_terminal_limit_is_refused_not_stored_cut(
    factory: Callable[[], Container],
) -> None:
    parts = factory()
    console = Console(width=120, force_terminal=False, color_system=None)
    session = TerminalSession(parts.service, console, terminal_user())
    session.line_limit = TTY_LINE_LIMIT  # as the interactive prompt sets it
    try:
        await session.begin(PracticeOptions("model-serving"))
        with console.capture() as captured:
            await session.handle_line("x" * TTY_LINE_LIMIT)  # what a cut paste looks like
        assert "may have been cut; nothing was recorded" in captured.get()
        with parts.engine.connect() as connection:
            count = connection.execute(
                text("SELECT count(*) FROM interview_turn WHERE role = 'candidate'")
            ).scalar_one()
        assert count == 0
    finally:
        parts.close()
