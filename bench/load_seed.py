"""Seeding the steady and burst loads: interviews already under way, written in bulk.

A member of `bench.load --steady` joins at a random point of its 45-minute interview, its
stored transcript already holding the earlier turns. Replaying every earlier turn through
the service for 5,000 interviews would take longer than the run, so seeding is two steps:

1. `walk`: a few *template* interviews run through the real InterviewService (the offline
   brain, a throwaway SQLite database) on a clock the walk moves itself: it jumps to the
   next answer (every 60-120 s) or to the next deadline the machine set (warning,
   curveball, stage end), answers or ticks, and keeps a snapshot of the stored state and
   turns after each step. The state between two steps is the earlier step's, so the
   snapshots give an interview's exact stored form at any offset in [0, 45 min).
2. `Seeder.seed`: for a member joining at offset `o`, the last snapshot at or before `o`
   is written through the storage layer's repository (`create_interview`) for that member
   and conversation, every timestamp (state and turns) shifted so that the interview
   started `o` seconds before now. Its deadline column is the machine's own
   (`next_deadline`), so the benchmark's clock ticks it exactly when the template was.

The seeded transcripts are the offline interviewer's words (the templates do not call the
model); from the join on, everything is the real service on the fake model.
"""

from __future__ import annotations

import dataclasses
import random
import tempfile
from bisect import bisect_right
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from bench.engine import ANSWERS
from bot.bootstrap import build
from bot.settings import Settings
from interviewer.core.machine import next_deadline
from interviewer.core.stages import Format, format_spec
from interviewer.core.state import InterviewState
from interviewer.core.transcript import Turn
from interviewer.ports import Repository
from interviewer.service import Who

QUESTION = "model-serving"
TEMPLATE_START = datetime(2026, 1, 5, 9, 0, tzinfo=UTC)
GAP = (60.0, 120.0)  # seconds between a template's answers


@dataclass(frozen=True)
class Snapshot:
    """A template interview as stored `offset` seconds after it started."""

    offset: float
    state: InterviewState
    turns: tuple[Turn, ...]


def total_seconds(fmt: Format = Format.STANDARD) -> float:
    """The format's whole length (45 minutes for the standard one)."""
    return float(format_spec(fmt).total_seconds or 2700)


async def walk(seed: int, fmt: Format = Format.STANDARD) -> list[Snapshot]:
    """One template interview walked to just before its end; its snapshots, in time order."""
    now = [TEMPLATE_START]
    rng = random.Random(seed)
    end = total_seconds(fmt)
    with tempfile.TemporaryDirectory() as tmp:
        settings = Settings(_env_file=None, database_url=f"sqlite:///{Path(tmp) / 't.db'}")
        parts = build(settings, clock=lambda: now[0], rng=random.Random(seed))
        try:
            who = Who("template", f"t{seed}")
            started = await parts.service.start(who, "template", QUESTION, fmt)
            snapshots = [_snapshot(parts.repo, started.interview_id, 0.0)]
            answer_at, i = rng.uniform(*GAP), 0
            while True:
                deadline = next_deadline(snapshots[-1].state)
                due = end if deadline is None else (deadline - TEMPLATE_START).total_seconds()
                step = min(answer_at, due)
                if step >= end:
                    return snapshots
                now[0] = TEMPLATE_START + timedelta(seconds=step)
                if due <= answer_at:
                    await parts.service.tick(started.interview_id)
                else:
                    await parts.service.answer(who, "template", ANSWERS[i % len(ANSWERS)])
                    answer_at, i = step + rng.uniform(*GAP), i + 1
                snapshots.append(_snapshot(parts.repo, started.interview_id, step))
        finally:
            parts.close()


def _snapshot(repo: Repository, interview_id: int, offset: float) -> Snapshot:
    stored = repo.load(interview_id)
    assert stored is not None
    return Snapshot(offset, stored.state, tuple(stored.turns))


def shifted(
    state: InterviewState, turns: tuple[Turn, ...], by: timedelta
) -> tuple[InterviewState, list[Turn]]:
    """The state and turns with every timestamp moved by `by`."""

    def move(at: datetime | None) -> datetime | None:
        return None if at is None else at + by

    state = dataclasses.replace(
        state,
        started_at=state.started_at + by,
        stage_started_at=state.stage_started_at + by,
        last_event_at=state.last_event_at + by,
        question_at=move(state.question_at),
        curveballs=[
            dataclasses.replace(c, injected_at=move(c.injected_at)) for c in state.curveballs
        ],
        asked=list(state.asked),
        hints_given=list(state.hints_given),
    )
    return state, [dataclasses.replace(t, at=move(t.at)) for t in turns]


class Seeder:
    """Writes interviews already under way from a few walked templates."""

    def __init__(self, templates: list[list[Snapshot]]) -> None:
        self.templates = templates
        self.offsets = [[s.offset for s in t] for t in templates]

    @classmethod
    async def made(cls, count: int = 4, fmt: Format = Format.STANDARD) -> Seeder:
        """`count` templates, each its own answer times (seeds 1..count)."""
        return cls([await walk(seed, fmt) for seed in range(1, count + 1)])

    def snapshot(self, offset: float, which: int) -> Snapshot:
        """Template `which`'s stored form `offset` seconds into the interview."""
        index = which % len(self.templates)
        return self.templates[index][bisect_right(self.offsets[index], offset) - 1]

    def seed(
        self,
        repo: Repository,
        who: Who,
        channel: str,
        offset: float,
        now: datetime,
        brain: str,
        which: int = 0,
    ) -> int:
        """Store an interview for `who` in `channel` that started `offset` seconds before
        `now`, as the template stood then; its id."""
        snap = self.snapshot(offset, which)
        state, turns = shifted(
            snap.state, snap.turns, now - timedelta(seconds=offset) - (snap.state.started_at)
        )
        user_id = repo.ensure_user(who.platform, who.user_id, who.display_name)
        return repo.create_interview(user_id, who.platform, channel, state, turns, brain)


def steady_offsets(count: int, total: float, rng: random.Random) -> list[float]:
    """Where `count` members join their interviews: uniform over the whole interview, so
    that an interview ends every total/count seconds on average."""
    return [rng.uniform(0.0, total) for _ in range(count)]


def burst_offsets(
    count: int, after: float, window: float, total: float, rng: random.Random
) -> list[float]:
    """Offsets that make `count` interviews end between `after` and `after + window`
    seconds from now (a workshop ending together)."""
    if after + window > total:
        raise ValueError(
            f"a burst {after + window:g} s away cannot be seeded in a {total:g} s interview"
        )
    return [total - after - rng.uniform(0.0, window) for _ in range(count)]
