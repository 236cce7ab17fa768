"""Wrong claims in new words (tests/interviewer/data/claim_phrasings.yaml, bench.claim_recall):
the tune half's recall holds its floor and no correct sentence of it trips the detector.

The held half is measured by `python -m bench.claim_recall --half held`, once, at the end of a
round; nothing here reads it."""

from __future__ import annotations

import pytest

from bench.claim_recall import load_probe, measure
from interviewer.bank import load_bank
from interviewer.misconceptions import Catalogue, plain

# The tune half's recall by the entry each claim was written for, as measured when the floor
# was last raised (bench.claim_recall --half tune); it may rise, never fall.
TUNE_RECALL_FLOOR = 0.94


@pytest.fixture(scope="module")
def catalogue() -> Catalogue:
    return load_bank().misconceptions


def test_the_probe_is_split_by_sorted_id() -> None:
    probe = load_probe()
    ids = sorted(e.id for half in probe.values() for e in half)
    assert len(ids) == len(set(ids)) >= 50
    assert [e.id for e in probe["tune"]] == ids[0::2]
    assert [e.id for e in probe["held"]] == ids[1::2]


def test_every_probe_entry_is_in_the_catalogue_for_its_problem(catalogue: Catalogue) -> None:
    probe = load_probe()
    for entry in probe["tune"] + probe["held"]:
        assert entry.id in {m.id for m in catalogue.for_problem(entry.problem)}, entry.id
        assert len(entry.claims) >= 2 and entry.correct


def test_the_tune_half_recall_holds_its_floor(catalogue: Catalogue) -> None:
    measured = measure(catalogue, load_probe()["tune"])
    assert measured.recall >= TUNE_RECALL_FLOOR, "\n".join(f"{i}: {s}" for i, s in measured.missed)


def test_no_correct_sentence_of_the_tune_half_trips_the_detector(catalogue: Catalogue) -> None:
    measured = measure(catalogue, load_probe()["tune"])
    assert measured.correct >= 90
    assert not measured.false_fires, "\n".join(map(str, measured.false_fires))


def test_a_sentence_is_also_read_in_plain_words(catalogue: Catalogue) -> None:
    assert plain("tbh we dont need it, the db is fine") == "we don't need it, the database is fine"
    assert plain("If the key expires, requests fall through") == (
        "the key expires, so requests fall through"
    )
    assert plain("The replcias are consistant") == "The replicas is consistent"
    # another form of a catalogue word is no slip
    assert plain("H100-equivalents") == "H100-equivalents"


def test_a_claim_with_slips_and_hedges_is_recognised_and_a_hedged_doubt_is_not(
    catalogue: Catalogue,
) -> None:
    def ids(text: str) -> list[str]:
        return [h.misconception.id for h in catalogue.find("key-value-store", text)]

    assert "replication-is-backup" in ids("Honestly replcation replaces backups for us.")
    assert ids("A bloom filter hit means the key probably exists, so we still read the disk.") == []


def test_a_qualifier_waved_away_qualifies_nothing(catalogue: Catalogue) -> None:
    said = "We rate-limit each customer by number of requests, tokens don't matter."
    hits = [h.misconception.id for h in catalogue.find("chatbot-api", said)]
    assert hits == ["chatbot-api-limit-requests-only"]
    qualified = "We rate-limit each customer by number of requests and by tokens per minute."
    assert catalogue.find("chatbot-api", qualified) == []
