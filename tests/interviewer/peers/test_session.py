"""A peer session: either member starts it, the interview clock posts stage moves and a
curveball in the pair's conversation (once, across restarts and replicas), messages become the
transcript, the AI grades the candidate, the interviewer scores with the form, both see the
comparison, and both earn points."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from dataclasses import dataclass, replace

import pytest

from bot.serve import recover
from interviewer.bank import QuestionBank, load_bank
from interviewer.core.rubric import Criterion
from interviewer.core.stages import Stage
from interviewer.core.state import Status
from interviewer.core.transcript import Role
from interviewer.drills.leaderboard import member_streak
from interviewer.outbox import Kind, Queued
from interviewer.peers.outcome import PeerOutcome
from interviewer.peers.pairing import pair_round
from interviewer.peers.service import PeerError, PeerService
from interviewer.peers.session import PeerSessions
from interviewer.service import Who
from storage.repositories.peers import SqlPeerRepository
from tests.clock import FakeClock
from tests.interviewer.drills.harness import RecordingPoster, Replica, replica
from tests.interviewer.drills.test_replicas import race

SLACK = "slack"
ASKER, DESIGNER, OTHER = Who(SLACK, "U1", "Ada"), Who(SLACK, "U2", "Bob"), Who(SLACK, "U3", "Cyd")
THREAD = "G12"
ANSWER = (
    "Clients call an API gateway that rate limits; stateless app servers behind a load "
    "balancer autoscale on CPU; writes go to a sharded key-value store with three replicas, "
    "because reads dominate at 100:1 a Redis cache in front keeps p99 under 50 ms."
)


class PeerPoster(RecordingPoster):
    """A platform that records the peer sessions' outcomes the clock delivers."""

    def __init__(self) -> None:
        super().__init__()
        self.outcomes: list[PeerOutcome] = []

    async def post_scheduled(self, queued: Queued, png: bytes | None = None) -> str:
        post = queued.post  # a peer mock's clock posts come through the outbox
        if post.kind == Kind.THREAD:
            self.outcomes.append(PeerOutcome(post.platform, post.target, posts=[post.text]))
        return await super().post_scheduled(queued, png)

    async def deliver_peer(self, outcome: PeerOutcome) -> None:
        self.outcomes.append(outcome)

    def posts(self) -> list[str]:
        return [text for o in self.outcomes for text in o.posts]


@dataclass
class World:
    """One process: the drills harness's services plus peer mocks, and its poster."""

    replica: Replica
    poster: PeerPoster
    sessions: PeerSessions
    repo: SqlPeerRepository

    async def tick(self) -> int:
        return await self.replica.scheduler.tick_interviews()


def world(url: str, bank: QuestionBank, clock: FakeClock) -> World:
    poster = PeerPoster()
    r = replica(url, bank, clock, poster=poster)
    repo = SqlPeerRepository(r.engine)
    peers = PeerService(repo, bank, clock)
    sessions = PeerSessions(repo, r.service, award=r.drills.award)
    peers.sessions = sessions
    r.scheduler.peers = peers
    return World(r, poster, sessions, repo)


@pytest.fixture(scope="module")
def bank() -> QuestionBank:
    return load_bank()


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def one(sqlite_migrated_url: str, bank: QuestionBank, clock: FakeClock) -> Iterator[World]:
    w = world(sqlite_migrated_url, bank, clock)
    yield w
    w.replica.close()


def pair_up(w: World, clock: FakeClock) -> int:
    session_id = w.repo.add_session(
        SLACK, "C1", clock.now, ASKER.user_id, DESIGNER.user_id, "url-shortener"
    )
    w.repo.set_thread(session_id, THREAD)
    return session_id


async def answered(w: World, clock: FakeClock) -> int:
    """Pair, start, one answer: the session's id."""
    session_id = pair_up(w, clock)
    await w.sessions.command(ASKER, THREAD, "start")
    await w.sessions.message(DESIGNER, THREAD, ANSWER, "a1")
    return session_id


async def test_the_pair_starts_it_and_the_clock_moves_stages_and_throws_a_curveball(
    one: World, clock: FakeClock
) -> None:
    pair_up(one, clock)
    with pytest.raises(PeerError, match="Only the two members"):
        await one.sessions.command(OTHER, THREAD, "start")
    with pytest.raises(PeerError, match="No peer mock is paired"):
        await one.sessions.command(ASKER, "G99", "start")
    with pytest.raises(PeerError, match="has not started"):
        await one.sessions.command(ASKER, THREAD, "end")
    started = await one.sessions.command(ASKER, THREAD, "start")  # the interviewer starts it
    assert started.conversation == THREAD
    assert started.posts == []  # the clock's words went out through the outbox, at once
    opening = one.poster.posts()[-1]
    assert "Clarify requirements (5 min) → High-level design (12 min)" in opening
    with pytest.raises(PeerError, match="started already"):
        await one.sessions.command(DESIGNER, THREAD, "start")

    asked = await one.sessions.message(ASKER, THREAD, "What would you ask first?", "m1")
    answered = await one.sessions.message(DESIGNER, THREAD, "Who uses it, and how many?", "m2")
    again = await one.sessions.message(DESIGNER, THREAD, "Who uses it, and how many?", "m2")
    ignored = await one.sessions.message(OTHER, THREAD, "Hello?", "m3")
    assert asked is not None and answered is not None and again is not None
    assert ignored is not None and not ignored.posts  # not the pair's: not in the transcript
    assert answered.posts == []  # no AI follow-up: the human interviewer asks
    found = one.repo.in_thread(SLACK, THREAD)
    assert found is not None and found.interview_id is not None
    stored = one.replica.service.repo.load(found.interview_id)
    assert stored is not None and stored.state.peer and stored.state.question_id == "url-shortener"
    turns = [(t.role, t.author, t.text) for t in stored.turns if t.kind != "opening"]
    assert turns == [
        (Role.INTERVIEWER, ASKER.user_id, "What would you ask first?"),
        (Role.CANDIDATE, DESIGNER.user_id, "Who uses it, and how many?"),  # stored once
    ]

    clock.advance(minutes=5)
    assert await one.tick() == 1
    assert one.poster.posts()[-1] == (
        "⏱ Time for *Clarify requirements* is up. Now *High-level design* (12 min)."
    )
    assert await one.tick() == 0  # nothing more is due
    clock.advance(minutes=12)
    await one.tick()
    assert "Now *Deep dive* (17 min)" in one.poster.posts()[-1]
    clock.advance(minutes=10)  # past half the deep dive, and the grace for an open question
    await one.tick()
    curveballs = [p for p in one.poster.posts() if p.startswith("🎯 Curveball: ")]
    assert len(curveballs) == 1
    problem = one.replica.service.bank.problems["url-shortener"]
    texts = {one.replica.service.bank.curveballs[c].text for c in problem.curveballs}
    assert curveballs[0].removeprefix("🎯 Curveball: ") in texts
    assert one.poster.delivered == []  # no AI interviewer's reply, no buttons


async def test_the_end_grades_the_candidate_and_the_form_is_the_interviewers(
    one: World, clock: FakeClock
) -> None:
    session_id = pair_up(one, clock)
    await one.sessions.command(DESIGNER, THREAD, "start")
    with pytest.raises(PeerError, match="has not graded"):
        await one.sessions.score(ASKER, session_id, "clarity", 3)
    await one.sessions.message(DESIGNER, THREAD, ANSWER, "a1")
    with pytest.raises(PeerError, match="Only the two members"):
        await one.sessions.command(OTHER, THREAD, "end")
    ended = await one.sessions.command(ASKER, THREAD, "end")
    assert ended.form is not None and ended.form.interviewer == ASKER.user_id
    assert ended.form.session_id == session_id and ended.form.title == "Design a URL shortener"
    assert "The AI has graded <@U2>" in ended.posts[-1]
    assert not any("Scalability" in p for p in ended.posts)  # the AI's card is not shown yet
    assert one.poster.posts()[-1] == "⏱ The peer mock is over. The AI is grading."  # before
    with pytest.raises(PeerError, match="over already"):
        await one.sessions.command(DESIGNER, THREAD, "end")

    for outsider in (DESIGNER, OTHER):  # the candidate and a third member cannot score
        with pytest.raises(PeerError, match="Only this session's interviewer"):
            await one.sessions.score(outsider, session_id, "clarity", 1)
        with pytest.raises(PeerError, match="Only this session's interviewer"):
            await one.sessions.submit(outsider, session_id)
    with pytest.raises(PeerError, match="1 to 4"):
        await one.sessions.score(ASKER, session_id, "clarity", 5)
    with pytest.raises(PeerError, match="out of date"):
        await one.sessions.score(ASKER, session_id, "charisma", 3)
    noted = await one.sessions.score(ASKER, session_id, "scalability", 4)
    assert noted.notes == [(ASKER.user_id, "Scalability: 4/4 noted.")]
    with pytest.raises(PeerError, match="still open: Reliability"):
        await one.sessions.submit(ASKER, session_id)
    for criterion in Criterion:
        if criterion is not Criterion.SCALABILITY:
            await one.sessions.score(ASKER, session_id, criterion.value, 2)

    submitted = await one.sessions.submit(ASKER, session_id)
    notes = dict(submitted.notes)
    assert set(notes) == {ASKER.user_id, DESIGNER.user_id}
    found = one.repo.load(session_id)
    assert found is not None and found.interview_id is not None
    card = one.replica.service.repo.load(found.interview_id).scorecard  # type: ignore[union-attr]
    assert card is not None
    ai = card.criteria[Criterion.SCALABILITY].score
    assert f"• Scalability: AI {ai}/4 · your interviewer 4/4" in notes[DESIGNER.user_id]
    agreed = sum(
        1 for c in Criterion if card.criteria[c].score == (4 if c is Criterion.SCALABILITY else 2)
    )
    assert f"you agreed with the AI on {agreed} of 7 criteria" in notes[ASKER.user_id]
    replay = await one.sessions.submit(ASKER, session_id)
    assert replay.notes == []  # acts once

    ledger = one.replica.drills.repo.ledger(SLACK)
    kinds = sorted((e.user_id, e.source_kind) for e in ledger)
    assert kinds == [(ASKER.user_id, "peer"), (DESIGNER.user_id, "peer")]
    assert all(e.points > 0 for e in ledger)
    for who in (ASKER, DESIGNER):
        assert member_streak(ledger, who.user_id, clock.now) == 1  # a peer mock keeps a streak


async def test_the_next_round_swaps_the_pairs_roles(one: World, clock: FakeClock) -> None:
    await answered(one, clock)
    await one.sessions.command(ASKER, THREAD, "end")
    past = one.repo.sessions(SLACK, "C1")
    interviewer = {frozenset((s.interviewer, s.candidate)): s.interviewer for s in past}
    # Another pair in between gave Ada a candidate's role: with Bob she still swaps.
    found = pair_round(
        ["U1", "U2"],
        [],
        {"U1": "candidate", "U2": "interviewer"},
        pair_interviewer=interviewer,
    )
    assert [(p.interviewer, p.candidate) for p in found.pairs] == [("U2", "U1")]


@pytest.fixture
def two(migrated_url: str, bank: QuestionBank, clock: FakeClock) -> Iterator[list[World]]:
    worlds = [world(migrated_url, bank, clock) for _ in range(2)]
    yield worlds
    for w in worlds:
        w.replica.close()


def test_after_a_restart_two_replicas_move_the_clock_once(
    migrated_url: str, two: list[World], bank: QuestionBank, clock: FakeClock
) -> None:
    first = world(migrated_url, bank, clock)
    pair_up(first, clock)
    asyncio.run(first.sessions.command(DESIGNER, THREAD, "start"))
    first.replica.close()  # the process stops; two others come up over the same database
    clock.advance(minutes=30)  # clarify and high level are long over
    a, b = two
    race(a.tick, b.tick)
    race(a.tick, b.tick)
    moves = [p for p in a.poster.posts() + b.poster.posts() if p.startswith("⏱ Time for")]
    assert moves == ["⏱ Time for *Clarify requirements* is up. Now *High-level design* (12 min)."]
    found = a.repo.in_thread(SLACK, THREAD)
    assert found is not None and found.interview_id is not None
    stored = a.replica.service.repo.load(found.interview_id)
    assert stored is not None and stored.state.stage is Stage.HIGH_LEVEL


async def test_the_last_stages_clock_ends_it_and_sends_the_form(
    one: World, clock: FakeClock
) -> None:
    session_id = await answered(one, clock)
    for _ in range(8):  # each sweep moves one stage on; the wrap-up's end ends the session
        clock.advance(minutes=20)
        await one.tick()
    forms = [o.form for o in one.poster.outcomes if o.form is not None]
    assert [(f.session_id, f.interviewer) for f in forms] == [(session_id, ASKER.user_id)]
    assert "The AI has graded <@U2>" in one.poster.posts()[-1]
    noted = await one.sessions.score(ASKER, session_id, "clarity", 3)
    assert noted.notes == [(ASKER.user_id, "Clarity of thought: 3/4 noted.")]


async def test_a_session_left_ungraded_by_a_crash_sends_the_form_at_start(
    one: World, clock: FakeClock
) -> None:
    session_id = await answered(one, clock)
    found = one.repo.load(session_id)
    assert found is not None and found.interview_id is not None
    repo = one.replica.service.repo
    stored = repo.load(found.interview_id)
    assert stored is not None
    ended = replace(stored.state, status=Status.ENDED, end_reason="candidate")
    repo.save_step(stored.id, ended, [], expected_version=stored.version)  # then the crash

    peers = one.replica.scheduler.peers
    await recover(one.replica.service, [one.poster], peers)  # type: ignore[list-item]
    [outcome] = [o for o in one.poster.outcomes if o.form is not None]  # once
    assert outcome.form is not None and outcome.form.interviewer == ASKER.user_id
    assert one.poster.delivered == []  # the AI's card was not posted in the pair's conversation


async def test_a_candidates_message_waiting_for_the_human_gets_no_ai_reply(
    one: World, clock: FakeClock
) -> None:
    # The sweep for answers left unanswered (a crash) must not make the AI speak in a peer mock:
    # there, the candidate's last message waits for the human interviewer.
    session_id = await answered(one, clock)
    clock.advance(minutes=3)
    found = one.repo.load(session_id)
    assert found is not None and found.interview_id is not None
    service = one.replica.service
    assert service.repo.unanswered(clock.now, [SLACK]) == []
    assert await one.replica.scheduler.sweep_unanswered() == 0
    stored = service.repo.load(found.interview_id)
    assert stored is not None and stored.turns[-1].role is Role.CANDIDATE
    assert (await service.reply_pending(stored)).messages == []


async def test_the_interviewers_file_alone_or_long_talk_after_the_end_is_no_error(
    one: World, clock: FakeClock
) -> None:
    session_id = await answered(one, clock)
    found = one.repo.load(session_id)
    assert found is not None and found.interview_id is not None
    service = one.replica.service
    before = len(service.repo.load(found.interview_id).turns)  # type: ignore[union-attr]
    assert await service.interviewer_turn(found.interview_id, "  ", ASKER.user_id) is False
    assert len(service.repo.load(found.interview_id).turns) == before  # type: ignore[union-attr]
    await one.sessions.command(ASKER, THREAD, "end")
    long = "x" * (service.max_message_chars + 1)
    assert await service.interviewer_turn(found.interview_id, long, ASKER.user_id) is False


async def test_an_award_that_fails_is_made_by_the_next_submit(one: World, clock: FakeClock) -> None:
    session_id = await answered(one, clock)
    await one.sessions.command(ASKER, THREAD, "end")
    for criterion in Criterion:
        await one.sessions.score(ASKER, session_id, criterion.value, 3)
    award, failed = one.sessions.award, []

    def flaky(entry: object) -> object:  # the database drops once, mid-award
        if not failed:
            failed.append(entry)
            raise ConnectionError("the database went away")
        assert award is not None
        return award(entry)  # type: ignore[arg-type]

    one.sessions.award = flaky
    with pytest.raises(ConnectionError):
        await one.sessions.submit(ASKER, session_id)
    submitted = await one.sessions.submit(ASKER, session_id)  # pressed again
    assert {user for user, _ in submitted.notes} == {ASKER.user_id, DESIGNER.user_id}
    ledger = one.replica.drills.repo.ledger(SLACK)
    assert (ASKER.user_id, "peer") in {(e.user_id, e.source_kind) for e in ledger}
