"""Agreement with the labelled calibration set (bench/calibration/): how a grader scores against
what a human interviewer wrote down before any grader saw the transcripts.

Run: uv run python -m bench.agreement   (the offline scorer; `make eval` adds the model grader)
     uv run python -m bench.agreement --split held_out   (one part of split.json: tune,
     held_out, fresh or blind; `--files` lists each transcript's grade next to its label,
     `--by-problem` each problem's MAE, signed error and signal agreement,
     `--catalogue shared|none` without the problems' own misconception entries, or any)

Reports, per grader: per-criterion quadratic-weighted kappa and mean absolute error, the
mean signed error (bias), the overall's error against the labels' mean,
the hire-signal confusion matrix, the mean overall per kind, and every adversarial transcript
graded above its ceiling. Exit status 1 when a ceiling is broken.
"""

from __future__ import annotations

import argparse
import asyncio
import json
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path

from interviewer.bank import QuestionBank, load_bank
from interviewer.core.rubric import (
    SCALE_MAX,
    SCALE_MIN,
    Criterion,
    HireSignal,
    Level,
    Scorecard,
    hire_signal_for,
)
from interviewer.core.transcript import Transcript
from interviewer.misconceptions import Catalogue
from interviewer.ports import Grader
from interviewer.transcript_file import transcript_from_dict

CALIBRATION = Path(__file__).resolve().parent / "calibration"
# Which problems may be tuned on and which are held out; not a transcript.
SPLIT = CALIBRATION / "split.json"
SIGNALS = list(HireSignal)  # strongest first
# The offline scorer's expected floor: strong answers (plain English or not) at lean hire or better.
STRONG_KINDS = ("strong", "plain_english_strong", "paraphrase")


@dataclass(frozen=True)
class Ceiling:
    """The highest grade an honest grader may give an adversarial transcript."""

    overall: float
    hire_signal: HireSignal


@dataclass(frozen=True)
class Labelled:
    """A calibration transcript and its expected grade."""

    name: str
    kind: str
    transcript: Transcript
    criteria: dict[Criterion, int]
    hire_signal: HireSignal
    reason: str
    ceiling: Ceiling | None
    half: str = "tune"  # "tune", "held_out" or "fresh" (bench/calibration/split.json)
    level: Level = Level.SENIOR

    @property
    def band(self) -> HireSignal:
        """The expected hire signal at the interview's own bar. Labels state theirs at the
        senior bar whatever the level (bench/calibration/README.md); the card is judged at
        the interview's level, so a mid or staff label is moved to that bar the same way."""
        if self.level is Level.SENIOR:
            return self.hire_signal
        return hire_signal_for(sum(self.criteria.values()) / len(self.criteria), self.level)


HALVES = ("tune", "held_out", "fresh", "blind")


def _split(folder: Path) -> dict[str, frozenset[str]]:
    path = folder / SPLIT.name
    if not path.is_file():
        return {}
    data = json.loads(path.read_text(encoding="utf-8"))
    return {half: frozenset(data.get(half, ())) for half in HALVES if half != "tune"}


def held_out_problems(folder: Path = CALIBRATION) -> frozenset[str]:
    """The problems whose transcripts are never tuned on (split.json's `held_out`, `fresh` and
    `blind`)."""
    return frozenset().union(*_split(folder).values())


def half_of(problem: str, folder: Path = CALIBRATION) -> str:
    """ "tune", or one of the held-out parts: "held_out" (the first), "fresh" (the second) or
    "blind" (the third, on problems that had no transcripts until round 3 session 5)."""
    for half, problems in _split(folder).items():
        if problem in problems:
            return half
    return "tune"


def load_set(folder: Path = CALIBRATION, half: str | None = None) -> list[Labelled]:
    """Every labelled transcript in the folder, by name; `half` keeps one of HALVES."""
    if half not in (None, *HALVES):
        raise ValueError(f"half must be one of {HALVES}, not {half!r}")
    split = _split(folder)
    labelled = []
    for path in sorted(folder.glob("*.json")):
        if path.name == SPLIT.name:
            continue
        data = json.loads(path.read_text(encoding="utf-8"))
        which = next((h for h, ps in split.items() if data["question_id"] in ps), "tune")
        if half is not None and which != half:
            continue
        expected = data["expected"]
        ceiling = expected.get("ceiling")
        labelled.append(
            Labelled(
                name=path.stem,
                kind=expected["kind"],
                transcript=transcript_from_dict(data, path.name),
                criteria={Criterion(k): int(v) for k, v in expected["criteria"].items()},
                hire_signal=HireSignal(expected["hire_signal"]),
                reason=expected["reason"],
                ceiling=Ceiling(float(ceiling["overall"]), HireSignal(ceiling["hire_signal"]))
                if ceiling
                else None,
                half=which,
                level=Level(data.get("level", Level.SENIOR.value)),
            )
        )
    return labelled


def quadratic_kappa(
    expected: Sequence[int], got: Sequence[int], lo: int = SCALE_MIN, hi: int = SCALE_MAX
) -> float:
    """Cohen's kappa with quadratic weights between two raters on the lo..hi scale."""
    n = len(expected)
    if n == 0:
        return float("nan")
    k = hi - lo + 1
    observed = [[0.0] * k for _ in range(k)]
    for e, g in zip(expected, got, strict=True):
        observed[e - lo][g - lo] += 1
    rows = [sum(r) for r in observed]
    cols = [sum(observed[i][j] for i in range(k)) for j in range(k)]
    num = den = 0.0
    for i in range(k):
        for j in range(k):
            weight = (i - j) ** 2 / (k - 1) ** 2
            num += weight * observed[i][j]
            den += weight * rows[i] * cols[j] / n
    return 1.0 - num / den if den else 1.0


@dataclass
class Report:
    """One grader's agreement with the labels."""

    grader: str
    graded: list[tuple[Labelled, Scorecard]] = field(default_factory=list)

    def kappa(self, criterion: Criterion) -> float:
        """Quadratic-weighted kappa on one criterion."""
        return quadratic_kappa(
            [lab.criteria[criterion] for lab, _ in self.graded],
            [card.criteria[criterion].score for _, card in self.graded],
        )

    def mae(self, criterion: Criterion) -> float:
        """Mean absolute error on one criterion."""
        errors = [
            abs(lab.criteria[criterion] - card.criteria[criterion].score)
            for lab, card in self.graded
        ]
        return sum(errors) / len(errors)

    def bias(self, criterion: Criterion) -> float:
        """Mean signed error on one criterion (graded minus expected): above 0 is too generous."""
        errors = [
            card.criteria[criterion].score - lab.criteria[criterion] for lab, card in self.graded
        ]
        return sum(errors) / len(errors)

    def overall_errors(self) -> list[float]:
        """Each transcript's overall minus the mean of its labels (what the hire band reads)."""
        return [
            card.overall - sum(lab.criteria.values()) / len(lab.criteria)
            for lab, card in self.graded
        ]

    def by_problem(self) -> dict[str, tuple[int, float, float, float]]:
        """problem -> (transcripts, mean absolute error over every criterion, mean signed error
        of the overall, share given exactly the expected hire signal), by problem name."""
        groups: dict[str, list[tuple[Labelled, Scorecard]]] = defaultdict(list)
        for lab, card in self.graded:
            groups[lab.transcript.question_id].append((lab, card))
        out = {}
        for problem, pairs in sorted(groups.items()):
            one = Report(self.grader, pairs)
            mae = sum(one.mae(c) for c in Criterion) / len(Criterion)
            signed = one.overall_errors()
            out[problem] = (len(pairs), mae, sum(signed) / len(signed), one.signal_exact())
        return out

    def confusion(self) -> dict[HireSignal, dict[HireSignal, int]]:
        """expected signal -> graded signal -> count."""
        matrix: dict[HireSignal, dict[HireSignal, int]] = {
            e: dict.fromkeys(SIGNALS, 0) for e in SIGNALS
        }
        for lab, card in self.graded:
            matrix[lab.band][card.hire_signal] += 1
        return matrix

    def signal_exact(self) -> float:
        """The share of transcripts given exactly the expected hire signal."""
        hits = sum(1 for lab, card in self.graded if lab.band is card.hire_signal)
        return hits / len(self.graded)

    def signal_within_one(self) -> float:
        """The share given the expected signal or a neighbouring one."""
        near = sum(
            1
            for lab, card in self.graded
            if abs(SIGNALS.index(lab.band) - SIGNALS.index(card.hire_signal)) <= 1
        )
        return near / len(self.graded)

    def broken_ceilings(self) -> list[tuple[Labelled, Scorecard]]:
        """Adversarial transcripts graded above their ceiling (score or signal)."""
        return [
            (lab, card)
            for lab, card in self.graded
            if lab.ceiling is not None
            and (
                card.overall > lab.ceiling.overall
                or SIGNALS.index(card.hire_signal) < SIGNALS.index(lab.ceiling.hire_signal)
            )
        ]

    def by_kind(self) -> dict[str, tuple[float, float]]:
        """kind -> (mean expected overall, mean graded overall)."""
        groups: dict[str, list[tuple[float, float]]] = defaultdict(list)
        for lab, card in self.graded:
            expected = sum(lab.criteria.values()) / len(lab.criteria)
            groups[lab.kind].append((expected, card.overall))
        return {
            kind: (sum(e for e, _ in pairs) / len(pairs), sum(g for _, g in pairs) / len(pairs))
            for kind, pairs in sorted(groups.items())
        }


async def grade_set(grader: Grader, bank: QuestionBank, labelled: Iterable[Labelled]) -> Report:
    """Grade every labelled transcript once."""
    report = Report(grader.name)
    for lab in labelled:
        problem = bank.problems.get(lab.transcript.question_id)
        card = await grader.grade(lab.transcript, problem)
        report.graded.append((lab, card.at_level(lab.level)))
    return report


def render(reports: Sequence[Report]) -> str:
    """The reports side by side, as text."""
    names = [r.grader for r in reports]
    width = max(14, *(len(n) for n in names))
    lines = [f"calibration set: {len(reports[0].graded)} labelled transcripts", ""]
    lines.append(
        "per criterion: quadratic-weighted kappa / mean absolute error / mean signed error "
        "(graded minus expected)"
    )
    width = max(width, 20)
    lines.append(f"  {'criterion':18}" + "".join(f"{n:>{width + 2}}" for n in names))
    for criterion in Criterion:
        cells = "".join(
            f"{f'{r.kappa(criterion):.2f} / {r.mae(criterion):.2f} / {r.bias(criterion):+.2f}':>{width + 2}}"
            for r in reports
        )
        lines.append(f"  {criterion.value:18}{cells}")
    lines.append("")
    lines.append(
        "overall vs the labels' mean, absolute / signed: "
        + "   ".join(
            f"{r.grader} {sum(map(abs, r.overall_errors())) / len(r.graded):.2f} / "
            f"{sum(r.overall_errors()) / len(r.graded):+.2f}"
            for r in reports
        )
    )
    lines.append(
        "hire signal exact / within one: "
        + "   ".join(
            f"{r.grader} {r.signal_exact():.0%} / {r.signal_within_one():.0%}" for r in reports
        )
    )
    for r in reports:
        lines.append("")
        lines.append(f"hire-signal confusion, {r.grader} (rows expected, columns graded):")
        short = ["SH", "H", "LH", "LNH", "NH"]
        lines.append("  " + " " * 13 + "".join(f"{s:>5}" for s in short))
        for expected, row in r.confusion().items():
            lines.append(f"  {expected.value:13}" + "".join(f"{row[g]:>5}" for g in SIGNALS))
    lines.append("")
    lines.append("mean overall by kind: expected -> graded")
    kinds = reports[0].by_kind()
    for kind, (expected, _) in kinds.items():
        cells = "   ".join(f"{r.grader} {r.by_kind()[kind][1]:.2f}" for r in reports)
        lines.append(f"  {kind:22} {expected:.2f} ->  {cells}")
    for r in reports:
        broken = r.broken_ceilings()
        lines.append("")
        lines.append(f"ceilings broken by {r.grader}: {len(broken)}")
        for lab, card in broken:
            assert lab.ceiling is not None
            lines.append(
                f"  {lab.name}: {card.overall:.2f} {card.hire_signal.value} "
                f"(ceiling {lab.ceiling.overall:.1f} {lab.ceiling.hire_signal.value})"
            )
    return "\n".join(lines)


def render_problems(report: Report) -> str:
    """Each problem's figures, so that a change that fits one problem's files shows."""
    lines = [
        "",
        "per problem: transcripts, MAE over the criteria, overall signed error, signal exact",
    ]
    rows = report.by_problem()
    for problem, (n, mae, signed, exact) in rows.items():
        lines.append(f"  {problem:28} {n:>3}  {mae:.2f}  {signed:+.2f}  {exact:>4.0%}")
    maes = sorted(mae for _, mae, _, _ in rows.values())
    if maes:
        lines.append(
            f"  spread of per-problem MAE: best {maes[0]:.2f}, median {maes[len(maes) // 2]:.2f}, "
            f"worst {maes[-1]:.2f}"
        )
    return "\n".join(lines)


def render_files(report: Report) -> str:
    """Each transcript's grade next to its label: overall, signal, and each criterion."""
    lines = ["", "per transcript: graded (expected) overall, signal, criteria"]
    for lab, card in report.graded:
        expected = sum(lab.criteria.values()) / len(lab.criteria)
        cells = " ".join(f"{card.criteria[c].score}({lab.criteria[c]})" for c in Criterion)
        lines.append(
            f"  {lab.name:45} {card.overall:.1f}({expected:.1f}) "
            f"{card.hire_signal.value}({lab.band.value})  {cells}"
        )
    return "\n".join(lines)


async def main_async(argv: Sequence[str] | None = None) -> int:
    """Grade the set (or one half of it) with the offline scorer and print the report."""
    from interviewer.offline.scorer import OfflineGrader

    parser = argparse.ArgumentParser(prog="bench.agreement")
    parser.add_argument("--split", choices=[*HALVES, "all"], default="all")
    parser.add_argument("--files", action="store_true", help="list every transcript's grade")
    parser.add_argument(
        "--by-problem", action="store_true", help="per-problem MAE, signed error and signal"
    )
    parser.add_argument(
        "--catalogue",
        choices=["full", "shared", "none"],
        default="full",
        help="misconceptions to grade with: shared only is a problem with no entries of its "
        "own; none is wrong claims nobody catalogued (what an unseen problem's answers meet)",
    )
    args = parser.parse_args(argv)
    bank = load_bank()
    if args.catalogue != "full":
        shared = bank.misconceptions.shared if args.catalogue == "shared" else ()
        bank = replace(bank, misconceptions=Catalogue(shared=shared))
    half = None if args.split == "all" else args.split
    labelled = load_set(half=half)
    if not labelled:
        print(f"no labelled transcripts in split {args.split!r}")
        return 1
    report = await grade_set(OfflineGrader(bank), bank, labelled)
    print(f"split: {args.split}")
    print(
        render([report])
        + (render_problems(report) if args.by_problem else "")
        + (render_files(report) if args.files else "")
    )
    return 1 if report.broken_ceilings() else 0


def main() -> None:
    """Entry point: `--split tune|held_out|all` (default all), `--files`."""
    raise SystemExit(asyncio.run(main_async()))


if __name__ == "__main__":
    main()
