"""bench.tokens' ledgers: the floor is a floor, and caching is only modelled where it can apply."""

from __future__ import annotations

from bench.tokens import CACHE_MIN, Ledger, offline_tiktoken, run
from interviewer.bank import load_bank
from interviewer.core.stages import Format


async def test_the_floor_is_under_both_layouts_and_ours_under_the_naive_prompt() -> None:
    offline_tiktoken()
    brain = await run(load_bank(), "model-serving-strong", Format.STANDARD, 20)
    ours, naive, floor = brain.compact, brain.naive, brain.floor
    assert len(ours.prompts) == len(naive.prompts) == len(floor.prompts) > 20
    assert floor.tokens < ours.tokens < naive.tokens
    for model in ("gpt-4o-mini", "gpt-4.1"):
        assert floor.dollars(model) < ours.dollars(model) < naive.dollars(model)
    # The floor sends no word of the transcript: every call is the prefix and a directive.
    assert all(len(p) < len(floor.prompts[0]) * 2 for p in floor.prompts[:-1])


def test_a_shared_prefix_under_the_cache_minimum_is_billed_fresh() -> None:
    offline_tiktoken()
    ledger = Ledger()
    short = [("system", "rules " * 100)]
    ledger.call(short)
    ledger.call([*short, ("user", "more")])
    assert ledger.cached == 0
    long = [("system", "rules " * (CACHE_MIN + 200))]
    ledger.call(long)
    ledger.call([*long, ("user", "more")])
    assert ledger.cached >= CACHE_MIN
    assert (ledger.cached - CACHE_MIN) % 128 == 0
