"""The scripted personas of bench/personas/: their schema, the split and the loader.

One YAML file per problem, each with personas that hold an ordered list of candidate messages
per stage and what each message is (its `act`); `curveballs` says how the persona answers a
curveball the interviewer throws (by curveball id, or `default`).
"""

from __future__ import annotations

from pathlib import Path
from typing import Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from bench.agreement import half_of, held_out_problems
from bench.turn_judge import Said
from interviewer.bank import QuestionBank
from interviewer.core.stages import Stage

PERSONAS_DIR = Path(__file__).resolve().parent / "personas"

# The split of bench/calibration/split.json (issue 21), fixed before any code ran.
TUNE = (
    "gpu-scheduler", "llm-gateway", "batch-inference", "key-value-store", "guardrails-service",
    "typeahead",
)  # fmt: skip
HELD_OUT = tuple(sorted(held_out_problems()))  # split.json's held_out, fresh and blind parts

Act = Literal[
    "answer",
    "question_to_interviewer",
    "deep_dive_request",
    "dont_know",
    "off_topic",
    "summary",
    "wrong_claim",
    "handles_curveball",
    "ignores_curveball",
]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Message(_Strict):
    """One scripted candidate message and what it is."""

    text: str = Field(min_length=2)
    act: Act = "answer"
    topic: list[str] = Field(default_factory=list, description="what it asks or wants")
    claim: list[str] = Field(default_factory=list, description="the wrong claim's words")
    correction: list[str] = Field(default_factory=list, description="the answer to hold back")
    curveball: str | None = Field(default=None, description="the curveball it handles")
    explains: list[str] = Field(default_factory=list, description="what it explained")

    @field_validator("topic", "claim", "correction", "explains", mode="before")
    @classmethod
    def _words(cls, items: object) -> object:
        # YAML reads [latency, 250] as a string and a number: both are words here.
        return [str(i) for i in items] if isinstance(items, list) else items

    @model_validator(mode="after")
    def _annotated(self) -> Message:
        if self.act == "wrong_claim" and not self.claim:
            raise ValueError("a wrong_claim needs its `claim` words")
        if self.act == "deep_dive_request" and not self.topic:
            raise ValueError("a deep_dive_request needs its `topic` words")
        return self

    def said(self, curveball: str | None = None) -> Said:
        """The judge's view of this message (a curveball answer learns which one it answers)."""
        return Said(
            self.text,
            self.act,
            tuple(self.topic),
            tuple(self.claim),
            tuple(self.correction),
            curveball or self.curveball,
            tuple(self.explains),
        )


class Persona(_Strict):
    """A candidate: a level, a seed for the interview's curveball draw, and a script."""

    name: str = Field(pattern=r"^[a-z0-9-]+$")
    level: Literal["mid", "senior", "staff"] = "senior"
    seed: int = 0
    script: dict[Stage, list[Message]]
    curveballs: dict[str, Message] = Field(default_factory=dict)

    def curveball_answer(self, curveball_id: str) -> Message | None:
        """What the persona says to a thrown curveball, if anything."""
        return self.curveballs.get(curveball_id) or self.curveballs.get("default")


class PersonaFile(_Strict):
    """The personas of one problem."""

    problem: str
    personas: list[Persona] = Field(min_length=1)

    @property
    def half(self) -> str:
        """'tune', 'held out', 'fresh' or 'blind' (bench/calibration/split.json); 'tune' for a
        problem outside the split."""
        return half_of(self.problem).replace("_", " ")


def load_personas(bank: QuestionBank, root: Path = PERSONAS_DIR) -> list[PersonaFile]:
    """Every persona file, checked against the bank; all bad files reported at once."""
    files: list[PersonaFile] = []
    errors: list[str] = []
    for path in sorted(root.glob("*.yaml")):
        try:
            one = PersonaFile.model_validate(yaml.safe_load(path.read_text(encoding="utf-8")))
        except (yaml.YAMLError, ValueError) as exc:
            errors.append(f"{path.name}: {exc}")
            continue
        if one.problem not in bank.problems:
            errors.append(f"{path.name}: no problem {one.problem!r} in the bank")
            continue
        allowed = set(bank.problem(one.problem).curveballs) | {"default"}
        for persona in one.personas:
            named = {m.curveball for ms in persona.script.values() for m in ms if m.curveball}
            unknown = (set(persona.curveballs) | named) - allowed
            if unknown:
                errors.append(f"{path.name} {persona.name}: unknown curveballs {sorted(unknown)}")
        files.append(one)
    if errors:
        raise ValueError("bad persona files:\n" + "\n".join(errors))
    return files
