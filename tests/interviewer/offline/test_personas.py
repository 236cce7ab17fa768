"""Personas of our own (fixtures/personas/), phrased unlike the bench's scripted ones: the
offline interviewer hears their acts whatever the words (a deep-dive wish, "no idea", an aside
off topic, a wrap-up summary, a question) and answers each in kind, by the turn judge's rules.

The personas play tune problems only; bench/personas/ stays the measurement, these guard
against an interviewer tuned to its phrasings.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from bench.turn_scripts import PersonaFile, load_personas
from bench.turns import play
from interviewer.bank import QuestionBank
from interviewer.core.stages import Stage
from interviewer.offline.acts import Act, hear

FIXTURES = Path(__file__).parent / "fixtures" / "personas"
HEARD = {
    "deep_dive_request": Act.DEEP_DIVE,
    "dont_know": Act.DONT_KNOW,
    "off_topic": Act.OFF_TOPIC,
    "summary": Act.SUMMARY,
    "question_to_interviewer": Act.ASKED,
}
# What the judge says when an act goes unheard.
IN_KIND = {
    "question_not_answered",
    "deep_dive_ignored",
    "dont_know_pressed",
    "dont_know_not_acknowledged",
    "off_topic_followed",
    "off_topic_new_facts",
    "probe_after_summary",
    "claim_unchallenged",
    "claim_agreed",
}


@pytest.fixture(scope="module")
def own_personas(bank: QuestionBank) -> list[PersonaFile]:
    return load_personas(bank, FIXTURES)


def test_our_personas_are_at_least_three_on_tune_problems_with_every_act(
    own_personas: list[PersonaFile],
) -> None:
    personas = [p for f in own_personas for p in f.personas]
    assert len(personas) >= 3
    assert all(f.half == "tune" for f in own_personas)
    acts = {m.act for p in personas for ms in p.script.values() for m in ms}
    assert set(HEARD) <= acts


def test_every_act_of_our_personas_is_heard_as_what_it_is(
    own_personas: list[PersonaFile],
) -> None:
    wrong: list[str] = []
    for f in own_personas:
        for persona in f.personas:
            for stage, messages in persona.script.items():
                for m in messages:
                    want = HEARD.get(m.act)
                    if want is Act.SUMMARY and stage is not Stage.WRAP_UP:
                        continue
                    got = hear(m.text, stage).act
                    if want is not None and got is not want:
                        wrong.append(f"{persona.name} {m.act} heard as {got}: {m.text}")
    assert not wrong, "\n".join(wrong)


@pytest.mark.parametrize("problem", ["gpu-scheduler", "typeahead", "llm-gateway"])
async def test_our_personas_acts_are_answered_in_kind(
    bank: QuestionBank, own_personas: list[PersonaFile], problem: str
) -> None:
    (f,) = [f for f in own_personas if f.problem == problem]
    for persona in f.personas:
        played = await play(problem, persona, bank)
        assert not played.error
        missed = [
            (v.after.act if v.after else "", v.turn, v.reasons)
            for v in played.verdicts
            if set(v.reasons) & IN_KIND
        ]
        assert not missed, missed
