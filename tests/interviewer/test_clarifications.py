"""Authored clarifications: every problem answers clarifying questions by intent, not by word.

Each test collects every bad entry of every problem and reports them all at once.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from interviewer.bank import (
    MIN_CLARIFICATIONS,
    MIN_CLARIFY_TOPICS,
    PROMPTS_DIR,
    BankError,
    Problem,
    coverage,
    load_bank,
)

_NUMBER = re.compile(r"(?<!\w)\d(?:[\d,.]*\d)?")


@pytest.fixture(scope="module")
def problems() -> list[Problem]:
    """The shipped bank's problems, loaded once for this module."""
    return list(load_bank().problems.values())


def test_every_problem_has_enough_clarifications_on_enough_topics(problems: list[Problem]) -> None:
    """The schema holds it; this names each problem's count in case the bar moves."""
    short = []
    for problem in problems:
        entries = problem.clarifications
        topics = {c.topic for c in entries}
        if len(entries) < MIN_CLARIFICATIONS or len(topics) < MIN_CLARIFY_TOPICS:
            short.append(f"{problem.id}: {len(entries)} entries on {len(topics)} topics")
    assert short == [], "\n".join(short)


def test_a_problem_with_too_few_clarifications_is_reported(tmp_path: Path) -> None:
    root = tmp_path / "prompts"
    shutil.copytree(PROMPTS_DIR, root)
    questions = root / "questions"
    few = questions / "gpu-scheduler.yaml"
    head, block = few.read_text().split("\nclarifications:\n")
    few.write_text(head + "\nclarifications:\n" + "\n  - id: ".join(block.split("\n  - id: ")[:3]))
    none = questions / "typeahead.yaml"
    none.write_text(none.read_text().split("\nclarifications:\n")[0] + "\n")
    with pytest.raises(BankError) as info:
        load_bank(root)
    message = str(info.value)
    assert "gpu-scheduler.yaml" in message and "clarifications: 3 on" in message
    assert "typeahead.yaml: clarifications" in message


def test_every_example_picks_its_own_entry_over_every_other_entry_and_fact(
    problems: list[Problem],
) -> None:
    """Strictly better than any other entry, and than any hidden fact sharing a word with it.

    A policy question such as "Is preemption allowed?" is not read as the fact about jobs.
    """
    bad = []
    for problem in problems:
        rivals = [(c.id, c.asks) for c in problem.clarifications]
        rivals += [(f"fact {f.id}", f.keywords) for f in problem.hidden_facts]
        for entry in problem.clarifications:
            for example in entry.examples:
                own = entry.strength(example)
                beaten = [
                    f"{name} ({strength})"
                    for name, patterns in rivals
                    if name != entry.id and (strength := coverage(patterns, example)) >= own
                ]
                if own == 0 or beaten:
                    bad.append(f"{problem.id}:{entry.id} ({own}) {example!r} <- {beaten}")
    assert bad == [], "\n".join(bad)


def test_settled_answers_repeat_no_number_the_facts_do_not_give(problems: list[Problem]) -> None:
    """An answer the facts settle never invents a number; a 'your call' default may."""
    bad = []
    for problem in problems:
        known = " ".join([problem.prompt, *(f.answer for f in problem.hidden_facts)])
        known_numbers = set(_NUMBER.findall(known))
        for entry in problem.clarifications:
            if entry.your_call:
                continue
            invented = [n for n in _NUMBER.findall(entry.answer) if n not in known_numbers]
            if invented:
                bad.append(f"{problem.id}:{entry.id}: {invented}")
    assert bad == [], "\n".join(bad)


def _bank_with_scheduler_edit(tmp_path: Path, old: str, new: str) -> str:
    """Load a copy of the prompts with one edit to gpu-scheduler.yaml; the error it raises."""
    root = tmp_path / "prompts"
    shutil.copytree(PROMPTS_DIR, root)
    path = root / "questions" / "gpu-scheduler.yaml"
    text = path.read_text()
    assert old in text
    path.write_text(text.replace(old, new, 1))
    with pytest.raises(BankError) as info:
        load_bank(root)
    return str(info.value)


def test_an_example_its_entry_does_not_match_is_reported(tmp_path: Path) -> None:
    message = _bank_with_scheduler_edit(tmp_path, "Is preemption allowed?", "Is lunch provided?")
    assert "gpu-scheduler.yaml" in message and "Is lunch provided?" in message


def test_a_your_call_answer_must_say_so(tmp_path: Path) -> None:
    message = _bank_with_scheduler_edit(tmp_path, 'answer: "Your call.', 'answer: "Sure.')
    assert "your_call answer starts with 'Your call'" in message


def test_questions_about_the_interview_itself_match_no_clarification(
    problems: list[Problem],
) -> None:
    """Meta and off-topic questions are item 2's business, never a clarification's."""
    asked = [
        "Can we talk about Twitter instead?",
        "What's the weather like?",
        "Can you give me a hint?",
        "How much time do we have left?",
        "What do you think of my design so far?",
        "Should I use Postgres or Cassandra?",
        "Can I ask a question?",
        "Is this a good answer?",
        "What would you do?",
    ]
    caught = [
        f"{problem.id}:{found.id} <- {question!r}"
        for problem in problems
        for question in asked
        if (found := problem.clarification_for(question)) is not None
    ]
    assert caught == [], "\n".join(caught)


# Clarifying questions quoted in issue 21 or asked by candidates in the labelled transcripts
# (bench/calibration), all written before these clarifications, with the entry each one means.
ASKED = [
    (
        "gpu-scheduler",
        "Do jobs need gang scheduling, all 512 GPUs at once or nothing?",
        "gang-scheduling",
    ),
    ("gpu-scheduler", "Is preemption allowed?", "preemption"),
    ("agent-platform", "What can agents actually do, and who provides the tools?", "which-tools"),
    ("batch-inference", "Is the 24 hours strict?", "deadline-strict"),
    ("gpu-scheduler", "And who is promised what?", "promises"),
    (
        "guardrails-service",
        "Do products get to be stricter or looser than each other?",
        "product-strictness",
    ),
    ("key-value-store", "What must a reader see after a write?", "read-after-write"),
    (
        "llm-gateway",
        "Is there anything that must not be sent to the outside providers?",
        "external-restrictions",
    ),
    ("model-rate-limiter", "Per key, per org, per model?", "per-key-or-org"),
    ("semantic-cache", "Are there answers we shouldn't cache?", "uncacheable"),
    ("typeahead", "Are there things we must never suggest?", "never-suggest"),
    ("web-crawler", "What rules do we have to follow toward the sites?", "site-rules"),
    ("web-crawler", "Are some pages more time-sensitive than others?", "time-sensitive"),
    (
        "chatbot-api",
        "Before the architecture: who are the callers and how do they authenticate today?",
        "api-keys",
    ),
]


def test_questions_candidates_asked_find_the_entry_they_mean(problems: list[Problem]) -> None:
    by_id = {p.id: p for p in problems}
    wrong = []
    for problem_id, question, wanted in ASKED:
        found = by_id[problem_id].clarification_for(question)
        if found is None or found.id != wanted:
            wrong.append(f"{problem_id}: {question!r} -> {found and found.id}, not {wanted}")
    assert wrong == [], "\n".join(wrong)


def test_answers_are_short_and_in_the_interviewers_voice(problems: list[Problem]) -> None:
    """One to three sentences; a 'your call' answer is the only kind that says so."""
    sentence_end = re.compile(r"[.!?](?:\s|$)")
    bad = []
    for problem in problems:
        for entry in problem.clarifications:
            sentences = len(sentence_end.findall(entry.answer))
            if not 1 <= sentences <= 3:
                bad.append(f"{problem.id}:{entry.id}: {sentences} sentences")
            if not entry.your_call and entry.answer.lower().startswith("your call"):
                bad.append(f"{problem.id}:{entry.id}: says 'your call' but is not marked so")
    assert bad == [], "\n".join(bad)
