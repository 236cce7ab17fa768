"""Which row each box takes inside its layer: a band of rows per subgraph, so a subgraph's
frame spans only its own rows, and boxes ordered by their neighbours to cut crossings."""

from __future__ import annotations

from dataclasses import dataclass

from interviewer.diagrams.graph import Graph


@dataclass(frozen=True)
class Rows:
    """Each box's row and, per row, the subgraph whose band it belongs to (None: no subgraph)."""

    row_of: dict[str, int]
    band_of_row: tuple[str | None, ...]

    def band_rows(self, band: str | None) -> range:
        """The rows of one band (contiguous)."""
        rows = [r for r, b in enumerate(self.band_of_row) if b == band]
        return range(rows[0], rows[-1] + 1) if rows else range(0)


def tighten(graph: Graph, columns: list[list[str]]) -> list[list[str]]:
    """The layers with each box nothing points to moved up to just before its first target,
    so its arrows do not skip layers, and each box with no arrows at all put in the layer
    where its subgraph has the fewest boxes, so it does not make the band taller."""
    layer_of = {n: k for k, column in enumerate(columns) for n in column}
    for node in graph.nodes:
        after, before = graph.successors(node.id), graph.predecessors(node.id)
        if after and not before and node.id not in after:
            layer_of[node.id] = max(layer_of[node.id], min(layer_of[t] for t in after) - 1)
    for node in graph.nodes:
        if not graph.successors(node.id) and not graph.predecessors(node.id):
            count = [0] * len(columns)
            for other in graph.nodes:
                if other.group == node.group and other.id != node.id:
                    count[layer_of[other.id]] += 1
            layer_of[node.id] = min(range(len(columns)), key=lambda k: count[k])
    out: list[list[str]] = [[] for _ in columns]
    for node in graph.nodes:
        out[layer_of[node.id]].append(node.id)
    return [column for column in out if column]


def place_rows(graph: Graph, columns: list[list[str]]) -> Rows:
    """Rows for the boxes of each layer: each band as high as its fullest layer, boxes within
    a band ordered by the barycentre of their neighbours in the layers already placed."""
    groups = list(dict.fromkeys(n.group for n in graph.nodes if n.group))
    # The boxes in no subgraph (often the clients and shared stores) go between the groups.
    half = len(groups) // 2
    bands = (
        [*groups[:half], None, *groups[half:]] if any(not n.group for n in graph.nodes) else groups
    )
    layer_of = {node_id: k for k, column in enumerate(columns) for node_id in column}
    members = {
        (band, k): [n for n in column if graph.node(n).group == band]
        for band in bands
        for k, column in enumerate(columns)
    }
    height = {b: max((len(members[b, k]) for k in range(len(columns))), default=0) for b in bands}
    offset: dict[str | None, int] = {}
    start = 0
    for band in bands:
        offset[band] = start
        start += height[band]
    neighbours: dict[str, set[str]] = {n.id: set() for n in graph.nodes}
    for e in graph.edges:
        if e.source != e.target:
            neighbours[e.source].add(e.target)
            neighbours[e.target].add(e.source)
    row_of: dict[str, int] = {}
    for (band, _), ids in members.items():
        first = offset[band] + (height[band] - len(ids)) // 2
        row_of.update({node_id: first + i for i, node_id in enumerate(ids)})
    order = list(range(len(columns)))
    for sweep, forward in ((order, True), (order[::-1], False), (order, True)):
        for k in sweep:
            for band in bands:
                ids = members[band, k]
                if not ids:
                    continue
                wanted = {n: _barycentre(n, neighbours, layer_of, row_of, k, forward) for n in ids}
                ids.sort(key=lambda n: wanted[n])
                _assign(ids, wanted, offset[band], height[band], row_of)
    band_of_row = tuple(band for band in bands for _ in range(height[band]))
    return Rows(row_of, band_of_row)


def _barycentre(
    node_id: str,
    neighbours: dict[str, set[str]],
    layer_of: dict[str, int],
    row_of: dict[str, int],
    layer: int,
    forward: bool,
) -> float:
    """The mean row of the node's neighbours in earlier (or later) layers; its own row if none."""
    near = [
        row_of[n]
        for n in neighbours[node_id]
        if (layer_of[n] < layer if forward else layer_of[n] > layer)
    ]
    return sum(near) / len(near) if near else float(row_of[node_id])


def _assign(
    ids: list[str], wanted: dict[str, float], first: int, height: int, row_of: dict[str, int]
) -> None:
    """Give the ordered boxes distinct rows of the band, each as near its wanted row as the
    order and the band allow."""
    previous = first - 1
    for i, node_id in enumerate(ids):
        low = max(previous + 1, first + i)
        high = first + height - len(ids) + i
        row = min(max(round(wanted[node_id]), low), high)
        row_of[node_id] = row
        previous = row
