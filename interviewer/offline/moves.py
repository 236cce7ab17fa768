"""The offline interviewer's next move, chosen as an interviewer would: the one place that
decides what to ask after a candidate's answer.

The problem leads. In order: press an ignored curveball once; press a vague answer once; a
level's own part of the plan as each stage's second follow-up; the problem's probe on what the
last answer talked about; the stage's expected points not yet touched; a generic concept
question only for a concept the plan names that the candidate explained, in words the problem
or the candidate uses; then the problem's remaining probes and points, and the stage's fallback
questions. During clarify, nothing about the design is probed. What the candidate did (a
question, "I don't know", a deep-dive wish...) is heard before this, in brain.py and acts.py.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from interviewer.bank import Concept, Problem, QuestionBank, compile_any
from interviewer.core.rubric import Criterion
from interviewer.core.stages import Format, Stage
from interviewer.core.text import question_key
from interviewer.core.transcript import Turn
from interviewer.offline.analysis import ConceptHit
from interviewer.offline.facts import label
from interviewer.offline.plan import ProblemPlans, plan_items
from interviewer.offline.reading import (
    Reading,
    follow_ups_in_stage,
    is_vague,
    last_interviewer,
    read_candidate_turns,
    stems,
)
from interviewer.offline.reasoning import mask_collocations

_MOVE_PROBES = (Stage.DEEP_DIVE, Stage.TRADEOFFS)


@dataclass(frozen=True)
class Move:
    """What the interviewer does next: an optional lead-in and at most one question."""

    kind: str  # press-curveball, press-vague, facet, concept, probe, point, fallback, none
    lead: str
    question: str


class MoveChooser:
    """Chooses the next question from the problem, the lexicon and what was said."""

    def __init__(
        self,
        bank: QuestionBank,
        presses: Sequence[str],
        curveball_press: str,
        level_focus: dict[str, re.Pattern[str]] | None = None,
    ) -> None:
        self.bank = bank
        self.level_focus = level_focus or {}
        self.presses = tuple(presses)
        self.curveball_press = curveball_press
        self.plan = ProblemPlans(bank)
        self._ordered: dict[tuple[str, str], tuple[Problem, Problem]] = {}

    def choose(
        self,
        problem: Problem,
        fmt: Format,
        stage: Stage,
        turns: Sequence[Turn],
        asked: Sequence[str],
        ignored_curveball: str = "",
        level: str = "senior",
        reading: Reading | None = None,
        press: bool = True,
    ) -> Move:
        """The next move after the candidate's last answer (`ignored_curveball`: what it said;
        `reading`: the turns already read, so a turn is analysed once; `press`: whether a vague
        answer may be pressed, never after "I don't know")."""
        done = set(asked)
        if reading is None:
            reading = read_candidate_turns(self.bank, turns)
        if stage is not Stage.CLARIFY:
            problem = self.for_level(problem, level)
        before = last_interviewer(turns[:-1]) if turns else None
        pressed = before is not None and self._is_press(before.text)
        if ignored_curveball:
            return Move(
                "press-curveball", "", self.curveball_press.format(constraint=ignored_curveball)
            )
        if press and stage is not Stage.CLARIFY and not pressed and is_vague(reading):
            question = next((q for q in self.presses if question_key(q) not in done), "")
            if question:
                return Move("press-vague", "", question)
        if stage is Stage.CLARIFY:
            return self._point(problem, stage, reading, done) or self._fallback(stage, done)
        # A level's own question comes second and fourth in every stage (after the opener).
        due = fmt is not Format.ASYNC and follow_ups_in_stage(turns, stage) in (1, 3)
        level_move = self._for_level(problem, level, stage, reading, done) if due else None
        if fmt is Format.ASYNC or stage not in _MOVE_PROBES:
            move = level_move or self._point(problem, stage, reading, done)
            move = move or self._said_probe(problem, reading, done, level)
            move = move or self._for_level(problem, level, stage, reading, done)
            if fmt is Format.ASYNC and move is None:
                move = self._async_walk(problem, stage, reading, done)
            move = move or self._grounded(problem, reading, done)
            if stage is not Stage.WRAP_UP:
                move = move or self._later_point(problem, stage, reading, done)
                move = move or self._probe(problem, done)
                move = move or self._touched_point(problem, stage, reading, done)
            return move or self._fallback(stage, done)
        return (
            level_move
            or self._said_probe(problem, reading, done, level)
            or self._point(problem, stage, reading, done)
            or self._grounded(problem, reading, done)
            or self._for_level(problem, level, stage, reading, done)
            or self._probe(problem, done)
            or self._later_point(problem, stage, reading, done)
            or self._touched_point(problem, stage, reading, done)
            or self._fallback(stage, done)
        )

    def for_level(self, problem: Problem, level: str) -> Problem:
        """The problem's plan in the order a level is pressed on it, across the whole
        interview: within each stage, the points and probes on the level's focus first, then
        the rest, and those on another level's focus last (a mid candidate is not asked about
        regions and gaming before the request path; a staff one is). Plan order otherwise."""
        key = (problem.id, level)
        found = self._ordered.get(key)
        if found is not None and found[0] is problem:
            return found[1]

        def rank(question: str) -> int:
            return self.level_rank(question, level)

        expected = {
            stage: sorted(points, key=lambda p: rank(p.question))
            for stage, points in problem.expected.items()
        }
        probes = sorted(problem.probes, key=lambda p: rank(p.question))
        ordered = problem.model_copy(update={"expected": expected, "probes": probes})
        self._ordered[key] = (problem, ordered)
        return ordered

    def level_rank(self, question: str, level: str) -> int:
        """0: on the level's own focus only; 2: on another level's focus only; 1: otherwise."""
        own = self.level_focus.get(level)
        mine = own is not None and bool(own.search(question))
        others = any(f.search(question) for n, f in self.level_focus.items() if n != level)
        return 1 if mine == others else (0 if mine else 2)

    def level_opener(
        self,
        problem: Problem,
        level: str,
        stage: Stage,
        reading: Reading,
        asked: Sequence[str],
    ) -> str:
        """The plan's question a stage opens with for a level, or '' (the stage's usual one)."""
        move = self._for_level(problem, level, stage, reading, set(asked), plan_only=True)
        return move.question if move else ""

    def opening_probe(
        self, problem: Problem, reading: Reading, asked: Sequence[str], level: str = "senior"
    ) -> str:
        """A deep-dive opener grounded in the design so far, or '': the problem's own probe on
        what the candidate said, else a relevant concept they explained, a facet left out."""
        done = set(asked)
        problem = self.for_level(problem, level)
        whole = Reading(
            reading.said, (), reading.said, reading.explained, reading.named, reading.designed
        )
        move = self._said_probe(problem, whole, done, level) or self._grounded(
            problem, reading, done, True
        )
        return move.question if move else ""

    # ---- the kinds of move ----------------------------------------------------------------

    def _is_press(self, text: str) -> bool:
        lead = self.curveball_press.split("{", 1)[0]
        return any(p in text for p in self.presses) or text.startswith(lead)

    def _grounded(
        self, problem: Problem, reading: Reading, done: set[str], anywhere: bool = False
    ) -> Move | None:
        """A generic concept probe: only for a concept the problem makes relevant, and only
        when the candidate said something substantive about it (explained it, or gave one of
        its facets); a noun alone, or a connective, is not enough."""
        relevant = self.plan.relevant(problem)
        hits = reading.last_hits
        if anywhere or not hits:
            pool = [c for c in self.bank.concepts if c.id in reading.explained]
            hits = tuple(ConceptHit(c, 0, 0, True) for c in pool)
        hits = tuple(
            h
            for h in hits
            if h.concept.id in relevant
            and Criterion.CLARITY not in h.concept.criteria
            and (h.explained or reading.facets_given(h.concept))
        )
        said = stems(reading.last)
        for hit in hits:
            c = hit.concept
            given = reading.facets_given(c)
            for facet, question in c.facet_probes.items():
                if facet in given or question_key(question) in done:
                    continue
                if not self.plan.in_vocabulary(problem, question, said):
                    continue  # a generic question in words the problem never uses
                term = self._term(reading.last, c)
                return Move("facet", self._ack(term, given) if term else "", question)
        return None

    def _said_probe(
        self, problem: Problem, reading: Reading, done: set[str], level: str = ""
    ) -> Move | None:
        """The problem's own probe on what the last answer talked about, not yet answered
        (never one on another level's focus: a mid candidate's "quota" is not a cue to ask
        how teams game the scheduler)."""
        last = mask_collocations(reading.last)  # once, not once per probe
        for probe in problem.probes:
            if not probe.keywords or question_key(probe.question) in done:
                continue
            if level and self.level_rank(probe.question, level) == 2:
                continue
            m = compile_any(probe.keywords).search(last)
            if m and not self._answered(probe.question, reading):
                term = _word_at(reading.last, m)
                return Move("probe", self._ack(term, []) if term else "", probe.question)
        return None

    def _answered(self, question: str, reading: Reading) -> bool:
        """Whether the concept a question is about was already explained with all its facets."""
        for concept, pattern in self.bank.compiled_concepts:
            if Criterion.CLARITY in concept.criteria or not pattern.search(question):
                continue
            facets = reading.facets_given(concept)
            return concept.id in reading.explained and len(facets) == len(concept.facets)
        return False

    def _point(
        self, problem: Problem, stage: Stage, reading: Reading, done: set[str]
    ) -> Move | None:
        """The first expected point of the stage not yet touched nor asked."""
        for point in problem.expected.get(stage, []):
            if question_key(point.question) in done:
                continue
            if compile_any(point.keywords).search(reading.covered_in(stage)):
                continue
            return Move("point", "", point.question)
        return None

    def _later_point(
        self, problem: Problem, stage: Stage, reading: Reading, done: set[str]
    ) -> Move | None:
        """An expected point of a later design stage, before any generic question."""
        order = [Stage.HIGH_LEVEL, Stage.DEEP_DIVE, Stage.TRADEOFFS]
        for later in order[order.index(stage) + 1 :] if stage in order else []:
            move = self._point(problem, later, reading, done)
            if move:
                return move
        return None

    def _touched_point(
        self, problem: Problem, stage: Stage, reading: Reading, done: set[str]
    ) -> Move | None:
        """When the plan's untouched points are spent: its point or probe the candidate only
        touched, least covered first, before any generic question (a question on the plan
        beats one on "that component"). Never one the last answer talked about."""
        if stage is Stage.CLARIFY:
            return None
        last = mask_collocations(reading.last)
        ranked: list[tuple[bool, int, int, str]] = []
        order = [Stage.HIGH_LEVEL, Stage.DEEP_DIVE, Stage.TRADEOFFS]
        earlier = order[: order.index(stage)] if stage in order else []
        items = plan_items(problem, stage)  # this stage and later first, then earlier ones
        now = len(items)
        items += [(p.question, p.keywords) for s in earlier for p in problem.expected.get(s, [])]
        for n, (question, keywords) in enumerate(items):
            if question_key(question) in done:
                continue
            pattern = compile_any(keywords) if keywords else None
            if pattern is not None and pattern.search(last):
                continue
            if pattern is None and self._said_in(question, reading.last):
                continue
            hits = (
                len({m.group().lower() for m in pattern.finditer(reading.designed)})
                if pattern
                else 0
            )
            ranked.append((n >= now, hits, n, question))
        return Move("touched", "", min(ranked)[3]) if ranked else None

    @staticmethod
    def _said_in(question: str, last: str) -> bool:
        """Whether the last answer holds most of a question's words (a probe has no keywords)."""
        asked = stems(question)
        return bool(asked) and 2 * len(asked & stems(last)) > len(asked)

    def _async_walk(
        self, problem: Problem, stage: Stage, reading: Reading, done: set[str]
    ) -> Move | None:
        """Async answers walk every stage's expected points, one question per message."""
        for later in (Stage.DEEP_DIVE, Stage.TRADEOFFS, Stage.WRAP_UP):
            if later is stage:
                continue
            move = self._point(problem, later, reading, done)
            if move:
                return move
        return self._probe(problem, done)

    def _for_level(
        self,
        problem: Problem,
        level: str,
        stage: Stage,
        reading: Reading,
        done: set[str],
        plan_only: bool = False,
    ) -> Move | None:
        """What a candidate of this level is pressed on: first the problem's own plan item that
        fits the level's focus (mid: the request path and one component; senior: failure and
        load; staff: regions, cost, teams, migration), then the level's own question."""
        focus = self.level_focus.get(level)
        if focus is not None:
            for question, keywords in plan_items(problem, stage):
                if question_key(question) in done or not focus.search(question):
                    continue
                if keywords and compile_any(keywords).search(reading.covered_in(stage)):
                    continue
                if not self._answered(question, reading):
                    return Move("level", "", question)
        phrases = None if plan_only else self.bank.phrases
        for q in phrases.level_questions if phrases else []:
            if q.level != level or stage not in q.stages or question_key(q.question) in done:
                continue
            if not compile_any(q.keywords).search(reading.covered_in(stage)):
                return Move("level", "", q.question)
        return None

    @staticmethod
    def _probe(problem: Problem, done: set[str]) -> Move | None:
        for probe in problem.probes:
            if question_key(probe.question) not in done:
                return Move("probe", "", probe.question)
        return None

    def _fallback(self, stage: Stage, done: set[str]) -> Move:
        phrases = self.bank.phrases
        questions = phrases.fallback_questions.get(stage.value, []) if phrases else []
        for q in questions:
            if question_key(q) not in done:
                return Move("fallback", "", q)
        return Move("none", "", "")

    def _ack(self, term: str, facets: list[str]) -> str:
        phrases = self.bank.phrases
        if phrases is None:
            return ""
        if facets:
            given = " and ".join(label(f) for f in facets)
            return phrases.facet_lead.format(term=term, facets=given)
        return phrases.grounded_lead.format(term=term)

    @staticmethod
    def _term(text: str, concept: Concept) -> str:
        m = compile_any(concept.all_patterns).search(mask_collocations(text))
        return _word_at(text, m) if m else ""


def _word_at(text: str, match: re.Match[str]) -> str:
    """The candidate's own words at a match, whole words, quoted ('' for a short lone word
    such as "long", which names no component)."""
    end = match.end()
    while end < len(text) and (text[end].isalnum() or text[end] in "-_"):
        end += 1
    said = text[match.start() : end]
    return f"“{said}”" if len(said) >= 5 or " " in said.strip() else ""
