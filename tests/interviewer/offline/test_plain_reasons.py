"""Reasons given in everyday constructions count as reasons ("would make an outage global",
"makes reading simple", "bigger groups mean more answers per card", "which is much cheaper");
slogans in the same shapes do not. A rate said in everyday words ("40,000 checks a second") is
a number like "40k QPS"."""

from __future__ import annotations

import pytest

from interviewer.core.stages import Stage
from interviewer.offline.analysis import has_quantity, read_turns


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


@pytest.mark.parametrize(
    "said",
    [
        "The checker sees 40,000 checks a second at the peak.",
        "At 20 questions per second the cards would sit idle most of the day.",
        "Each person still gets 30 pieces of text a second.",
        "About 1.5 million uploads each day reach the pipeline.",
    ],
)
def test_a_rate_in_everyday_words_is_a_number(said: str) -> None:
    assert has_quantity(said)
    assert reasoned(said)


@pytest.mark.parametrize(
    "said",
    [
        "The checker runs every second and the results go to a queue.",  # no number
        "We picked option 2 because the team knows it well.",  # a number with no rate
        "A second region takes the load in the afternoon.",
    ],
)
def test_words_near_a_time_are_no_rate(said: str) -> None:
    assert not has_quantity(said)


def test_a_long_run_of_digits_is_read_in_linear_time() -> None:
    # Possessive like the rest of the quantity pattern: no backtracking over "1,1,1,...".
    assert not has_quantity("1," * 20_000 + "x")
