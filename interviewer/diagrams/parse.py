"""Reading one diagram: a Mermaid flowchart or an arrow list, strictly, line by line.

A line that cannot be read refuses the whole diagram with a message naming the line and
what was expected there; the caller keeps the rest of the answer.
"""

from __future__ import annotations

import re

from interviewer.core.text import excerpt
from interviewer.diagrams.graph import DEFAULT_LIMITS, DiagramError, Graph, GraphBuilder, Limits

# Every pattern here runs on a member's text: none may backtrack over an unbounded run
# (possessive quantifiers, or lines with their whitespace collapsed first), so reading a
# diagram takes time linear in its length.
MAX_LINE_CHARS = 1_000
"""A longer line is prose, not part of a diagram (40 boxes of 60-character labels fit)."""
MERMAID_HEADER = re.compile(
    r"^\s*+(?:flowchart|graph)(?:\s++(?P<dir>TB|TD|BT|LR|RL)\b)?+\s*+;?\s*+$", re.IGNORECASE
)
_IGNORED = re.compile(
    r"^\s*+(?:%%|classDef\b|class\s|style\s|linkStyle\s|click\s|direction\s)", re.IGNORECASE
)
_SUBGRAPH = re.compile(r"^subgraph\s++(?P<rest>.+)$", re.IGNORECASE)  # on a collapsed line
_END = re.compile(r"^end\s*+;?\s*+$", re.IGNORECASE)
# A node's shape and label: A[x], A(x), A([x]), A[(x)], A((x)), A{x}, A{{x}}, A>x], A[/x/] ...
_SHAPES = (
    ("([", "])"),
    ("[(", ")]"),
    ("((", "))"),
    ("{{", "}}"),
    ("[[", "]]"),
    ("[/", "/]"),
    ("[\\", "\\]"),
    ("[/", "\\]"),
    ("[\\", "/]"),
    ("[", "]"),
    ("(", ")"),
    ("{", "}"),
    (">", "]"),
)
# An arrow with text in it: A -- text --> B, A -. text .-> B, A == text ==> B.
_TEXT_LINK = re.compile(
    r"\s*(?P<back><)?(?:--|==|-\.)\s*(?P<text>[^\s\-=.>|][^>|]*?)\s*"
    r"(?:-{2,}|={2,}|\.-+)(?P<head>[>xo])?\s*"
)
# A plain arrow: -->, ---, ==>, -.->, <-->, --x, --o, optionally followed by |text|.
_LINK = re.compile(
    r"\s*(?P<back><)?(?:-{2,}|={2,}|-\.+-)(?P<head>[>xo])?\s*(?:\|(?P<text>[^|]*)\|\s*)?"
)


def parse_mermaid(source: str, limits: Limits = DEFAULT_LIMITS) -> Graph:
    """A Mermaid flowchart (`flowchart LR`, `graph TD`, ...) as a component graph."""
    lines = source.splitlines()
    _check_lines(lines, limits)
    b = GraphBuilder(limits)
    groups: list[str] = []
    header_seen = False
    for number, raw in enumerate(lines, start=1):
        line = collapse(raw).rstrip(";").strip()
        where = f"line {number} of the diagram"
        if not line or _IGNORED.match(line):
            continue
        if not header_seen:
            m = MERMAID_HEADER.match(line)
            if m is None:
                raise DiagramError(
                    f"{where}: expected a header such as `flowchart LR` or `graph TD`, "
                    f"found `{excerpt(line)}`"
                )
            b.direction = (m.group("dir") or "TD").upper().replace("TB", "TD")
            header_seen = True
            continue
        if m := _SUBGRAPH.match(line):
            title_id, title = _subgraph_title(m.group("rest"), where)
            b.add_group(title, where)
            groups.append(title)
            del title_id  # a subgraph's id is only its name in the source
            continue
        if _END.match(line):
            if not groups:
                raise DiagramError(f"{where}: `end` without a `subgraph` to close")
            groups.pop()
            continue
        for statement in line.split(";"):
            if statement.strip():
                _statement(statement.strip(), b, groups[-1] if groups else None, where)
    if not header_seen:
        raise DiagramError("the diagram is empty: expected `flowchart LR` and some arrows")
    if groups:
        raise DiagramError(f"the subgraph “{excerpt(groups[-1])}” has no `end`")
    if not b.nodes:
        raise DiagramError("the flowchart has no components: add arrows such as `A --> B`")
    return b.build()


_TITLED = re.compile(r"^(?P<id>[\w.-]++)\s*+\[\s*+\"?(?P<title>[^\]\"]*+)\"?\s*+\]$")
_AMPERSAND = re.compile(r"\s*+&\s*+")
_NODE_ID = re.compile(r"[A-Za-z0-9_][\w.]*+(?:-(?![-.>])[\w.]++)*+")


def _subgraph_title(rest: str, where: str) -> tuple[str, str]:
    """`subgraph id [Title]`, `subgraph id["Title"]` or `subgraph Title words`."""
    m = _TITLED.match(rest)
    if m:
        return m.group("id"), m.group("title").strip() or m.group("id")
    title = rest.strip().strip('"')
    if not title:
        raise DiagramError(f"{where}: expected a name after `subgraph`")
    return title, title


def _statement(text: str, b: GraphBuilder, group: str | None, where: str) -> None:
    """One statement: nodes (`A & B`) joined by arrows, possibly chained."""
    pos = 0
    previous: list[str] | None = None
    pending: tuple[str, bool, bool] | None = None  # (label, both ways, backwards only)
    while True:
        ids, pos = _node_group(text, pos, b, group, where)
        if previous is not None and pending is not None:
            label, both, _ = pending
            for s in previous:
                for t in ids:
                    b.add_edge(s, t, label, both, where)
        rest = text[pos:]
        if not rest.strip():
            return
        link = _TEXT_LINK.match(text, pos) or _LINK.match(text, pos)
        if link is None:
            raise DiagramError(
                f"{where}: expected an arrow such as `-->` after “{excerpt(text[:pos].strip())}”, "
                f"found `{excerpt(rest.strip())}`"
            )
        both = bool(link.group("back")) and link.group("head") == ">"
        pending = ((link.group("text") or "").strip().strip('"'), both, False)
        previous = ids
        pos = link.end()
        if not text[pos:].strip():
            raise DiagramError(
                f"{where}: expected a component after the arrow in `{excerpt(text.strip())}`"
            )


def _node_group(
    text: str, pos: int, b: GraphBuilder, group: str | None, where: str
) -> tuple[list[str], int]:
    ids = []
    while True:
        node_id, pos = _node(text, pos, b, group, where)
        ids.append(node_id)
        m = _AMPERSAND.match(text, pos)
        if m is None:
            return ids, pos
        pos = m.end()


def _node(text: str, pos: int, b: GraphBuilder, group: str | None, where: str) -> tuple[str, int]:
    """A node reference at `pos`, with its shape and label if it has one."""
    while pos < len(text) and text[pos].isspace():
        pos += 1
    m = _NODE_ID.match(text, pos)
    if m is None:
        raise DiagramError(
            f"{where}: expected a component id (letters, digits, _) at `{excerpt(text[pos:])}`"
        )
    node_id, pos = m.group(0), m.end()
    label: str | None = None
    for opening, closing in _SHAPES:
        if text.startswith(opening, pos):
            end = text.find(closing, pos + len(opening))
            if end < 0:
                raise DiagramError(
                    f"{where}: the label of “{node_id}” opens with `{opening}` "
                    f"but has no closing `{closing}`"
                )
            label = text[pos + len(opening) : end].strip().strip('"').strip()
            pos = end + len(closing)
            break
    b.add_node(node_id, label, group, where)
    return node_id, pos


# ---- arrow lists ---------------------------------------------------------------------------

ARROWS = re.compile(r"(<->|<-->|<=>|↔|-->|->|=>|→|⟶)")  # the names around keep their spaces
BULLET = re.compile(r"^\s*+(?:[-*•]\s++|[0-9]++[.)]\s++)")  # a list item's `- `, `1. `, `2) `


def parse_arrows(
    source: str, limits: Limits = DEFAULT_LIMITS, first_line: int = 1, *, within: bool = False
) -> Graph:
    """An arrow list: `client -> gateway -> router`, one path per line, `a -> b: label`.

    Errors name the line of the message, or of the diagram when `within` (a fenced block)."""
    lines = source.splitlines()
    _check_lines(lines, limits)
    b = GraphBuilder(limits)
    for number, raw in enumerate(lines, start=first_line):
        line = collapse(BULLET.sub("", raw))
        if not line:
            continue
        add_arrow_line(line, b, f"line {number}" + (" of the diagram" if within else ""))
    if not b.nodes:
        raise DiagramError("the diagram is empty: expected lines such as `client -> gateway`")
    return b.build()


def add_arrow_line(line: str, b: GraphBuilder, where: str) -> None:
    """One `a -> b -> c: label` line into the graph."""
    label = ""
    path, colon, after = line.rpartition(":")
    if colon and ARROWS.search(path) and not ARROWS.search(after):
        line, label = path.rstrip(), after.strip()
    parts = ARROWS.split(line)
    names, arrows = parts[0::2], parts[1::2]
    if not arrows and is_box_line(line):  # a box drawn with no arrows (`audit log`)
        b.add_node(node_id(line), line.strip(), None, where)
        return
    if not arrows:
        raise DiagramError(f"{where}: expected `a -> b`, found `{excerpt(line)}`")
    for i, name in enumerate(names):
        if not name.strip():
            after = f"after `{arrows[i - 1]}`" if i else f"before `{arrows[0]}`"
            raise DiagramError(f"{where}: expected a component {after} in `{excerpt(line)}`")
    ids = [node_id(n) for n in names]
    for name, nid in zip(names, ids, strict=True):
        b.add_node(nid, name.strip(), None, where)
    for i, arrow in enumerate(arrows):
        last = i == len(arrows) - 1
        both = arrow in ("<->", "<-->", "<=>", "↔")
        b.add_edge(ids[i], ids[i + 1], label if last else "", both, where)


def is_box_line(line: str) -> bool:
    """Whether a line without arrows names one box (`audit log`, `- Feature store`) rather
    than saying something: four words at most, letters, digits and `/&()-_.` only, and not
    ending like a sentence."""
    text = BULLET.sub("", line).strip()
    allowed = all(ch.isalnum() or ch in " /&()-_." for ch in text)
    return bool(text) and allowed and len(text.split()) <= 4 and not text.endswith(".")


def node_id(name: str) -> str:
    """The id a free-text component name gets: lower case, words joined by `_`."""
    return "_".join(re.findall(r"\w+", name.lower())) or name.strip()


def collapse(line: str) -> str:
    """The line stripped, each run of whitespace one space: what the patterns read."""
    return " ".join(line.split())


def _check_lines(lines: list[str], limits: Limits) -> None:
    if len(lines) > limits.lines:
        raise DiagramError(
            f"the diagram has {len(lines)} lines; the limit is {limits.lines}: "
            "draw the main request path and group the rest"
        )
    for number, line in enumerate(lines, start=1):
        if len(line) > MAX_LINE_CHARS:
            raise DiagramError(
                f"line {number} of the diagram is {len(line):,} characters; the limit is "
                f"{MAX_LINE_CHARS:,}"
            )
