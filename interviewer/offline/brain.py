"""The offline interviewer: writes every turn from the question bank, no model, no network."""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence

from interviewer.bank import Phrasebook, Problem, QuestionBank, compile_any
from interviewer.core.events import (
    Action,
    AdvanceStage,
    AskFollowUp,
    GiveHint,
    InjectCurveball,
    RequestScorecard,
    Say,
    WarnTime,
)
from interviewer.core.stages import Format, Stage
from interviewer.core.text import question_key, sentences
from interviewer.core.transcript import Role, Turn, TurnKind
from interviewer.diagrams.probes import follow_up as diagram_follow_up
from interviewer.ports import DeltaSink, TurnContext, Utterance


def minutes_text(seconds: int | None) -> str:
    """'about 3 minutes', 'about 1 minute' or 'under a minute'."""
    if seconds is None:
        return "no limit"
    minutes = round(seconds / 60)
    if minutes < 1:
        return "under a minute"
    return f"about {minutes} minute{'s' if minutes != 1 else ''}"


class OfflineBrain:
    """Chooses follow-ups from what the candidate has and has not covered yet."""

    name = "offline"

    def __init__(self, bank: QuestionBank) -> None:
        if bank.phrases is None:
            raise ValueError("the question bank has no offline phrasebook (prompts/offline.yaml)")
        self.bank = bank
        self.phrases: Phrasebook = bank.phrases
        self._concepts = [(c.id, pattern) for c, pattern in bank.compiled_concepts]

    async def speak(
        self, ctx: TurnContext, action: Action, on_delta: DeltaSink | None = None
    ) -> Utterance:
        """The words for one action (all at once: there is nothing to stream)."""
        utterance = self.utter(ctx, action)
        if on_delta is not None:
            await on_delta(utterance.text)
        return utterance

    def utter(self, ctx: TurnContext, action: Action) -> Utterance:
        """The words for one action, synchronously."""
        p = self.phrases
        if isinstance(action, Say):
            return self._say(ctx, action)
        if isinstance(action, AskFollowUp):
            return self._follow_up(ctx, action)
        if isinstance(action, GiveHint):
            return self._hint(ctx, action.stage)
        if isinstance(action, InjectCurveball):
            text = self.bank.curveballs[action.curveball_id].text
            return Utterance(text, TurnKind.CURVEBALL, question_key(text))
        if isinstance(action, WarnTime):
            text = p.warn_time.format(
                minutes=minutes_text(action.seconds_left), stage=action.stage.label.lower()
            )
            return Utterance(text, TurnKind.TIME_WARNING)
        if isinstance(action, AdvanceStage):
            lead = p.moved_by_time if action.reason == "time" else p.moved_by_candidate
            lead = lead.format(stage=action.from_stage.label.lower())
            question = self._opening_question(ctx, action.to_stage)
            intro = self._stage_intro(ctx, action.to_stage)
            return Utterance(
                f"{lead} {intro} {question}", TurnKind.STAGE_INTRO, question_key(question)
            )
        if isinstance(action, RequestScorecard):
            text = p.closing_time if action.reason == "time" else p.closing_candidate
            return Utterance(text, TurnKind.CLOSING)
        raise TypeError(f"the offline brain has no words for {action!r}")

    # ---- the kinds of turn ----------------------------------------------------------------

    def _say(self, ctx: TurnContext, action: Say) -> Utterance:
        p = self.phrases
        if action.kind == "opening":
            spec = ctx.state.spec
            if ctx.state.format is Format.ASYNC:
                text = f"{ctx.problem.title}.\n\n{ctx.problem.prompt}\n\n{p.opening_async}"
                return Utterance(text, TurnKind.OPENING)
            stage = ctx.state.stage
            question = p.first_questions[stage]
            text = (
                f"{p.opening.format(minutes=(spec.total_seconds or 0) // 60)}\n\n"
                f"{ctx.problem.title}.\n\n{ctx.problem.prompt}\n\n"
                f"{self._stage_intro(ctx, stage)} {question}"
            )
            return Utterance(text, TurnKind.OPENING, question_key(question))
        if action.kind == "time_left":
            stage = Stage(action.data["stage"])
            if action.data.get("stage_seconds_left") is None:
                return Utterance(p.time_left_unclocked, TurnKind.TIME_LEFT)
            text = p.time_left.format(
                stage_left=minutes_text(action.data["stage_seconds_left"]),
                total_left=minutes_text(action.data["total_seconds_left"]),
                stage=stage.label.lower(),
            )
            return Utterance(text, TurnKind.TIME_LEFT)
        if action.kind == "already_ended":
            return Utterance(p.already_ended, TurnKind.NOTICE)
        raise ValueError(f"unknown thing to say: {action.kind}")

    def _stage_intro(self, ctx: TurnContext, stage: Stage) -> str:
        budget = ctx.state.spec.budget(stage)
        return self.phrases.stage_intros[stage].format(minutes=(budget or 0) // 60)

    def _opening_question(self, ctx: TurnContext, stage: Stage) -> str:
        """The question that opens a stage: grounded in the design so far where possible."""
        if stage is Stage.DEEP_DIVE:
            grounded = self._grounded_probe(ctx, self._candidate_text(ctx.turns))
            if grounded:
                return grounded[1]
        first = self.phrases.first_questions[stage]
        if question_key(first) not in ctx.state.asked:
            return first
        return self._next_question(ctx, stage, last="")[1]

    def _follow_up(self, ctx: TurnContext, action: AskFollowUp) -> Utterance:
        p = self.phrases
        last = self._last_candidate(ctx.turns)
        parts: list[str] = []
        kind = TurnKind.FOLLOW_UP
        if action.answer_facts:
            kind = TurnKind.CLARIFICATION
            answers = self._facts_for(ctx.problem, last)
            parts.append(" ".join(answers) if answers else p.no_fact)
        if action.after_curveball:
            curveball = self.bank.curveballs.get(action.after_curveball)
            adapted = curveball is not None and bool(
                compile_any(curveball.adapt_keywords).search(last)
            )
            parts.append(p.curveball_ack_adapted if adapted else p.curveball_ack_missed)
        # Diagrams (interviewer/diagrams): a curveball's answer checked against the design, or a
        # question grounded in the diagram just drawn (a single point of failure, a loose box).
        curveball = self.bank.curveballs.get(action.after_curveball or "")
        probe = diagram_follow_up(
            ctx.turns,
            ctx.state.asked,
            grounded=action.stage is not Stage.CLARIFY and ctx.state.format is not Format.ASYNC,
            curveball_text=curveball.text if curveball else None,
            concepts=self._concepts,
        )
        if probe is not None:
            return Utterance(" ".join([*parts, probe.question]), kind, probe.key)
        if ctx.state.format is Format.ASYNC:
            question = self._unasked(ctx, self.phrases.fallback_questions["async"])
            lead = ""
        else:
            lead, question = self._next_question(ctx, action.stage, last)
        if lead:
            parts.append(lead)
        if question:
            parts.append(question)
        text = " ".join(parts) or p.no_fact
        return Utterance(text, kind, question_key(question) if question else None)

    def _hint(self, ctx: TurnContext, stage: Stage) -> Utterance:
        p = self.phrases
        for i, hint in enumerate(ctx.problem.hints.get(stage, [])):
            key = f"{stage.value}:{i}"
            if key not in ctx.state.hints_given:
                return Utterance(f"{p.hint_lead} {hint}", TurnKind.HINT, hint_key=key)
        return Utterance(p.no_more_hints, TurnKind.HINT)

    # ---- choosing the next question -------------------------------------------------------

    def _next_question(self, ctx: TurnContext, stage: Stage, last: str) -> tuple[str, str]:
        """A lead-in grounded in the candidate's words and one question never asked before."""
        asked = set(ctx.state.asked)
        said = self._candidate_text(ctx.turns)
        if stage in (Stage.DEEP_DIVE, Stage.TRADEOFFS):
            grounded = self._grounded_probe(ctx, last)
            if grounded:
                return self.phrases.grounded_lead.format(term=grounded[0]), grounded[1]
        for point in ctx.problem.expected.get(stage, []):
            if question_key(point.question) in asked:
                continue
            if compile_any(point.keywords).search(said):
                continue
            return "", point.question
        grounded = self._grounded_probe(ctx, last)
        if grounded:
            return self.phrases.grounded_lead.format(term=grounded[0]), grounded[1]
        if stage is Stage.DEEP_DIVE:
            for probe in ctx.problem.probes:
                if question_key(probe.question) not in asked:
                    return "", probe.question
        return "", self._unasked(ctx, self.phrases.fallback_questions.get(stage.value, []))

    def _grounded_probe(self, ctx: TurnContext, text: str) -> tuple[str, str] | None:
        """A probe about something the candidate just mentioned, with the words they used."""
        if not text:
            return None
        asked = set(ctx.state.asked)
        for probe in ctx.problem.probes:
            if not probe.keywords or question_key(probe.question) in asked:
                continue
            match = compile_any(probe.keywords).search(text)
            if match:
                return self._phrase_at(text, match), probe.question
        for concept, pattern in self.bank.compiled_concepts:
            if concept.probe is None or question_key(concept.probe) in asked:
                continue
            match = pattern.search(text)
            if match:
                return self._phrase_at(text, match), concept.probe
        return None

    @staticmethod
    def _phrase_at(text: str, match: re.Match[str]) -> str:
        """The candidate's own word at a match, quoted."""
        end = match.end()
        while end < len(text) and (text[end].isalnum() or text[end] in "-_"):
            end += 1
        return f"“{text[match.start() : end]}”"

    def _unasked(self, ctx: TurnContext, questions: Iterable[str]) -> str:
        asked = set(ctx.state.asked)
        for q in questions:
            if question_key(q) not in asked:
                return q
        return ""

    def _facts_for(self, problem: Problem, question_text: str) -> list[str]:
        """The hidden facts a clarifying question asks about, in the bank's words."""
        asked = " ".join(s for s in sentences(question_text))
        return [
            fact.answer for fact in problem.hidden_facts if compile_any(fact.keywords).search(asked)
        ][:3]

    @staticmethod
    def _candidate_text(turns: Sequence[Turn]) -> str:
        return "\n".join(t.text for t in turns if t.role is Role.CANDIDATE)

    @staticmethod
    def _last_candidate(turns: Sequence[Turn]) -> str:
        for turn in reversed(turns):
            if turn.role is Role.CANDIDATE:
                return turn.text
        return ""
