"""A peer session in the pair's private conversation: started by either member, clocked and
graded by the interview engine (the candidate's interview, marked `peer`), scored by the human
interviewer with a form, then both scorecards compared.

Only the two members of the pair drive it; the human's form is the interviewer's alone; each
start, end and submit acts once (claimed in the database), however often it is pressed.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC

from interviewer.commands import Command
from interviewer.core.rubric import Criterion, Level, Scorecard
from interviewer.core.stages import Format
from interviewer.drills.ports import LedgerEntry
from interviewer.peers.clock import time_left_text
from interviewer.peers.compare import candidate_view, interviewer_view, sides
from interviewer.peers.outcome import (
    FORM_OUT_OF_DATE,
    NOT_HERE,
    ONLY_INTERVIEWER,
    ONLY_PAIR,
    PEER_USAGE,
    SCORES,
    PeerForm,
    PeerOutcome,
)
from interviewer.peers.ports import PeerError, PeerRepository, SessionInfo
from interviewer.replies import NoInterview, Reply, Who
from interviewer.service import InterviewService

Award = Callable[[LedgerEntry], object]
OVER = "This peer mock is over."


class PeerSessions:
    """Start, record, end, score and compare peer sessions."""

    def __init__(
        self,
        repo: PeerRepository,
        service: InterviewService,
        *,
        award: Award | None = None,
        command_name: str = "/mockroom",
        fmt: Format = Format.STANDARD,
    ) -> None:
        self.repo = repo
        self.service = service
        self.award = award
        self.cmd = command_name
        self.fmt = fmt

    # ---- commands in the pair's conversation ---------------------------------------------------

    async def command(self, who: Who, conversation: str, args: str) -> PeerOutcome:
        """`peer start` or `peer end`, typed by either member in their conversation."""
        head = args.strip().lower()
        if head not in ("start", "end"):
            raise PeerError(f"Use {PEER_USAGE.format(cmd=self.cmd)}.")
        found = await self.service.db.run(self.repo.in_thread, who.platform, conversation)
        if found is None:
            raise PeerError(NOT_HERE.format(cmd=self.cmd))
        if who.user_id not in found.members:
            raise PeerError(ONLY_PAIR)
        if head == "start":
            return await self._start(found, conversation)
        return await self._end(who, found, conversation)

    async def typed(self, who: Who, conversation: str, command: Command) -> PeerOutcome | None:
        """`end`, `time`, `hint` or `next` typed in a pair's conversation, the peer way; None
        when the conversation holds no peer mock (the command is the AI interview's)."""
        found = await self.service.db.run(self.repo.in_thread, who.platform, conversation)
        if found is None or command is Command.HELP:
            return None
        return await self._typed(who, found, conversation, command)

    async def button(
        self, who: Who, conversation: str, interview_id: int, command: Command
    ) -> PeerOutcome | None:
        """A Hint / Next stage / End button on a peer mock's interview (an old message's):
        the peer way, like the typed command; None when the interview is not a peer mock."""
        found = await self.service.db.run(self.repo.by_interview, interview_id)
        if found is None:
            return None
        if found.thread_key != conversation:
            raise PeerError("That peer mock is not in this conversation.")
        return await self._typed(who, found, conversation, command)

    async def _typed(
        self, who: Who, found: SessionInfo, conversation: str, command: Command
    ) -> PeerOutcome:
        if who.user_id not in found.members:
            raise PeerError(ONLY_PAIR)
        if command is Command.END:
            return await self._end(who, found, conversation)
        interview_id = self._started(found)
        out = PeerOutcome(found.platform, conversation)
        if command is Command.NEXT and who.user_id == found.interviewer:
            try:
                reply = await self.service.act(interview_id, Command.NEXT)
            except NoInterview:
                raise PeerError(OVER) from None
            return await self.outcome(reply, found)
        stored = await self.service.db.run(self.service.repo.load, interview_id)
        if stored is None or not stored.state.active:
            raise PeerError(OVER)
        if command is Command.TIME:
            note = time_left_text(stored.state, self.service.clock())
        elif command is Command.NEXT:
            note = f"In a peer mock your interviewer moves the stage on (`{self.cmd} next`)."
        elif who.user_id == found.candidate:
            note = f"In a peer mock the hints are your interviewer's: ask <@{found.interviewer}>."
        else:
            note = "You are the interviewer: your brief has this stage's expected points to nudge with."
        out.notes.append((who.user_id, note))
        return out

    def _started(self, found: SessionInfo) -> int:
        """The session's interview; PeerError while it has not started."""
        if found.interview_id is None:
            raise PeerError(f"This peer mock has not started: `{self.cmd} peer start` starts it.")
        return found.interview_id

    async def _end(self, who: Who, found: SessionInfo, conversation: str) -> PeerOutcome:
        """End the session (either member); once graded, the form again for its interviewer."""
        try:
            reply = await self.service.act(self._started(found), Command.END)
        except NoInterview:
            if found.scored_at is not None or who.user_id != found.interviewer:
                raise PeerError("This peer mock is over already.") from None
            await self._form(who, found.id)  # graded: the form again, had it not arrived
            out = PeerOutcome(found.platform, conversation)
            out.form = self._blank_form(found, conversation)
            return out
        return await self.outcome(reply, found)

    async def _start(self, found: SessionInfo, conversation: str) -> PeerOutcome:
        now = self.service.clock()
        if not await self.service.db.run(self.repo.claim_start, found.id, now):
            raise PeerError("This peer mock has started already: the clock is running here.")
        candidate = Who(found.platform, found.candidate)
        problem = self.service.bank.problems.get(found.question_id)
        named = problem.level if problem is not None else Level.SENIOR.value
        level = Level.MID if named == "junior" else Level(named)  # the bar the brief names
        try:
            reply = await self.service.start(
                candidate, conversation, found.question_id, self.fmt, peer=True, level=level
            )
        except Exception:
            await self.service.db.run(self.repo.reset_start, found.id)  # a start may come again
            raise
        await self.service.db.run(self.repo.set_interview, found.id, reply.interview_id)
        return await self.outcome(reply, found)

    # ---- messages in the pair's conversation ---------------------------------------------------

    async def message(
        self, who: Who, conversation: str, text: str, event_key: str | None
    ) -> PeerOutcome | None:
        """A message in a running session: the candidate's is an answer, the interviewer's an
        interviewer turn. None when the conversation runs no peer session."""
        found = await self.service.db.run(self.repo.in_thread, who.platform, conversation)
        if found is None or found.interview_id is None:
            return None
        done = PeerOutcome(found.platform, conversation)
        if who.user_id == found.candidate:
            try:
                reply = await self.service.answer(who, conversation, text, event_key=event_key)
            except NoInterview:
                return done  # the session is over: talk freely
            if reply is None:
                return done
            # Diagrams, as in an interview: drawn back in the conversation, or refused privately.
            out = await self.outcome(reply, found)
            out.diagram = reply.diagram
            out.notes.extend((who.user_id, notice) for notice in reply.notices)
            return out
        if who.user_id == found.interviewer and await self.service.first_delivery(
            who.platform, event_key
        ):
            await self.service.interviewer_turn(found.interview_id, text, who.user_id)
        return done  # a peer session's conversation: nothing for the AI interviewer

    # ---- the clock, the end and the AI's card --------------------------------------------------

    async def outcome(self, reply: Reply, found: SessionInfo | None = None) -> PeerOutcome:
        """A peer interview's reply as posts in the pair's conversation; at its end, the
        interviewer's form instead of the AI's card (the candidate sees it beside theirs)."""
        if found is None:
            found = await self.service.db.run(self.repo.by_interview, reply.interview_id)
        out = PeerOutcome(reply.platform, reply.channel)
        out.posts = [m.text for m in reply.messages if m.scorecard is None and m.text]
        if reply.scorecard is None or found is None:
            return out
        out.posts.append(
            f"The AI has graded <@{found.candidate}>. <@{found.interviewer}>, your scoring form "
            f"came privately: score the seven criteria, then Submit (`{self.cmd} peer end` sends it "
            "again). Both scorecards come when it is in. Roles swap next time you meet."
        )
        out.form = self._blank_form(found, reply.channel)
        return out

    def _blank_form(self, found: SessionInfo, conversation: str) -> PeerForm:
        problem = self.service.bank.problems.get(found.question_id)
        title = problem.title if problem is not None else found.question_id
        return PeerForm(found.id, found.interviewer, conversation, title)

    # ---- the human interviewer's form ------------------------------------------------------------

    async def score(self, who: Who, session_id: int, criterion: str, score: int) -> PeerOutcome:
        """One criterion scored on the form (the same choice again changes nothing)."""
        found, _ = await self._form(who, session_id)
        try:
            chosen = Criterion(criterion)
        except ValueError:
            raise PeerError(FORM_OUT_OF_DATE) from None
        if score not in SCORES:
            raise PeerError("Scores run from 1 to 4.")
        out = PeerOutcome(found.platform, found.thread_key or "")
        if found.scored_at is not None:
            out.notes.append((who.user_id, "Your scores are in already."))
            return out
        await self.service.db.run(self.repo.set_score, found.id, chosen.value, score)
        out.notes.append((who.user_id, f"{chosen.label}: {score}/4 noted."))
        return out

    async def submit(self, who: Who, session_id: int) -> PeerOutcome:
        """The form's Submit: both scorecards side by side for the candidate, the agreement for
        the interviewer, points for both. A replayed press acts once."""
        found, card = await self._form(who, session_id)
        out = PeerOutcome(found.platform, found.thread_key or "")
        missing = [c.label for c in Criterion if c.value not in found.scores]
        if found.scored_at is None and missing:
            raise PeerError(f"Score every criterion first; still open: {', '.join(missing)}.")
        human = {Criterion(k): v for k, v in found.scores.items()}
        if self.award is not None and found.scored_at is None:
            # Before the claim: an award that fails is made by the next press (stored once,
            # keyed by the session), instead of being lost behind a claimed Submit.
            await self.service.db.run(self.award, self._entry(found, card, human))
        now = self.service.clock()
        if not await self.service.db.run(self.repo.claim_scored, found.id, now):
            return out  # submitted before: said once
        out.notes.append(
            (
                found.candidate,
                candidate_view(card, human, "your interviewer")
                + f"\nThe AI's full card, with quotes: `{self.cmd} history`; the whole mock "
                f"annotated, both scores side by side: `{self.cmd} review`.",
            )
        )
        out.notes.append((found.interviewer, interviewer_view(card, human)))
        return out

    async def _form(self, who: Who, session_id: int) -> tuple[SessionInfo, Scorecard]:
        """The session and its AI card, for its interviewer only, once graded."""
        found = await self.service.db.run(self.repo.load, session_id)
        if found is None or found.platform != who.platform:
            raise PeerError(FORM_OUT_OF_DATE)
        if who.user_id != found.interviewer:
            raise PeerError(ONLY_INTERVIEWER)
        stored = None
        if found.interview_id is not None:
            stored = await self.service.db.run(self.service.repo.load, found.interview_id)
        if stored is None or stored.scorecard is None:
            raise PeerError("The AI has not graded this session yet: score it once it ends.")
        return found, stored.scorecard

    def _entry(
        self, found: SessionInfo, card: Scorecard, human: dict[Criterion, int]
    ) -> LedgerEntry:
        """The interviewer's points: for running the session, as well as their scoring agrees
        with the AI's (1 + 3 x the share of criteria scored the same)."""
        both = sides(card, human)
        calibrated = 1 + 3 * sum(s.agreed for s in both) / len(both)
        now = self.service.clock()
        return LedgerEntry(
            platform=found.platform,
            workspace="",
            user_id=found.interviewer,
            source_kind="peer",
            source_id=f"peer:{found.id}:interviewer",
            question_id=found.question_id,
            overall=calibrated,
            points=0,
            local_day=now.astimezone(UTC).date(),
            zone="UTC",
            criteria={},
            created_at=now,
        )
