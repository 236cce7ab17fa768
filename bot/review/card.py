"""The review page in chat, the same on Slack and Discord: the scorecard's Review link (or the
line saying how to get the page), and `/mockroom review [N]`."""

from __future__ import annotations

from dataclasses import dataclass

from bot.review.links import PageRef
from bot.review.page import Source
from bot.review.pages import ReviewPages, drill_ref, interview_ref
from interviewer.history import History
from interviewer.ports import HistoryEntry
from interviewer.privacy.service import ExportFile
from interviewer.replies import InterviewError, Who

REVIEW_LABEL = "Review"


@dataclass(frozen=True)
class CardReview:
    """What a scorecard carries: a link button (url) or a line saying how to get the page."""

    url: str | None
    text: str


def card_review(
    pages: ReviewPages | None,
    page_id: int,
    private: bool,
    cmd: str = "/mockroom",
    *,
    drill: bool = False,
) -> CardReview | None:
    """The scorecard's review link: on a private card when links are served; otherwise how to
    get the page (a thread's card is public, so its link is sent to the candidate alone)."""
    if pages is None:
        return None
    links = pages.links
    if links is not None and links.public_url is not None:
        if not private:
            return CardReview(
                None,
                f"The annotated review page is private to the candidate: `{cmd} review` sends "
                "them its link.",
            )
        ref = _ref(pages, page_id, drill)
        if ref is not None:
            days = links.max_age.days
            text = f"Review this interview, annotated (the link works {days} days)"
            return CardReview(links.url(ref), text)
    return CardReview(
        None, f"`{cmd} review` sends you this interview as an annotated page (an HTML file)."
    )


def _ref(pages: ReviewPages, page_id: int, drill: bool) -> PageRef | None:
    """The reference of an interview's or a drill answer's page (None: there is none)."""
    if drill:
        found = pages.reads.drill_page(page_id)
        return drill_ref(found) if found is not None else None
    stored = pages.repo.load(page_id)
    return interview_ref(stored) if stored is not None else None


@dataclass(frozen=True)
class ReviewAnswer:
    """What `review [N]` answers privately: a link, or the page as a file."""

    text: str
    file: ExportFile | None = None
    shared: str | None = None  # posted for everyone where the command was typed (`share`)


NOTHING_SCORED = "Nothing of yours has been scored yet: finish an interview first."


def past_page(
    pages: ReviewPages,
    history: History,
    who: Who,
    number: int | None,
    nothing: str = NOTHING_SCORED,
) -> tuple[int, HistoryEntry, tuple[PageRef, Source]]:
    """The member's scorecard N (default: their latest scored one), its history entry and its
    page; InterviewError (`nothing` when nothing is scored) when there is none. Chat's
    `review` and the terminal's read it the same way."""
    if number is None:
        scored = [e for e in history.entries(who, limit=10_000) if e.overall is not None]
        if not scored:
            raise InterviewError(nothing)
        number = scored[0].number
    entry = history.open(who, number).entry  # the member's own numbering: never another's
    page = pages.page(entry.interview_id, entry.kind == "drill")
    if page is None:
        raise InterviewError(f"Number {number} has no review page.")
    return number, entry, page


def review_command(
    pages: ReviewPages, history: History, who: Who, number: int | None, *, share: bool = False
) -> ReviewAnswer:
    """`review [N] [share]`: the member's review page N (default: their latest scored one),
    privately; `share` also gives the link to post where the command was typed."""
    number, entry, (ref, source) = past_page(pages, history, who, number)
    links = pages.links
    if share and (links is None or links.public_url is None):
        raise InterviewError(
            "Sharing needs the review server, which is not set up here: `review` sends you the "
            "page as a file, which you can pass on."
        )
    if links is not None and links.public_url is not None:
        until = links.expires().strftime("%Y-%m-%d")
        if share:
            name = who.display_name or "A member"
            return ReviewAnswer(
                f"The link to your review page for number {number} is posted here; anyone "
                f"holding it can read the page until {until}.",
                shared=f"{name} shares the review of their {entry.question_id} interview: "
                f"{links.url(ref)}",
            )
        return ReviewAnswer(
            f"Your review page for number {number} ({entry.question_id}): {links.url(ref)}\n"
            f"Anyone holding this link can read the page until {until}: share it only if you "
            "want to."
        )
    html = pages.html(source).encode("utf-8")
    name = f"mockroom-review-{number}-{entry.question_id}.html"
    return ReviewAnswer(
        f"Your review page for number {number} ({entry.question_id}): open the file in a browser.",
        ExportFile(name, html, f"Your review page for number {number}: open it in a browser."),
    )
