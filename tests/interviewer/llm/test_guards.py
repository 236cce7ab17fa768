"""The checks on the model's interviewer turns."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from interviewer.core.text import question_key
from interviewer.llm.guards import (
    invented_numbers,
    is_repeat,
    leaks_solution,
    reply_problem,
    sentence_problem,
)

FACTS = ["Peak is around 50k requests per second.", "Time to first token under 500 ms at p95."]


def test_numbers_must_come_from_the_facts_or_the_candidate() -> None:
    assert invented_numbers("Assume 2 million requests per second.", FACTS) == [2_000_000]
    assert invented_numbers("Peak is about 50,000 requests per second.", FACTS) == []
    assert invented_numbers("Keep p95 under 500 ms.", FACTS) == []
    assert invented_numbers("Name two or three components, say 3.", FACTS) == []
    assert invented_numbers("The budget is 200 ms.", FACTS) == [200]


def test_solutions_are_spotted_but_questions_about_them_are_not() -> None:
    assert leaks_solution("You should use a Redis cache in front of the model servers.")
    assert leaks_solution("The standard approach is continuous batching.")
    assert leaks_solution("Here's how I would do it: a gateway, then a router.")
    assert not leaks_solution("What would you cache, and where?")
    assert not leaks_solution("Think about what happens when every GPU is busy.")
    # quoting the candidate's own design back (a pushback) hands out nothing; our words still do
    said = ["For 10x users I would add replicas in every region."]
    assert not leaks_solution(
        "You said: “For 10x users I would add replicas in every region.”", said
    )
    assert leaks_solution("“For 10x users” you should use a cache.", said)
    assert leaks_solution("“I would add replicas”, you wrote? No: I would add a cache.", said)


def test_repeats_are_caught_even_when_reworded_slightly() -> None:
    asked = [question_key("How do requests find a model server that has room for them?")]
    assert is_repeat("How do requests find a model server that has room for them?", asked)
    assert is_repeat("So how do requests find a model server that has room for them?", asked)
    assert not is_repeat("What happens when a region goes down?", asked)


def test_sentence_and_reply_problems_say_why() -> None:
    assert "solution" in (sentence_problem("You could use Kafka.", FACTS, []) or "")
    assert "numbers" in (sentence_problem("Traffic is 9 million QPS.", FACTS, []) or "")
    assert sentence_problem("What is your read path?", FACTS, []) is None
    assert reply_problem("", True) == "it is empty"
    assert reply_problem("Good point about the cache.", True) == "it asks no question"
    assert reply_problem("Good point about the cache.", False) is None
    assert "longer" in (reply_problem("word " * 200, False) or "")


def _plain_invented(text: str, sources: list[str]) -> list[float]:
    """The check as first written: every source read for every sentence."""
    from interviewer.llm.guards import _NUMBER, _value, numbers

    allowed: set[float] = set()
    for s in sources:
        allowed |= numbers(s)
    out = []
    for m in _NUMBER.finditer(text):
        value = _value(m)
        if value is None or value < 11 or value in allowed:
            continue
        out.append(value)
    return out


_WORDS = st.sampled_from(
    ["50k", "50,000", "2", "12", "3.5", "1.5m", "200", "ms", "p95", "users", "10%", "x", "1e3"]
)


@given(
    st.lists(_WORDS, max_size=12).map(" ".join),
    st.lists(st.lists(_WORDS, max_size=8).map(" ".join), max_size=4),
)
def test_the_lazy_remembered_check_finds_what_the_plain_one_finds(
    text: str, sources: list[str]
) -> None:
    assert invented_numbers(text, sources) == _plain_invented(text, sources)
    assert invented_numbers(text, iter(sources)) == _plain_invented(text, sources)
