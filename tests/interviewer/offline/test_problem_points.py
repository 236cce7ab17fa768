"""The problem leads the score: its own expected points, explained with reasons, decide a 4."""

from __future__ import annotations

from interviewer.bank import QuestionBank
from interviewer.core.rubric import Criterion
from interviewer.core.stages import Stage
from interviewer.core.transcript import Transcript
from interviewer.offline.scorer import OfflineGrader
from tests.interviewer.offline.transcripts import build, candidate, interviewer

RANGE_WHY = (
    "Each server takes a range of 1 million counter values from a coordinator, so two servers "
    "never hand out the same code and collisions cannot happen."
)
RANGE_BARE = "Each server takes its own range of counter values."


def _shortener(ranges: str) -> Transcript:
    """A scalable URL-shortener design whose code ranges are explained, or only named."""
    return build(
        "url-shortener",
        interviewer(Stage.CLARIFY, "Design a URL shortener."),
        candidate(
            Stage.CLARIFY,
            "How many links are created and followed per second? How long do they live?",
        ),
        interviewer(Stage.HIGH_LEVEL, "Walk me through the design."),
        candidate(
            Stage.HIGH_LEVEL,
            "A Redis cache in front of the database holds the hottest links, because 20% of "
            "links take 80% of the 20k redirects per second. Stateless web servers behind a load "
            "balancer scale out horizontally, since any server can answer any redirect.",
        ),
        interviewer(Stage.DEEP_DIVE, "How do you make codes unique and handle the peak?"),
        candidate(
            Stage.DEEP_DIVE,
            f"{ranges} We shard the mapping by short code across 8 shards with 2 read replicas "
            "each, so each shard serves about 2.5k reads per second.",
        ),
        interviewer(Stage.TRADEOFFS, "Which redirect status would you return?"),
        candidate(
            Stage.TRADEOFFS,
            "We return a 302 rather than a 301, because a 301 is cached by browsers and we "
            "would lose every click for analytics.",
        ),
    )


def test_a_four_needs_every_point_the_problem_expects_explained(
    grader: OfflineGrader, bank: QuestionBank
) -> None:
    problem = bank.problem("url-shortener")
    s = Criterion.SCALABILITY
    explained = grader.score(_shortener(RANGE_WHY), problem).criteria[s]
    named = grader.score(_shortener(RANGE_BARE), problem).criteria[s]
    assert explained.score == 4
    assert named.score == 3  # the same breadth, but the collision point has no reason
    assert "A 4 needs this problem's points explained with a reason" in named.feedback
    assert "collisions" in named.feedback.lower()


def _typeahead(security: str) -> Transcript:
    """A typeahead design whose security answer is `security`."""
    return build(
        "typeahead",
        interviewer(Stage.CLARIFY, "Design search autocomplete."),
        candidate(Stage.CLARIFY, "How many searches a second at peak, and how fast must it be?"),
        interviewer(Stage.HIGH_LEVEL, "Walk me through the design."),
        candidate(
            Stage.HIGH_LEVEL,
            "Suggestion servers hold a prefix trie in memory, because a lookup must take under "
            "20 ms at 200k requests per second.",
        ),
        interviewer(Stage.DEEP_DIVE, "What about abuse and privacy?"),
        candidate(Stage.DEEP_DIVE, security),
    )


MECHANISMS = (
    "Every completion passes a final filter against the offensive and blocked terms list on "
    "each server before it is returned. Search logs are anonymised by a nightly job that drops "
    "user ids from every stored query record. The edge rate-limits abusive clients per IP "
    "address and per session with a token bucket in each region."
)
NAMES = (
    "We filter offensive completions. Search logs are anonymised. We rate-limit abusive clients."
)


def test_security_parts_are_met_by_stated_mechanisms_not_by_names(
    grader: OfflineGrader, bank: QuestionBank
) -> None:
    """Each part of the problem's security point met by a whole sentence that says how, with
    no "because", earns the 4; the same parts as three slogans do not."""
    problem = bank.problem("typeahead")
    sec = Criterion.SECURITY_PRIVACY
    stated = grader.score(_typeahead(MECHANISMS), problem).criteria[sec]
    named = grader.score(_typeahead(NAMES), problem).criteria[sec]
    assert stated.score == 4
    assert "You met 3 of the 3 parts" in stated.feedback
    assert named.score <= 2
