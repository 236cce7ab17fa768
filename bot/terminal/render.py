"""Terminal renderings (rich): interviewer turns, scorecards, history and the question list."""

from __future__ import annotations

from collections.abc import Iterable

from rich.console import Group, RenderableType
from rich.markdown import Markdown
from rich.markup import escape
from rich.panel import Panel
from rich.table import Table
from rich.text import Text

from bot.chat.render import diagram_layout, score_bar, status_line
from interviewer.bank import Problem
from interviewer.core.rubric import Criterion, HireSignal, Scorecard
from interviewer.core.transcript import TurnKind
from interviewer.diagrams.view import DiagramView
from interviewer.ports import HistoryEntry
from interviewer.references import Reference
from interviewer.service import Outbound

_KIND_STYLE = {
    TurnKind.CURVEBALL: ("New constraint", "bold magenta"),
    TurnKind.TIME_WARNING: ("Time", "yellow"),
    TurnKind.HINT: ("Hint", "green"),
    TurnKind.STAGE_INTRO: ("Next stage", "cyan"),
    TurnKind.NOTICE: ("Note", "dim"),
}

REVIEW_LINE = "See it annotated, with a reference design: mockroom review"

_SIGNAL_STYLE = {
    HireSignal.STRONG_HIRE: "bold green",
    HireSignal.HIRE: "green",
    HireSignal.LEAN_HIRE: "yellow",
    HireSignal.LEAN_NO_HIRE: "red",
    HireSignal.NO_HIRE: "bold red",
}


def interviewer_panel(message: Outbound) -> Panel:
    """One interviewer message with the stage and the time left."""
    label, style = _KIND_STYLE.get(message.kind, ("Interviewer", "bold blue"))
    title = f"{label} · {status_line(message)}"
    return Panel(Text(message.text), title=escape(title), title_align="left", border_style=style)


def scorecard_view(card: Scorecard, problem: Problem | None = None) -> RenderableType:
    """The scorecard: per-criterion scores with quoted evidence, signal, pitfalls, what next."""
    table = Table(show_lines=True, expand=True)
    table.add_column("Criterion", style="bold", no_wrap=True)
    table.add_column("Score", justify="center", no_wrap=True)
    table.add_column("Evidence and feedback", ratio=6)
    for criterion in Criterion:
        score = card.criteria[criterion]
        body = Text()
        for quote in score.evidence:
            body.append(f"“{quote}”\n", style="italic")
        body.append(score.feedback or "")
        table.add_row(criterion.label, f"{score_bar(score.score)} {score.score}/4", body)
    signal = card.hire_signal
    head = Text.assemble(
        ("Overall ", "bold"),
        (f"{card.overall:.1f}/4", "bold"),
        ("   Signal ", "bold"),
        (signal.value.replace("_", " "), _SIGNAL_STYLE[signal]),
        (f"   at the {card.level} bar", "dim"),
        (f"   (graded by {card.grader})", "dim"),
    )
    parts: list[RenderableType] = [head]
    if problem is not None:
        parts.insert(0, Text(problem.title, style="bold"))
    parts.append(table)
    if card.pitfalls:
        pit = Text("Pitfalls\n", style="bold red")
        for p in card.pitfalls:
            pit.append(f"• {p.id.value.replace('_', ' ')}: {p.detail}\n")
        parts.append(pit)
    if card.improvements:
        imp = Text("Practise next\n", style="bold")
        for i, item in enumerate(card.improvements, 1):
            imp.append(f"{i}. {item}\n")
        parts.append(imp)
    if card.diagram:  # the final design (diagrams, issue 15)
        parts.append(Text(card.diagram))
    for note in card.notes:
        parts.append(Text(note, style="dim"))
    parts.append(Text(REVIEW_LINE, style="bold"))  # the review page (bot/review)
    return Panel(Group(*parts), title="Scorecard", border_style="bold")


def diagram_panel(view: DiagramView) -> Panel:
    """The diagram as the interviewer read it: its text layout, boxed."""
    return Panel(Text(diagram_layout(view)), title=view.title, border_style="cyan")


def history_table(entries: Iterable[HistoryEntry]) -> Table:
    """Past interviews, newest first."""
    rows = list(entries)
    with_model = any(e.prompt_tokens or e.completion_tokens for e in rows)
    table = Table(title="Your interviews")
    for col in ("#", "Started", "Question", "Format", "Status", "Overall", "Signal"):
        table.add_column(col)
    if with_model:
        table.add_column("Tokens (in/out)", justify="right")
        table.add_column("Est. cost", justify="right")
    for e in rows:
        cells = [
            str(e.number or e.interview_id),
            e.started_at.strftime("%Y-%m-%d %H:%M"),
            e.question_id,
            e.format,
            e.status,
            f"{e.overall:.1f}" if e.overall is not None else "–",
            (e.hire_signal or "–").replace("_", " "),
        ]
        if with_model:
            cells += [f"{e.prompt_tokens:,}/{e.completion_tokens:,}", f"${e.cost_usd:.4f}"]
        table.add_row(*cells)
    return table


def reference_markdown(reference: Reference) -> Markdown:
    """A problem's reference design, as the terminal shows it."""
    body = "\n\n".join(f"## {s.title}\n\n{s.body}" for s in reference.sections)
    return Markdown(f"# {reference.title}\n\n{body}")


def questions_table(problems: Iterable[Problem]) -> Table:
    """The question bank."""
    table = Table(title="Question bank")
    table.add_column("id", style="bold")
    table.add_column("level")
    table.add_column("title")
    table.add_column("topics", style="dim")
    for p in problems:
        table.add_row(p.id, p.level, p.title, ", ".join(p.topics))
    return table
