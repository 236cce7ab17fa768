"""Typing a diagram's components through the concept lexicon (prompts/concepts.yaml).

The lexicon is passed in as (concept id, compiled pattern) pairs, so this stays pure; a
component no concept names keeps the kind "component" and its own label.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from interviewer.diagrams.graph import Graph, Node

ConceptPatterns = Sequence[tuple[str, re.Pattern[str]]]

# The lexicon concepts that name a kind of box, and what the box is called.
CONCEPT_KINDS: dict[str, str] = {
    "load-balancer": "load balancer",
    "api-gateway": "gateway",
    "message-queue": "queue",
    "caching": "cache",
    "object-storage": "object store",
    "database-choice": "database",
    "gpu-accelerators": "GPU pool",
    "model-server": "model server",
    "feature-store": "feature store",
    "embeddings-vector-index": "vector index",
    "cdn-edge": "CDN",
    "rate-limiting": "rate limiter",
    "monitoring": "monitoring",
    "authentication": "auth",
    "content-safety": "safety filter",
    "cluster-scheduler": "scheduler",
    "data-processing": "pipeline",
}
# Words for boxes the lexicon has no concept for, checked after it.
_WORD_KINDS: tuple[tuple[str, re.Pattern[str]], ...] = tuple(
    (kind, re.compile(pattern, re.IGNORECASE))
    for kind, pattern in (
        ("client", r"\b(?:clients?|users?|browsers?|mobile|apps?|frontend|web ?ui|callers?)\b"),
        ("database", r"\b(?:db|dbs|database|databases|datastore|rds|sql|store)\b"),
        ("queue", r"\b(?:queue|topic|stream|bus|broker)\b"),
        ("load balancer", r"\b(?:lb|elb|alb|balancer)\b"),
        ("service", r"\b(?:service|server|api|backend|worker|workers)\b"),
    )
)
STORES = frozenset({"database", "object store", "vector index", "feature store"})


def type_node(node: Node, concepts: ConceptPatterns) -> Node:
    """A node with the kind and concept its label names (the earliest match in the label)."""
    text = node.label if node.label != node.id else node.id.replace("_", " ")
    found = [
        (m.start(), i, cid)
        for i, (cid, pattern) in enumerate(concepts)
        if cid in CONCEPT_KINDS and (m := pattern.search(text))
    ]
    if found:
        _, _, cid = min(found)
        return Node(node.id, node.label, node.group, CONCEPT_KINDS[cid], cid)
    for kind, pattern in _WORD_KINDS:
        if pattern.search(text):
            return Node(node.id, node.label, node.group, kind, None)
    return Node(node.id, node.label, node.group)


def type_graph(graph: Graph, concepts: ConceptPatterns) -> Graph:
    """Every node typed through the lexicon; unknown ones kept as they are."""
    return graph.with_nodes(type_node(n, concepts) for n in graph.nodes)
