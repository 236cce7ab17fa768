"""What the offline scorer read from a transcript, shared by its criteria and pitfalls."""

from __future__ import annotations

import re
from dataclasses import dataclass

from interviewer.bank import Concept, ExpectedPoint
from interviewer.core.rubric import Criterion
from interviewer.core.stages import Stage
from interviewer.offline.analysis import CandidateText, ConceptHit

# Concepts that state a requirement rather than design something.
REQUIREMENT_TALK = {"latency-budget", "capacity-estimate", "availability-target", "throughput"}
# Below this share of design sentences with a reason, an answer is a list of names (salad or
# padding): no criterion rises above "partial".
SUBSTANCE_FLOOR = 0.2


@dataclass(frozen=True)
class Point:
    """An expected point of the problem, how to spot it and the criteria it counts for."""

    stage: Stage
    point: ExpectedPoint
    patterns: tuple[re.Pattern[str], ...]  # its keywords, and the lexicon concept it names
    criteria: frozenset[Criterion]
    head: str | None  # that concept's id


@dataclass(frozen=True)
class Facts:
    """What the grader read from one transcript."""

    text: CandidateText
    hits: list[ConceptHit]
    points: tuple[Point, ...]
    covered: dict[str, list[int]]  # expected point id -> sentences that cover it
    clarifying: list[int]
    adapted: list[bool]
    classic: bool  # no model in the problem: ai_infrastructure means data and compute infra
    asks_first: bool  # the format has a clarify stage (or an opening that invites questions)
    quoted: dict[int, int]  # sentence -> how many criteria quote it already
    # Turns (transcript indices) where the interviewer hinted in the clarify stage.
    clarify_hints: tuple[int, ...] = ()
    # Sentences that make a wrong claim: evidence for nothing (hits already leave them out).
    wrong: frozenset[int] = frozenset()
    # Sentences said to the interviewer, not about the design (acts.aside): a wish to go deep,
    # "I don't know", off topic, about the interview. Evidence for no design criterion.
    asides: frozenset[int] = frozenset()

    @property
    def void(self) -> frozenset[int]:
        """The sentences that are evidence for no design criterion: wrong claims and asides."""
        return self.wrong | self.asides

    @property
    def thin(self) -> bool:
        """Whether the design is mostly names with no mechanism (keyword salad, padding)."""
        design = {h.sentence for h in self.hits if Criterion.CLARITY not in h.concept.criteria}
        explained = {h.sentence for h in self.hits if h.explained}
        return len(design) >= 5 and len(explained & design) < SUBSTANCE_FLOOR * len(design)

    def criteria_of(self, concept: Concept) -> list[Criterion]:
        """The concept's criteria; on a classic problem its infrastructure counts as AI infra."""
        if self.classic and concept.infrastructure:
            return [*concept.criteria, Criterion.AI_INFRASTRUCTURE]
        return concept.criteria

    def shown(self) -> set[str]:
        """The concepts explained anywhere."""
        return {h.concept.id for h in self.hits if h.explained}

    def missed(self, c: Criterion) -> list[str]:
        """The expected points for a criterion that the candidate never reached."""
        return [
            p.point.point for p in self.points if c in p.criteria and not self.covered[p.point.id]
        ]


def label(item_id: str) -> str:
    """An id as words."""
    return item_id.replace("-", " ")


# Ids whose words a person would put otherwise on a scorecard ("pii privacy" reads as no one
# writes); every other id reads as its words, with its acronyms in capitals.
_WORDS = {
    "pii-privacy": "PII handling",
    "api-keys-secrets": "API keys and secrets",
    "compliance-deletion": "compliance and deletion",
    "explicit-tradeoff": "an explicit trade-off",
    "alternative-chosen": "the alternative set aside",
    "cost-awareness": "cost",
    "gpu-accelerators": "GPUs",
    "cdn-edge": "a CDN",
    "retries-backoff": "retries with backoff",
    "consensus-durability": "consensus",
    "embeddings-vector-index": "embeddings and a vector index",
    "drift-retraining": "drift and retraining",
    "training-serving-skew": "training-serving skew",
    "managed-vs-build": "managed versus built",
    "security-privacy": "security and privacy",
}
_ACRONYMS = frozenset(
    [
        "api",
        "apis",
        "sdk",
        "pii",
        "gpu",
        "gpus",
        "kv",
        "cdn",
        "dns",
        "sql",
        "nosql",
        "llm",
        "llms",
        "ttl",
        "tls",
        "qps",
        "rps",
        "id",
        "ids",
        "url",
        "urls",
        "gdpr",
        "s3",
        "etl",
        "ui",
        "slo",
        "slos",
        "sla",
        "p99",
        "rbac",
        "acl",
        "acls",
        "jwt",
    ]
)


def readable(item_id: str) -> str:
    """An id as the words a person would write on a scorecard: "pii-privacy" is "PII handling",
    "sdk-vs-proxy" is "SDK vs proxy"."""
    if item_id in _WORDS:
        return _WORDS[item_id]
    out = []
    for w in item_id.split("-"):
        if w == "nosql":
            out.append("NoSQL")
        elif w == "tradeoff":
            out.append("trade-off")
        else:
            out.append(w.upper() if w in _ACRONYMS else w)
    return " ".join(out)


def join_words(words: list[str], last: str = "and") -> str:
    """'a, b and c'."""
    return words[0] if len(words) == 1 else f"{', '.join(words[:-1])} {last} {words[-1]}"
