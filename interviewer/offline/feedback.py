"""What the offline scorer advises: only what the evidence does not already show, fitted to the
problem's kind (a classic problem is never told to practise GPU sizing)."""

from __future__ import annotations

import re
from collections.abc import Collection, Sequence
from dataclasses import dataclass

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
# ai_infrastructure on a problem with no model: the data and compute infrastructure it has,
# in words that fit any such problem (a crawler has no request path and no analytics fan-out).
CLASSIC_INFRA: _Needs = _n(
    ("queues and async workers for the slow work", "message-queue async-processing"),
    ("batch or stream jobs that process the data", "batch-vs-stream data-processing"),
    ("storage tiers and how data moves between them", "object-storage precomputation"),
)


@dataclass(frozen=True)
class ProblemPoint:
    """One of the problem's expected points as advice: for each concept its words name, the
    part of those words that names it ("DNS caching" of "Distributed fetchers with DNS caching
    and politeness delays")."""

    parts: dict[str, str]


def needs(
    c: Criterion,
    classic: bool,
    shown: Collection[str],
    relevant: Collection[str] | None = None,
    points: Sequence[ProblemPoint] = (),
    named: Collection[str] = (),
) -> str | None:
    """The parts of a criterion's advice the evidence does not already show and, when the
    problem's `relevant` concepts are given, that apply to this problem; or None.

    The problem's own points lead: a piece whose concept one of the problem's points names is
    said in that point's words ("DNS caching" on a web crawler, not "caching of hot reads"),
    and left to the card's "you named X without saying why" when the candidate named it
    (`named`); a piece only the problem's prompt or questions make relevant keeps its general
    words."""
    pieces = CLASSIC_INFRA if classic and c is _C.AI_INFRASTRUCTURE else NEEDS[c]
    if c is _C.TRADEOFFS:
        points = ()  # "X instead of Y because Z, at the cost of W" fits every problem as it is
    if relevant is not None:
        pieces = tuple((text, ids) for text, ids in pieces if ids & set(relevant))
    left: list[str] = []
    for text, ids in pieces:
        if ids & set(shown):
            continue
        own = [part for p in points for k, part in p.parts.items() if k in ids]
        if own and ids & set(named):
            continue
        if own and not any(own):
            continue  # the problem names it only in words that make no advice: none
        said = _lower_first(next(x for x in own if x)) if own else text
        if said not in left:
            left.append(said)
    if not left:
        return None
    return left[0] if len(left) == 1 else f"{', '.join(left[:-1])} and {left[-1]}"


_PART_SPLIT = re.compile(
    r"\s*(?:[,;:()]|\b(?:and|with|that|which|plus|by|so|versus|or|then|before|after)\b)\s*",
    re.IGNORECASE,
)


# Verbs the problems' points open a part with ("Authenticates callers, rate-limits per key,
# filters abusive prompts"): advice says them as what to practise ("filtering abusive
# prompts"). Only verbs that are never the plural noun a point starts with.
_VERBS = frozenset(
    [
        "adapt",
        "add",
        "apply",
        "audit",
        "authenticate",
        "avoid",
        "block",
        "cache",
        "calibrate",
        "cancel",
        "check",
        "choose",
        "compute",
        "control",
        "cut",
        "decide",
        "defend",
        "detect",
        "disable",
        "distribute",
        "embed",
        "encrypt",
        "enforce",
        "escalate",
        "estimate",
        "evaluate",
        "expand",
        "filter",
        "guard",
        "handle",
        "isolate",
        "keep",
        "manage",
        "maximise",
        "moderate",
        "monitor",
        "obey",
        "parse",
        "pin",
        "place",
        "prevent",
        "prioritise",
        "protect",
        "rate-limit",
        "record",
        "redact",
        "remove",
        "replicate",
        "reserve",
        "respect",
        "restrict",
        "reuse",
        "route",
        "scan",
        "schedule",
        "separate",
        "serve",
        "shard",
        "sign",
        "size",
        "split",
        "stop",
        "strip",
        "track",
        "use",
        "validate",
        "write",
    ]
)
_DOUBLED = re.compile(r"^[^aeiou]*[aeiou][bdgmnpt]$")  # one syllable ending vowel-consonant


def _gerund(part: str) -> str:
    """'filters abusive prompts' -> 'filtering abusive prompts'; other parts as they are."""
    head, _, rest = part.partition(" ")
    low = head.lower()
    stem = next((x for x in (low[:-1], low[:-2]) if x in _VERBS), "")  # "caches", "pushes"
    if not low.endswith("s") or not stem:
        return part
    if stem.endswith("e") and not stem.endswith("ee"):
        stem = stem[:-1]
    elif _DOUBLED.match(stem):
        stem += stem[-1]
    return f"{stem}ing {rest}".strip()


def point_parts(text: str, found: Sequence[tuple[str, int]]) -> dict[str, str]:
    """For each (concept, offset of its name in `text`), the words of `text` around it up to
    the nearest comma or joining word; the first part found for a concept is kept."""
    cuts = [0, *(x for m in _PART_SPLIT.finditer(text) for x in (m.start(), m.end())), len(text)]
    spans = [(cuts[i], cuts[i + 1]) for i in range(0, len(cuts) - 1, 2)]
    out: dict[str, str] = {}
    for concept, at in found:
        part = next((text[a:b].strip() for a, b in spans if a <= at < b), "")
        if concept not in out:
            out[concept] = _gerund(part.rstrip(".")) if _advisable(part) else ""
    return out


_PREPOSITIONS = frozenset(
    ["over", "in", "on", "at", "from", "to", "for", "of", "into", "across", "within", "per", "via"]
)
_NOUN_ENDS = ("ing", "tion", "sion", "ity", "ency", "ance", "ment", "ness")
_PART_WORDS = 7  # a longer part is a whole clause about something else, not one thing to do
_LEANS_ON = re.compile(r"\b(?:it|its|they|them|their|this|these|those)\b", re.IGNORECASE)


def _advisable(part: str) -> bool:
    """Whether a part of a point's words can stand alone as advice: a short phrase that needs
    nothing around it ("DNS caching", "filters abusive prompts"); not a lone product name
    ("Redis"), a whole clause ("A scoring service called synchronously from the
    authorisation path") or words that lean on the rest of the point ("makes writing them
    asynchronous")."""
    words = part.split()
    if not words or len(words) > _PART_WORDS or words[0] in ("A", "An", "The"):
        return False
    if words[0].lower() in _PREPOSITIONS:
        return False  # "over sharded files in object storage" hangs off the words before it
    if len(words) == 1 and not (part.islower() and part.endswith(_NOUN_ENDS)):
        return False  # "authentication" and "batching" advise; "Redis" or "asynchronous" not
    return _LEANS_ON.search(part) is None


def _lower_first(text: str) -> str:
    """A point's words inside a sentence: "Distributed fetchers" -> "distributed fetchers"
    ("GPU sizing" keeps its capitals)."""
    head = text.split(" ", 1)[0]
    return (
        text
        if head.isupper() or len(head) < 2 or head[1].isupper()
        else text[:1].lower() + text[1:]
    )
