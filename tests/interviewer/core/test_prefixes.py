"""The prefix filter finds exactly what the regex engine finds on its own.

`interviewer.core.prefixes` lets the concept scan and the misconception check try a pattern
only where it could start; these tests hold it to plain `finditer`/`search` (the reference) on
the bank's real patterns and on varied text built from the words they name, with case changes,
punctuation, word joins and non-ASCII characters that fold case (`K`, `ſ`, `İ`).
"""

from __future__ import annotations

import re
from functools import cache

from hypothesis import given, settings
from hypothesis import strategies as st

from interviewer.bank import QuestionBank, load_bank
from interviewer.core.prefixes import TextIndex, may_contain, starts_of
from interviewer.core.stages import Stage
from interviewer.offline.analysis import CandidateText, compile_fast, read_turns


@cache
def _bank() -> QuestionBank:
    return load_bank()


@cache
def _concept_patterns() -> tuple[re.Pattern[str], ...]:
    bank = _bank()
    return (
        *(p for _, p in bank.compiled_concepts),
        *(compile_fast(c.all_patterns) for c in bank.concepts),
    )


@cache
def _claim_patterns() -> tuple[re.Pattern[str], ...]:
    catalogue = _bank().misconceptions
    entries = [*catalogue.shared, *(m for _, ms in catalogue.by_problem for m in ms)]
    out: list[re.Pattern[str]] = []
    for m in entries:
        out += [m._pattern, *(p for p in (m._unless, m._corrected) if p is not None)]
    return tuple(out)


@cache
def _words() -> tuple[str, ...]:
    """Words the bank's patterns are made of, so generated text meets them often."""
    found: set[str] = set()
    for p in (*_concept_patterns(), *_claim_patterns()):
        found.update(w for w in re.findall(r"[a-z]{2,}", p.pattern.lower()) if len(w) < 14)
    return tuple(sorted(found))


_JOINS = [" ", " ", " ", "-", ", ", ". ", "; ", "\n", "", "(", ")", "/", " & ", "'", "_", "1"]
_ODD = ["\u212a", "\u017f", "\u0130", "\u0131", "é", "\u00a0", "\u200b", "ﬁ", "\x00", "ß"]


@st.composite
def _text(draw: st.DrawFn) -> str:
    words = st.sampled_from(_words())
    pieces = draw(st.lists(st.tuples(words, st.sampled_from(_JOINS)), max_size=40))
    out = []
    for word, join in pieces:
        case = draw(st.sampled_from([str.lower, str.upper, str.title]))
        if draw(st.integers(0, 9)) == 0:  # now and then a character that folds case
            k = draw(st.integers(0, len(word)))
            word = word[:k] + draw(st.sampled_from(_ODD)) + word[k:]
        out.append(case(word) + join)
    return "".join(out)


def _spans(matches: object) -> list[tuple[int, int]]:
    return [m.span() for m in matches]  # type: ignore[attr-defined]


def test_every_bank_pattern_is_read() -> None:
    """The filter is used, not silently skipped: every concept pattern has its starts."""
    assert all(starts_of(p) is not None for p in _concept_patterns())


def test_characters_that_fold_case_are_found() -> None:
    """A non-ASCII letter that matches an ASCII one under IGNORECASE (long s, Kelvin sign,
    dotted I) starts a match as it does for the engine alone."""
    text = "We \u017fhard by user, stream through \u212aafka and keep \u0130dempotent writes."
    index = TextIndex([text])
    found = 0
    for pattern in _concept_patterns():
        spans = [m.span() for _, m in index.finditer(pattern, [(0, [(0, len(text))])])]
        assert spans == _spans(pattern.finditer(text))
        found += bool(spans)
    assert found >= 3


@settings(max_examples=150, deadline=None)
@given(_text(), st.data())
def test_the_index_finds_what_finditer_finds(text: str, data: st.DataObject) -> None:
    patterns = data.draw(st.lists(st.sampled_from(_concept_patterns()), min_size=1, max_size=8))
    a = data.draw(st.integers(0, len(text)))
    b = data.draw(st.integers(a, len(text)))
    index = TextIndex(["some other turn", text])
    for pattern in patterns:
        whole = [m.span() for _, m in index.finditer(pattern, [(1, [(0, len(text))])])]
        assert whole == _spans(pattern.finditer(text))
        window = [m.span() for _, m in index.finditer(pattern, [(1, [(a, b)])])]
        assert window == _spans(pattern.finditer(text, a, b))


@settings(max_examples=150, deadline=None)
@given(_text(), st.data())
def test_may_contain_never_says_no_to_a_match(text: str, data: st.DataObject) -> None:
    for pattern in data.draw(st.lists(st.sampled_from(_claim_patterns()), max_size=10)):
        if pattern.search(text):
            assert may_contain(pattern, text)


def test_may_contain_says_no_to_text_without_the_words() -> None:
    """Not a filter that always says yes: a sentence about something else is ruled out."""
    no = [p for p in _claim_patterns() if not may_contain(p, "We store the photos in buckets.")]
    assert len(no) > len(_claim_patterns()) // 2


def _reference(text: CandidateText, pattern: re.Pattern[str]) -> list[tuple[int, int]]:
    """first_matches as it was written before the index: plain finditer over each window."""
    found = []
    for turn in dict.fromkeys(s.turn for s in text.sentences):
        ids = [i for i, s in enumerate(text.sentences) if s.turn == turn]
        seen: set[int] = set()
        a_b = text._windows[turn]
        for m in (m for a, b in a_b for m in pattern.finditer(text.masked[turn], a, b)):
            inside = [i for i in ids if text.sentences[i].start <= m.start()]
            if not inside or inside[-1] in seen:
                continue
            s = text.sentences[inside[-1]]
            if m.start() < s.start + len(s.text):
                seen.add(inside[-1])
                found.append((inside[-1], m.start() - s.start))
    return found


@settings(max_examples=60, deadline=None)
@given(st.lists(_text(), min_size=1, max_size=4), st.data())
def test_first_matches_agrees_with_the_reference(turns: list[str], data: st.DataObject) -> None:
    # Long runs of punctuation are skipped as windows: put one in now and then.
    if data.draw(st.booleans()):
        turns[0] += " " + "[" * 40 + " cache"
    text = read_turns([(i * 2, Stage.HIGH_LEVEL, t) for i, t in enumerate(turns)])
    for pattern in data.draw(st.lists(st.sampled_from(_concept_patterns()), max_size=12)):
        assert list(text.first_matches(pattern)) == _reference(text, pattern)


def test_may_contain_says_yes_to_every_catalogue_example() -> None:
    """Each entry's own examples make its claim: the filter lets every one through."""
    catalogue = _bank().misconceptions
    for m in [*catalogue.shared, *(m for _, ms in catalogue.by_problem for m in ms)]:
        for sentence in m.examples:
            if m._pattern.search(sentence):
                assert may_contain(m._pattern, sentence), (m.id, sentence)
