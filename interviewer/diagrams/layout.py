"""Laying a diagram out: layers for the image renderer, and a readable text layout."""

from __future__ import annotations

from interviewer.diagrams.analysis import entries
from interviewer.diagrams.graph import Graph


def layers(graph: Graph) -> list[list[str]]:
    """Nodes in columns: each one a step further from the entries than the arrows before it.

    Arrows that close a cycle are ignored (they would push a node past itself); nodes that
    nothing reaches start a column of their own at the left.
    """
    order = [n.id for n in graph.nodes]
    forward = _forward_edges(graph, entries(graph) + order)
    depth = dict.fromkeys(order, 0)
    indegree = dict.fromkeys(order, 0)
    for _, target in forward:
        indegree[target] += 1
    ready = [n for n in order if indegree[n] == 0]
    while ready:  # longest path over the arrows that close no cycle (Kahn's order)
        here = ready.pop(0)
        for source, target in forward:
            if source == here:
                depth[target] = max(depth[target], depth[here] + 1)
                indegree[target] -= 1
                if indegree[target] == 0:
                    ready.append(target)
    columns: list[list[str]] = [[] for _ in range(max(depth.values(), default=-1) + 1)]
    for node_id in order:
        columns[depth[node_id]].append(node_id)
    return columns


def _forward_edges(graph: Graph, starts: list[str]) -> list[tuple[str, str]]:
    """The arrows left once those that close a cycle (found depth first) are dropped."""
    state: dict[str, int] = {}  # 1: on the current path, 2: done
    back: set[tuple[str, str]] = set()
    for start in starts:
        if start in state:
            continue
        state[start] = 1
        stack = [(start, iter(graph.successors(start)))]
        while stack:
            here, children = stack[-1]
            nxt = next(children, None)
            if nxt is None:
                state[here] = 2
                stack.pop()
            elif state.get(nxt) == 1:
                back.add((here, nxt))
            elif nxt not in state:
                state[nxt] = 1
                stack.append((nxt, iter(graph.successors(nxt))))
    pairs = [(e.source, e.target) for e in graph.edges]
    pairs += [(e.target, e.source) for e in graph.edges if e.both]
    return [p for p in dict.fromkeys(pairs) if p not in back and p[0] != p[1]]


def _name(graph: Graph, node_id: str) -> str:
    node = graph.node(node_id)
    typed = (
        f" · {node.kind}"
        if node.kind != "component" and node.kind.lower() != node.label.lower()
        else ""
    )
    where = f" [{node.group}]" if node.group else ""
    return f"{node.label}{typed}{where}"


def render_text(graph: Graph, title: str = "") -> str:
    """The diagram as an indented tree from its entries, one arrow per line.

    A box reached again is marked `↺` instead of being drawn twice; boxes with no arrows
    are listed at the end, since those are what the interviewer will ask about.
    """
    lines = [title] if title else []
    shown: set[str] = set()

    def walk(node_id: str, prefix: str, label: str, last: bool, top: bool) -> None:
        branch = "" if top else ("└─▶ " if last else "├─▶ ")
        note = f"  ({label})" if label else ""
        if node_id in shown:
            lines.append(f"{prefix}{branch}↺ {graph.label(node_id)}{note}")
            return
        shown.add(node_id)
        lines.append(f"{prefix}{branch}{_name(graph, node_id)}{note}")
        nexts = [(e.target, e.label) for e in graph.edges if e.source == node_id]
        nexts += [(e.source, e.label) for e in graph.edges if e.both and e.target == node_id]
        child_prefix = prefix if top else prefix + ("    " if last else "│   ")
        for i, (nxt, edge_label) in enumerate(nexts):
            walk(nxt, child_prefix, edge_label, i == len(nexts) - 1, False)

    for start in entries(graph) + [n.id for n in graph.nodes if graph.successors(n.id)]:
        if start not in shown:
            walk(start, "", "", True, True)
    alone = [graph.label(n.id) for n in graph.nodes if n.id not in shown]
    if alone:
        lines.append(f"not connected: {', '.join(alone)}")
    return "\n".join(lines)
