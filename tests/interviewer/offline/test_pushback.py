"""One pushback per wrong claim, whichever catalogue entries read it (interviewer/offline/pushback.py).

A sentence read by a shared entry and by the problem's own (different ids, one claim) is
questioned once: restating it after the pushback does not bring the other entry's pushback.
"""

from __future__ import annotations

import pytest

from interviewer.bank import load_bank
from interviewer.core.stages import Stage
from interviewer.core.transcript import Role, Turn, TurnKind
from interviewer.misconceptions import Catalogue
from interviewer.offline.lines import load_lines
from interviewer.offline.pushback import claim_doubt, pushback_for

PROBLEM = "model-serving"
# Read by the problem's own entry and by a shared one.
BOTH = "Long prompts don't affect other users because each request is independent."
OWN, SHARED = "model-serving-long-prompts-harmless", "ai-prompt-tokens-free"


@pytest.fixture(scope="module")
def catalogue() -> Catalogue:
    return load_bank().misconceptions


def _candidate(text: str) -> Turn:
    return Turn(Role.CANDIDATE, Stage.DEEP_DIVE, text)


def test_the_sentence_is_read_by_two_entries(catalogue: Catalogue) -> None:
    assert [h.misconception.id for h in catalogue.find(PROBLEM, BOTH)] == [OWN, SHARED]


def test_a_claim_read_by_two_entries_is_pushed_back_once(catalogue: Catalogue) -> None:
    turns = [_candidate(BOTH)]
    first = pushback_for(catalogue, PROBLEM, BOTH, turns, set())
    assert first is not None and first.misconception.id == OWN and first.quote == BOTH
    said = load_lines().pushback.format(quote=first.quote, question=first.misconception.pushback)
    turns += [Turn(Role.INTERVIEWER, Stage.DEEP_DIVE, said, TurnKind.PUSHBACK)]
    again = f"I still think so. {BOTH}"
    turns += [_candidate(again)]
    # the shared entry reads the same claim: no second pushback under its id
    assert pushback_for(catalogue, PROBLEM, again, turns, {first.key}) is None
    # a different claim is still pushed back on
    other = "Kafka gives us exactly-once delivery, so every request is served once."
    turns += [_candidate(other)]
    pushed = pushback_for(catalogue, PROBLEM, other, turns, {first.key})
    assert pushed is not None and pushed.misconception.id == "exactly-once-from-at-least-once"


def test_without_a_pushback_before_the_problems_own_entry_leads(catalogue: Catalogue) -> None:
    pushed = pushback_for(catalogue, PROBLEM, BOTH, [_candidate(BOTH)], set())
    assert pushed is not None and pushed.misconception.id == OWN


def test_the_claim_is_doubted_in_the_candidates_words_from_the_clause_that_makes_it(
    catalogue: Catalogue,
) -> None:
    said = "An H100 is just two A100s, so I normalise everything into slots."
    (hit,) = catalogue.find("gpu-capacity-planner", said)
    assert claim_doubt(hit.misconception, said) == "Is an H100 really two A100s"
    # no clause of the quote makes the claim by itself: nothing to doubt in its words
    assert (
        claim_doubt(hit.misconception, "We normalise everything into slots, it is simpler.") == ""
    )
