"""bench.adversarial's percentile: within the samples, and the plain nearest-rank reading."""

from __future__ import annotations

import statistics

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bench.adversarial import percentile

samples = st.lists(st.floats(min_value=0, max_value=1e6, allow_nan=False), min_size=1, max_size=300)


@given(samples, st.floats(min_value=0, max_value=100))
def test_a_percentile_lies_within_the_samples(values: list[float], q: float) -> None:
    assert min(values) <= percentile(values, q) <= max(values)


@given(samples)
def test_the_ends_are_the_least_and_the_most_and_p50_is_the_median(values: list[float]) -> None:
    assert percentile(values, 0) == min(values)
    assert percentile(values, 100) == max(values)
    assert percentile(values, 50) == pytest.approx(statistics.median(values), rel=1e-9, abs=1e-9)


@given(st.lists(st.floats(min_value=0, max_value=1e6, allow_nan=False), min_size=2, max_size=300))
def test_it_agrees_with_statistics_inclusive_quantiles(values: list[float]) -> None:
    expected = statistics.quantiles(values, n=100, method="inclusive")[98]
    assert percentile(values, 99) == pytest.approx(expected, rel=1e-9, abs=1e-9)


def test_p99_of_42_waits_is_not_above_their_max() -> None:
    # The printed bug: 42 commands, "p99 26.5 ms, max 25.8 ms" (the exclusive method).
    waits = [5.0] * 40 + [20.0, 25.8]
    assert statistics.quantiles(waits, n=100)[98] > max(waits)  # what it printed before
    assert percentile(waits, 99) <= 25.8


def test_no_samples_and_a_bad_q_are_refused() -> None:
    with pytest.raises(ValueError, match="no samples"):
        percentile([], 99)
    with pytest.raises(ValueError, match="within 0-100"):
        percentile([1.0], 101)
