"""The component graph a diagram describes, its limits and its errors."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field, replace
from typing import Any

ARROW = " → "


class DiagramError(ValueError):
    """A diagram that could not be read; the message names the line and what was expected."""


@dataclass(frozen=True)
class Limits:
    """How big a diagram may be; beyond these it is refused with a clear message."""

    nodes: int = 40
    edges: int = 80
    label_chars: int = 60
    lines: int = 150


DEFAULT_LIMITS = Limits()


@dataclass(frozen=True)
class Node:
    """One component (a box in the diagram)."""

    id: str
    label: str
    group: str | None = None  # the subgraph it was drawn in
    kind: str = "component"  # what the lexicon says it is ("component" when unknown)
    concept: str | None = None  # the lexicon concept that typed it


@dataclass(frozen=True)
class Edge:
    """One arrow between two components."""

    source: str
    target: str
    label: str = ""
    both: bool = False  # drawn with heads at both ends


@dataclass(frozen=True)
class Graph:
    """Components and arrows, in the order they were first drawn."""

    nodes: tuple[Node, ...] = ()
    edges: tuple[Edge, ...] = ()
    groups: tuple[str, ...] = ()
    direction: str = "LR"
    _index: dict[str, Node] = field(default_factory=dict, compare=False, repr=False)
    _out: dict[str, list[str]] = field(default_factory=dict, compare=False, repr=False)
    _in: dict[str, list[str]] = field(default_factory=dict, compare=False, repr=False)

    def __post_init__(self) -> None:
        # Built once: the analysis walks the arrows many times per diagram.
        self._index.update({n.id: n for n in self.nodes})
        for e in self.edges:
            for source, target in (
                (e.source, e.target),
                *([(e.target, e.source)] if e.both else []),
            ):
                out, into = self._out.setdefault(source, []), self._in.setdefault(target, [])
                if target not in out:
                    out.append(target)
                if source not in into:
                    into.append(source)

    def node(self, node_id: str) -> Node:
        """The node with that id."""
        return self._index[node_id]

    def label(self, node_id: str) -> str:
        """A node's label as drawn."""
        return self._index[node_id].label

    def successors(self, node_id: str) -> list[str]:
        """Where arrows from a node lead (both ways counts as both)."""
        return list(self._out.get(node_id, ()))

    def predecessors(self, node_id: str) -> list[str]:
        """Where arrows into a node come from."""
        return list(self._in.get(node_id, ()))

    def path_text(self, path: Iterable[str]) -> str:
        """A path quoted as evidence: `client → gateway → router`."""
        return ARROW.join(self.label(n) for n in path)

    def with_nodes(self, nodes: Iterable[Node]) -> Graph:
        """The same graph with its nodes replaced (typed, say)."""
        return replace(self, nodes=tuple(nodes), _index={}, _out={}, _in={})

    def iter_labels(self) -> Iterator[str]:
        """Every label in the diagram: nodes, arrows and subgraphs."""
        yield from (n.label for n in self.nodes)
        yield from (e.label for e in self.edges if e.label)
        yield from self.groups

    def to_data(self) -> dict[str, Any]:
        """A JSON-ready description (for the LLM, as data)."""
        return {
            "components": [
                {
                    "id": n.id,
                    "label": n.label,
                    "type": n.kind,
                    **({"group": n.group} if n.group else {}),
                }
                for n in self.nodes
            ],
            "arrows": [
                {
                    "from": e.source,
                    "to": e.target,
                    **({"label": e.label} if e.label else {}),
                    **({"both_ways": True} if e.both else {}),
                }
                for e in self.edges
            ],
            "groups": list(self.groups),
        }


class GraphBuilder:
    """Collects nodes and edges while parsing, enforcing the limits as it goes."""

    def __init__(self, limits: Limits = DEFAULT_LIMITS) -> None:
        self.limits = limits
        self.nodes: dict[str, Node] = {}
        self.edges: list[Edge] = []
        self.groups: list[str] = []
        self.direction = "LR"

    def add_node(self, node_id: str, label: str | None, group: str | None, where: str) -> None:
        """Add a node, or give a known one its label (the first label drawn wins)."""
        text = " ".join((label or "").split())
        self._check_label(text or node_id, where)
        known = self.nodes.get(node_id)
        if known is not None:
            if text and known.label == known.id:
                self.nodes[node_id] = replace(known, label=text)
            if group and known.group is None:
                self.nodes[node_id] = replace(self.nodes[node_id], group=group)
            return
        if len(self.nodes) >= self.limits.nodes:
            raise DiagramError(
                f"the diagram has more than {self.limits.nodes} components (the limit); "
                "draw the main request path and group the rest"
            )
        self.nodes[node_id] = Node(node_id, text or node_id, group)

    def add_edge(self, source: str, target: str, label: str, both: bool, where: str) -> None:
        """Add an arrow between two known nodes."""
        text = " ".join(label.split())
        if text:
            self._check_label(text, where)
        edge = Edge(source, target, text, both)
        if edge in self.edges:
            return
        if len(self.edges) >= self.limits.edges:
            raise DiagramError(
                f"the diagram has more than {self.limits.edges} arrows (the limit); "
                "draw the main request path and group the rest"
            )
        self.edges.append(edge)

    def add_group(self, title: str, where: str) -> None:
        """Note a subgraph's title."""
        self._check_label(title, where)
        if title not in self.groups:
            self.groups.append(title)

    def _check_label(self, text: str, where: str) -> None:
        if len(text) > self.limits.label_chars:
            raise DiagramError(
                f"{where}: the label “{text if len(text) <= 24 else text[:23] + '…'}” is {len(text)} characters; "
                f"the limit is {self.limits.label_chars}"
            )

    def build(self) -> Graph:
        """The finished graph."""
        return Graph(
            tuple(self.nodes.values()), tuple(self.edges), tuple(self.groups), self.direction
        )


def merge(graphs: Iterable[Graph], limits: Limits = DEFAULT_LIMITS) -> Graph:
    """Several diagrams of one answer as one graph (same id, same component)."""
    b = GraphBuilder(limits)
    direction = "LR"
    for g in graphs:
        direction = g.direction
        for title in g.groups:
            b.add_group(title, "diagram")
        for n in g.nodes:
            b.add_node(n.id, n.label, n.group, "diagram")
        for e in g.edges:
            b.add_edge(e.source, e.target, e.label, e.both, "diagram")
    b.direction = direction
    return b.build()
