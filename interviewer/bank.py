"""The question bank: problems, curveballs and the concept lexicon, loaded from prompts/.

The files are data (YAML); this module holds their schema and reports every bad file at once.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cache, cached_property
from pathlib import Path
from typing import Literal, TypeVar, get_args

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from interviewer.core.regex import compiled
from interviewer.core.rubric import Criterion
from interviewer.core.stages import Stage
from interviewer.misconceptions import Catalogue, Misconception, MisconceptionFile

PROMPTS_DIR = Path(__file__).resolve().parent.parent / "prompts"

Level = Literal["junior", "mid", "senior", "staff"]
_ID = r"^[a-z0-9]+(-[a-z0-9]+)*$"

_CONCEPT_COUNTS_KEPT = 8192  # sentences whose concept count is remembered


# libyaml's loader is about ten times faster where PyYAML was built with it; same results.
_SafeLoader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


def _check_patterns(patterns: list[str]) -> list[str]:
    for p in patterns:
        try:
            compiled(p)
        except re.error as exc:
            raise ValueError(f"bad pattern {p!r}: {exc}") from None
    return patterns


_K = TypeVar("_K")


def _check_pattern_lists(lists: dict[_K, list[str]]) -> dict[_K, list[str]]:
    for patterns in lists.values():
        _check_patterns(patterns)
    return lists


def _single_question(text: str) -> str:
    if text.count("?") != 1 or not text.rstrip().endswith("?"):
        raise ValueError("must hold exactly one '?', at its end")
    return text


FactTopic = Literal["scale", "latency", "data", "compliance", "scope", "tenancy", "model"]
# What every problem's hidden facts must answer: scale, latency, data and retention,
# compliance and regions, modalities and scope, tenancy and billing, and the model.
FACT_TOPICS: tuple[FactTopic, ...] = get_args(FactTopic)


class HiddenFact(_Strict):
    """A number or constraint the interviewer reveals only when the candidate asks."""

    id: str = Field(pattern=_ID)
    covers: list[FactTopic] = Field(min_length=1, description="which kinds of question it answers")
    keywords: list[str] = Field(
        min_length=1, description="regexes matched in a clarifying question"
    )
    answer: str = Field(min_length=5)

    _v = field_validator("keywords")(_check_patterns)


class ExpectedPoint(_Strict):
    """A point a strong answer reaches in a stage, how to spot it, and how to ask for it."""

    id: str = Field(pattern=_ID)
    point: str = Field(min_length=5)
    keywords: list[str] = Field(min_length=1, description="regexes: any one marks it covered")
    question: str = Field(min_length=10, description="asked when the point is still missing")

    _v = field_validator("keywords")(_check_patterns)

    @field_validator("question")
    @classmethod
    def _one_question(cls, q: str) -> str:
        return _single_question(q)


class Probe(_Strict):
    """A deep-dive question about one component."""

    id: str = Field(pattern=_ID)
    question: str = Field(min_length=10)
    keywords: list[str] = Field(
        default_factory=list,
        description="regexes: the probe fits when the candidate mentioned these",
    )

    _v = field_validator("keywords")(_check_patterns)

    @field_validator("question")
    @classmethod
    def _one_question(cls, q: str) -> str:
        return _single_question(q)


ClarifyTopic = Literal[
    "scope",
    "users",
    "scale",
    "latency",
    "data",
    "policy",
    "regions",
    "retention",
    "organisation",
    "security",
    "cost",
    "model",
    "integration",
    "operations",
]


# Every problem answers at least this many kinds of clarifying question, on this many topics.
MIN_CLARIFICATIONS = 12
MIN_CLARIFY_TOPICS = 6


class Clarification(_Strict):
    """An authored answer to a kind of clarifying question, beyond the problem's numbers.

    `your_call` marks a question the problem's facts do not settle: the answer then says it is
    the candidate's call and gives a sensible default ("Your call; a fair default is ...").
    """

    id: str = Field(pattern=_ID)
    topic: ClarifyTopic
    asks: list[str] = Field(min_length=1, description="regexes matched in one question")
    examples: list[str] = Field(
        min_length=2, description="questions a candidate would type that must match this entry"
    )
    answer: str = Field(min_length=5)
    your_call: bool = False

    _v = field_validator("asks")(_check_patterns)

    @model_validator(mode="after")
    def _examples_match(self) -> Clarification:
        missed = [e for e in self.examples if self.strength(e) == 0]
        if missed:
            raise ValueError(f"examples its asks do not match: {missed}")
        if self.your_call and not self.answer.lower().startswith("your call"):
            raise ValueError("a your_call answer starts with 'Your call'")
        return self

    def strength(self, question: str) -> int:
        """How much of the question its asks match: covered characters, 0 for no match."""
        return coverage(self.asks, question)


class Problem(_Strict):
    """One design problem of the bank."""

    id: str = Field(pattern=_ID)
    title: str = Field(min_length=5)
    level: Level
    topics: list[str] = Field(min_length=1)
    prompt: str = Field(min_length=20)
    hidden_facts: list[HiddenFact] = Field(min_length=3)
    expected: dict[Stage, list[ExpectedPoint]]
    probes: list[Probe] = Field(min_length=2)
    curveballs: list[str] = Field(min_length=2, description="ids from curveballs.yaml")
    hints: dict[Stage, list[str]]
    clarifications: list[Clarification] = Field(
        description="authored answers to clarifying questions by intent"
    )

    @model_validator(mode="after")
    def _complete(self) -> Problem:
        missing = [s.value for s in Stage if not self.expected.get(s)]
        if missing:
            raise ValueError(f"expected points missing for stages: {', '.join(missing)}")
        missing_hints = [
            s.value
            for s in (Stage.CLARIFY, Stage.HIGH_LEVEL, Stage.DEEP_DIVE)
            if not self.hints.get(s)
        ]
        if missing_hints:
            raise ValueError(f"hints missing for stages: {', '.join(missing_hints)}")
        if not any(p.id.startswith("security") for pts in self.expected.values() for p in pts):
            raise ValueError("no expected point on security and privacy (an id 'security-...')")
        covered = {t for fact in self.hidden_facts for t in fact.covers}
        uncovered = [t for t in FACT_TOPICS if t not in covered]
        if uncovered:
            raise ValueError(f"no hidden fact covers: {', '.join(uncovered)}")
        ids = [p.id for points in self.expected.values() for p in points]
        dupes = sorted({i for i in ids if ids.count(i) > 1})
        if dupes:
            raise ValueError(f"expected point ids repeat: {', '.join(dupes)}")
        ids = [c.id for c in self.clarifications]
        dupes = sorted({i for i in ids if ids.count(i) > 1})
        if dupes:
            raise ValueError(f"clarification ids repeat: {', '.join(dupes)}")
        topics = {c.topic for c in self.clarifications}
        if len(ids) < MIN_CLARIFICATIONS or len(topics) < MIN_CLARIFY_TOPICS:
            raise ValueError(
                f"clarifications: {len(ids)} on {len(topics)} topics; at least "
                f"{MIN_CLARIFICATIONS} on {MIN_CLARIFY_TOPICS} topics are needed"
            )
        return self

    def clarification_for(self, question: str) -> Clarification | None:
        """The authored clarification that matches most of one question, if any matches."""
        best = max(self.clarifications, key=lambda c: c.strength(question), default=None)
        return best if best is not None and best.strength(question) > 0 else None


class Curveball(_Strict):
    """A new constraint injected mid-interview, and how to tell the candidate adapted."""

    id: str = Field(pattern=_ID)
    text: str = Field(
        min_length=10, description="what the interviewer says; ends with one question"
    )
    stages: list[Stage] = Field(min_length=1)
    adapt_keywords: list[str] = Field(min_length=5, description="regexes: signs of adapting")

    _v = field_validator("adapt_keywords")(_check_patterns)

    @field_validator("text")
    @classmethod
    def _one_question(cls, text: str) -> str:
        return _single_question(text)


class Concept(_Strict):
    """A design concept the offline interviewer and scorer recognise in candidate text."""

    id: str = Field(pattern=_ID)
    criteria: list[Criterion] = Field(min_length=1)
    patterns: list[str] = Field(min_length=1)
    paraphrases: list[str] = Field(
        default_factory=list, description="regexes: the idea said in plain English"
    )
    facets: dict[str, list[str]] = Field(
        default_factory=dict,
        description="what explaining it takes (autoscaling: signal, warm-up, limits): regexes",
    )
    facet_probes: dict[str, str] = Field(
        default_factory=dict, description="a question for a facet the candidate left out"
    )
    infrastructure: bool = Field(
        default=False, description="data or compute infrastructure a classic problem also has"
    )
    depth: Literal["component", "detail"] = "component"
    probe: str | None = Field(default=None, description="a follow-up that drills into it")

    _v = field_validator("patterns", "paraphrases")(_check_patterns)
    _vf = field_validator("facets")(_check_pattern_lists)

    @field_validator("facet_probes")
    @classmethod
    def _facet_questions(cls, probes: dict[str, str]) -> dict[str, str]:
        for q in probes.values():
            _single_question(q)
        return probes

    @model_validator(mode="after")
    def _probes_name_facets(self) -> Concept:
        unknown = sorted(set(self.facet_probes) - set(self.facets))
        if unknown:
            raise ValueError(f"facet_probes for unknown facets: {', '.join(unknown)}")
        return self

    @property
    def all_patterns(self) -> list[str]:
        """Its technical names and its plain-English paraphrases."""
        return [*self.patterns, *self.paraphrases]

    @cached_property
    def compiled_facets(self) -> dict[str, re.Pattern[str]]:
        """Each facet's patterns compiled into one case-insensitive regex."""
        return {name: compile_any(patterns) for name, patterns in self.facets.items()}


class LevelQuestion(_Strict):
    """What the interviewer presses a candidate of a level on, unless they already covered it."""

    level: Literal["mid", "senior", "staff"]
    stages: list[Stage] = Field(min_length=1)
    question: str
    keywords: list[str] = Field(min_length=1, description="regexes: the topic was covered")

    _v = field_validator("keywords")(_check_patterns)

    @field_validator("question")
    @classmethod
    def _one_question(cls, q: str) -> str:
        return _single_question(q)


class Phrasebook(_Strict):
    """The offline interviewer's words that belong to no one problem (prompts/offline.yaml)."""

    opening: str
    opening_async: str
    stage_intros: dict[Stage, str]
    first_questions: dict[Stage, str]
    fallback_questions: dict[str, list[str]]
    no_fact: str
    answer_lead: str
    grounded_lead: str
    facet_lead: str = Field(description="'{term}' and the '{facets}' the candidate gave")
    press_vague: list[str] = Field(min_length=1, description="asks a vague answer for specifics")
    press_curveball: str = Field(description="asks once more about an ignored curveball")
    curveball_ack_adapted: str
    curveball_ack_missed: str
    wrap_up_unclocked: str = Field(description="the wrap-up intro in a format with no clock")
    level_questions: list[LevelQuestion] = Field(default_factory=list)
    fact_topics: dict[FactTopic, list[str]] = Field(
        description="regexes: what kind of fact a clarifying question asks for"
    )
    warn_time: str
    moved_by_time: str
    moved_by_candidate: str
    moved_by_design: str
    hint_lead: str
    no_more_hints: str
    time_left: str
    time_left_unclocked: str
    closing_time: str
    closing_candidate: str
    already_ended: str

    _vt = field_validator("fact_topics")(_check_pattern_lists)

    @model_validator(mode="after")
    def _complete(self) -> Phrasebook:
        for table in ("stage_intros", "first_questions"):
            missing = [s.value for s in Stage if s not in getattr(self, table)]
            if missing:
                raise ValueError(f"{table} missing stages: {', '.join(missing)}")
        missing = [s.value for s in Stage if not self.fallback_questions.get(s.value)]
        if missing:
            raise ValueError(f"fallback_questions missing stages: {', '.join(missing)}")
        questions = [*self.first_questions.values(), *self.press_vague, self.press_curveball]
        questions += [q for qs in self.fallback_questions.values() for q in qs]
        bad = [q for q in questions if q.count("?") != 1 or not q.endswith("?")]
        if bad:
            raise ValueError(f"questions must hold one '?' at the end: {bad}")
        return self


class _CurveballFile(_Strict):
    curveballs: list[Curveball]


class _ConceptFile(_Strict):
    concepts: list[Concept]


class BankError(Exception):
    """One or more prompt files are invalid; the message lists every problem."""


@dataclass(frozen=True)
class QuestionBank:
    """Every problem, curveball and concept, validated and cross-checked."""

    problems: dict[str, Problem]
    curveballs: dict[str, Curveball]
    concepts: tuple[Concept, ...]
    phrases: Phrasebook | None = None
    misconceptions: Catalogue = field(default_factory=Catalogue)

    def problem(self, problem_id: str) -> Problem:
        """A problem by id; a KeyError naming the known ids otherwise."""
        try:
            return self.problems[problem_id]
        except KeyError:
            shown = (
                problem_id if len(problem_id) <= 40 else problem_id[:39] + "…"
            )  # echo an excerpt
            raise KeyError(f"no question {shown!r}; `mockroom questions` lists them") from None

    def find(self, query: str) -> list[Problem]:
        """Problems matching an id, a topic or words of the title, best first."""
        q = query.strip().lower()
        if q in self.problems:
            return [self.problems[q]]
        words = [w for w in re.split(r"[\s,]+", q) if w]
        scored = []
        for problem in self.problems.values():
            haystack = " ".join([problem.id, problem.title.lower(), *problem.topics])
            score = sum(1 for w in words if re.search(rf"(?<![\w-]){re.escape(w)}", haystack))
            if score:
                scored.append((-score, problem.id, problem))
        return [p for *_, p in sorted(scored)]

    def matching(self, topic_or_level: str) -> list[Problem]:
        """Problems of a level, with a topic, or with that id (case-insensitive), in bank order."""
        key = topic_or_level.lower()
        return [p for p in self.problems.values() if key in (p.id, p.level) or key in p.topics]

    @cached_property
    def topics(self) -> tuple[str, ...]:
        """Every topic the problems carry, sorted (drills, channel settings, autocomplete)."""
        return tuple(sorted({t for p in self.problems.values() for t in p.topics}))

    @cached_property
    def levels(self) -> tuple[str, ...]:
        """Every level the problems are written for, sorted."""
        return tuple(sorted({p.level for p in self.problems.values()}))

    @cached_property
    def compiled_concepts(self) -> tuple[tuple[Concept, re.Pattern[str]], ...]:
        """Each concept with its patterns compiled into one case-insensitive regex."""
        return tuple((c, compile_any(c.all_patterns)) for c in self.concepts)

    @cached_property
    def concept_patterns(self) -> tuple[tuple[str, re.Pattern[str]], ...]:
        """The same as (concept id, pattern) pairs: the lexicon the diagram reader types with."""
        return tuple((c.id, pattern) for c, pattern in self.compiled_concepts)

    def concept_count(self, sentence: str) -> int:
        """How many design concepts a sentence names; remembered, since the LLM brain's
        summary of older turns scores the same sentences on every turn."""
        counts = self._concept_counts
        found = counts.get(sentence)
        if found is None:
            if len(counts) >= _CONCEPT_COUNTS_KEPT:
                counts.clear()
            found = sum(1 for _, pattern in self.compiled_concepts if pattern.search(sentence))
            counts[sentence] = found
        return found

    @cached_property
    def _concept_counts(self) -> dict[str, int]:
        return {}


def compile_any(patterns: Iterable[str]) -> re.Pattern[str]:
    """One case-insensitive regex matching any of the patterns where no word character precedes.

    Compiled once per keyword list (the bank's lists are fixed), so callers on the per-turn
    path need no cache of their own.
    """
    return _compile_any(tuple(patterns))


def coverage(patterns: Iterable[str], text: str) -> int:
    """How many characters of the text any of the patterns match, each pattern on its own.

    Unlike one alternation, the longest phrasing counts whatever the order of the patterns.
    """
    covered: set[int] = set()
    for pattern in patterns:
        for m in _compile_any((pattern,)).finditer(text):
            covered.update(range(m.start(), m.end()))
    return len(covered)


@cache
def _compile_any(patterns: tuple[str, ...]) -> re.Pattern[str]:
    alternatives = "|".join(f"(?:{p})" for p in patterns)
    return compiled(rf"(?<!\w)(?:{alternatives})", re.IGNORECASE)


def _read_yaml(path: Path, errors: list[str]) -> object:
    try:
        return yaml.load(path.read_text(encoding="utf-8"), Loader=_SafeLoader)
    except (OSError, yaml.YAMLError) as exc:
        errors.append(f"{path.name}: cannot read YAML: {exc}")
        return None


def _fmt(path: Path, exc: ValidationError) -> list[str]:
    return [
        f"{path.name}: {'.'.join(str(x) for x in e['loc']) or '<root>'}: {e['msg']}"
        for e in exc.errors()
    ]


def load_bank(root: Path = PROMPTS_DIR) -> QuestionBank:
    """Load and validate prompts/; raise BankError listing every bad file at once."""
    errors: list[str] = []
    problems: dict[str, Problem] = {}
    for path in sorted((root / "questions").glob("*.yaml")):
        data = _read_yaml(path, errors)
        if data is None:
            continue
        try:
            problem = Problem.model_validate(data)
        except ValidationError as exc:
            errors.extend(_fmt(path, exc))
            continue
        if problem.id != path.stem:
            errors.append(f"{path.name}: id {problem.id!r} does not match the file name")
        if problem.id in problems:
            errors.append(f"{path.name}: duplicate problem id {problem.id!r}")
        problems[problem.id] = problem

    curveballs: dict[str, Curveball] = {}
    path = root / "curveballs.yaml"
    data = _read_yaml(path, errors)
    if data is not None:
        try:
            for cb in _CurveballFile.model_validate(data).curveballs:
                if cb.id in curveballs:
                    errors.append(f"{path.name}: duplicate curveball id {cb.id!r}")
                curveballs[cb.id] = cb
        except ValidationError as exc:
            errors.extend(_fmt(path, exc))

    concepts: tuple[Concept, ...] = ()
    path = root / "concepts.yaml"
    data = _read_yaml(path, errors)
    if data is not None:
        try:
            concepts = tuple(_ConceptFile.model_validate(data).concepts)
        except ValidationError as exc:
            errors.extend(_fmt(path, exc))

    phrases: Phrasebook | None = None
    path = root / "offline.yaml"
    data = _read_yaml(path, errors)
    if data is not None:
        try:
            phrases = Phrasebook.model_validate(data)
        except ValidationError as exc:
            errors.extend(_fmt(path, exc))

    misconceptions = _load_misconceptions(root / "misconceptions", problems, errors)

    if curveballs:
        for problem in problems.values():
            unknown = [c for c in problem.curveballs if c not in curveballs]
            if unknown:
                errors.append(f"{problem.id}.yaml: unknown curveballs: {', '.join(unknown)}")
    if not problems and not errors:
        errors.append(f"no problems found under {root / 'questions'}")
    if errors:
        raise BankError("invalid prompt files:\n  " + "\n  ".join(errors))
    return QuestionBank(
        problems=problems,
        curveballs=curveballs,
        concepts=concepts,
        phrases=phrases,
        misconceptions=misconceptions,
    )


def _load_misconceptions(
    folder: Path, problems: dict[str, Problem], errors: list[str]
) -> Catalogue:
    """prompts/misconceptions/: shared*.yaml for every problem (one file per area, e.g.
    shared-data.yaml), <problem id>.yaml for one problem."""
    shared: tuple[Misconception, ...] = ()
    by_problem: list[tuple[str, tuple[Misconception, ...]]] = []
    seen: set[str] = set()
    for path in sorted(folder.glob("*.yaml")):
        data = _read_yaml(path, errors)
        if data is None:
            continue
        try:
            entries = tuple(MisconceptionFile.model_validate(data).misconceptions)
        except ValidationError as exc:
            errors.extend(_fmt(path, exc))
            continue
        for entry in entries:
            if entry.id in seen:
                errors.append(f"misconceptions/{path.name}: duplicate id {entry.id!r}")
            seen.add(entry.id)
        if path.stem == "shared" or path.stem.startswith("shared-"):
            shared += entries
        elif path.stem in problems:
            by_problem.append((path.stem, entries))
        else:
            errors.append(f"misconceptions/{path.name}: no problem {path.stem!r} in questions/")
    return Catalogue(shared=shared, by_problem=tuple(by_problem))
