"""The diagram image: a PNG laid out in layers along the diagram's direction."""

from __future__ import annotations

from bot.chat.diagram import diagram_png, positions
from interviewer.diagrams.extract import extract
from interviewer.diagrams.view import DiagramView


def view(text: str) -> DiagramView:
    found = extract(text)
    assert found.graph is not None
    return DiagramView(1, found.graph)


def test_left_to_right_and_top_down_layouts() -> None:
    lr = positions(view("client -> gateway -> router\nrouter -> cache\nrouter -> db"))
    assert lr["client"][0] < lr["gateway"][0] < lr["router"][0] < lr["cache"][0]
    assert lr["cache"][0] == lr["db"][0] and lr["cache"][1] != lr["db"][1]
    td = positions(view("```mermaid\ngraph TD\nA --> B --> C\n```"))
    assert td["A"][1] > td["B"][1] > td["C"][1] and td["A"][0] == td["C"][0]


def test_the_image_is_a_png_with_groups_cycles_and_loose_boxes() -> None:
    source = (
        "```mermaid\nflowchart LR\nsubgraph r [us-east]\nA[API]\nend\n"
        "U[Users] --> A -->|write| D[(DB)]\nD --> A\nM[Metrics]\n```"
    )
    png = diagram_png(view(source))
    assert png.startswith(b"\x89PNG") and len(png) > 2000
