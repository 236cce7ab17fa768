"""Seeding the steady load: an interview written under way is where its offset puts it."""

from __future__ import annotations

import asyncio
import itertools
import random
from datetime import UTC, datetime, timedelta

import pytest

from bench.load_seed import Seeder, Snapshot, burst_offsets, steady_offsets, total_seconds, walk
from bench.load_steady import write_order
from interviewer.core.machine import next_deadline
from interviewer.core.stages import Format, Stage
from interviewer.core.transcript import Role
from interviewer.service import Who
from storage.engine import make_engine
from storage.repositories.interviews import SqlRepository

NOW = datetime(2026, 3, 2, 15, 30, tzinfo=UTC)


@pytest.fixture(scope="module")
def template() -> list[Snapshot]:
    """One template interview walked to its end (the real service, offline brain)."""
    return asyncio.run(walk(3))


def stage_at(snapshots: list[Snapshot], offset: float) -> Stage:
    """The stage the walk was in `offset` seconds after its start."""
    return [s for s in snapshots if s.offset <= offset][-1].state.stage


def test_the_walk_goes_through_every_stage_with_answers(template: list[Snapshot]) -> None:
    stages = [s.state.stage for s in template]
    assert stages[0] is Stage.CLARIFY and stages[-1] is Stage.WRAP_UP
    assert set(stages) >= {Stage.CLARIFY, Stage.HIGH_LEVEL, Stage.DEEP_DIVE, Stage.TRADEOFFS}
    assert all(a.offset <= b.offset for a, b in itertools.pairwise(template))
    assert template[-1].offset < total_seconds(Format.STANDARD)
    assert template[-1].state.candidate_turns >= 20  # an answer every 60-120 s for 45 minutes


@pytest.mark.parametrize("offset", [0.0, 400.0, 1500.0, 2650.0])
def test_a_seeded_interview_is_at_the_stage_and_time_its_offset_implies(
    template: list[Snapshot], migrated_url: str, offset: float
) -> None:
    engine = make_engine(migrated_url)
    repo = SqlRepository(engine)
    try:
        seeder = Seeder([template])
        who = Who("bench", "member-7")
        interview_id = seeder.seed(repo, who, "dm-7", offset, NOW, "llm:bench")
        stored = repo.load(interview_id)
        assert stored is not None
        state = stored.state
        assert state.started_at == NOW - timedelta(seconds=offset)
        assert state.stage is stage_at(template, offset)
        assert state.active
        # the earlier turns are there, each at its time shifted with the interview
        snap = seeder.snapshot(offset, 0)
        assert [t.text for t in stored.turns] == [t.text for t in snap.turns]
        assert len(stored.turns) == len(snap.turns) >= 1
        assert all(t.at is not None and t.at <= NOW for t in stored.turns)
        answers = [t for t in stored.turns if t.role is Role.CANDIDATE]
        assert len(answers) == state.candidate_turns == snap.state.candidate_turns
        # the clock finds it due exactly when the template was, shifted
        deadline = next_deadline(state)
        assert deadline is not None and deadline > NOW
        assert (deadline - state.started_at) == (
            next_deadline(snap.state) - snap.state.started_at  # type: ignore[operator]
        )
        assert repo.due_interviews(deadline, 10) == [interview_id]
        assert repo.due_interviews(deadline - timedelta(seconds=1), 10) == []
        assert repo.active_in_channel("bench", "dm-7") is not None
    finally:
        engine.dispose()


def test_steady_offsets_cover_the_interview_evenly() -> None:
    offsets = steady_offsets(4000, 2700.0, random.Random(1))
    assert all(0 <= o < 2700 for o in offsets)
    # an ending every 2,700/N s: each tenth of the interview holds about a tenth of them
    for tenth in range(10):
        share = sum(tenth * 270 <= o < (tenth + 1) * 270 for o in offsets) / 4000
        assert 0.08 < share < 0.12


def test_a_burst_ends_within_its_window() -> None:
    offsets = burst_offsets(200, 65.0, 10.0, 2700.0, random.Random(2))
    ends = [2700.0 - o for o in offsets]  # seconds from now to each interview's end
    assert len(ends) == 200
    assert all(65.0 <= e <= 75.0 for e in ends)
    assert max(ends) - min(ends) > 5  # spread over the window, not all at one instant


def test_a_burst_beyond_the_interview_is_refused() -> None:
    with pytest.raises(ValueError, match="cannot be seeded"):
        burst_offsets(1, 2695.0, 10.0, 2700.0, random.Random(3))


def test_the_youngest_interviews_are_written_first_by_every_writer() -> None:
    """Written youngest first, an interview ages less the nearer its end is, so none is past
    its end when a long seeding finishes."""
    offsets = steady_offsets(1001, 2700.0, random.Random(4))
    parts = write_order(offsets, 4)
    assert len(parts) == 4
    assert sorted(i for part in parts for i in part) == list(range(1001))  # each once
    for part in parts:
        written = [offsets[i] for i in part]
        assert written == sorted(written)
    # the writers go at the same pace: at any position they are at about the same offsets
    assert max(len(p) for p in parts) - min(len(p) for p in parts) <= 1
    # seeding at 20 a second for 50 s: the one at position k of its writer ages by the rest of
    # its writer's list; none of them passes the interview's end
    per_second = 20 / 4
    for part in parts:
        for k, i in enumerate(part):
            assert offsets[i] + (len(part) - k) / per_second < 2700.0
    assert write_order([], 4) == [] and write_order([5.0], 4) == [[0]]
