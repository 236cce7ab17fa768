"""The offline interviewer: writes every turn from the question bank, no model, no network."""

from __future__ import annotations

from collections.abc import Sequence

from interviewer.bank import Phrasebook, QuestionBank, compile_any
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
from interviewer.core.text import is_question, question_key, sentences
from interviewer.core.transcript import Role, Turn, TurnKind
from interviewer.diagrams.probes import follow_up as diagram_follow_up
from interviewer.diagrams.probes import redrawn_for
from interviewer.offline.moves import (
    Move,
    MoveChooser,
    Reading,
    curveball_gist,
    read_candidate_turns,
)
from interviewer.offline.reasoning import mask_collocations
from interviewer.ports import DeltaSink, TurnContext, Utterance
from interviewer.workers import Offload, inline


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

    def __init__(self, bank: QuestionBank, run: Offload = inline) -> None:
        if bank.phrases is None:
            raise ValueError("the question bank has no offline phrasebook (prompts/offline.yaml)")
        self.bank = bank
        self.run = run  # where utter runs: a bounded pool of threads in the bot
        self.phrases: Phrasebook = bank.phrases
        self.moves = MoveChooser(bank, bank.phrases.press_vague, bank.phrases.press_curveball)
        self._concepts = bank.concept_patterns

    async def speak(
        self, ctx: TurnContext, action: Action, on_delta: DeltaSink | None = None
    ) -> Utterance:
        """The words for one action (all at once: there is nothing to stream). Reading the
        candidate's words is CPU work: on a thread, so the loop keeps serving other members."""
        utterance = await self.run(self.utter, ctx, action)
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
        if stage is Stage.WRAP_UP and budget is None:  # no clock: never "close to time"
            return self.phrases.wrap_up_unclocked
        return self.phrases.stage_intros[stage].format(minutes=(budget or 0) // 60)

    def _opening_question(self, ctx: TurnContext, stage: Stage) -> str:
        """The question that opens a stage: grounded in the design so far where possible."""
        if stage is Stage.DEEP_DIVE:
            grounded = self.moves.opening_probe(ctx.problem, ctx.turns, ctx.state.asked)
            if grounded:
                return grounded
        first = self.phrases.first_questions[stage]
        if question_key(first) not in ctx.state.asked:
            return first
        return self._choose(ctx, stage).question

    def _choose(
        self,
        ctx: TurnContext,
        stage: Stage,
        ignored_curveball: str = "",
        reading: Reading | None = None,
    ) -> Move:
        return self.moves.choose(
            ctx.problem,
            ctx.state.format,
            stage,
            ctx.turns,
            ctx.state.asked,
            ignored_curveball,
            ctx.state.level.value,
            reading,
        )

    def _follow_up(self, ctx: TurnContext, action: AskFollowUp) -> Utterance:
        p = self.phrases
        last = self._last_candidate(ctx.turns)
        parts: list[str] = []
        kind = TurnKind.FOLLOW_UP
        if action.answer_facts:
            kind = TurnKind.CLARIFICATION
            answers = self._facts_for(ctx, last)
            parts.append(" ".join(answers) if answers else p.no_fact)
        ignored, constraint = False, action.after_curveball or ""
        curveball = self.bank.curveballs.get(action.after_curveball or "")
        reading: Reading | None = None
        if action.after_curveball:
            reading = read_candidate_turns(self.bank, ctx.turns)
            adapted = curveball is not None and bool(
                compile_any(curveball.adapt_keywords).search(last)
            )
            adapted |= len({h.concept.id for h in reading.last_hits if h.explained}) >= 2
            # Diagrams (interviewer/diagrams): answering with a redrawn design that meets it.
            asked_at = max(
                (i for i, t in enumerate(ctx.turns) if t.kind == TurnKind.CURVEBALL), default=-1
            )
            adapted |= curveball is not None and redrawn_for(
                ctx.turns, asked_at, curveball.text, self._concepts
            )
            if adapted:
                parts.append(p.curveball_ack_adapted.format(gist=curveball_gist(reading)))
            ignored = not adapted
            if ignored and curveball is not None:
                constraint = _constraint(curveball.text)
        # Diagrams (interviewer/diagrams): a curveball's answer checked against the design, or a
        # question grounded in the diagram just drawn (a single point of failure, a loose box).
        probe = diagram_follow_up(
            ctx.turns,
            ctx.state.asked,
            grounded=action.stage is not Stage.CLARIFY and ctx.state.format is not Format.ASYNC,
            curveball_text=curveball.text if curveball else None,
            concepts=self._concepts,
        )
        if probe is not None:
            return Utterance(" ".join([*parts, probe.question]), kind, probe.key)
        move = self._choose(ctx, action.stage, constraint if ignored else "", reading)
        if move.lead:
            parts.append(move.lead)
        if move.question:
            parts.append(move.question)
        elif ignored:
            parts.append(p.curveball_ack_missed)
        text = " ".join(parts) or p.no_fact
        return Utterance(text, kind, question_key(move.question) if move.question else None)

    def _hint(self, ctx: TurnContext, stage: Stage) -> Utterance:
        p = self.phrases
        for i, hint in enumerate(ctx.problem.hints.get(stage, [])):
            key = f"{stage.value}:{i}"
            if key not in ctx.state.hints_given:
                return Utterance(f"{p.hint_lead} {hint}", TurnKind.HINT, hint_key=key)
        return Utterance(p.no_more_hints, TurnKind.HINT)

    # ---- clarifying answers ---------------------------------------------------------------

    def _facts_for(self, ctx: TurnContext, question_text: str) -> list[str]:
        """The hidden facts the clarifying questions ask about, several at once, each once.

        A fact already given is repeated only when a question matches nothing new.
        """
        given = " ".join(
            t.text for t in ctx.turns if t.role is Role.INTERVIEWER and t.kind == "clarification"
        )
        out: list[str] = []
        for asked in sentences(mask_collocations(question_text)):
            if not is_question(asked):
                continue
            facts = ctx.problem.hidden_facts
            hits = [f for f in facts if compile_any(f.keywords).search(asked)]
            # Each topic the question raises that no matched fact covers ("... and GDPR?") is
            # answered by the facts of that topic.
            topics = [
                t for t, kws in self.phrases.fact_topics.items() if compile_any(kws).search(asked)
            ]
            covered = {t for f in hits for t in f.covers}
            hits += [f for t in topics if t not in covered for f in facts if t in f.covers]
            matched = list(dict.fromkeys(f.answer for f in hits))
            new = [a for a in matched if a not in given and a not in out]
            out += new or [a for a in matched[:1] if a not in out]
        return out[:4]

    @staticmethod
    def _last_candidate(turns: Sequence[Turn]) -> str:
        for turn in reversed(turns):
            if turn.role is Role.CANDIDATE:
                return turn.text
        return ""


def _constraint(curveball: str) -> str:
    """The situation a curveball set, in a few words: its first sentence without the label."""
    first = curveball.split(":", 1)[-1].split(". ")[0].strip().rstrip(".")
    return first if len(first) <= 90 else first[:90].rsplit(" ", 1)[0] + "…"
