"""Reasons given in everyday constructions count as reasons ("would make an outage global",
"makes reading simple", "bigger groups mean more answers per card", "which is much cheaper");
slogans in the same shapes do not."""

from __future__ import annotations

import pytest

from interviewer.core.stages import Stage
from interviewer.offline.analysis import read_turns


def reasoned(said: str) -> bool:
    return read_turns([(0, Stage.DEEP_DIVE, said)]).sentences[0].reasoned


@pytest.mark.parametrize(
    "said",
    [
        "A single global scheduler would make one data-center outage a scheduling outage "
        "everywhere.",
        "Grouping requests on each card makes serving cheaper but slows each answer a little.",
        "Bigger batches mean fewer trips to the card and a lower bill per answer.",
        "Each box keeps the work for a shared opening, which is what makes the first word come "
        "back sooner.",
        "The two counters may drift apart for a moment, which is fine for monthly budgets in "
        "dollars.",
    ],
)
def test_everyday_consequences_are_reasons(said: str) -> None:
    assert reasoned(said)


@pytest.mark.parametrize(
    "said",
    [
        "It would make the whole system more scalable and reliable.",
        "That makes it simple and it is fine.",
        "We will make a service for the storage layer.",
        "Kafka handles the events in the pipeline, which is fine.",
    ],
)
def test_slogans_in_the_same_shapes_are_no_reasons(said: str) -> None:
    assert not reasoned(said)
