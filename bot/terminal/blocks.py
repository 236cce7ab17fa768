"""The terminal's one reader of answers typed over several lines: an answer between two lines
of three double quotes, a diagram between `/diagram` and `/end-diagram`, or a pasted fenced
block (```` ```mermaid ```` ... ```` ``` ````), each gathered into one answer."""

from __future__ import annotations

from interviewer.diagrams.parse import MERMAID_HEADER

OPEN = "/diagram"
CLOSE = ("/end-diagram", "/enddiagram", "/end diagram")
MULTILINE = '"""'
"""A line holding only this opens and closes an answer of several lines."""


class BlockReader:
    """Collects the lines of a multi-line answer or diagram; says when one is complete."""

    def __init__(self) -> None:
        self.lines: list[str] | None = None
        self.fenced = False
        self.answer = False  # between two lines of MULTILINE: the lines as typed

    @property
    def open(self) -> bool:
        """Whether a block is being gathered."""
        return self.lines is not None

    def feed(self, line: str) -> tuple[bool, str | None]:
        """(whether the line belonged to a block, the whole block once it is complete)."""
        word = line.strip().lower()
        if self.lines is None:
            if word == MULTILINE:
                self.lines, self.answer = [], True
                return True, None
            if word == OPEN:
                self.lines, self.fenced = [], False
                return True, None
            if word.startswith("```") and word != "```" * 2:
                self.lines, self.fenced = [line], True
                return True, None
            return False, None
        if self.answer:
            if word == MULTILINE:
                return True, self._close("\n".join(self.lines))
            self.lines.append(line)
            return True, None
        if self.fenced:
            self.lines.append(line)
            if word == "```":
                return True, self._close("\n".join(self.lines))
            return True, None
        if word in CLOSE:
            return True, self._close(_fenced(self.lines))
        self.lines.append(line)
        return True, None

    def _close(self, text: str) -> str:
        self.lines, self.fenced, self.answer = None, False, False
        return text


def _fenced(lines: list[str]) -> str:
    """A /diagram block as a fenced one: Mermaid when it opens with a header, else arrows."""
    body = "\n".join(lines).strip("\n")
    if not body.strip():
        return ""
    first = next(line for line in body.splitlines() if line.strip())
    syntax = "mermaid" if MERMAID_HEADER.match(first) else "arrows"
    return f"```{syntax}\n{body}\n```"
