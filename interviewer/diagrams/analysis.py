"""What an interviewer asks about a design: single points of failure on the request path,
components nothing connects to, stores with no replication said, boxes never explained,
and a design that still has one region.
"""

from __future__ import annotations

import re
from collections import deque
from dataclasses import dataclass

from interviewer.core.text import sentences
from interviewer.diagrams.graph import Graph, Node
from interviewer.diagrams.kinds import STORES

# A label that already says there is more than one of it.
_REDUNDANT = re.compile(
    r"\b(?:pool|cluster|fleet|replicas?|replicated|nodes|servers|workers|instances|shards"
    r"|sharded|group|farm|ha|multi[- ]?\w+|autoscal\w*|\d+\s*x|x\s*\d+|×\s*\d+|\d+\s*×)\b"
    r"|\(\s*\d+\s*\)|\bn\b",
    re.IGNORECASE,
)
REPLICATION = re.compile(
    r"\b(?:replica\w*|replicat\w*|standby|follower|quorum|raft|paxos|redundan\w*|mirror\w*"
    r"|multi[- ]?(?:az|zone|region)|failover|fail over|primary)\b",
    re.IGNORECASE,
)
_REGION = re.compile(
    r"\b(?:region|zone|az|dc|data ?cent(?:er|re)|(?:us|eu|ap|asia|sa|ca|me|af)[- ]?"
    r"(?:east|west|north|south|central)[- ]?\d*|us|eu|apac|emea|primary|secondary)\b",
    re.IGNORECASE,
)
_GENERIC = {
    "service",
    "server",
    "the",
    "and",
    "api",
    "layer",
    "tier",
    "system",
    "node",
    "box",
    "pool",
    "cluster",
    "fleet",
    "store",
    "db",
    "servers",
    "nodes",
    "workers",
}


@dataclass(frozen=True)
class Finding:
    """One thing in the diagram worth asking about, with the path that shows it."""

    kind: str  # spof | disconnected | unreplicated | unexplained | one_region
    node: str  # the component's id ("" for the whole design)
    path: tuple[str, ...] = ()

    @property
    def key(self) -> str:
        """Remembered in the interview's asked list, so it is asked once."""
        return f"diagram:{self.kind}:{self.node}"


def entries(graph: Graph) -> list[str]:
    """Where requests come in: the clients, else the boxes nothing points to."""
    clients = [n.id for n in graph.nodes if n.kind == "client" and graph.successors(n.id)]
    if clients:
        return clients
    sources = [n.id for n in graph.nodes if not graph.predecessors(n.id) and graph.successors(n.id)]
    return sources or [n.id for n in graph.nodes if graph.successors(n.id)][:1]


def _bfs(graph: Graph, start: str, without: str | None = None) -> dict[str, str | None]:
    """Each reachable node with the node it was reached from."""
    seen: dict[str, str | None] = {start: None}
    todo = deque([start])
    while todo:
        here = todo.popleft()
        for nxt in graph.successors(here):
            if nxt != without and nxt not in seen:
                seen[nxt] = here
                todo.append(nxt)
    return seen


def _path_to(parents: dict[str, str | None], end: str) -> list[str]:
    path = [end]
    while (prev := parents[path[-1]]) is not None:
        path.append(prev)
    return path[::-1]


def request_path(graph: Graph) -> tuple[str, ...]:
    """The main request path: from the first entry to the farthest box it reaches."""
    starts = entries(graph)
    if not starts:
        return ()
    parents = _bfs(graph, starts[0])
    farthest = max(parents, key=lambda n: (len(_path_to(parents, n)), -list(parents).index(n)))
    return tuple(_path_to(parents, farthest))


def redundant(node: Node, prose: str) -> bool:
    """Whether the label or the candidate's words say there is more than one of a box."""
    if _REDUNDANT.search(node.label):
        return True
    return any(REPLICATION.search(s) for s in mentions(node, prose))


def single_points_of_failure(graph: Graph, prose: str = "") -> list[Finding]:
    """Boxes every request passes through, drawn and described as one of a kind."""
    found: list[Finding] = []
    for start in entries(graph)[:1]:
        reach = _bfs(graph, start)
        sinks = [n for n in reach if n != start and not graph.successors(n)] or [
            n for n in reach if n != start
        ]
        for candidate in reach:
            node = graph.node(candidate)
            if candidate == start or node.kind == "client" or redundant(node, prose):
                continue
            others = [s for s in sinks if s != candidate]
            without = _bfs(graph, start, without=candidate)
            if others and any(s in without for s in others):
                continue
            tail = _bfs(graph, candidate)
            end = max(
                (s for s in sinks if s in tail),
                key=lambda s: len(_path_to(tail, s)),
                default=candidate,
            )
            path = _path_to(reach, candidate) + _path_to(tail, end)[1:]
            found.append(Finding("spof", candidate, tuple(path)))
    return found


def disconnected(graph: Graph) -> list[Finding]:
    """Boxes with no path to them or from them (drawn alone, or apart from the request path)."""
    main = set(request_path(graph))
    linked: set[str] = set()
    todo = list(main)
    while todo:  # the part of the diagram joined to the request path, either way
        here = todo.pop()
        if here in linked:
            continue
        linked.add(here)
        todo += graph.successors(here) + graph.predecessors(here)
    return [Finding("disconnected", n.id) for n in graph.nodes if main and n.id not in linked]


def unreplicated_stores(graph: Graph, prose: str = "") -> list[Finding]:
    """Data stores with no replication drawn or said."""
    out = []
    for node in graph.nodes:
        if node.kind not in STORES or redundant(node, prose):
            continue
        near = [e.label for e in graph.edges if node.id in (e.source, e.target)]
        if any(REPLICATION.search(label) for label in near):
            continue
        starts = [s for s in entries(graph)[:1] if node.id in _bfs(graph, s)]
        path = _path_to(_bfs(graph, starts[0]), node.id) if starts else [node.id]
        out.append(Finding("unreplicated", node.id, tuple(path)))
    return out


def unexplained(graph: Graph, prose: str) -> list[Finding]:
    """Boxes drawn but never mentioned in the candidate's words; unknown kinds first."""
    out = []
    for node in graph.nodes:
        if node.kind == "client" or mentions(node, prose):
            continue
        prev = graph.predecessors(node.id)[:1]
        nxt = graph.successors(node.id)[:1]
        out.append(Finding("unexplained", node.id, (*prev, node.id, *nxt)))
    return sorted(out, key=lambda f: graph.node(f.node).kind != "component")


def regions(graph: Graph) -> set[str]:
    """The regions or data centres the diagram names (in groups or labels)."""
    names = set()
    for text in (*graph.groups, *(n.label for n in graph.nodes)):
        if _REGION.search(text):
            names.add(text.lower())
    return names


def findings(graph: Graph, prose: str) -> list[Finding]:
    """Everything worth asking about, most important first."""
    return [
        *single_points_of_failure(graph, prose),
        *unexplained(graph, prose),
        *disconnected(graph),
        *unreplicated_stores(graph, prose),
    ]


def mentions(node: Node, prose: str) -> list[str]:
    """The sentences of the prose that name a box (its label, or its label's key word)."""
    if not prose:
        return []
    words = [w for w in re.findall(r"\w+", node.label.lower()) if w not in _GENERIC and len(w) > 1]
    if not words:
        words = [node.label.lower()]
    phrase = re.compile(r"\b" + r"\s+".join(map(re.escape, words)) + r"\b", re.IGNORECASE)
    key = re.compile(r"\b" + re.escape(max(words, key=len)) + r"\w*", re.IGNORECASE)
    return [s for s in sentences(prose) if phrase.search(s) or key.search(s)]
