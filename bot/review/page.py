"""What the review page shows, worked out from an interview (or drill answer, or peer session):
the header, the transcript by stage with its marks, the diagrams, the expected points, the
reference design and progress. Plain data; the template (render.py) only lays it out."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime

from markupsafe import Markup

from bot.chat.render import SIGNAL_LABELS, score_bar
from bot.review.quotes import Quote, Segment, first_anchor, locate, segments
from bot.review.svg import diagram_svg, radar_svg
from interviewer.bank import QuestionBank, compile_any
from interviewer.core.rubric import Criterion, Level, Scorecard
from interviewer.core.stages import Format, Stage, format_spec
from interviewer.core.text import sentences
from interviewer.core.transcript import Role, Turn, TurnKind
from interviewer.diagrams.analysis import findings
from interviewer.diagrams.design import prose, versions
from interviewer.diagrams.extract import read_source
from interviewer.diagrams.kinds import ConceptPatterns, type_graph
from interviewer.diagrams.probes import question
from interviewer.diagrams.view import DiagramView
from interviewer.references import Reference

# Interviewer turns the page marks, with the words that say what they were (never colour alone).
MARKS = {
    TurnKind.CURVEBALL: "Curveball",
    TurnKind.PUSHBACK: "Pushback",
    TurnKind.HINT: "Hint",
    TurnKind.TIME_WARNING: "Time check",
}
NEXT_MARK = "/next: moved on early"


@dataclass(frozen=True)
class Source:
    """Everything a page is made from, read from storage by the caller."""

    kind: str  # "interview", "drill answer" or "peer mock"
    question_id: str
    format: Format
    level: Level
    started_at: datetime
    turns: Sequence[Turn]
    scorecard: Scorecard
    human: Mapping[Criterion, int] | None = None  # a peer session's human scores
    earlier: Sequence[tuple[str, Scorecard]] = ()  # the member's earlier cards, oldest first


@dataclass(frozen=True)
class DiagramBlock:
    """One diagram version at the turn where it was drawn, with what an interviewer would ask."""

    version: int
    anchor: str
    title: str
    svg: Markup
    findings: list[str]


@dataclass(frozen=True)
class TurnView:
    """One turn as the page shows it."""

    anchor: str
    speaker: str
    candidate: bool
    clock: str
    mark: str | None
    segments: list[Segment]
    diagram: DiagramBlock | None = None


@dataclass(frozen=True)
class PointView:
    """An expected point of the stage: covered (with the words that did) or missed."""

    point: str
    quote: str | None
    anchor: str | None


@dataclass
class StageView:
    """One stage: its turns and its expected points."""

    stage: Stage
    turns: list[TurnView] = field(default_factory=list)
    points: list[PointView] = field(default_factory=list)

    @property
    def covered(self) -> int:
        """How many expected points were covered."""
        return sum(1 for p in self.points if p.quote is not None)


@dataclass(frozen=True)
class CriterionView:
    """A criterion's score, feedback, quotes (linked to their place), human score, trend."""

    criterion: Criterion
    score: int
    bar: str
    feedback: str
    quotes: list[tuple[Quote, str | None]]  # the quote and the anchor it links to (None: unseen)
    human: int | None
    earlier: list[int]


@dataclass(frozen=True)
class Page:
    """The whole review page."""

    title: str
    source: Source
    signal: str
    radar: Markup
    criteria: list[CriterionView]
    stages: list[StageView]
    diagrams: list[DiagramBlock]
    reference: Reference | None
    reference_svg: Markup | None
    earlier_labels: list[str]
    unplaced: list[Quote]


def _clock(turn: Turn, start: datetime) -> str:
    if turn.at is None:
        return ""
    seconds = max(0, int((turn.at - start).total_seconds()))
    return f"{seconds // 60}:{seconds % 60:02d}"


def _moved_on_early(turn: Turn, stage_start: datetime | None, fmt: Format, prev: Stage) -> bool:
    """A stage intro that came before the last stage's time was up: the candidate's /next."""
    budget = format_spec(fmt).budget(prev)
    if turn.kind != TurnKind.STAGE_INTRO or turn.at is None or stage_start is None or not budget:
        return False
    return (turn.at - stage_start).total_seconds() < budget * 0.97


def _mark(kind: str) -> str | None:
    """The mark of an interviewer turn's kind (None for plain questions and answers)."""
    try:
        return MARKS.get(TurnKind(kind))
    except ValueError:
        return None


def _diagrams(turns: Sequence[Turn], bank: QuestionBank) -> dict[int, DiagramBlock]:
    """Each diagram version by the index of its turn, with its findings as questions."""
    out: dict[int, DiagramBlock] = {}
    for version in versions(turns, bank.concept_patterns):
        said = prose(turns[: version.turn + 1])
        found = findings(version.graph, said)
        view = DiagramView(version.number, version.graph, version.author)
        marked = frozenset(f.node for f in found if f.kind in ("spof", "unexplained") and f.node)
        out[version.turn] = DiagramBlock(
            version.number,
            f"d-{version.number}",
            view.title,
            diagram_svg(view, marked),
            [question(version.graph, f) for f in found][:6],
        )
    return out


def _points(
    stage: Stage, turns: Sequence[tuple[int, Turn]], bank: QuestionBank, question_id: str
) -> list[PointView]:
    """The problem's expected points for a stage, each with the first sentence covering it."""
    problem = bank.problems.get(question_id)
    if problem is None:
        return []
    out = []
    for point in problem.expected.get(stage, []):
        pattern = compile_any(point.keywords)
        hit = next(
            (
                (i, s)
                for i, t in turns
                if t.role is Role.CANDIDATE
                for s in sentences(t.text)
                if pattern.search(s)
            ),
            None,
        )
        out.append(PointView(point.point, hit[1] if hit else None, f"t-{hit[0]}" if hit else None))
    return out


def build_page(source: Source, bank: QuestionBank, reference: Reference | None) -> Page:
    """The page's content for one interview, drill answer or peer session."""
    turns = list(source.turns)
    card = source.scorecard
    problem = bank.problems.get(source.question_id)
    quotes = locate(card, turns)
    blocks = _diagrams(turns, bank)
    final_anchor = f"d-{max(b.version for b in blocks.values())}" if blocks else None
    stages: dict[Stage, StageView] = {}
    stage_start: datetime | None = source.started_at
    prev: Stage | None = None
    members: dict[str, int] = {}
    for index, turn in enumerate(turns):
        view = stages.setdefault(turn.stage, StageView(turn.stage))
        if prev is not None and turn.stage != prev:
            early = _moved_on_early(turn, stage_start, source.format, prev)
            stage_start = turn.at
        else:
            early = False
        prev = turn.stage
        mark = NEXT_MARK if early else _mark(turn.kind)
        mine = [q for q in quotes if q.turn == index]
        speaker = "Candidate" if turn.role is Role.CANDIDATE else "Interviewer"
        if turn.author and turn.role is Role.CANDIDATE and card.contributors:
            # a design-along: numbered members, no names on a page that can be shared
            speaker = f"Member {members.setdefault(turn.author, len(members) + 1)}"
        view.turns.append(
            TurnView(
                f"t-{index}",
                speaker,
                turn.role is Role.CANDIDATE,
                _clock(turn, source.started_at),
                mark,
                segments(turn.text, mine),
                blocks.get(index),
            )
        )
    for stage, view in stages.items():
        in_stage = [(i, t) for i, t in enumerate(turns) if t.stage == stage]
        view.points = _points(stage, in_stage, bank, source.question_id)
    criteria = []
    for c in Criterion:
        s = card.criteria[c]
        linked = []
        for q in (q for q in quotes if q.criterion == c):
            target = (
                first_anchor(quotes, q)
                if q.turn is not None
                else (final_anchor if q.diagram else None)
            )
            linked.append((q, target))
        criteria.append(
            CriterionView(
                c,
                s.score,
                score_bar(s.score),
                s.feedback,
                linked,
                source.human.get(c) if source.human else None,
                [e.criteria[c].score for _, e in source.earlier],
            )
        )
    order = format_spec(source.format).order()
    return Page(
        title=problem.title if problem else source.question_id,
        source=source,
        signal=SIGNAL_LABELS[card.hire_signal],
        radar=radar_svg({c: card.criteria[c].score for c in Criterion}, source.human),
        criteria=criteria,
        stages=sorted(
            stages.values(), key=lambda v: order.index(v.stage) if v.stage in order else len(order)
        ),
        diagrams=list(blocks.values()),
        reference=reference,
        reference_svg=_reference_svg(reference, bank.concept_patterns),
        earlier_labels=[label for label, _ in source.earlier],
        unplaced=[q for q in quotes if q.turn is None and not q.diagram],
    )


def _reference_svg(reference: Reference | None, concepts: ConceptPatterns) -> Markup | None:
    """The reference design's diagram, drawn like the candidate's (None when it cannot be read)."""
    if reference is None:
        return None
    graph = read_source(f"```mermaid\n{reference.diagram}\n```")
    if graph is None:
        return None
    view = DiagramView(1, type_graph(graph, concepts))
    return diagram_svg(view, title=f"The reference design: {len(view.graph.nodes)} components")
