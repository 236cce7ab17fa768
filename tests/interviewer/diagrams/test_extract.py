"""Diagrams taken out of an answer; a refused one stays in the prose and gets one message."""

from __future__ import annotations

from interviewer.diagrams.extract import extract, read_source
from interviewer.diagrams.graph import Limits

ANSWER = """I'd start with the request path.

client -> gateway -> router -> gpu pool
router -> cache: lookup

The router batches requests. Users go from here -> there when everything is cached by the edge.
```mermaid
flowchart LR
  gateway --> auth[Auth service]
```
That's it."""


def test_arrow_lines_and_a_fenced_block_are_taken_and_the_prose_kept() -> None:
    found = extract(ANSWER)
    assert found.problems == ()
    assert found.graph is not None
    assert [n.label for n in found.graph.nodes] == [
        "client",
        "gateway",
        "router",
        "gpu pool",
        "cache",
        "Auth service",
    ]
    assert "->" not in found.prose.split("\n")[0]
    assert "The router batches requests." in found.prose and "That's it." in found.prose
    assert "```" not in found.prose and "gpu pool" not in found.prose
    # a sentence with an arrow in it is prose, not a diagram
    assert "here -> there when everything is cached" in found.prose
    assert found.source is not None and read_source(found.source) == found.graph


def test_a_message_that_is_only_a_diagram() -> None:
    found = extract("flowchart TD\n  A[Client] --> B[LB]\n  B --> C[API]")
    assert found.prose == "" and found.graph is not None and len(found.graph.nodes) == 3


def test_a_malformed_diagram_keeps_the_whole_answer_and_says_why() -> None:
    text = "We cache everything.\nclient -> gateway\ngateway -> -> router\nThat's all."
    found = extract(text)
    assert found.graph is None and found.source is None
    assert found.prose == text
    assert found.problems == (
        "Your diagram was not taken: line 3: expected a component after `->` in "
        "`gateway -> -> router`. The rest of your answer was recorded; fix it and send "
        "the diagram again.",
    )


def test_one_bad_diagram_of_two_leaves_the_other_taken() -> None:
    text = "```mermaid\nflowchart LR\nA -->\n```\nwords\nclient -> gateway -> router"
    found = extract(text)
    assert found.graph is not None
    assert [n.id for n in found.graph.nodes] == ["client", "gateway", "router"]
    assert "flowchart LR" in found.prose and "words" in found.prose
    assert found.problems[0].startswith("The diagram starting on line 1 was not taken")


def test_an_oversized_diagram_is_refused_and_nothing_else_lost() -> None:
    lines = "\n".join(f"n{i} -> n{i + 1}" for i in range(50))
    found = extract(f"My design:\n{lines}\nThe end.", Limits())
    assert found.graph is None and found.prose.startswith("My design:")
    assert "n49 -> n50" in found.prose
    assert "more than 40 components" in found.problems[0]


def test_text_without_diagrams_is_untouched() -> None:
    text = "Clients hit a gateway, which routes to GPU servers -> all with a cache in front."
    assert extract(text).prose == text and extract(text).source is None


def test_a_lone_arrow_in_prose_is_a_remark_not_a_diagram() -> None:
    text = "Scale goes up ten times.\n10k QPS -> 100k QPS\nSo we shard."
    assert extract(text).source is None and extract(text).prose == text
    assert extract("client -> gateway").source == "client -> gateway"  # the whole message
    path = extract("Flow:\nclient -> gateway -> gpu pool\nThat's it.")
    assert path.source == "client -> gateway -> gpu pool"


def test_a_box_named_alone_on_a_line_is_drawn_not_dropped() -> None:
    for text in (
        "client -> gateway\ngateway -> db\naudit log",
        "client -> gateway\naudit log\ngateway -> db",
        "My design:\nclient -> gateway\ngateway -> db\n- audit log\n\nThat's all.",
        "```\nclient -> gateway\ngateway -> db\naudit log\n```",
        "```arrows\nclient -> gateway\ngateway -> db\naudit log\n```",
    ):
        found = extract(text)
        assert found.problems == (), text
        assert found.graph is not None, text
        audit = found.graph.node("audit_log")
        assert audit.label == "audit log"  # a box of its own, with no arrows
        assert not found.graph.successors("audit_log") and not found.graph.predecessors("audit_log")
        assert "audit log" not in found.prose


def test_a_line_that_is_not_a_box_is_named_as_refused_or_left_as_prose() -> None:
    mermaid = extract("```mermaid\nflowchart LR\nA --> B\naudit log\n```")
    assert mermaid.graph is None
    assert "line 3 of the diagram" in mermaid.problems[0] and "audit" in mermaid.problems[0]
    fenced = extract("```arrows\nclient -> gateway\nwe log every call here, twice.\n```")
    assert fenced.graph is None and "line 2 of the diagram" in fenced.problems[0]
    prose = extract("client -> gateway\ngateway -> db\nThat's the whole design.")
    assert prose.graph is not None and prose.prose == "That's the whole design."
