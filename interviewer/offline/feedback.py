"""What the offline scorer advises: only what the evidence does not already show, fitted to the
problem's kind (a classic problem is never told to practise GPU sizing)."""

from __future__ import annotations

from collections.abc import Collection

from interviewer.core.rubric import Criterion

_C = Criterion
# Each criterion's advice, piece by piece, with the concepts that show a piece is already done.
_Needs = tuple[tuple[str, frozenset[str]], ...]


def _n(*pieces: tuple[str, str]) -> _Needs:
    return tuple((text, frozenset(ids.split())) for text, ids in pieces)


NEEDS: dict[Criterion, _Needs] = {
    _C.SCALABILITY: _n(
        ("a back-of-the-envelope estimate (QPS, storage, machines)", "capacity-estimate"),
        ("stateless tiers that scale out", "horizontal-scaling microservices"),
        ("sharding with a stated key", "sharding consistent-hashing"),
        ("caching of hot reads", "caching cdn-edge read-replicas"),
        ("autoscaling on a named signal", "autoscaling"),
    ),
    _C.RELIABILITY: _n(
        ("replicas of every stateful box", "replication"),
        ("failover when one dies", "failover multi-region"),
        ("retries with backoff and timeouts", "retries-backoff timeouts circuit-breaker"),
        ("a region outage", "multi-region disaster-recovery"),
        ("monitoring that pages on symptoms", "monitoring"),
    ),
    _C.PERFORMANCE: _n(
        ("a latency budget split across the request path (p99 per hop)", "latency-budget"),
        ("what you cache", "caching precomputation kv-cache"),
        ("what you batch or stream", "request-batching streaming-responses async-processing"),
    ),
    _C.AI_INFRASTRUCTURE: _n(
        ("GPU sizing and batching", "gpu-accelerators request-batching model-server"),
        ("versioned models", "model-versioning"),
        ("canary or shadow rollout with rollback", "safe-rollout"),
        ("evaluation before release", "model-evaluation"),
        ("training and data pipelines", "data-processing drift-retraining data-parallelism"),
    ),
    _C.SECURITY_PRIVACY: _n(
        ("authentication", "authentication api-keys-secrets"),
        ("authorization per user or tenant", "authorization"),
        ("encryption in transit", "encryption-in-transit"),
        ("encryption at rest", "encryption-at-rest"),
        ("rate limits", "rate-limiting"),
        ("PII handling and deletion", "pii-privacy compliance-deletion"),
        ("abuse filtering", "content-safety"),
    ),
    _C.TRADEOFFS: _n(
        ("each big choice as 'X instead of Y because Z, at the cost of W'", "alternative-chosen"),
        ("what each choice costs you", "explicit-tradeoff cost-awareness"),
        (
            "the classic tensions: SQL vs NoSQL, consistency vs availability, batch vs stream",
            "consistency-vs-availability database-choice batch-vs-stream",
        ),
    ),
    _C.CLARITY: _n(
        ("three or four clarifying questions first (users, scale, latency, scope)", "-"),
        ("an announced plan", "plan-announced"),
        ("a closing summary", "summary"),
    ),
}
# ai_infrastructure on a problem with no model: the data and compute infrastructure it has.
CLASSIC_INFRA: _Needs = _n(
    ("queues and async workers off the request path", "message-queue async-processing"),
    ("batch or stream jobs for analytics and fan-out", "batch-vs-stream data-processing"),
    ("storage tiers and how data moves between them", "object-storage precomputation"),
)


def needs(
    c: Criterion,
    classic: bool,
    shown: Collection[str],
    relevant: Collection[str] | None = None,
) -> str | None:
    """The parts of a criterion's advice the evidence does not already show and, when the
    problem's `relevant` concepts are given, that apply to this problem; or None."""
    pieces = CLASSIC_INFRA if classic and c is _C.AI_INFRASTRUCTURE else NEEDS[c]
    if relevant is not None:
        pieces = tuple((text, ids) for text, ids in pieces if ids & set(relevant))
    left = [text for text, ids in pieces if not ids & set(shown)]
    if not left:
        return None
    return left[0] if len(left) == 1 else f"{', '.join(left[:-1])} and {left[-1]}"
