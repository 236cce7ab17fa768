"""Recall of wrong claims said in new words (issue 21, round 3 session 5): `python -m bench.claim_recall`.

The probe (tests/interviewer/data/claim_phrasings.yaml) holds, for catalogue entries, wrong
claims phrased as candidates write them in a chat, written before anything ran on them, and
correct sentences on the same topics. Each sentence is read alone, in its problem, by the
catalogue (`Catalogue.find`, what the interviewer's pushback reads).

Per half of the probe (entries sorted by id: even positions `tune`, odd `held`) it prints:
- recall: the share of wrong claims the entry they were written for recognises;
- recall by any entry: the share on which some entry fires (the interviewer pushes back);
- false fires: correct sentences on which any entry fires.

The held half is for one measurement at the end of a round: only `--half tune` lists sentences
(`--show`).
"""

from __future__ import annotations

import argparse
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from interviewer.bank import load_bank
from interviewer.misconceptions import Catalogue

PROBE = (
    Path(__file__).resolve().parents[1] / "tests" / "interviewer" / "data" / "claim_phrasings.yaml"
)
HALVES = ("tune", "held")


@dataclass(frozen=True)
class ProbeEntry:
    """One catalogue entry's new phrasings."""

    id: str
    problem: str
    claims: tuple[str, ...]
    correct: tuple[str, ...]


@dataclass
class Measured:
    """One half's figures and the sentences behind them."""

    claims: int = 0
    recalled: int = 0
    recalled_any: int = 0
    correct: int = 0
    missed: list[tuple[str, str]] = field(default_factory=list)  # (entry id, sentence)
    other: list[tuple[str, str, str]] = field(default_factory=list)  # (id, fired ids, sentence)
    false_fires: list[tuple[str, str, str]] = field(default_factory=list)

    @property
    def recall(self) -> float:
        """The share of wrong claims the entry written for them recognises."""
        return self.recalled / self.claims if self.claims else 0.0

    @property
    def recall_any(self) -> float:
        """The share of wrong claims some entry recognises."""
        return self.recalled_any / self.claims if self.claims else 0.0


def load_probe(path: Path = PROBE) -> dict[str, list[ProbeEntry]]:
    """The probe's entries by half: sorted by id, even positions tune, odd held."""
    raw = yaml.safe_load(path.read_text(encoding="utf-8"))["entries"]
    entries = sorted(
        (ProbeEntry(e["id"], e["problem"], tuple(e["claims"]), tuple(e["correct"])) for e in raw),
        key=lambda e: e.id,
    )
    return {"tune": entries[0::2], "held": entries[1::2]}


def measure(catalogue: Catalogue, entries: list[ProbeEntry]) -> Measured:
    """Recall and false fires over one half's entries."""
    out = Measured()
    for entry in entries:
        for claim in entry.claims:
            out.claims += 1
            fired = [h.misconception.id for h in catalogue.find(entry.problem, claim)]
            if entry.id in fired:
                out.recalled += 1
            else:
                out.missed.append((entry.id, claim))
            if fired:
                out.recalled_any += 1
                if entry.id not in fired:
                    out.other.append((entry.id, ", ".join(fired), claim))
        for sentence in entry.correct:
            out.correct += 1
            fired = [h.misconception.id for h in catalogue.find(entry.problem, sentence)]
            if fired:
                out.false_fires.append((entry.id, ", ".join(fired), sentence))
    return out


def main(argv: list[str] | None = None) -> int:
    """Print recall and false fires per half; list the sentences with --show (tune only)."""
    parser = argparse.ArgumentParser(prog="python -m bench.claim_recall", description=__doc__)
    parser.add_argument("--half", choices=(*HALVES, "both"), default="tune")
    parser.add_argument("--show", action="store_true", help="list misses and false fires (tune)")
    args = parser.parse_args(argv)
    if args.show and args.half != "tune":
        parser.error("--show lists the tune half only")
    catalogue = load_bank().misconceptions
    probe = load_probe()
    halves = HALVES if args.half == "both" else (args.half,)
    print("half  entries  claims  recall (own entry)  recall (any entry)  false fires")
    for half in halves:
        m = measure(catalogue, probe[half])
        print(
            f"{half:<5} {len(probe[half]):>7}  {m.claims:>6}  "
            f"{m.recalled:>4} = {m.recall:>4.0%}         {m.recalled_any:>4} = {m.recall_any:>4.0%}"
            f"         {len(m.false_fires)} / {m.correct}"
        )
        if args.show:
            for eid, sentence in m.missed:
                print(f"  missed  {eid}: {sentence}")
            for eid, fired, sentence in m.other:
                print(f"  other   {eid} -> {fired}: {sentence}")
            for eid, fired, sentence in m.false_fires:
                print(f"  FALSE   {eid} -> {fired}: {sentence}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
