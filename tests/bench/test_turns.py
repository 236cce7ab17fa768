"""The persona driver (bench/turns.py): scripts load and are checked, a persona plays a whole
interview against the real offline interviewer, and every interviewer turn is judged."""

from __future__ import annotations

from pathlib import Path

import pytest

from bench.turn_judge import Said, Verdict
from bench.turn_scripts import HELD_OUT, TUNE, PersonaFile, load_personas
from bench.turns import Played, passed, play, render, run_all
from interviewer.bank import QuestionBank, load_bank
from interviewer.core.stages import Stage
from interviewer.service import DEFAULT_MAX_MESSAGE_CHARS


@pytest.fixture(scope="module")
def bank() -> QuestionBank:
    return load_bank()


def test_every_problem_of_the_split_has_at_least_two_whole_personas(bank: QuestionBank) -> None:
    files = {f.problem: f for f in load_personas(bank)}
    assert set(TUNE) <= set(files)
    assert {files[p].half for p in TUNE} == {"tune"}
    assert set(HELD_OUT) <= set(files)
    assert {files[p].half for p in HELD_OUT} == {"held out", "fresh", "blind"}
    for f in files.values():
        assert len(f.personas) >= 2, f.problem
        for persona in f.personas:
            assert all(persona.script.get(s) for s in Stage), (f.problem, persona.name)


async def test_a_persona_plays_a_whole_interview_and_every_turn_is_judged(
    bank: QuestionBank,
) -> None:
    gpu = next(f for f in load_personas(bank) if f.problem == "gpu-scheduler")
    persona = gpu.personas[0]
    played = await play(gpu.problem, persona, bank, gpu.half)
    scripted = sum(len(m) for m in persona.script.values())
    # Every interviewer turn the service stored (but the clock's notices) got a verdict.
    assert played.stored and [v.turn for v in played.verdicts] == played.stored
    assert {v.stage for v in played.verdicts} == {s.value for s in Stage}
    assert played.verdicts[0].kind == "opening" and played.verdicts[-1].kind == "closing"
    assert played.sent >= scripted - 2  # a stage may end before its last message
    answered = [v for v in played.verdicts if v.after is not None]
    assert len(answered) == played.sent  # each message got its reply judged against it
    assert 0 <= played.on_target <= len(played.verdicts)


def _write(tmp_path: Path, text: str) -> Path:
    (tmp_path / "one.yaml").write_text(text, encoding="utf-8")
    return tmp_path


def test_bad_persona_files_are_refused_saying_what_is_wrong(
    bank: QuestionBank, tmp_path: Path
) -> None:
    unknown = "problem: no-such-problem\npersonas: [{name: a, script: {clarify: [{text: hi}]}}]\n"
    with pytest.raises(ValueError, match="no problem 'no-such-problem'"):
        load_personas(bank, _write(tmp_path, unknown))
    claimless = (
        "problem: typeahead\npersonas: [{name: a, script: {clarify: "
        "[{text: SQL is fast enough, act: wrong_claim}]}}]\n"
    )
    with pytest.raises(ValueError, match="needs its `claim` words"):
        load_personas(bank, _write(tmp_path, claimless))
    ball = (
        "problem: typeahead\npersonas: [{name: a, script: {clarify: [{text: hi}]}, "
        "curveballs: {no-such-ball: {text: fine}}}]\n"
    )
    with pytest.raises(ValueError, match="unknown curveballs"):
        load_personas(bank, _write(tmp_path, ball))


def _verdict(turn: str, *reasons: str) -> Verdict:
    return Verdict(turn, "follow_up", "deep_dive", Said("an answer"), reasons)


def test_the_report_splits_the_halves_and_shows_no_held_out_turn() -> None:
    tune = Played("typeahead", "strong", "tune", [_verdict("TUNE-TURN?", "off_plan")] * 1)
    tune.verdicts.append(_verdict("fine?"))
    held = Played("web-crawler", "shaky", "held out", [_verdict("HELD-TURN?", "repeated")])
    out = render([tune, held])
    assert "tune      typeahead" in out and "held out  web-crawler" in out
    assert "on target, tune: 50% (MISSED)" in out
    assert "on target, held out: 0% (MISSED)" in out
    assert "off_plan" in out and "repeated" in out  # reasons are counted in both halves
    assert "TUNE-TURN?" in out and "HELD-TURN?" not in out


async def test_a_persona_that_breaks_is_reported_and_fails_the_run(bank: QuestionBank) -> None:
    too_long = "x " * (DEFAULT_MAX_MESSAGE_CHARS // 2 + 1)
    broken = PersonaFile.model_validate(
        {
            "problem": "typeahead",
            "personas": [{"name": "long", "script": {"clarify": [{"text": too_long}]}}],
        }
    )
    played = await run_all([broken], bank)
    assert len(played) == 1 and "BadMessage" in played[0].error
    assert "ERROR: typeahead/long (tune) did not finish: BadMessage" in render(played)
    assert not passed(played)
