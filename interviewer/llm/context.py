"""What the interviewer model reads: a stable prefix, a rolling summary, the last few turns.

Pure Python (no LangChain), so the token benchmark can count the same messages.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cached_property

from interviewer.bank import PROMPTS_DIR, Problem, QuestionBank, compile_any
from interviewer.core.events import Action, AdvanceStage, AskFollowUp, GiveHint
from interviewer.core.stages import Stage
from interviewer.core.text import sentences
from interviewer.core.transcript import Role, Turn
from interviewer.diagrams.data import DATA_NOTE, as_data, design_data
from interviewer.llm.card import RUBRIC
from interviewer.offline.brain import minutes_text
from interviewer.offline.pushback import Pushback, pushback_for
from interviewer.offline.reading import last_candidate
from interviewer.ports import TurnContext, usage_key
from interviewer.prompt_files import PromptFile, load_prompt

Message = tuple[str, str]  # (role: system | user | assistant, content)
# Turns carried word for word: at least KEEP, and the summary of older ones is redone only
# every BLOCK turns, so between those moves each request extends the one before it and a
# provider's prompt cache serves all but the newest turns (bench/tokens.py).
KEEP, BLOCK = 2, 4
_MAX_EXCERPTS, _MAX_EXCERPT_CHARS, _MAX_ASKED = 2, 120, 6
_TAG = re.compile(r"</?\s*candidate", re.IGNORECASE)


def interview_key(ctx: TurnContext) -> str:
    """The interview's usage key: stable across resumes and restarts."""
    return usage_key(ctx.interview_id)


def as_candidate(text: str) -> str:
    """Candidate words as delimited data; tags inside them cannot close the delimiter."""
    return f"<candidate>{_TAG.sub(lambda m: m.group(0).replace('<', '‹'), text)}</candidate>"


@dataclass(frozen=True)
class InterviewerPrompts:
    """The interviewer's prompt files, loaded once."""

    system: PromptFile
    turn: PromptFile
    summary: PromptFile

    @classmethod
    def load(cls) -> InterviewerPrompts:
        """Load them from prompts/."""
        return cls(
            load_prompt("interviewer_system", PROMPTS_DIR),
            load_prompt("interviewer_turn", PROMPTS_DIR),
            load_prompt("interview_summary", PROMPTS_DIR),
        )


@dataclass(frozen=True)
class TurnPlan:
    """Everything one model call needs, derived from the turn context and the action."""

    ctx: TurnContext
    action: Action
    prompts: InterviewerPrompts

    @property
    def problem(self) -> Problem:
        """The problem being interviewed."""
        return self.ctx.problem

    @property
    def bank(self) -> QuestionBank:
        """The question bank."""
        return self.ctx.bank

    @cached_property
    def candidate_text(self) -> str:
        """Everything the candidate wrote."""
        return "\n".join(t.text for t in self.ctx.turns if t.role is Role.CANDIDATE)

    @property
    def stage(self) -> Stage:
        """The stage the turn is written for."""
        if isinstance(self.action, AdvanceStage):
            return self.action.to_stage
        return self.ctx.state.stage

    @cached_property
    def pushback(self) -> Pushback | None:
        """A wrong claim in the candidate's last message not yet pushed back on (catalogue)."""
        if not isinstance(self.action, AskFollowUp):
            return None
        last = last_candidate(self.ctx.turns)
        return pushback_for(
            self.bank.misconceptions, self.problem.id, last, self.ctx.turns, self.ctx.state.asked
        )

    @property
    def needs_question(self) -> bool:
        """Whether the turn must end with one question."""
        return isinstance(self.action, AskFollowUp | AdvanceStage)

    def system(self) -> str:
        """The stable prefix: rules, problem, hidden facts (the stage's points go in the task)."""
        p = self.problem
        facts = "\n".join(f"- {f.answer}" for f in p.hidden_facts)
        points = "\n".join(
            f"- {stage.label}: " + " ".join(f"{pt.point} (ask: {pt.question})" for pt in items)
            for stage, items in p.expected.items()
            if items
        )
        clarifications = "\n".join(
            f"- {c.topic} ({c.id}{', their call' if c.your_call else ''}): {c.answer}"
            for c in p.clarifications
        )
        wrong = "\n".join(
            f"- {m.claim}: {m.why} Push back like: {m.pushback}"
            # The problem's own: the shared catalogue would double the stable prefix, and a
            # shared claim the detector finds in the last message is in the task (below).
            for m in self.bank.misconceptions.own(p.id)
        )
        return self.prompts.system.render(
            problem_title=p.title,
            problem_prompt=p.prompt,
            hidden_facts=facts,
            clarifications=clarifications or "- none beyond the facts",
            misconceptions=wrong or "- none listed",
            expected_points=points,
            rubric="\n".join(f"- {c.label}: {text}" for c, text in RUBRIC.items()),
            level=self.ctx.state.level.value,
        )

    def coverage(self) -> tuple[list[str], list[str]]:
        """The stage's expected points the candidate has and has not reached."""
        covered: list[str] = []
        missing: list[str] = []
        for point in self.problem.expected.get(self.stage, []):
            found = compile_any(point.keywords).search(self.candidate_text)
            (covered if found else missing).append(point.point)
        return covered, missing

    def task(self) -> str:
        """What this turn must do, in words."""
        a, p = self.action, self.problem
        if isinstance(a, AdvanceStage):
            budget = self.ctx.state.spec.budget(a.to_stage)
            why = {
                "time": "its time is up",
                "designing": "the candidate has started designing",
            }.get(a.reason, "the candidate asked to move on")
            return (
                f"The {a.from_stage.label.lower()} stage is over ({why}). Say so in a few words, "
                f"open the {a.to_stage.label.lower()} stage ({minutes_text(budget)}), and ask one "
                "opening question for it, grounded in their design where you can."
            )
        if isinstance(a, GiveHint):
            given = set(self.ctx.state.hints_given)
            hints = p.hints.get(a.stage, [])
            bank = [h for i, h in enumerate(hints) if f"{a.stage.value}:{i}" not in given]
            ideas = f" Ideas you may adapt: {' | '.join(bank[:2])}" if bank else ""
            return (
                "The candidate asked for a hint. Give one nudge in one or two sentences: where to "
                f"look, not what to build. No question.{ideas}"
            )
        assert isinstance(a, AskFollowUp)
        parts = []
        push = self.pushback
        if push is not None:
            return (
                f"Their last message claims something the reference lists as wrong "
                f"({push.misconception.claim}). Push back on it now, before anything else: "
                "quote their words from that message and ask one question like "
                f'"{push.misconception.pushback}" Never give the correction.'
            )
        if a.answer_facts:
            parts.append(
                "They asked clarifying questions: answer each one by what it asks, with the "
                "matching hidden fact or clarification word for word, yes or no first for a "
                "yes/no question; for anything neither settles, say it is their call and give "
                "a sensible default."
            )
        if a.after_curveball:
            cb = self.bank.curveballs.get(a.after_curveball)
            said = cb.text if cb else a.after_curveball
            parts.append(
                f'They just answered the new constraint "{said}". In one short sentence say '
                "whether their answer adapts the design to it."
            )
        parts.append(
            "Then ask one question about their last message that probes the weakest or a "
            "missing point for this stage."
        )
        if any(t.diagram for t in self.ctx.turns[-1:]):
            parts.append(
                "They just drew a diagram: ground the question in it (one of its findings: a "
                "single point of failure, a box they never explained), quoting its path."
            )
        return " ".join(parts)

    def directive(self) -> str:
        """The last message: stage, clock, coverage, curveball and the task."""
        covered, missing = self.coverage()
        pending = self.ctx.state.pending_curveball
        cb = self.bank.curveballs.get(pending) if pending else None
        asked = self.ctx.state.asked[-_MAX_ASKED:]
        return self.prompts.turn.render(
            asked="; ".join(asked) or "none",
            stage=self.stage.label,
            time_left=minutes_text(self.ctx.state.stage_seconds_left(self.ctx.now)),
            covered="; ".join(covered) or "nothing yet",
            not_covered="; ".join(missing) or "nothing: go deeper",
            curveball=cb.text if cb else "none",
            task=self.task(),
        )

    def summary(self, older: Sequence[Turn]) -> str:
        """The rolling summary of turns older than the window: per stage, key candidate lines."""
        lines = []
        for stage in self.ctx.state.spec.order():
            said = [t.text for t in older if t.role is Role.CANDIDATE and t.stage is stage]
            if not said:
                continue
            excerpts = _key_sentences(" ".join(said), self.bank)
            # Candidate words stay inside the same delimiters as live turns: an injection in an
            # old answer is replayed as the candidate's data, never as our own text.
            quoted = " ".join(as_candidate(_clip(e)) for e in excerpts)
            lines.append(f"- {stage.label} ({len(said)} answers): {quoted}")
        return self.prompts.summary.render(stages="\n".join(lines) or "- nothing yet")

    def turn_message(self, turn: Turn) -> Message:
        """One turn as a chat message."""
        if turn.role is Role.CANDIDATE:
            return ("user", as_candidate(turn.text))
        return ("assistant", turn.text)

    def messages(self) -> list[Message]:
        """The compact request: the stable prefix, the summary of turns before the last block
        boundary, the turns since it word for word, then the moving directive."""
        turns = list(self.ctx.turns)
        cut = max(0, (len(turns) - KEEP) // BLOCK * BLOCK)
        out: list[Message] = [("system", self.system())]
        if cut:
            out.append(("user", self.summary(turns[:cut])))  # holds candidate excerpts
        out.extend(self.turn_message(t) for t in turns[cut:])
        # Diagrams (interviewer/diagrams): the latest design as JSON data, never instructions.
        design = design_data(self.ctx.turns, self.bank.concept_patterns, self.ctx.state.asked)
        if design is not None:
            out.append(("user", f"{DATA_NOTE}\n<diagram>{as_data(design)}</diagram>"))
        out.append(("system", self.directive()))
        return out

    def naive_messages(self) -> list[Message]:
        """The baseline: the whole transcript every turn (for the token benchmark)."""
        turns = [self.turn_message(t) for t in self.ctx.turns]
        return [("system", self.system()), *turns, ("system", self.directive())]

    def number_sources(self) -> list[str]:
        """Texts whose numbers the turn may repeat: facts, problem, candidate words, clocks."""
        spec = self.ctx.state.spec
        clocks = [str((spec.budget(s) or 0) // 60) for s in spec.order()]
        left = self.ctx.state.stage_seconds_left(self.ctx.now) or 0
        cbs = [c.text for c in self.bank.curveballs.values() if c.id in self.problem.curveballs]
        return [
            self.problem.prompt,
            *(f.answer for f in self.problem.hidden_facts),
            self.candidate_text,
            *(t.diagram for t in self.ctx.turns if t.role is Role.CANDIDATE and t.diagram),
            *cbs,
            " ".join(clocks),
            f"{left // 60} {round(left / 60)} {(spec.total_seconds or 0) // 60}",
        ]


def _clip(text: str) -> str:
    """A sentence cut at a word boundary to the excerpt length."""
    if len(text) <= _MAX_EXCERPT_CHARS:
        return text
    return text[:_MAX_EXCERPT_CHARS].rsplit(" ", 1)[0] + "…"


def _key_sentences(text: str, bank: QuestionBank) -> list[str]:
    """The candidate sentences that name the most design concepts, in reading order."""
    scored = [(bank.concept_count(s), i, s) for i, s in enumerate(sentences(text))]
    best = sorted(scored, key=lambda x: (-x[0], x[1]))[:_MAX_EXCERPTS]
    return [s for _, _, s in sorted(best, key=lambda x: x[1]) if s]
