"""Reading a member's text costs time linear in its length: no pattern backtracks over a run
(issue 22). Work is counted, not timed: a pattern that backtracks makes many more steps on
twice the input, which the step counter (sys.setprofile on calls) cannot see, so the checks
are on results that only the linear readers give, plus Hypothesis fuzzing for crashes."""

from __future__ import annotations

import string

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from interviewer.diagrams.extract import extract, is_arrow_line
from interviewer.diagrams.graph import DiagramError
from interviewer.diagrams.parse import MAX_LINE_CHARS, MERMAID_HEADER, parse_arrows, parse_mermaid

ALPHABET = string.ascii_letters + string.digits + " \t\n-<>=.|&:;[](){}/\\\"'`%#*•→↔²\u200b"


def test_a_run_of_spaces_in_an_arrow_line_is_one_space() -> None:
    found = extract("a -> b" + " " * 900 + "c")
    assert found.graph is not None
    assert [n.label for n in found.graph.nodes] == ["a", "b c"]
    # The answer: `a -> b`, 7,990 spaces, `c`, took 2 s to read: now it is prose.
    answer = "a -> b" + " " * 7990 + "c"
    assert extract(answer) == extract(answer).__class__(answer)


def test_a_label_after_spaces_and_a_colon_is_read() -> None:
    g = parse_arrows("a -> b" + " " * 900 + ": calls")
    assert [(e.source, e.target, e.label) for e in g.edges] == [("a", "b", "calls")]


def test_headers_and_fences_padded_with_spaces_are_still_headers() -> None:
    assert MERMAID_HEADER.match("flowchart" + " " * 5000 + "LR" + " " * 5000 + ";")
    assert not MERMAID_HEADER.match("flowchart" + " " * 8000 + "x")
    found = extract("```" + " " * 8000 + "mermaid\nflowchart LR\nA --> B\n```")
    assert found.graph is not None and len(found.graph.nodes) == 2


def test_a_line_too_long_for_a_diagram_is_prose_or_refused() -> None:
    long = "a -> b " + "x" * MAX_LINE_CHARS
    assert not is_arrow_line(long)
    with pytest.raises(DiagramError, match="characters; the limit is"):
        parse_mermaid("flowchart LR\nA --> B" + " " * MAX_LINE_CHARS)


def test_flowchart_alone_is_no_diagram_and_the_answer_stays_text() -> None:
    found = extract("flowchart LR")
    assert found.graph is None and found.source is None
    assert found.prose == "flowchart LR"
    assert found.problems and "no components" in found.problems[0]


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=ALPHABET, max_size=400))
def test_any_text_is_read_or_refused_with_a_message(text: str) -> None:
    found = extract(text)
    # Nothing of the answer is lost: what was not taken as a diagram stays in the prose.
    if found.source is None:
        assert found.prose.split() == text.split()
    for problem in found.problems:
        assert "\n" not in problem and len(problem) < 400


@settings(max_examples=200, deadline=None)
@given(st.lists(st.text(alphabet=ALPHABET.replace("\n", ""), max_size=80), max_size=20))
def test_any_mermaid_body_parses_or_raises_diagram_error(lines: list[str]) -> None:
    try:
        g = parse_mermaid("flowchart LR\n" + "\n".join(lines))
    except DiagramError as exc:
        g, refused = None, str(exc)
    assert refused if g is None else g.nodes
