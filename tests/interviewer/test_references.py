"""Reference designs: every problem has one, its diagram reads, and it names the expected points."""

from __future__ import annotations

from pathlib import Path

import pytest

from interviewer.bank import compile_any, load_bank
from interviewer.diagrams.graph import DiagramError
from interviewer.diagrams.parse import parse_mermaid
from interviewer.references import (
    REFERENCES_DIR,
    SECTIONS,
    ReferenceError,
    load_reference,
    parse_reference,
)

BANK = load_bank()


def _problems_without_points(problem_id: str, text: str) -> list[str]:
    problem = BANK.problem(problem_id)
    return [
        point.id
        for points in problem.expected.values()
        for point in points
        if not point.id.startswith("next-steps") and not compile_any(point.keywords).search(text)
    ]


def test_every_problem_has_a_reference_that_reads_and_names_its_expected_points() -> None:
    problems: list[str] = []
    for problem_id in BANK.problems:
        try:
            reference = load_reference(problem_id)
        except ReferenceError as exc:
            problems.append(str(exc))
            continue
        if reference is None:
            problems.append(f"{problem_id}: no prompts/references/{problem_id}.md")
            continue
        try:
            graph = parse_mermaid(reference.diagram)
        except DiagramError as exc:
            problems.append(f"{problem_id}: the diagram does not read: {exc}")
            continue
        if len(graph.nodes) < 5:
            problems.append(f"{problem_id}: the diagram has {len(graph.nodes)} boxes (< 5)")
        text = "\n".join(s.body for s in reference.sections)
        missed = _problems_without_points(problem_id, text)
        if missed:
            problems.append(f"{problem_id}: expected points not named: {', '.join(missed)}")
    assert not problems, "\n".join(problems)


def test_no_reference_for_an_unknown_problem() -> None:
    stray = sorted(p.stem for p in REFERENCES_DIR.glob("*.md") if p.stem not in BANK.problems)
    assert stray == []


def test_a_reference_missing_a_section_or_its_diagram_is_refused(tmp_path: Path) -> None:
    whole = "# T\n" + "".join(f"## {s}\nText.\n" for s in SECTIONS)
    with pytest.raises(ReferenceError, match="no ```mermaid"):
        parse_reference("x", whole)
    with pytest.raises(ReferenceError, match="sections"):
        parse_reference("x", whole.replace("## Trade-offs\n", ""))
    (tmp_path / "x.md").write_text(
        whole.replace("## Deep dive", "```mermaid\nflowchart LR\n  A --> B\n```\n## Deep dive"),
        encoding="utf-8",
    )
    reference = load_reference("x", tmp_path)
    assert reference is not None
    assert reference.title == "T"
    assert reference.diagram == "flowchart LR\n  A --> B"
    assert reference.section("Deep dive").body == "Text."
    assert load_reference("absent", tmp_path) is None
