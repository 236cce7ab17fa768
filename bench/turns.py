"""The interviewer, turn by turn, against scripted personas (issue 21): `python -m bench.turns`.

Each persona of bench/personas/ plays a whole standard interview against the real offline
interviewer through the real service (bot.bootstrap.build on a throwaway SQLite file, a
controllable clock): its messages go in order, spread over each stage's budget; when a stage's
script runs out the clock moves to the stage's end, and when the interviewer moves on first the
script moves too. A thrown curveball gets the persona's curveball answer. Every interviewer turn
is judged by the rule-based judge (bench/turn_judge.py), which knows nothing of the interviewer.

It prints, per problem and per half of the split (tune, held out), the share of turns on
target, the failure reasons counted, and examples of turns off target. Exit 1 when either half
is under the target.
"""

from __future__ import annotations

import argparse
import asyncio
import random
import tempfile
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path

from bench.turn_judge import CLOCK_KINDS, REASONS, Said, TurnJudge, Verdict
from bench.turn_scripts import HELD_OUT, Persona, PersonaFile, load_personas
from bot.bootstrap import build
from bot.settings import Settings
from interviewer.bank import QuestionBank, load_bank
from interviewer.core.stages import Format, Stage, format_spec
from interviewer.core.transcript import Role
from interviewer.replies import Reply, Who
from tests.clock import FakeClock

TARGET = 0.90
FIRST_AT, SPREAD = 0.05, 0.7  # a stage's messages fall between 5% and 75% of its budget
CURVEBALL_ANSWER_AFTER = 30  # seconds between a curveball and the persona's answer to it
EXAMPLES = 8


@dataclass
class Played:
    """One persona's interview and the judge's verdicts on its interviewer turns."""

    problem: str
    persona: str
    half: str
    verdicts: list[Verdict] = field(default_factory=list)
    sent: int = 0
    stored: list[str] = field(default_factory=list)  # the stored interviewer turns judged
    error: str = ""  # why the interview could not be played to its end

    @property
    def on_target(self) -> int:
        """How many turns were on target."""
        return sum(1 for v in self.verdicts if v.on_target)


class _Interview:
    """The persona's side of one interview: the service, the clock and the judge."""

    def __init__(self, problem: str, persona: Persona, bank: QuestionBank, db: Path) -> None:
        self.clock = FakeClock()
        settings = Settings(database_url=f"sqlite:///{db}", llm_model="offline")
        self.parts = build(settings, clock=self.clock, rng=random.Random(persona.seed))
        self.problem, self.persona = problem, persona
        self.judge = TurnJudge(bank.problem(problem), bank.curveballs)
        self.who = Who("bench", f"persona-{problem}-{persona.name}")
        self.channel = f"turns-{problem}-{persona.name}"
        self.stage = Stage.CLARIFY
        self.played = Played(problem, persona.name, "")
        self.interview_id = 0
        self.ended = False

    def _take(self, reply: Reply | None, said: Said | None) -> str | None:
        """Judge a reply's interviewer turns; the curveball it throws, if any."""
        if reply is None:
            return None
        thrown: str | None = None
        first = True
        for out in reply.messages:
            self.stage = out.stage
            if out.scorecard is not None or out.kind.value in CLOCK_KINDS:
                continue
            verdict = self.judge.judge(
                out.text, out.kind.value, out.stage.value, said if first else None
            )
            self.played.verdicts.append(verdict)
            first = False
            if out.kind.value == "curveball":
                thrown = self.judge.curveball_of(out.text) or "default"
        self.ended = self.ended or reply.ended
        return thrown

    async def _send(self, said: Said) -> str | None:
        self.judge.hear(said)
        self.played.sent += 1
        reply = await self.parts.service.answer(self.who, self.channel, said.text)
        return self._take(reply, said)

    async def play(self) -> Played:
        """The whole interview, stage by stage."""
        service = self.parts.service
        level = self.persona.level
        reply = await service.start(
            self.who, self.channel, self.problem, Format.STANDARD, level=level
        )
        self.interview_id = reply.interview_id
        self._take(reply, None)
        spec = format_spec(Format.STANDARD)
        for stage in spec.order():
            if self.ended or self.stage != stage:
                continue  # the interviewer moved past this stage: so does the script
            began, budget = self.clock.now, spec.budget(stage) or 0
            script = self.persona.script.get(stage, [])
            for i, message in enumerate(script):
                if self.ended or self.stage != stage:
                    break
                at = began + timedelta(seconds=budget * (FIRST_AT + SPREAD * i / len(script)))
                self.clock.now = max(at, self.clock.now + timedelta(seconds=1))
                thrown = await self._send(message.said())
                answer = self.persona.curveball_answer(thrown) if thrown else None
                if answer is not None and self.stage == stage and not self.ended:
                    self.clock.advance(CURVEBALL_ANSWER_AFTER)
                    await self._send(answer.said(thrown if thrown != "default" else None))
            if not self.ended and self.stage == stage:
                self.clock.now = began + timedelta(seconds=budget + 1)
                self._take(await service.tick(self.interview_id), None)
        stored = self.parts.repo.load(self.interview_id)
        turns = stored.turns if stored is not None else []
        self.played.stored = [
            t.text for t in turns if t.role is Role.INTERVIEWER and t.kind not in CLOCK_KINDS
        ]
        return self.played

    def close(self) -> None:
        """Release the container."""
        self.parts.close()


async def play(problem: str, persona: Persona, bank: QuestionBank, half: str = "tune") -> Played:
    """One persona's whole interview against the offline interviewer, judged turn by turn."""
    with tempfile.TemporaryDirectory() as tmp:
        interview = _Interview(problem, persona, bank, Path(tmp) / "turns.db")
        try:
            played = await interview.play()
        finally:
            interview.close()
    played.half = half
    return played


async def run_all(files: Sequence[PersonaFile], bank: QuestionBank) -> list[Played]:
    """Every persona of every file, one after another; one that breaks is reported, not fatal."""
    out: list[Played] = []
    for f in files:
        for persona in f.personas:
            try:
                out.append(await play(f.problem, persona, bank, f.half))
            except Exception as exc:  # the report names the persona that broke, and how
                why = f"{type(exc).__name__}: {exc}"
                out.append(Played(f.problem, persona.name, f.half, error=why))
    return out


def _share(done: Sequence[Played]) -> tuple[int, int]:
    return sum(p.on_target for p in done), sum(len(p.verdicts) for p in done)


def _pct(on: int, total: int) -> str:
    return f"{on / total:.0%}" if total else "-"


def render(played: Sequence[Played]) -> str:
    """The report: per problem and per half, reasons counted, and examples off target."""
    lines = ["turns on target, by the rule-based judge (bench/turn_judge.py, bench/personas/)"]
    lines.append(f"  {'half':9} {'problem':24} {'personas':>8} {'turns':>6} {'on target':>10}")
    # The halves played, in split order (a run with --problems may play one half only).
    halves = tuple(
        h for h in ("tune", "held out", "fresh", "blind") if any(p.half == h for p in played)
    )
    for half in halves:
        mine = [p for p in played if p.half == half]
        for problem in dict.fromkeys(p.problem for p in mine):
            one = [p for p in mine if p.problem == problem]
            on, total = _share(one)
            lines.append(f"  {half:9} {problem:24} {len(one):>8} {total:>6} {_pct(on, total):>10}")
        on, total = _share(mine)
        lines.append(f"  {half:9} {'ALL':24} {len(mine):>8} {total:>6} {_pct(on, total):>10}")
    for half in halves:
        mine = [p for p in played if p.half == half]
        kinds = [f"{k} {_pct(*_share([p for p in mine if p.persona == k]))}"
                 for k in dict.fromkeys(p.persona for p in mine)]  # fmt: skip
        lines.append(f"  {half:9} by persona: {', '.join(kinds)}")
    lines.append(f"failure reasons (turns; {' / '.join(halves)}):")
    counts = {h: Counter(r for p in played if p.half == h for v in p.verdicts for r in v.reasons)
              for h in halves}  # fmt: skip
    for reason in sorted(REASONS, key=lambda r: -sum(c[r] for c in counts.values())):
        if any(c[reason] for c in counts.values()):
            counted = " / ".join(f"{counts[h][reason]:>4}" for h in halves)
            lines.append(f"  {reason:28} {counted}  {REASONS[reason]}")
    for p in played:
        if p.error:
            lines.append(f"ERROR: {p.problem}/{p.persona} ({p.half}) did not finish: {p.error}")
    lines.append("examples off target (tune half only; held out stays unread):")
    lines += _examples(played)
    for half in halves:
        on, total = _share([p for p in played if p.half == half])
        met = "met" if total and on >= TARGET * total else "MISSED"
        lines.append(f"target >= {TARGET:.0%} on target, {half}: {_pct(on, total)} ({met})")
    return "\n".join(lines)


def _examples(played: Sequence[Played]) -> list[str]:
    """A few turns off target of the tune half, one per reason."""
    out: list[str] = []
    seen: set[str] = set()
    for p in played:
        if p.half != "tune":
            continue  # held-out turns are not shown: tuning must not read them (SPLIT.md)
        for v in p.verdicts:
            if v.on_target or v.reasons[0] in seen or len(out) >= EXAMPLES * 3:
                continue
            seen.add(v.reasons[0])
            after = f"{v.after.act}: {v.after.text[:90]!r}" if v.after else "(the clock)"
            out.append(f"  [{p.problem}/{p.persona} · {v.stage}] {', '.join(v.reasons)}")
            out.append(f"      after {after}")
            out.append(f"      turn  {v.turn[:160]!r}")
    return out


def transcript(played: Sequence[Played]) -> str:
    """Every judged turn with what came before it and the verdict."""
    lines: list[str] = []
    for p in played:
        lines.append(f"== {p.problem} / {p.persona} ({p.half})")
        for v in p.verdicts:
            if v.after is not None:
                lines.append(f"  C [{v.after.act}] {v.after.text}")
            mark = "ok " if v.on_target else "BAD"
            lines.append(f"  I {mark} [{v.stage} {v.kind}] {v.turn}")
            if v.reasons:
                lines.append(f"      -> {', '.join(v.reasons)}")
    return "\n".join(lines)


def passed(played: Sequence[Played]) -> bool:
    """Whether every half played reaches the target, with every persona played to its end."""
    if any(p.error for p in played):
        return False
    if not played:
        return False
    for half in dict.fromkeys(p.half for p in played):
        on, total = _share([p for p in played if p.half == half])
        if on < TARGET * total:
            return False
    return True


async def report() -> str:
    """The whole report on every persona file (what `make eval` prints first)."""
    bank = load_bank()
    return render(await run_all(load_personas(bank), bank))


async def main_async(argv: Sequence[str] | None = None) -> int:
    """Play, judge and print; 0 when every half played reaches the target."""
    parser = argparse.ArgumentParser(prog="python -m bench.turns", description=__doc__)
    parser.add_argument("--problems", nargs="*", help="only these problems")
    parser.add_argument("--tune-only", action="store_true", help=f"skip {', '.join(HELD_OUT)}")
    parser.add_argument("--show", action="store_true", help="print every tune-half turn judged")
    parser.add_argument(
        "--show-held-out",
        action="store_true",
        help="with --show: held-out turns too (not for tuning)",
    )
    args = parser.parse_args(argv)
    bank = load_bank()
    files = load_personas(bank)
    if args.problems:
        files = [f for f in files if f.problem in args.problems]
    if args.tune_only:
        files = [f for f in files if f.half == "tune"]
    played = await run_all(files, bank)
    if args.show:
        shown = [p for p in played if args.show_held_out or p.half == "tune"]
        print(transcript(shown))
    print(render(played))
    return 0 if passed(played) else 1


def main() -> None:
    """Entry point."""
    raise SystemExit(asyncio.run(main_async()))


if __name__ == "__main__":
    main()
