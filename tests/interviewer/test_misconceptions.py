"""The misconception catalogue: every entry recognises its examples and none of its near misses,
and no strong answer in the calibration set trips the detector."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from interviewer.bank import load_bank
from interviewer.core.rubric import Criterion
from interviewer.misconceptions import Catalogue, Misconception

CALIBRATION = Path(__file__).resolve().parents[2] / "bench" / "calibration"
# The problems whose transcripts are held out (bench/calibration/split.json when present).
HELD_OUT_DEFAULT = {
    "agent-platform",
    "code-completion",
    "semantic-cache",
    "ride-hailing-dispatch",
    "fine-tuning-service",
    "web-crawler",
}
STRONG_KINDS = {"strong", "plain_english_strong"}
# Sentences in strong transcripts that really do make a catalogued wrong claim, reviewed by hand:
# (file stem, misconception id). None so far.
REVIEWED_REAL_ERRORS: set[tuple[str, str]] = set()


@pytest.fixture(scope="module")
def catalogue() -> Catalogue:
    return load_bank().misconceptions


def _entries(catalogue: Catalogue) -> list[tuple[str, Misconception]]:
    own = [(pid, m) for pid, ms in catalogue.by_problem for m in ms]
    return [("shared", m) for m in catalogue.shared] + own


def test_the_catalogue_is_broad(catalogue: Catalogue) -> None:
    entries = _entries(catalogue)
    assert len(entries) >= 60
    criteria = {m.criterion for _, m in entries}
    for needed in (
        Criterion.SCALABILITY,
        Criterion.RELIABILITY,
        Criterion.PERFORMANCE,
        Criterion.AI_INFRASTRUCTURE,
        Criterion.SECURITY_PRIVACY,
    ):
        assert needed in criteria
    assert sum(m.criterion is Criterion.SECURITY_PRIVACY for _, m in entries) >= 10


def test_every_entry_recognises_its_examples_and_none_of_its_near_misses(
    catalogue: Catalogue,
) -> None:
    failures = []
    for where, m in _entries(catalogue):
        failures += [f"{where}/{m.id} missed: {e!r}" for e in m.examples if not m.claimed_in(e)]
        failures += [
            f"{where}/{m.id} wrongly matched: {e!r}" for e in m.not_examples if m.claimed_in(e)
        ]
    assert not failures, "\n".join(failures)


def test_a_question_or_a_negated_claim_is_no_claim(catalogue: Catalogue) -> None:
    ids = ["read-replicas-scale-writes"]
    assert [
        h.misconception.id for h in catalogue.find("url-shortener", "Read replicas scale writes.")
    ] == ids
    for text in (
        "Can read replicas scale writes?",
        "We would not use read replicas to scale writes.",
        "Nobody thinks read replicas scale writes.",
    ):
        assert catalogue.find("url-shortener", text) == [], text


def test_a_claim_named_to_reject_it_is_no_claim(catalogue: Catalogue) -> None:
    """A candidate who names the naive design and rejects it in the same clause is right."""
    for text in (
        "Using read replicas to scale writes would be a mistake here.",
        "Adding read replicas to scale writes doesn't work, since every replica applies every write.",
        "Read replicas scale writes, which is wrong.",
        "Read replicas to scale writes won't actually work.",
    ):
        assert catalogue.find("url-shortener", text) == [], text
    for text in (  # a rejection of something else, or after a contrast, leaves the claim standing
        "Read replicas scale writes, but the cache would be a mistake.",
        "Read replicas scale writes, and it is not true that we need sharding.",
        "Read replicas scale writes; a single primary won't scale.",
    ):
        hits = [h.misconception.id for h in catalogue.find("url-shortener", text)]
        assert hits == ["read-replicas-scale-writes"], text


def test_a_claim_attributed_to_others_is_no_claim(catalogue: Catalogue) -> None:
    """A strong candidate names the common misconception in order to answer it."""
    for text in (
        "A common misconception is that read replicas scale writes.",
        "People often assume read replicas scale writes, but every replica applies every write.",
        "It's tempting to think read replicas scale writes.",
        "The naive answer is that read replicas scale writes.",
        "One might think read replicas scale writes.",
        "Read replicas scale writes, which is not the case.",
    ):
        assert catalogue.find("url-shortener", text) == [], text
    for text in (  # the candidate's own assumption, or a rejection of something else, is a claim
        "We assume read replicas scale writes.",
        "Read replicas scale writes, and people often assume the cache is the bottleneck.",
    ):
        hits = [h.misconception.id for h in catalogue.find("url-shortener", text)]
        assert hits == ["read-replicas-scale-writes"], text


def test_a_correction_that_repeats_the_claim_corrects_nothing(catalogue: Catalogue) -> None:
    entry = next(m for m in catalogue.shared if m.id == "retries-without-backoff")
    assert entry.corrected_in("Retries use exponential backoff with jitter and a budget.")
    assert not entry.corrected_in("We don't need backoff.")


def _held_out() -> set[str]:
    split = CALIBRATION / "split.json"
    if split.exists():
        data = json.loads(split.read_text(encoding="utf-8"))
        held = data.get("held_out", HELD_OUT_DEFAULT)
        later = [*data.get("fresh", []), *data.get("blind", [])]
        return set(held if isinstance(held, list) else HELD_OUT_DEFAULT) | set(later)
    return HELD_OUT_DEFAULT


def test_no_strong_answer_in_the_calibration_set_trips_the_detector(
    catalogue: Catalogue,
) -> None:
    held_out = _held_out()
    found, read = [], 0
    for path in sorted(CALIBRATION.glob("*.json")):
        data = json.loads(path.read_text(encoding="utf-8"))
        if "expected" not in data:  # split.json
            continue
        if data["expected"]["kind"] not in STRONG_KINDS or data["question_id"] in held_out:
            continue
        read += 1
        for turn in data["turns"]:
            if turn["role"] != "candidate":
                continue
            for hit in catalogue.find(data["question_id"], turn["text"]):
                if (path.stem, hit.misconception.id) not in REVIEWED_REAL_ERRORS:
                    found.append(f"{path.stem}: {hit.misconception.id}: {hit.sentence!r}")
    assert read >= 13
    assert not found, "\n".join(found)
