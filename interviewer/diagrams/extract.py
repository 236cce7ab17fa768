"""Finding diagrams in an answer: fenced Mermaid blocks, bare flowcharts, runs of arrow lines.

A diagram that reads well is taken out of the prose and kept as the turn's diagram source; one
that does not stays in the prose as written (nothing of the answer is lost) and gets a message.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from interviewer.diagrams.graph import DEFAULT_LIMITS, DiagramError, Graph, Limits, merge
from interviewer.diagrams.kinds import ConceptPatterns, type_graph
from interviewer.diagrams.parse import (
    ARROWS,
    BULLET,
    MAX_LINE_CHARS,
    MERMAID_HEADER,
    is_box_line,
    parse_arrows,
    parse_mermaid,
)

# Possessive quantifiers: no pattern here backtracks over a run of spaces (linear time).
_FENCE = re.compile(r"^\s*+```\s*+(?P<lang>[\w-]*+)\s*+$")
_MAX_NODE_WORDS = 6


@dataclass(frozen=True)
class Block:
    """One diagram found in a text: its syntax, its source and the lines it spans."""

    syntax: str  # "mermaid" or "arrows"
    source: str
    first: int  # 0-based line index of its first line in the text (fence included)
    last: int  # index one past its last line
    fenced: bool = False

    def stored(self) -> str:
        """The block as the turn's diagram source keeps it."""
        if self.syntax == "mermaid" or self.fenced:
            return f"```{self.syntax}\n{self.source}\n```"
        return self.source


@dataclass(frozen=True)
class Extracted:
    """An answer split into its prose and its diagram."""

    prose: str
    source: str | None = None  # the diagram as stored with the turn (None: no diagram taken)
    graph: Graph | None = None
    problems: tuple[str, ...] = ()  # one line per diagram refused


def extract(text: str, limits: Limits = DEFAULT_LIMITS) -> Extracted:
    """Take the diagrams out of an answer; refused ones stay in the prose with a message."""
    lines = text.splitlines()
    blocks = find_blocks(lines)
    if not blocks:
        return Extracted(text)
    graphs: list[Graph] = []
    taken: list[Block] = []
    problems: list[str] = []
    for block in blocks:
        try:
            graphs.append(read_block(block, limits))
            taken.append(block)
        except DiagramError as exc:
            problems.append(refusal(exc, block, len(blocks)))
    graph: Graph | None = None
    if graphs:
        try:
            graph = merge(graphs, limits)
        except DiagramError as exc:
            problems.append(f"Your diagrams were not taken: together {exc}.")
            taken = []
    keep = [line for i, line in enumerate(lines) if not any(b.first <= i < b.last for b in taken)]
    prose = re.sub(r"\n{3,}", "\n\n", "\n".join(keep)).strip()
    source = "\n".join(b.stored() for b in taken) or None
    return Extracted(prose, source, graph if taken else None, tuple(problems))


READ_TOO_LONG = (
    "Your diagram was not taken: it took too long to read. The rest of your answer was "
    "recorded as written; send a smaller diagram."
)


def read_typed(text: str, concepts: ConceptPatterns) -> tuple[Extracted, Graph | None]:
    """An answer's diagrams taken out, and their graph with its components typed."""
    found = extract(text)
    return found, None if found.graph is None else type_graph(found.graph, concepts)


def read_source(source: str, limits: Limits = DEFAULT_LIMITS) -> Graph | None:
    """The graph of a stored diagram source (None when it holds no readable diagram)."""
    found = extract(source, limits)
    return found.graph


def refusal(exc: DiagramError, block: Block, count: int) -> str:
    """The one-line message for a diagram that was not taken."""
    which = "Your diagram" if count == 1 else f"The diagram starting on line {block.first + 1}"
    return (
        f"{which} was not taken: {exc}. The rest of your answer was recorded; "
        "fix it and send the diagram again."
    )


def read_block(block: Block, limits: Limits = DEFAULT_LIMITS) -> Graph:
    """Parse one block with its syntax's parser."""
    if block.syntax == "mermaid":
        return parse_mermaid(block.source, limits)
    if block.fenced:  # numbered within the block, as a Mermaid block is
        return parse_arrows(block.source, limits, first_line=1, within=True)
    return parse_arrows(block.source, limits, first_line=block.first + 1)


def find_blocks(lines: list[str]) -> list[Block]:
    """Every diagram block in the lines, in order."""
    blocks: list[Block] = []
    i = 0
    while i < len(lines):
        fence = _FENCE.match(lines[i])
        if fence:
            end = next((j for j in range(i + 1, len(lines)) if _FENCE.match(lines[j])), None)
            if end is None:
                end = len(lines)  # an unclosed fence runs to the end, as chat clients show it
            body = lines[i + 1 : end]
            syntax = _fenced_syntax(fence.group("lang").lower(), body)
            if syntax:
                source = "\n".join(body).strip("\n")
                blocks.append(Block(syntax, source, i, min(end + 1, len(lines)), fenced=True))
            i = end + 1
            continue
        if MERMAID_HEADER.match(lines[i]):
            end = next((j for j in range(i + 1, len(lines)) if not lines[j].strip()), len(lines))
            blocks.append(Block("mermaid", "\n".join(lines[i:end]), i, end))
            i = end
            continue
        if is_arrow_line(lines[i]):
            end = _run_end(lines, i)
            if _drawn(lines, i, end):
                blocks.append(Block("arrows", "\n".join(lines[i:end]), i, end))
            i = end
            continue
        i += 1
    return blocks


def _run_end(lines: list[str], first: int) -> int:
    """One past the last line of a run of arrow lines from `first`, with the boxes named
    alone on a line among them or right after them (before a blank line or the end)."""
    end = first + 1
    while end < len(lines):
        if is_arrow_line(lines[end]):
            end += 1
            continue
        alone = end
        while alone < len(lines) and is_box_line(lines[alone]):
            alone += 1
        if alone == end:
            break
        closes = alone == len(lines) or not lines[alone].strip() or is_arrow_line(lines[alone])
        if not closes:
            break
        end = alone
    return end


def _fenced_syntax(lang: str, body: list[str]) -> str | None:
    if lang in ("mermaid", "arrows"):  # said outright: read strictly, errors and all
        return lang
    if lang not in ("", "text", "txt"):
        return None
    first = next((line for line in body if line.strip()), "")
    if MERMAID_HEADER.match(first):
        return "mermaid"
    if any(is_arrow_line(line) for line in body) and all(
        is_arrow_line(line) or is_box_line(line) or not line.strip() for line in body
    ):
        return "arrows"
    return None


def _drawn(lines: list[str], first: int, end: int) -> bool:
    """Whether a run of arrow lines is a diagram rather than a remark in prose (`10k QPS ->
    100k QPS`): several lines, a path of three boxes or more, or the whole message."""
    drawn = sum(is_arrow_line(line) for line in lines[first:end])
    if drawn >= 2 or len(ARROWS.findall(lines[first])) >= 2:
        return True
    return not any(line.strip() for k, line in enumerate(lines) if not first <= k < end)


def is_arrow_line(line: str) -> bool:
    """Whether a line reads as a path (`a -> b -> c`, `a -> b: label`), not a sentence."""
    if len(line) > MAX_LINE_CHARS:
        return False  # a paragraph that mentions an arrow
    text = BULLET.sub("", line).strip()
    if not text or not ARROWS.search(text):
        return False
    if ":" in text:
        text = text.rsplit(":", 1)[0] if ARROWS.search(text.rsplit(":", 1)[0]) else text
    parts = ARROWS.split(text)[0::2]
    return all(len(p.split()) <= _MAX_NODE_WORDS for p in parts)
