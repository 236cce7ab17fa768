"""Questions grounded in the diagram, and curveball answers checked against it."""

from __future__ import annotations

from interviewer.bank import load_bank
from interviewer.core.rubric import Pitfall
from interviewer.core.stages import Format, Stage
from interviewer.core.transcript import Role, Transcript, Turn
from interviewer.diagrams.extract import extract
from interviewer.diagrams.kinds import ConceptPatterns
from interviewer.diagrams.probes import curveball_check, follow_up, next_probe
from interviewer.offline.scorer import OfflineGrader

REGION = "A whole region goes down for six hours. What happens to your service?"
TEN_X = "Traffic grows 10x overnight. What breaks first?"


def said(text: str) -> Turn:
    found = extract(text)
    return Turn(Role.CANDIDATE, Stage.DEEP_DIVE, found.prose, diagram=found.source)


def test_a_regional_curveball_against_a_one_region_diagram(concepts: ConceptPatterns) -> None:
    turns = [said("We fail over.\nusers -> lb pool -> api pool -> db replicas")]
    probe = curveball_check(turns, REGION, concepts)
    assert probe is not None and probe.question.startswith("Your diagram still has one region")
    two = (
        "```mermaid\nflowchart LR\nsubgraph e [us-east]\nA[API pool]\nend\n"
        "subgraph w [eu-west]\nB[API pool 2]\nend\nU[Users] --> A & B\n```"
    )
    assert curveball_check([*turns, said(two)], REGION, concepts) is None


def test_a_load_curveball_points_at_the_single_box_still_on_the_path(
    concepts: ConceptPatterns,
) -> None:
    turns = [said("client -> gateway -> gpu pool")]
    probe = curveball_check(turns, TEN_X, concepts)
    assert probe is not None
    assert "still has a single gateway on the request path `client → gateway → gpu pool`" in (
        probe.question
    )


def test_follow_up_only_grounds_a_fresh_diagram_and_asks_once(concepts: ConceptPatterns) -> None:
    turns = [said("client -> gateway -> gpu pool"), said("Batching happens in the pool.")]
    assert follow_up(turns, [], grounded=True, concepts=concepts) is None  # not fresh
    fresh = turns[:1]
    probe = follow_up(fresh, [], grounded=True, concepts=concepts)
    assert probe is not None and probe.key == "diagram:spof:gateway"
    assert probe.evidence == "client → gateway → gpu pool"
    assert follow_up(fresh, [], grounded=False, concepts=concepts) is None
    later = next_probe(fresh, [probe.key], concepts)
    assert later is not None and later.key != probe.key
    assert next_probe([said("no diagram")], [], concepts) is None


async def test_a_curveball_answered_with_a_redrawn_diagram_is_not_ignored() -> None:
    bank = load_bank()
    curveball = bank.curveballs["region-down"]
    one = "```mermaid\nflowchart LR\nU[Users] --> A[API pool] --> D[(DB replicas)]\n```"
    two = (
        "```mermaid\nflowchart LR\nsubgraph e [us-east]\nA[API pool]\nend\n"
        "subgraph w [eu-west]\nB[API pool 2]\nend\nU[Users] --> A & B\n```"
    )

    def interview(answer: str) -> Transcript:
        return Transcript(
            "model-serving",
            Format.STANDARD,
            (
                Turn(Role.INTERVIEWER, Stage.CLARIFY, "Go ahead.", kind="opening"),
                said(f"Users reach an API pool backed by replicated databases.\n{one}"),
                Turn(
                    Role.INTERVIEWER,
                    Stage.DEEP_DIVE,
                    curveball.text,
                    kind="curveball",
                    curveball_id=curveball.id,
                ),
                said(answer),
            ),
        )

    grader = OfflineGrader(bank)
    redrawn = await grader.grade(interview(two), bank.problem("model-serving"))
    unchanged = await grader.grade(interview(one), bank.problem("model-serving"))
    ignored = Pitfall.IGNORED_CURVEBALL
    assert ignored not in {p.id for p in redrawn.pitfalls}
    assert ignored in {p.id for p in unchanged.pitfalls}
