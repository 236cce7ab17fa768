"""The offline interviewer's next move, chosen as an interviewer would: the one place that
decides what to ask after a candidate's answer.

In order: press an ignored curveball once; press a vague answer once; in the design stages,
probe the most important facet the candidate named but did not explain (or a concept only
named); otherwise the most important expected point not yet touched; then the problem's
probes and the stage's fallback questions. During clarify, nothing about the design is probed.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from interviewer.bank import Concept, Problem, QuestionBank, compile_any
from interviewer.core.rubric import Criterion
from interviewer.core.stages import Format, Stage
from interviewer.core.text import question_key
from interviewer.core.transcript import Role, Turn
from interviewer.offline.analysis import ConceptHit, find_concepts, has_quantity, read_turns
from interviewer.offline.facts import join_words, label
from interviewer.offline.reasoning import content_words, mask_collocations

# Hedges that mark an answer as a guess rather than a design.
_HEDGE = re.compile(
    r"\b(?:basically|i think it (?:would|will|should) (?:work|be fine)|should be fine"
    r"|it (?:would|will|should) (?:just )?work|something like|kind of like|like chatgpt"
    r"|not sure|no idea|i guess|whatever works|the usual|standard stuff|etc)\b",
    re.IGNORECASE,
)
_MOVE_PROBES = (Stage.DEEP_DIVE, Stage.TRADEOFFS)


@dataclass(frozen=True)
class Move:
    """What the interviewer does next: an optional lead-in and at most one question."""

    kind: str  # press-curveball, press-vague, facet, concept, probe, point, fallback, none
    lead: str
    question: str


@dataclass(frozen=True)
class Reading:
    """What the candidate has said so far, as the interviewer understands it."""

    last: str
    last_hits: tuple[ConceptHit, ...]
    said: str  # every candidate turn, collocations blanked
    explained: frozenset[str]  # concept ids explained anywhere
    named: frozenset[str]  # concept ids named anywhere

    def facets_given(self, concept: Concept) -> list[str]:
        """The facets of a concept the candidate has given anywhere."""
        return [n for n, p in concept.compiled_facets.items() if p.search(self.said)]


def read_candidate_turns(bank: QuestionBank, turns: Sequence[Turn]) -> Reading:
    """The candidate's words, with what each answer named and explained."""
    mine = [(i, t.stage, t.text) for i, t in enumerate(turns) if t.role is Role.CANDIDATE]
    text = read_turns(mine)
    found = find_concepts(text, bank.compiled_concepts)
    hits = [h for h in found if not text.sentences[h.sentence].question]
    last_turn = mine[-1][0] if mine else -1
    last_hits = tuple(h for h in hits if text.sentences[h.sentence].turn == last_turn)
    return Reading(
        last=mine[-1][2] if mine else "",
        last_hits=last_hits,
        said=mask_collocations("\n".join(t for _, _, t in mine)),
        explained=frozenset(h.concept.id for h in hits if h.explained),
        named=frozenset(h.concept.id for h in hits),
    )


def is_vague(reading: Reading) -> bool:
    """An answer with no design in it: no concept explained, no number, or only a hedge."""
    last = reading.last
    if not last.strip() or has_quantity(last):
        return False
    if any(h.explained for h in reading.last_hits):
        return False
    design = [h for h in reading.last_hits if Criterion.CLARITY not in h.concept.criteria]
    return bool(_HEDGE.search(last)) or (not design and len(content_words(last)) < 6)


def last_interviewer(turns: Sequence[Turn]) -> Turn | None:
    """The interviewer's most recent turn."""
    for t in reversed(turns):
        if t.role is Role.INTERVIEWER:
            return t
    return None


class MoveChooser:
    """Chooses the next question from the problem, the lexicon and what was said."""

    def __init__(self, bank: QuestionBank, presses: Sequence[str], curveball_press: str) -> None:
        self.bank = bank
        self.presses = tuple(presses)
        self.curveball_press = curveball_press

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
    ) -> Move:
        """The next move after the candidate's last answer (`ignored_curveball`: what it said;
        `reading`: the turns already read, so a turn is analysed once)."""
        done = set(asked)
        if reading is None:
            reading = read_candidate_turns(self.bank, turns)
        before = last_interviewer(turns[:-1]) if turns else None
        pressed = before is not None and self._is_press(before.text)
        if ignored_curveball:
            return Move(
                "press-curveball", "", self.curveball_press.format(constraint=ignored_curveball)
            )
        if stage is not Stage.CLARIFY and not pressed and is_vague(reading):
            question = next((q for q in self.presses if question_key(q) not in done), "")
            if question:
                return Move("press-vague", "", question)
        if stage is Stage.CLARIFY:
            return self._point(problem, stage, reading, done) or self._fallback(stage, done)
        if fmt is Format.ASYNC or stage not in _MOVE_PROBES:
            move = self._point(problem, stage, reading, done)
            move = move or self._for_level(level, stage, reading, done)
            if fmt is Format.ASYNC and move is None:
                move = self._async_walk(problem, stage, reading, done)
            return move or self._grounded(problem, reading, done) or self._fallback(stage, done)
        if stage is Stage.TRADEOFFS:  # where a level's expectations are pressed first
            move = self._for_level(level, stage, reading, done)
            if move:
                return move
        return (
            self._grounded(problem, reading, done)
            or self._point(problem, stage, reading, done)
            or self._for_level(level, stage, reading, done)
            or self._probe(problem, done)
            or self._fallback(stage, done)
        )

    def opening_probe(self, problem: Problem, turns: Sequence[Turn], asked: Sequence[str]) -> str:
        """A deep-dive opener grounded in the design so far, or ''."""
        move = self._grounded(problem, read_candidate_turns(self.bank, turns), set(asked), True)
        return move.question if move else ""

    # ---- the kinds of move ----------------------------------------------------------------

    def _is_press(self, text: str) -> bool:
        lead = self.curveball_press.split("{", 1)[0]
        return any(p in text for p in self.presses) or text.startswith(lead)

    def _grounded(
        self, problem: Problem, reading: Reading, done: set[str], anywhere: bool = False
    ) -> Move | None:
        """A facet named but not explained, or a concept only named, in the candidate's words."""
        hits = reading.last_hits
        if anywhere or not hits:
            pool = [c for c in self.bank.concepts if c.id in reading.named]
            hits = tuple(ConceptHit(c, 0, 0, c.id in reading.explained) for c in pool)
        for hit in hits:
            c = hit.concept
            if Criterion.CLARITY in c.criteria:
                continue
            given = reading.facets_given(c)
            for facet, question in c.facet_probes.items():
                if facet in given or question_key(question) in done:
                    continue
                term = self._term(reading.last, c) or label(c.id)
                return Move("facet", self._ack(term, given), question)
        for hit in hits:
            c = hit.concept
            if (
                Criterion.CLARITY in c.criteria
                or c.facets  # explained through its facets, asked above
                or c.id in reading.explained
                or c.probe is None
                or question_key(c.probe) in done
            ):
                continue
            term = self._term(reading.last, c) or label(c.id)
            return Move("concept", self._ack(term, []), c.probe)
        last = mask_collocations(reading.last)  # once, not once per probe
        for probe in problem.probes:
            if not probe.keywords or question_key(probe.question) in done:
                continue
            m = compile_any(probe.keywords).search(last)
            if m and not self._answered(probe.question, reading):
                return Move("probe", self._ack(_word_at(reading.last, m), []), probe.question)
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
            if compile_any(point.keywords).search(reading.said):
                continue
            return Move("point", "", point.question)
        return None

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

    def _for_level(self, level: str, stage: Stage, reading: Reading, done: set[str]) -> Move | None:
        """What a candidate of this level is expected to cover and has not (staff: regions,
        cost, organisation)."""
        phrases = self.bank.phrases
        for q in phrases.level_questions if phrases else []:
            if q.level != level or stage not in q.stages or question_key(q.question) in done:
                continue
            if not compile_any(q.keywords).search(reading.said):
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
    """The candidate's own words at a match, whole words, quoted."""
    end = match.end()
    while end < len(text) and (text[end].isalnum() or text[end] in "-_"):
        end += 1
    return f"“{text[match.start() : end]}”"


def curveball_gist(reading: Reading) -> str:
    """How the candidate adapted, named by the concepts of their answer (never copied verbatim:
    the interviewer's turns must hold nothing the candidate could ask to forget)."""
    design = [h for h in reading.last_hits if Criterion.CLARITY not in h.concept.criteria]
    ranked = sorted(design, key=lambda h: not h.explained)
    labels = list(dict.fromkeys(label(h.concept.id) for h in ranked))[:3]
    return join_words(labels) if labels else "that change"
