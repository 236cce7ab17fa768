"""Reference designs: an authored write-up per problem, shown after an interview (never during).

One Markdown file per problem, prompts/references/<problem id>.md, with these level-2 sections
in this order: Requirements, High-level design (holding one ```mermaid block: the diagram, in
the form mockroom's diagram reader takes), Deep dive, Trade-offs, Common mistakes.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from interviewer.bank import PROMPTS_DIR

REFERENCES_DIR = PROMPTS_DIR / "references"
SECTIONS = ("Requirements", "High-level design", "Deep dive", "Trade-offs", "Common mistakes")
_HEADING = re.compile(r"^## +(.+?) *$", re.MULTILINE)
_MERMAID = re.compile(r"^```mermaid\n(.*?)^```", re.MULTILINE | re.DOTALL)


class ReferenceError(ValueError):
    """A reference file is missing a section or its diagram."""


@dataclass(frozen=True)
class Section:
    """One section of a reference design: its title and Markdown body."""

    title: str
    body: str


@dataclass(frozen=True)
class Reference:
    """A problem's reference design."""

    problem_id: str
    title: str
    sections: tuple[Section, ...]
    diagram: str

    def section(self, title: str) -> Section:
        """A section by its title."""
        return next(s for s in self.sections if s.title == title)


def parse_reference(problem_id: str, text: str) -> Reference:
    """A reference from its Markdown; ReferenceError when a section or the diagram is missing."""
    first = text.lstrip().splitlines()[0] if text.strip() else ""
    title = first[2:].strip() if first.startswith("# ") else problem_id
    heads = list(_HEADING.finditer(text))
    sections = tuple(
        Section(
            m.group(1), text[m.end() : heads[i + 1].start() if i + 1 < len(heads) else None].strip()
        )
        for i, m in enumerate(heads)
    )
    titles = tuple(s.title for s in sections)
    if titles != SECTIONS:
        raise ReferenceError(f"{problem_id}: sections {titles} are not {SECTIONS}")
    diagram = _MERMAID.search(sections[1].body)
    if diagram is None:
        raise ReferenceError(f"{problem_id}: the High-level design has no ```mermaid block")
    return Reference(problem_id, title, sections, diagram.group(1).strip())


@cache
def load_reference(problem_id: str, root: Path = REFERENCES_DIR) -> Reference | None:
    """The problem's reference design, or None when none is written."""
    path = root / f"{problem_id}.md"
    if not path.is_file():
        return None
    return parse_reference(problem_id, path.read_text(encoding="utf-8"))
