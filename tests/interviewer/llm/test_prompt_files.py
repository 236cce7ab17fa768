"""Every prompt file parses and declares exactly the placeholders it uses."""

from __future__ import annotations

from pathlib import Path

import pytest

from interviewer.bank import PROMPTS_DIR
from interviewer.prompt_files import (
    PromptFileError,
    check_prompt_files,
    load_prompt,
    parse_prompt,
    placeholders,
)


def test_every_prompt_file_parses_and_matches_its_inputs() -> None:
    files = sorted(PROMPTS_DIR.glob("*.md"))
    assert len(files) >= 5
    assert check_prompt_files() == []
    for path in files:
        prompt = load_prompt(path.stem)
        assert set(prompt.inputs) == placeholders(prompt.body), path.name


def test_all_bad_files_are_reported_at_once(tmp_path: Path) -> None:
    (tmp_path / "a.md").write_text("---\ninputs: [x]\n---\nHello {y}\n")
    (tmp_path / "b.md").write_text("no front matter {x}\n")
    (tmp_path / "c.md").write_text("---\ninputs: [x]\n---\nfine {x} and {{literal}}\n")
    errors = check_prompt_files(tmp_path)
    assert len(errors) == 2
    assert "a.md" in errors[0] and "['y']" in errors[0]
    assert "b.md" in errors[1]


def test_render_needs_exactly_the_declared_inputs() -> None:
    prompt = parse_prompt("---\ninputs: [name]\n---\nHi {name}, {{not a field}}\n", "t.md")
    assert prompt.render(name="Ada {x}") == "Hi Ada {x}, {not a field}\n"
    with pytest.raises(PromptFileError):
        prompt.render()
    with pytest.raises(PromptFileError):
        prompt.render(name="a", extra="b")


def test_placeholders_must_be_plain_names() -> None:
    with pytest.raises(PromptFileError):
        parse_prompt("---\ninputs: [a]\n---\n{a!r}\n", "t.md")
