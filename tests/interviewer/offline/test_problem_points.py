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
