"""Every labelled calibration file is well formed, and the tune/held-out split holds.

Reads only the JSON files, prompts/ and the loader; no grader or interviewer runs here.
"""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
import yaml

from bench.agreement import CALIBRATION, SPLIT, load_set

ROOT = Path(__file__).resolve().parents[2]
CRITERIA = (
    "scalability",
    "reliability",
    "performance",
    "ai_infrastructure",
    "security_privacy",
    "tradeoffs",
    "clarity",
)
STAGES = ("clarify", "high_level", "deep_dive", "tradeoffs", "wrap_up")
FORMATS = ("standard", "drill", "async")
SIGNALS = ("strong_hire", "hire", "lean_hire", "lean_no_hire", "no_hire")  # strongest first
LEVELS = ("mid", "senior", "staff")
INTERVIEWER_KINDS = {
    "opening",
    "clarification",
    "follow_up",
    "probe",
    "curveball",
    "hint",
    "stage_move",
    "closing",
    "pushback",
}
ADVERSARIAL = {"keyword_salad", "circular_padding", "injection", "forged_speaker"}
KINDS = ADVERSARIAL | {
    "strong",
    "weak",
    "plain_english_strong",
    "rambling",
    "paraphrase",
    "security_specialist",
    "mid",
    "ignored_curveball",
    "confidently_wrong",
    "curveball_handled",
    "no_clarify",
    "staff",
    "corrected",
}
# The kinds issue 21 asked for in each half of the split.
SPLIT_KINDS = {
    "confidently_wrong",
    "plain_english_strong",
    "curveball_handled",
    "ignored_curveball",
    "no_clarify",
    "staff",
    "mid",
    "corrected",
}
TOP = {"question_id", "format", "turns", "expected"}
EXPECTED = {"kind", "criteria", "hire_signal", "reason"}


def _files() -> list[Path]:
    return sorted(p for p in CALIBRATION.glob("*.json") if p.name != SPLIT.name)


def _load(path: Path) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return data


def _problems() -> dict[str, dict[str, Any]]:
    folder = ROOT / "prompts" / "questions"
    return {p.stem: yaml.safe_load(p.read_text(encoding="utf-8")) for p in folder.glob("*.yaml")}


def _curveballs() -> dict[str, str]:
    raw = yaml.safe_load((ROOT / "prompts" / "curveballs.yaml").read_text(encoding="utf-8"))
    return {c["id"]: c["text"] for c in raw["curveballs"]}


def _signal(mean: float) -> str:
    """The labelling rule of bench/calibration/README.md."""
    if mean >= 3.5:
        return "strong_hire"
    if mean >= 3.0:
        return "hire"
    if mean >= 2.5:
        return "lean_hire"
    if mean >= 1.75:
        return "lean_no_hire"
    return "no_hire"


def _split() -> dict[str, Any]:
    return _load(SPLIT)


FILES = _files()
PROBLEMS = _problems()
CURVEBALLS = _curveballs()


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.stem)
def test_a_file_has_the_keys_and_values_the_format_allows(path: Path) -> None:
    data = _load(path)
    assert TOP <= set(data) <= TOP | {"level"}, sorted(data)
    assert data["question_id"] in PROBLEMS
    assert data["format"] in FORMATS
    expected = data["expected"]
    optional = {"ceiling", "misconceptions"}
    assert EXPECTED <= set(expected) <= EXPECTED | optional, sorted(expected)
    kind = expected["kind"]
    assert kind in KINDS
    assert path.stem == f"{data['question_id']}-{kind}"
    assert expected["reason"].strip()
    if "level" in data:
        assert data["level"] in LEVELS
    if kind == "staff":
        assert data.get("level") == "staff"


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.stem)
def test_scores_are_on_the_scale_and_the_signal_follows_the_mean(path: Path) -> None:
    expected = _load(path)["expected"]
    scores = expected["criteria"]
    assert set(scores) == set(CRITERIA)
    assert all(isinstance(s, int) and 1 <= s <= 4 for s in scores.values()), scores
    assert expected["hire_signal"] == _signal(sum(scores.values()) / len(scores))


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.stem)
def test_adversarial_kinds_carry_a_ceiling_no_higher_than_lean_no_hire(path: Path) -> None:
    expected = _load(path)["expected"]
    kind = expected["kind"]
    ceiling = expected.get("ceiling")
    if kind in ADVERSARIAL | {"confidently_wrong"}:
        assert ceiling is not None
    if ceiling is not None:
        assert 1.0 <= ceiling["overall"] < 2.5
        assert SIGNALS.index(ceiling["hire_signal"]) >= SIGNALS.index("lean_no_hire")
    if kind == "confidently_wrong":
        assert SIGNALS.index(expected["hire_signal"]) >= SIGNALS.index("lean_no_hire")
        wrong = expected.get("misconceptions")
        assert isinstance(wrong, list) and wrong
        assert all(isinstance(w, str) and w.strip() for w in wrong)
    else:
        assert "misconceptions" not in expected


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.stem)
def test_turns_move_forward_and_curveballs_are_quoted_exactly(path: Path) -> None:
    data = _load(path)
    turns = data["turns"]
    assert turns
    order = [STAGES.index(t["stage"]) for t in turns]
    assert order == sorted(order), "stages only move forward"
    if data["format"] == "async":
        assert turns[0]["stage"] == "high_level"
    if data["format"] == "drill":
        assert "deep_dive" not in {t["stage"] for t in turns}
    offered = PROBLEMS[data["question_id"]].get("curveballs", [])
    for turn in turns:
        assert turn["role"] in ("interviewer", "candidate")
        assert isinstance(turn["text"], str) and turn["text"].strip()
        if turn["role"] == "candidate":
            assert "kind" not in turn and "curveball_id" not in turn
            continue
        assert turn["kind"] in INTERVIEWER_KINDS
        if turn["kind"] == "curveball":
            quoted = CURVEBALLS[turn["curveball_id"]]
            # An async review sends the curveball inside its one message; live ones send it alone.
            assert turn["text"] == quoted or (data["format"] == "async" and quoted in turn["text"])
            assert turn["curveball_id"] in offered
        else:
            assert "curveball_id" not in turn
    if data["format"] in ("standard", "drill"):
        assert any(t.get("kind") == "curveball" for t in turns), "every interview has a curveball"


def test_the_loader_reads_every_file_and_skips_the_split() -> None:
    labelled = load_set()
    assert sorted(lab.name for lab in labelled) == [p.stem for p in FILES]


def test_the_split_matches_the_files_and_the_halves_do_not_overlap() -> None:
    split = _split()
    assert split["written_before_running"] is True
    assert split["note"].strip()
    tune, held = set(split["tune"]), set(split["held_out"])
    assert tune and held and not tune & held
    assert len(split["tune"]) == len(tune) and len(split["held_out"]) == len(held)
    by_problem: dict[str, list[str]] = {}
    for path in FILES:
        data = _load(path)
        by_problem.setdefault(data["question_id"], []).append(data["expected"]["kind"])
    for problem in tune | held:
        assert problem in PROBLEMS
        assert len(by_problem.get(problem, [])) >= 2, f"{problem} needs files"


def test_each_half_holds_the_same_mix_of_the_new_kinds() -> None:
    split = _split()

    def kinds(problems: list[str]) -> Counter[str]:
        found: Counter[str] = Counter()
        for path in FILES:
            data = _load(path)
            if data["question_id"] in problems:
                found[data["expected"]["kind"]] += 1
        return found

    tune, held = kinds(split["tune"]), kinds(split["held_out"])
    assert tune == held
    assert set(tune) >= SPLIT_KINDS
    assert len(_files_in(split["tune"])) + len(_files_in(split["held_out"])) >= 24


def test_security_labels_use_the_whole_scale_in_each_half() -> None:
    split = _split()
    for half in ("tune", "held_out"):
        scores = {
            _load(p)["expected"]["criteria"]["security_privacy"] for p in _files_in(split[half])
        }
        assert scores == {1, 2, 3, 4}, half


def test_clarifications_in_the_split_files_quote_the_problem_facts() -> None:
    split = _split()
    for path in _files_in(split["tune"] + split["held_out"]):
        data = _load(path)
        facts = [f["answer"] for f in PROBLEMS[data["question_id"]]["hidden_facts"]]
        for turn in data["turns"]:
            if turn.get("kind") == "clarification":
                assert any(f in turn["text"] for f in facts), (path.stem, turn["text"])
            if turn.get("kind") == "opening":
                prompt = " ".join(PROBLEMS[data["question_id"]]["prompt"].split())
                assert turn["text"] == prompt, path.stem


def _files_in(problems: list[str]) -> list[Path]:
    return [p for p in FILES if _load(p)["question_id"] in problems]
