"""What a diagram costs per answer: reading, typing and analysing one at the size limit, its
text layout, and its PNG; prints the figures.

Run: uv run python -m bench.diagrams
"""

from __future__ import annotations

import random
import statistics
import time
from collections.abc import Callable

from bot.chat.diagram import diagram_png
from interviewer.bank import load_bank
from interviewer.diagrams.analysis import findings
from interviewer.diagrams.extract import extract
from interviewer.diagrams.graph import Graph
from interviewer.diagrams.kinds import type_graph
from interviewer.diagrams.view import DiagramView

KINDS = ["gateway", "load balancer", "router", "cache", "postgres", "gpu pool", "kafka queue", "s3"]


def biggest(seed: int = 1) -> str:
    """An arrow list at the limits: 40 boxes, 80 arrows, every box on some path."""
    rng = random.Random(seed)
    names = ["client"] + [f"{KINDS[i % len(KINDS)]} {i}" for i in range(1, 40)]
    edges = {(names[i], names[i + 1]) for i in range(39)}
    while len(edges) < 80:
        a, b = sorted(rng.sample(range(40), 2))
        edges.add((names[a], names[b]))
    return "\n".join(f"{a} -> {b}" for a, b in sorted(edges))


def timed(what: str, fn: Callable[[], object], runs: int) -> None:
    """Print the median and the worst of `runs` calls, in milliseconds."""
    samples = []
    for _ in range(runs):
        started = time.perf_counter()
        fn()
        samples.append((time.perf_counter() - started) * 1000)
    print(f"{what:<48} median {statistics.median(samples):7.2f} ms   max {max(samples):7.2f} ms")


def main() -> None:
    """Print the figures."""
    bank = load_bank()
    concepts = bank.concept_patterns
    text = "Here is my design.\n" + biggest()
    found = extract(text)
    assert found.graph is not None and len(found.graph.nodes) == 40
    graph: Graph = type_graph(found.graph, concepts)
    prose = "The gateway checks keys. The cache keeps hot prompts. Postgres has a standby."
    view = DiagramView(1, graph)
    print("a diagram at the limits: 40 components, 80 arrows")
    timed("extract + parse (answer text to graph)", lambda: extract(text), 200)
    timed("type through the concept lexicon", lambda: type_graph(found.graph, concepts), 200)
    timed("findings (SPOF, loose, unreplicated, unexplained)", lambda: findings(graph, prose), 200)
    timed("text layout", lambda: view.text, 200)
    diagram_png(view)  # the first draw loads matplotlib and its fonts
    timed("PNG (matplotlib, in the worker thread on Slack)", lambda: diagram_png(view), 10)


if __name__ == "__main__":
    main()
