"""From a page reference to the page: read the interview (or drill answer), check the token's
owner and start against it, gather the earlier cards and a peer's human scores, render."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from pathlib import Path

from sqlalchemy.engine import Engine

from bot.review.links import PageRef, ReviewLinks, stamp_of
from bot.review.page import Source, build_page
from bot.settings import Settings
from interviewer.bank import QuestionBank
from interviewer.core.rubric import Criterion
from interviewer.core.stages import Format, format_spec
from interviewer.core.transcript import Role, Turn
from interviewer.ports import Repository, StoredInterview
from interviewer.references import REFERENCES_DIR, load_reference
from storage.repositories.review import DrillPage, SqlReviewReads


def interview_ref(stored: StoredInterview) -> PageRef:
    """The reference naming an interview's page."""
    return PageRef("i", stored.id, str(stored.user_id), stamp_of(stored.state.started_at))


def drill_ref(drill: DrillPage) -> PageRef:
    """The reference naming a drill answer's page."""
    return PageRef("d", drill.id, f"{drill.platform}:{drill.user_id}", stamp_of(drill.answered_at))


class ReviewPages:
    """Opens review pages by reference; None for anything that is not exactly that page."""

    def __init__(
        self,
        repo: Repository,
        reads: SqlReviewReads,
        bank: QuestionBank,
        links: ReviewLinks | None = None,
        references: Path = REFERENCES_DIR,
    ) -> None:
        self.repo = repo
        self.reads = reads
        self.bank = bank
        self.links = links
        self.references = references

    def source(self, ref: PageRef) -> Source | None:
        """The page's source when the reference names it exactly (owner and start included)."""
        if ref.kind == "d":
            drill = self.reads.drill_page(ref.id)
            if drill is None or drill_ref(drill) != ref:
                return None
            return self._drill(drill)
        stored = self.repo.load(ref.id)
        if stored is None or stored.scorecard is None or interview_ref(stored) != ref:
            return None
        return self.interview_source(stored)

    def page(self, page_id: int, drill: bool) -> tuple[PageRef, Source] | None:
        """An interview's or a drill answer's reference and page source, read once (None:
        it has no page)."""
        if drill:
            found = self.reads.drill_page(page_id)
            return None if found is None else (drill_ref(found), self._drill(found))
        stored = self.repo.load(page_id)
        if stored is None or stored.scorecard is None:
            return None
        return interview_ref(stored), self.interview_source(stored)

    def interview_source(self, stored: StoredInterview) -> Source:
        """An interview's (or peer session's) page source."""
        state = stored.state
        card = stored.scorecard
        assert card is not None  # the callers check
        human = self.reads.human_scores(stored.id) if state.peer else None
        earlier = self.reads.earlier_cards(stored.user_id, stored.id, state.started_at)
        return Source(
            "peer mock" if state.peer else "interview",
            state.question_id,
            state.format,
            state.level,
            state.started_at,
            list(stored.turns),
            card,
            human={c: human[c.value] for c in Criterion if c.value in human} if human else None,
            earlier=[(at.strftime("%d %b"), c) for at, c in earlier],
        )

    def _drill(self, drill: DrillPage) -> Source:
        stage = format_spec(Format.DRILL).order()[0]
        answer = Turn(Role.CANDIDATE, stage, drill.text, at=drill.answered_at)
        return Source(
            "drill answer",
            drill.question_id,
            Format.DRILL,
            drill.scorecard.level,
            drill.answered_at,
            [answer],
            drill.scorecard,
        )

    def html(self, source: Source, expires: str | None = None) -> str:
        """The rendered page (the reference design shown when one is written)."""
        from bot.review.render import render_page  # Jinja2: loaded when a page is first drawn

        reference = load_reference(source.question_id, self.references)
        return render_page(build_page(source, self.bank, reference), expires)

    def open(self, token: str) -> str | None:
        """The page a link's token opens; None for a forged, expired or stale one."""
        if self.links is None:
            return None
        found = self.links.read_with_expiry(token)
        source = None if found is None else self.source(found[0])
        if found is None or source is None:
            return None
        return self.html(source, found[1].strftime("%Y-%m-%d %H:%M UTC"))


def build_pages(
    settings: Settings,
    bank: QuestionBank,
    engine: Engine,
    repo: Repository,
    clock: Callable[[], datetime],
) -> ReviewPages:
    """Review pages over the database; signed links when the settings give a secret."""
    links = None
    if settings.review_secret is not None:
        links = ReviewLinks(
            settings.review_secret.get_secret_value(),
            settings.public_url,
            clock,
            settings.review_link_days,
        )
    return ReviewPages(repo, SqlReviewReads(engine), bank, links)
