"""The offline interviewer's words for what the candidate did (prompts/offline_acts.yaml)."""

from __future__ import annotations

import re
from functools import cache, cached_property
from pathlib import Path

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from interviewer.bank import PROMPTS_DIR, BankError, FactTopic

ACTS_FILE = PROMPTS_DIR / "offline_acts.yaml"
_QUESTIONS = ("dont_know_step", "deep_dive_open", "move_on_offer")
_STATEMENTS = (
    "off_topic",
    "dont_know_again",
    "summary_close",
    "your_call",
    "curveball_adapted",
)


class ActLines(BaseModel):
    """Words for answering an act in kind: pushback, off topic, don't know, deep dive..."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    pushback: str = Field(description="'{quote}' the wrong claim, '{question}' the pushback")
    off_topic: str = Field(description="one line back to the problem: '{title}'")
    dont_know_step: str = Field(description="'{subject}': what they do not know, or the stage")
    dont_know_plan: str = Field(description="'{subject}', and '{question}' of the plan on it")
    dont_know_again: str
    deep_dive: str = Field(
        description="'{subject}' the candidate asked to go deep on, '{question}'"
    )
    deep_dive_open: str
    refusal: str = Field(description="'{quote}': the concern waved away; ends with a question")
    overclaim: str = Field(
        description="'{quote}': a claim of no downside, '{doubt}': it as a question, no '?'"
    )
    pushback_doubt: str = Field(
        description="'{question}' the pushback without its '?', '{doubt}' the claim doubted"
    )
    refusal_plan: str = Field(description="'{quote}', and '{question}' of the plan on its risk")
    summary_close: str
    already_given: str = Field(description="'{fact}' given before, asked for again")
    pushback_fixed: str
    meta_think: str
    meta_diagram: str
    meta_check: str
    meta_answered: str
    meta_yours: str
    meta_repeat: str = Field(description="'{question}': the interviewer's last question")
    goal: str = Field(description="'{prompt}': what success is, from the problem's own prompt")
    goal_measures: str = Field(description="what success is, when a fact just said what hurts")
    your_call: str = Field(description="'{question}' asked, '{default}': a sensible default")
    move_on_offer: str = Field(description="'{stage}': the next stage")
    curveball_covered: str = Field(description="'{situation}', '{quote}'")
    curveball_adapted: str = Field(description="'{quote}': how the candidate adapted")
    defaults: dict[FactTopic | str, str]
    situations: dict[str, list[str]] = Field(
        description="curveball id -> regexes: the candidate already raised that situation"
    )
    level_focus: dict[str, list[str]] = Field(
        description="level -> regexes: the plan questions a candidate of that level is pressed on"
    )

    @field_validator("situations", "level_focus")
    @classmethod
    def _compiles(cls, table: dict[str, list[str]]) -> dict[str, list[str]]:
        for patterns in table.values():
            for p in patterns:
                re.compile(p)
        return table

    @field_validator(*_QUESTIONS, "refusal", "overclaim", "pushback_doubt")
    @classmethod
    def _one_question(cls, text: str) -> str:
        if text.count("?") != 1 or not text.rstrip().endswith("?"):
            raise ValueError("must hold exactly one '?', at its end")
        return text

    @field_validator(*_STATEMENTS)
    @classmethod
    def _no_question(cls, text: str) -> str:
        if "?" in text:
            raise ValueError("a statement holds no '?'")
        return text

    @cached_property
    def compiled_situations(self) -> dict[str, re.Pattern[str]]:
        """Each curveball's situation as one pattern."""
        return _compiled(self.situations)

    @cached_property
    def focus(self) -> dict[str, re.Pattern[str]]:
        """Each level's focus as one pattern."""
        return _compiled(self.level_focus)

    def default_for(self, topic: str | None) -> str:
        """The sensible default for a topic left to the candidate."""
        return self.defaults.get(topic or "general") or self.defaults.get("general", "")


def _compiled(table: dict[str, list[str]]) -> dict[str, re.Pattern[str]]:
    """Each key's regexes as one case-insensitive alternation."""
    return {key: re.compile("|".join(f"(?:{p})" for p in ps), re.I) for key, ps in table.items()}


@cache
def load_lines(path: Path = ACTS_FILE) -> ActLines:
    """The act lines; BankError naming the file and every problem in it."""
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        return ActLines.model_validate(data)
    except (OSError, yaml.YAMLError, ValidationError, re.error) as exc:
        raise BankError(f"invalid prompt files:\n  {path.name}: {exc}") from None
