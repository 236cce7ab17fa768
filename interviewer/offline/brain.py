"""The offline interviewer: writes every turn from the question bank, no model, no network."""

from __future__ import annotations

from dataclasses import replace

from interviewer.bank import Curveball, Phrasebook, QuestionBank
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
from interviewer.core.transcript import Role, TurnKind
from interviewer.diagrams.probes import follow_up as diagram_follow_up
from interviewer.diagrams.probes import redrawn_for
from interviewer.offline.acts import Act, Heard, hear
from interviewer.offline.lines import load_lines
from interviewer.offline.moves import Move, MoveChooser
from interviewer.offline.overclaim import overclaim_in
from interviewer.offline.pushback import claim_doubt, corrected_after, pushback_for
from interviewer.offline.reading import (
    Reading,
    curveball_gist,
    last_candidate,
    last_interviewer,
    read_candidate_turns,
    stems,
)
from interviewer.offline.responses import Responder, short_title, situation_of, thrown
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
        self.lines = load_lines()
        self.moves = MoveChooser(
            bank, bank.phrases.press_vague, bank.phrases.press_curveball, self.lines.focus
        )
        self._concepts = bank.concept_patterns
        self.responder = Responder(bank, self.lines)

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
            return self._curveball(ctx, action)
        if isinstance(action, WarnTime):
            text = p.warn_time.format(
                minutes=minutes_text(action.seconds_left), stage=action.stage.label.lower()
            )
            return Utterance(text, TurnKind.TIME_WARNING)
        if isinstance(action, AdvanceStage) and action.reason == "designing":
            # clarify ended because the candidate is designing: what they just designed is
            # heard as in the new stage (a wrong claim pushed back on, a next question on it),
            # not met with the stage's generic opening question
            said = self._follow_up(ctx, AskFollowUp(action.to_stage))
            kind = said.kind if said.kind is TurnKind.PUSHBACK else TurnKind.STAGE_INTRO
            return replace(said, text=f"{p.moved_by_design} {said.text}", kind=kind)
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
            return self._time_left(
                Stage(action.data["stage"]),
                action.data.get("stage_seconds_left"),
                action.data.get("total_seconds_left"),
            )
        if action.kind == "already_ended":
            return Utterance(p.already_ended, TurnKind.NOTICE)
        raise ValueError(f"unknown thing to say: {action.kind}")

    def _time_left(self, stage: Stage, left: int | None, total: int | None) -> Utterance:
        """The time left in the stage and the interview (/time, or asked in words)."""
        p = self.phrases
        if left is None or total is None:
            return Utterance(p.time_left_unclocked, TurnKind.TIME_LEFT)
        text = p.time_left.format(
            stage_left=minutes_text(left), total_left=minutes_text(total), stage=stage.label.lower()
        )
        return Utterance(text, TurnKind.TIME_LEFT)

    def _stage_intro(self, ctx: TurnContext, stage: Stage) -> str:
        budget = ctx.state.spec.budget(stage)
        if stage is Stage.WRAP_UP and budget is None:  # no clock: never "close to time"
            return self.phrases.wrap_up_unclocked
        return self.phrases.stage_intros[stage].format(minutes=(budget or 0) // 60)

    def _opening_question(self, ctx: TurnContext, stage: Stage) -> str:
        """The question that opens a stage: grounded in the design so far where possible
        (the turns are read once, and only for a stage that presses on a design)."""
        reading: Reading | None = None
        if stage in (Stage.DEEP_DIVE, Stage.TRADEOFFS):  # a level presses on a design
            reading = read_candidate_turns(self.bank, ctx.turns)
            level = ctx.state.level.value
            own = self.moves.level_opener(ctx.problem, level, stage, reading, ctx.state.asked)
            if own:
                return own
            if stage is Stage.DEEP_DIVE:
                grounded = self.moves.opening_probe(ctx.problem, reading, ctx.state.asked, level)
                if grounded:
                    return grounded
        first = self.phrases.first_questions[stage]
        if question_key(first) not in ctx.state.asked:
            return first
        return self._choose(ctx, stage, reading=reading).question

    def _choose(
        self,
        ctx: TurnContext,
        stage: Stage,
        ignored_curveball: str = "",
        reading: Reading | None = None,
        press: bool = True,
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
            press,
        )

    def _follow_up(self, ctx: TurnContext, action: AskFollowUp) -> Utterance:
        """Hear what the candidate did first; then answer in kind, push back, or probe."""
        lines, stage = self.lines, action.stage
        last = last_candidate(ctx.turns)
        heard = hear(last, stage)
        if heard.act is Act.DESIGN and self._answers_wrap_up(ctx, stage):
            heard = Heard(Act.SUMMARY)  # the answer to "summarise your design" is the summary
        if heard.act is Act.OFF_TOPIC:  # one line back to the problem: no facts, no new probe
            text = lines.off_topic.format(title=short_title(ctx.problem.title))
            return Utterance(text, TurnKind.FOLLOW_UP)
        if heard.act is Act.META:
            return self._meta(ctx, stage, heard.subject)
        parts: list[str] = []
        kind = TurnKind.FOLLOW_UP
        if action.answer_facts or heard.act is Act.ASKED:
            kind = TurnKind.CLARIFICATION
            parts = self.responder.answers(ctx.problem, ctx.turns, last, stage, ctx.state.spec) or [
                self.phrases.no_fact
            ]
        push = pushback_for(
            self.bank.misconceptions, ctx.problem.id, last, ctx.turns, ctx.state.asked
        )
        if push is not None:
            question = self._doubted(
                push.misconception.pushback, push.quote, claim_doubt(push.misconception, push.quote)
            )
            parts.append(lines.pushback.format(quote=push.quote, question=question))
            return Utterance(" ".join(parts), TurnKind.PUSHBACK, push.key)
        over = overclaim_in(last) if kind is TurnKind.FOLLOW_UP else None
        if over is not None and question_key(over.doubt) not in ctx.state.asked:
            text = lines.overclaim.format(quote=over.sentence, doubt=over.doubt)
            # A follow-up, not a PUSHBACK: the form of the claim raised a doubt, nothing showed it
            # wrong, so the scorer must not read a defence of it as a wrong claim held.
            return Utterance(text, TurnKind.FOLLOW_UP, question_key(over.doubt))
        if kind is TurnKind.CLARIFICATION:  # answered: the candidate drives on
            return Utterance(" ".join(parts), kind)
        put = thrown(ctx.turns, action.after_curveball)
        curveball = self.bank.curveballs.get(action.after_curveball or "") if put else None
        if curveball is not None:
            return self._after_curveball(ctx, stage, curveball, last)
        said = self._heard(ctx, stage, heard, last)
        fixed = heard.act is Act.DESIGN and corrected_after(
            self.bank.misconceptions, ctx.problem.id, ctx.turns, last
        )
        if fixed:  # the pushback's answer fixes the claim: said so before moving on
            return replace(said, text=f"{lines.pushback_fixed} {said.text}")
        return said

    def _meta(self, ctx: TurnContext, stage: Stage, subject: str) -> Utterance:
        """A question about the interview itself, answered as an interviewer would."""
        lines, p = self.lines, self.phrases
        if subject == "time":  # asked in words: the /time answer
            left, total = (
                ctx.state.stage_seconds_left(ctx.now),
                ctx.state.total_seconds_left(ctx.now),
            )
            return self._time_left(stage, left, total)
        if subject == "hint":
            return self._hint(ctx, stage)
        if subject == "repeat":
            question = self._last_question(ctx) or p.first_questions[stage]
            return Utterance(lines.meta_repeat.format(question=question), TurnKind.FOLLOW_UP)
        if subject in ("check", "answered"):
            lead = lines.meta_check if subject == "check" else lines.meta_answered
            return self._with_move(ctx, stage, [lead], press=False)
        said = {"diagram": lines.meta_diagram, "yours": lines.meta_yours}.get(subject)
        said = said or lines.meta_think
        return Utterance(said, TurnKind.FOLLOW_UP)

    def _last_question(self, ctx: TurnContext) -> str:
        """The interviewer's latest question (a time check or a hint asks none), without the
        lead of an earlier repeat."""
        lead = self.lines.meta_repeat.split("{", 1)[0]
        for turn in reversed(ctx.turns):
            if turn.role is not Role.INTERVIEWER:
                continue
            asked = [s for s in sentences(turn.text) if is_question(s)]
            if asked:
                return asked[-1].removeprefix(lead)
        return ""

    @staticmethod
    def _answers_wrap_up(ctx: TurnContext, stage: Stage) -> bool:
        """Whether the last message answers the wrap-up's own question (summarise the design)
        with a statement: whatever words it uses, that is the candidate's summary."""
        if stage is not Stage.WRAP_UP or len(ctx.turns) < 2:
            return False
        before, last = ctx.turns[-2], ctx.turns[-1]
        asked = before.role is Role.INTERVIEWER and before.kind == TurnKind.STAGE_INTRO
        return asked and last.role is Role.CANDIDATE and not is_question(last.text.strip())

    def _doubted(self, question: str, quote: str, claimed: str = "") -> str:
        """A pushback that does not name what it doubts gets the claim doubted in the
        candidate's words too ("...: what does your list see, and is a regex blocklist of
        bad keywords really enough to stop prompt injection?"): the overclaim's form when the
        quote has one, else the clause that makes the catalogued claim (`claimed`: "...,
        and is an H100 really two A100s?")."""
        over = overclaim_in(quote)
        doubt = over.doubt if over is not None else claimed
        if not doubt or len(stems(question) & stems(doubt)) >= 2:
            return question
        doubt = doubt[0].lower() + doubt[1:]
        return self.lines.pushback_doubt.format(question=question.rstrip(" ?"), doubt=doubt)

    def _heard(self, ctx: TurnContext, stage: Stage, heard: Heard, last: str) -> Utterance:
        """Design talk and the acts that are not questions: deep dive, don't know, refusal..."""
        lines = self.lines
        if heard.act is Act.DEEP_DIVE:
            dive = self.responder.deep_dive(
                ctx.problem, heard.subject, ctx.state.asked, heard.said_more
            )
            if dive is not None:
                return Utterance(dive[0], TurnKind.FOLLOW_UP, dive[1])
            return self._with_move(ctx, stage, [])
        if heard.act is Act.DONT_KNOW:
            before = last_interviewer(ctx.turns[:-1])
            offered = (lines.dont_know_step.split("{", 1)[0], lines.dont_know_plan.split("{", 1)[0])
            if before is not None and before.text.startswith(offered):
                return self._with_move(ctx, stage, [lines.dont_know_again], press=False)
            step = self.responder.smaller_step(ctx.problem, heard.subject, stage, ctx.state.asked)
            return Utterance(step, TurnKind.FOLLOW_UP, question_key(step.rsplit(": ", 1)[-1]))
        if heard.act is Act.REFUSAL:
            text = self.responder.refusal(ctx.problem, heard.subject, last, ctx.state.asked)
            return Utterance(text, TurnKind.FOLLOW_UP, question_key(text.rsplit("”", 1)[-1]))
        if heard.act is Act.SUMMARY:
            return Utterance(lines.summary_close, TurnKind.FOLLOW_UP)
        # Diagrams (interviewer/diagrams): a question grounded in the diagram just drawn (a
        # single point of failure, a loose box).
        probe = diagram_follow_up(
            ctx.turns,
            ctx.state.asked,
            grounded=stage is not Stage.CLARIFY and ctx.state.format is not Format.ASYNC,
            curveball_text=None,
            concepts=self._concepts,
        )
        if probe is not None:
            return Utterance(probe.question, TurnKind.FOLLOW_UP, probe.key)
        return self._with_move(ctx, stage, [])

    def _after_curveball(
        self, ctx: TurnContext, stage: Stage, curveball: Curveball, last: str
    ) -> Utterance:
        """The candidate's answer to a curveball: acknowledged in their words, or pressed."""
        reading = read_candidate_turns(self.bank, ctx.turns)
        explained = len({h.concept.id for h in reading.last_hits if h.explained})
        adapted = self.responder.adapted(curveball, last, explained)
        asked_at = max(
            (i for i, t in enumerate(ctx.turns) if t.kind == TurnKind.CURVEBALL), default=-1
        )
        # Diagrams (interviewer/diagrams): answering with a redrawn design that meets it.
        redrawn = redrawn_for(ctx.turns, asked_at, curveball.text, self._concepts)
        parts: list[str] = []
        if adapted is not None:
            parts.append(self.lines.curveball_adapted.format(quote=adapted))
        elif redrawn:
            parts.append(self.phrases.curveball_ack_adapted.format(gist=curveball_gist(reading)))
        probe = diagram_follow_up(
            ctx.turns,
            ctx.state.asked,
            grounded=stage is not Stage.CLARIFY and ctx.state.format is not Format.ASYNC,
            curveball_text=curveball.text,
            concepts=self._concepts,
        )
        if probe is not None:
            return Utterance(" ".join([*parts, probe.question]), TurnKind.FOLLOW_UP, probe.key)
        ignored = "" if parts else situation_of(curveball)
        move = self._choose(ctx, stage, ignored, reading)
        if move.question:
            parts.append(move.question)
        elif ignored:
            parts.append(self.phrases.curveball_ack_missed)
        key = question_key(move.question) if move.question else None
        return Utterance(" ".join(parts) or self.phrases.no_fact, TurnKind.FOLLOW_UP, key)

    def _with_move(
        self, ctx: TurnContext, stage: Stage, parts: list[str], press: bool = True
    ) -> Utterance:
        """The lead-in parts and the next move's question."""
        move = self._choose(ctx, stage, press=press)
        if move.lead:
            parts.append(move.lead)
        if move.question:
            parts.append(move.question)
        text = " ".join(parts) or self.phrases.no_fact
        return Utterance(text, TurnKind.FOLLOW_UP, question_key(move.question) or None)

    def _curveball(self, ctx: TurnContext, action: InjectCurveball) -> Utterance:
        """A curveball, unless the candidate already handled its situation: then that answer
        is acknowledged in their words and the interview goes on."""
        curveball = self.bank.curveballs[action.curveball_id]
        quote = self.responder.covered(curveball, ctx.turns)
        if quote is None:
            return Utterance(curveball.text, TurnKind.CURVEBALL, question_key(curveball.text))
        lead = self.lines.curveball_covered.format(situation=situation_of(curveball), quote=quote)
        if ctx.turns and ctx.turns[-1].role is Role.INTERVIEWER:  # a question is still open
            return Utterance(lead, TurnKind.FOLLOW_UP)
        return self._with_move(ctx, action.stage, [lead])

    def _hint(self, ctx: TurnContext, stage: Stage) -> Utterance:
        p = self.phrases
        for i, hint in enumerate(ctx.problem.hints.get(stage, [])):
            key = f"{stage.value}:{i}"
            if key not in ctx.state.hints_given:
                return Utterance(f"{p.hint_lead} {hint}", TurnKind.HINT, hint_key=key)
        return Utterance(p.no_more_hints, TurnKind.HINT)
