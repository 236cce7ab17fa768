"""Diagrams in the terminal: typed between /diagram and /end-diagram or pasted as a fenced
block, shown back as a text layout, asked about, graded the same from a transcript file."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

from bot.bootstrap import Container
from bot.terminal.blocks import BlockReader
from tests.bot.terminal.invoke import run as invoke

SCRIPT = """\
How many users do we expect and what is the peak QPS?
/next
/diagram
client -> gateway -> router -> gpu pool
router -> cache: lookup

/end-diagram
The gateway runs as three replicas behind DNS.
```mermaid
flowchart LR
  C[Client] --> G[Gateway pool] --> R[Router] --> P[(GPU pool)]
  R --> T[Tokenizer pool]
```
/diagram
client -> -> gateway
/end-diagram
The router is replicated as well, and the GPU pool batches.
/diagram
client -> gateway pool -> router pool -> gpu pool
router pool -> policy checker
/end-diagram
"""


def run(factory: Callable[[], Container], args: list[str], stdin: str = "") -> tuple[int, str]:
    return invoke(factory, args, stdin, width=140)


def test_diagrams_are_shown_back_asked_about_and_refused_clearly(
    factory: Callable[[], Container],
) -> None:
    code, out = run(factory, ["practice", "--question", "model-serving"], SCRIPT)
    assert code == 0, out
    # the arrow list between /diagram and /end-diagram, shown as the interviewer read it
    assert "Your design, version 1: 5 components, 4 arrows" in out
    assert "└─▶ gateway" in out and "├─▶ gpu pool " in out
    assert "(lookup)" in out
    # a follow-up grounded in the graph: the single gateway on the request path
    assert "`client → gateway → router → gpu pool` goes through the one gateway" in out
    # the pasted Mermaid block is version 2; the router is now the single point of failure
    assert "Your design, version 2: 5 components, 4 arrows" in out
    assert "goes through the one Router" in out
    # a malformed block: a clear message naming the line; the rest went on
    assert "Your diagram was not taken: line 1 of the diagram: expected a component after" in out
    # a box drawn but never explained
    assert "Your diagram has policy checker (`router pool → policy checker`)" in out
    assert "The final design, version 3" in out  # the scorecard shows the final diagram
    assert "Scorecard" in out


def _file(tmp_path: Path, name: str, turns: list[dict[str, str]]) -> Path:
    path = tmp_path / name
    path.write_text(json.dumps({"question_id": "model-serving", "turns": turns}))
    return path


def test_a_transcript_with_diagrams_grades_the_same_through_score(
    factory: Callable[[], Container], tmp_path: Path
) -> None:
    prose = (
        "The gateway checks API keys because abuse is costly. The router batches requests "
        "for the GPU pool. A cache keeps hot prompts."
    )
    arrows = "client -> gateway -> router -> gpu pool\nrouter -> cache: lookup"
    ask = {"role": "candidate", "stage": "clarify", "text": "How many users and what QPS?"}
    field = _file(
        tmp_path,
        "field.json",
        [ask, {"role": "candidate", "stage": "high_level", "text": prose, "diagram": arrows}],
    )
    inline = _file(
        tmp_path,
        "inline.json",
        [ask, {"role": "candidate", "stage": "high_level", "text": f"{prose}\n{arrows}"}],
    )
    code, out = run(factory, ["score", str(field), "--json"])
    assert code == 0, out
    card = json.loads(out)
    evidence = [q for c in card["criteria"].values() for q in c["evidence"]]
    assert "diagram: client → gateway → router → gpu pool" in evidence
    assert card["diagram"].startswith("The final design, version 1: 5 components, 4 arrows")
    code, again = run(factory, ["score", str(inline), "--json"])
    assert code == 0 and json.loads(again) == card


def test_one_reader_gathers_answers_and_diagrams_over_several_lines() -> None:
    reader = BlockReader()
    assert reader.feed('"""') == (True, None) and reader.open and reader.answer
    assert reader.feed("first line") == (True, None)
    assert reader.feed("") == (True, None)  # blank lines belong to the answer
    assert reader.feed("/diagram") == (True, None)  # as typed, inside an answer
    assert reader.feed('"""') == (True, "first line\n\n/diagram")
    assert not reader.open
    assert reader.feed("/diagram") == (True, None) and not reader.answer
    assert reader.feed("a -> b") == (True, None)
    assert reader.feed("/end-diagram") == (True, "```arrows\na -> b\n```")
    assert reader.feed("plain answer") == (False, None)
