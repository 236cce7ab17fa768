"""Prompt files: Markdown under prompts/ with a small front matter naming their inputs."""

from __future__ import annotations

import string
from dataclasses import dataclass
from pathlib import Path

import yaml

from interviewer.bank import PROMPTS_DIR

_FENCE = "---"


class PromptFileError(Exception):
    """A prompt file is malformed; the message names the file and the problem."""


@dataclass(frozen=True)
class PromptFile:
    """One prompt: its declared inputs and a body with {placeholders} for them."""

    name: str
    inputs: tuple[str, ...]
    body: str

    def render(self, **values: object) -> str:
        """The body with every declared input filled in; a missing or extra input is an error."""
        given, declared = set(values), set(self.inputs)
        if given != declared:
            raise PromptFileError(
                f"{self.name}: inputs given {sorted(given)} differ from declared {sorted(declared)}"
            )
        return self.body.format(**{k: str(v) for k, v in values.items()})


def placeholders(body: str) -> set[str]:
    """The {names} a body uses; `{{` and `}}` are literal braces."""
    names: set[str] = set()
    for _, field_name, spec, conversion in string.Formatter().parse(body):
        if field_name is None:
            continue
        if not field_name.isidentifier() or spec or conversion:
            raise PromptFileError(f"placeholder {{{field_name}}} must be a plain name")
        names.add(field_name)
    return names


def parse_prompt(text: str, name: str) -> PromptFile:
    """Parse a prompt file's text; the front matter must declare `inputs` matching the body."""
    lines = text.splitlines(keepends=True)
    if not lines or lines[0].strip() != _FENCE:
        raise PromptFileError(f"{name}: must start with a '---' front matter")
    try:
        end = next(i for i in range(1, len(lines)) if lines[i].strip() == _FENCE)
    except StopIteration:
        raise PromptFileError(f"{name}: the front matter has no closing '---'") from None
    try:
        meta = yaml.safe_load("".join(lines[1:end])) or {}
    except yaml.YAMLError as exc:
        raise PromptFileError(f"{name}: bad front matter: {exc}") from None
    inputs = meta.get("inputs") if isinstance(meta, dict) else None
    if not isinstance(inputs, list) or not all(isinstance(i, str) for i in inputs):
        raise PromptFileError(f"{name}: front matter needs `inputs:` as a list of names")
    body = "".join(lines[end + 1 :]).strip() + "\n"
    try:
        used = placeholders(body)
    except PromptFileError as exc:
        raise PromptFileError(f"{name}: {exc}") from None
    except ValueError as exc:
        raise PromptFileError(f"{name}: bad braces: {exc}") from None
    if used != set(inputs):
        raise PromptFileError(
            f"{name}: placeholders {sorted(used)} differ from declared inputs {sorted(inputs)}"
        )
    return PromptFile(name, tuple(inputs), body)


def load_prompt(name: str, root: Path = PROMPTS_DIR) -> PromptFile:
    """Load prompts/<name>.md."""
    path = root / f"{name}.md"
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise PromptFileError(f"{path.name}: cannot read: {exc}") from None
    return parse_prompt(text, path.name)


def check_prompt_files(root: Path = PROMPTS_DIR) -> list[str]:
    """Every problem in every prompt file under root, as messages (empty when all parse)."""
    errors: list[str] = []
    for path in sorted(root.glob("*.md")):
        try:
            load_prompt(path.stem, root)
        except PromptFileError as exc:
            errors.append(str(exc))
    return errors
