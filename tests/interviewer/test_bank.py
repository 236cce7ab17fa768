"""The question bank and prompt data: every file valid, every bad file reported at once."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from interviewer.bank import PROMPTS_DIR, BankError, compile_any, load_bank
from interviewer.core.stages import Stage

SEEDS = ("model-serving", "chatbot-api", "distributed-training", "ml-data-pipeline")


def test_the_shipped_bank_is_valid_and_complete() -> None:
    bank = load_bank()
    assert len(bank.problems) >= 40
    topics = {t for p in bank.problems.values() for t in p.topics}
    wanted = {"rag", "evaluation", "training", "inference-cost", "agents", "safety", "gpu"}
    assert wanted | {"search", "classic"} <= topics, wanted - topics
    assert set(SEEDS) <= set(bank.problems)
    assert bank.phrases is not None
    ai_first = [p for p in bank.problems.values() if "classic" not in p.topics]
    assert len(ai_first) >= 28
    for problem in bank.problems.values():
        assert all(problem.expected[s] for s in Stage)
        assert len(problem.curveballs) >= 2


def test_expected_keywords_recognise_the_points_they_describe() -> None:
    """Each expected point's own wording trips at least one of its keywords."""
    misses = []
    for problem in load_bank().problems.values():
        for points in problem.expected.values():
            for point in points:
                if not compile_any(point.keywords).search(point.point):
                    misses.append(f"{problem.id}:{point.id}")
    assert len(misses) <= 5, misses


def test_questions_ask_rather_than_suggest_a_solution() -> None:
    """'What happens when every GPU is busy?', never 'Would you add a queue?'."""
    suggestive = re.compile(r"^(would|should|could|can|did) you (add|use|put|consider)\b", re.I)
    bank = load_bank()
    leaks = [
        f"{problem.id}:{point.id}: {point.question}"
        for problem in bank.problems.values()
        for points in problem.expected.values()
        for point in points
        if suggestive.search(point.question)
    ]
    leaks += [
        f"{problem.id}:{probe.id}: {probe.question}"
        for problem in bank.problems.values()
        for probe in problem.probes
        if suggestive.search(probe.question)
    ]
    assert leaks == []


def test_every_bad_file_is_reported_at_once(tmp_path: Path) -> None:
    root = tmp_path / "prompts"
    shutil.copytree(PROMPTS_DIR, root)
    questions = root / "questions"
    (questions / "model-serving.yaml").write_text("id: model-serving\ntitle: [unclosed\n")
    text = (questions / "chatbot-api.yaml").read_text()
    (questions / "chatbot-api.yaml").write_text(text.replace("level: senior", "level: wizard"))
    (questions / "renamed.yaml").write_text((questions / "url-shortener.yaml").read_text())
    text = (questions / "feature-store.yaml").read_text()
    (questions / "feature-store.yaml").write_text(
        re.sub(r"curveballs: \[", "curveballs: [no-such-curveball, ", text, count=1)
    )
    with pytest.raises(BankError) as info:
        load_bank(root)
    message = str(info.value)
    assert "model-serving.yaml: cannot read YAML" in message
    assert "chatbot-api.yaml: level" in message
    assert "renamed.yaml: id 'url-shortener' does not match the file name" in message
    assert "feature-store.yaml: unknown curveballs: no-such-curveball" in message


def test_a_question_with_two_question_marks_is_refused(tmp_path: Path) -> None:
    root = tmp_path / "prompts"
    shutil.copytree(PROMPTS_DIR, root)
    path = root / "questions" / "url-shortener.yaml"
    text = path.read_text()
    first_question = re.search(r'question: "([^"]+)"', text)
    assert first_question is not None
    path.write_text(text.replace(first_question.group(1), "Why? And how?", 1))
    with pytest.raises(BankError, match="exactly one"):
        load_bank(root)


def test_find_matches_ids_topics_and_title_words() -> None:
    bank = load_bank()
    assert [p.id for p in bank.find("model-serving")] == ["model-serving"]
    assert {p.id for p in bank.find("rag")} >= {"rag-assistant"}
    assert all("storage" not in p.id for p in bank.find("rag"))
    assert bank.find("underwater basket weaving") == []


def test_every_problem_has_security_points_and_the_broadened_facts() -> None:
    from interviewer.bank import FACT_TOPICS

    for problem in load_bank().problems.values():
        covered = {t for fact in problem.hidden_facts for t in fact.covers}
        assert covered == set(FACT_TOPICS), problem.id
        ids = [p.id for points in problem.expected.values() for p in points]
        assert any(i.startswith("security") for i in ids), problem.id


def test_missing_fact_topics_and_security_points_are_reported_per_file(tmp_path: Path) -> None:
    root = tmp_path / "prompts"
    shutil.copytree(PROMPTS_DIR, root)
    questions = root / "questions"
    text = (questions / "news-feed.yaml").read_text()
    (questions / "news-feed.yaml").write_text(
        text.replace("covers: [compliance]", "covers: [data]")
    )
    text = (questions / "url-shortener.yaml").read_text()
    (questions / "url-shortener.yaml").write_text(
        text.replace("id: security-privacy", "id: abuse-and-privacy")
    )
    with pytest.raises(BankError) as info:
        load_bank(root)
    message = str(info.value)
    assert "news-feed.yaml: <root>: Value error, no hidden fact covers: compliance" in message
    assert "url-shortener.yaml: <root>: Value error, no expected point on security" in message


def test_a_second_load_reuses_the_compiled_patterns() -> None:
    """The bank's thousands of patterns outgrow re's own cache: each load compiled them all
    again (seconds per test module). interviewer/core/regex.py keeps them for the process."""
    first, second = load_bank().misconceptions, load_bank().misconceptions
    assert first.shared[0] is not second.shared[0]  # two loads, two catalogues
    assert first.shared[0]._pattern is second.shared[0]._pattern
