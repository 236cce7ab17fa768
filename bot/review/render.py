"""The review page as one self-contained HTML document (Jinja2, autoescaped): inline CSS and
SVG, no script, no request leaves it. The policy it is served with allows exactly that."""

from __future__ import annotations

import base64
import hashlib
import re
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

from jinja2 import Environment, FileSystemLoader, StrictUndefined
from markupsafe import Markup

from bot.review.page import Page
from interviewer.references import Reference

TEMPLATES = Path(__file__).parent / "templates"


@cache
def stylesheet() -> str:
    """The page's CSS, as it is inlined."""
    return (TEMPLATES / "review.css").read_text(encoding="utf-8")


@cache
def policy() -> str:
    """The Content-Security-Policy: nothing but the inline stylesheet (by its hash) and data:
    images; no script, no connection, no form, no frame."""
    digest = base64.b64encode(hashlib.sha256(stylesheet().encode()).digest()).decode()
    return (
        f"default-src 'none'; style-src 'sha256-{digest}'; img-src data:; "
        "base-uri 'none'; form-action 'none'"
    )


@cache
def _environment() -> Environment:
    return Environment(
        loader=FileSystemLoader(TEMPLATES),
        autoescape=True,  # every text of a member is data: escaped, never markup
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )


@dataclass(frozen=True)
class Block:
    """A piece of a reference section: a paragraph, a list, a code block or the diagram."""

    kind: str
    text: str = ""
    items: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class RefSection:
    """A reference section's title and its blocks."""

    title: str
    blocks: list[Block]


_FENCE = re.compile(r"^```(\w*)\n(.*?)^```", re.MULTILINE | re.DOTALL)
_ITEM = re.compile(r"^\s*(?:[-*]|\d+\.)\s+")


def markdown_blocks(body: str) -> list[Block]:
    """A small, safe reading of the reference's Markdown: paragraphs, lists, fenced blocks
    (the Mermaid one is the diagram). Text stays text: the template escapes it."""
    out: list[Block] = []
    pos = 0
    for fence in _FENCE.finditer(body):
        out += _prose(body[pos : fence.start()])
        kind = "diagram" if fence.group(1) == "mermaid" else "code"
        out.append(Block(kind, fence.group(2).rstrip()))
        pos = fence.end()
    return out + _prose(body[pos:])


def _prose(text: str) -> list[Block]:
    out: list[Block] = []
    for para in re.split(r"\n\s*\n", text.strip()):
        lines = [line for line in para.splitlines() if line.strip()]
        if not lines:
            continue
        if all(_ITEM.match(line) or line.startswith("  ") for line in lines):
            items: list[str] = []
            for line in lines:
                if _ITEM.match(line) or not items:
                    items.append(_ITEM.sub("", line).strip())
                else:
                    items[-1] += " " + line.strip()
            out.append(Block("list", items=items))
        else:
            out.append(Block("text", " ".join(line.strip() for line in lines)))
    return out


def reference_sections(reference: Reference | None) -> list[RefSection]:
    """The reference's sections as blocks for the template."""
    if reference is None:
        return []
    return [RefSection(s.title, markdown_blocks(s.body)) for s in reference.sections]


def render_page(page: Page, expires: str | None = None) -> str:
    """The page as an HTML document."""
    template = _environment().get_template("review.html.j2")
    return template.render(
        page=page,
        card=page.source.scorecard,
        css=Markup(stylesheet()),  # our own file, inlined as written (its hash is in the policy)
        policy=policy(),
        reference_sections=reference_sections(page.reference),
        expires=expires,
    )
