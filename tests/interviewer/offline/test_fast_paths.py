"""The shortcuts taken for speed give exactly what the plain forms give.

Each test holds a fast path to a straightforward reference written here: the catalogue screen
(`misconceptions.claiming`: every entry's `claimed_in`, one by one), `Catalogue.find`,
`core.text.normalize` (character by character), `mask_collocations` (the substitution alone),
`reason_carries_content` (no remembered reasons) and `acts.hear` (every pattern searched). Text is built from the catalogue's own
example sentences and the reason reader's connectives, with case changes, joins and characters
that fold case or are controls.
"""

from __future__ import annotations

import re
import unicodedata
from functools import cache

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from interviewer.bank import QuestionBank, load_bank
from interviewer.core.prefixes import could_match, may_hold_a_match, required_strings
from interviewer.core.stages import Stage
from interviewer.core.text import _KEPT_FORMAT, is_question, normalize, sentences
from interviewer.misconceptions import ClaimHit, Misconception, claiming
from interviewer.offline import acts
from interviewer.offline.acts import Act, Heard, hear
from interviewer.offline.analysis import (
    _QUANTITY,
    _REASON,
    _TO_GRADER,
    addresses_grader,
    has_quantity,
)
from interviewer.offline.reasoning import (
    _BECAUSE_OF,
    _REASON_END,
    _WORD,
    COLLOCATIONS,
    MAX_REASON_CHARS,
    _lowered,
    content_words,
    mask_collocations,
    reason_carries_content,
)


@cache
def _bank() -> QuestionBank:
    return load_bank()


@cache
def _problems() -> tuple[str, ...]:
    return tuple(sorted({p for p, _ in _bank().misconceptions.by_problem}))


@cache
def _examples() -> tuple[str, ...]:
    catalogue = _bank().misconceptions
    entries = [*catalogue.shared, *(m for _, ms in catalogue.by_problem for m in ms)]
    return tuple(sorted({s for m in entries for s in (*m.examples, *m.not_examples)}))


_JOINS = [" ", ". ", "? ", "; ", ": ", " - ", ", but ", "\n", " because ", " so ", ""]
_ODD = ["\u212a", "\u017f", "\u0130", "é", "\u00a0", "\u200b", "\x00", "\x1b", "\u202e", "\r"]


@st.composite
def _claims_text(draw: st.DrawFn) -> str:
    pieces = draw(st.lists(st.sampled_from(_examples()), min_size=1, max_size=8))
    out = []
    for piece in pieces:
        case = draw(st.sampled_from([str, str.lower, str.upper]))
        piece = case(piece)
        if draw(st.integers(0, 7)) == 0:
            k = draw(st.integers(0, len(piece)))
            piece = piece[:k] + draw(st.sampled_from(_ODD)) + piece[k:]
        out.append(piece + draw(st.sampled_from(_JOINS)))
    return "".join(out)


def _reference_find(entries: tuple[Misconception, ...], text: str) -> list[ClaimHit]:
    found: dict[str, ClaimHit] = {}
    for sentence in sentences(text):
        for entry in entries:
            if entry.id not in found and entry.claimed_in(sentence):
                found[entry.id] = ClaimHit(entry, sentence)
    return list(found.values())


@settings(max_examples=120, deadline=None)
@given(_claims_text(), st.data())
def test_the_screen_finds_what_every_entry_finds(text: str, data: st.DataObject) -> None:
    problem = data.draw(st.sampled_from(_problems()))
    entries = _bank().misconceptions.for_problem(problem)
    said = [*sentences(text), *sentences(text)]  # repeated sentences too
    expected = [tuple(i for i, e in enumerate(entries) if e.claimed_in(s)) for s in said]
    assert claiming(entries, said) == expected
    assert _bank().misconceptions.find(problem, text) == _reference_find(entries, text)


def test_the_examples_are_claimed_through_the_screen() -> None:
    """The screen is not a no: every entry's own examples still reach it."""
    catalogue = _bank().misconceptions
    for problem in _problems():
        entries = catalogue.for_problem(problem)
        for i, entry in enumerate(entries):
            assert all(i in got for got in claiming(entries, entry.examples)), entry.id


def _reference_normalize(text: str) -> str:
    text = unicodedata.normalize("NFC", text)
    return "".join(
        ch
        for ch in text
        if ch in "\n\t" or ch in _KEPT_FORMAT or unicodedata.category(ch)[0] != "C"
    ).strip()


@given(st.text() | st.text(alphabet=st.characters(max_codepoint=127)))
def test_normalize_is_the_character_by_character_form(text: str) -> None:
    assert normalize(text) == _reference_normalize(text)


_PHRASES = [
    "as long as",
    "at least",
    "in case of",
    "kind of",
    "a lot of",
    "AT MOST",
    "at least-once",
]


@given(
    st.lists(
        st.sampled_from([*_PHRASES, "we", "cache", "shard", "\u017fort of", "as", "long", "K"]),
        max_size=20,
    ),
    st.sampled_from([" ", "-", ", ", ""]),
)
def test_mask_collocations_is_the_substitution(words: list[str], join: str) -> None:
    text = join.join(words)
    assert mask_collocations(text) == COLLOCATIONS.sub(lambda m: " " * len(m.group()), text)


@given(
    st.lists(
        st.lists(
            st.sampled_from([*_PHRASES, "as", "long", "at", "least", "-once", "once", "of", "é"]),
            max_size=6,
        ),
        max_size=5,
    ),
    st.sampled_from([" ", "-", ""]),
)
def test_collocations_are_blanked_line_by_line(lines: list[list[str]], join: str) -> None:
    """No collocation crosses a line break: lines blanked one by one and joined are the joined
    lines blanked (the remembered reading blanks each turn once: offline.remembered)."""
    texts = [join.join(words) for words in lines]
    assert "\n".join(map(mask_collocations, texts)) == mask_collocations("\n".join(texts))


def _reference_reason(sentence: str, reason: re.Pattern[str], own: frozenset[str]) -> bool:
    lowered, at = _lowered(sentence)
    words = [(w.end(), w.group()) for w in _WORD.finditer(lowered) if len(w.group()) >= 4]
    claim: set[str] = set()
    seen = 0
    for m in reason.finditer(sentence):
        tail = _REASON_END.split(sentence[m.end() : m.end() + MAX_REASON_CHARS], maxsplit=1)[0]
        if _BECAUSE_OF.match(m.group()) and len(_WORD.findall(tail)) <= 3:
            continue
        while seen < len(words) and words[seen][0] <= at[m.start()]:
            claim.add(words[seen][1])
            seen += 1
        if len(content_words(m.group() + tail, own | claim)) >= 2:
            return True
    return False


_REASON_WORDS = [
    "because of",
    "because",
    "so",
    "x,",
    "if a",
    "which means",
    "the cache",
    "cache",
    "shard",
    "replicas",
    "traffic",
    "stays",
    "small",
    "scalability",
    "performance",
    "fast",
    "it",
    "we",
    "use",
    "Redis",
    "latency",
    "drops",
    "writes",
    "İ",
    "ſo",
    ",",
    ";",
    "(",
    "the",
]


@settings(max_examples=200, deadline=None)
@given(
    st.lists(st.sampled_from(_REASON_WORDS), max_size=60),
    st.sampled_from([frozenset(), frozenset({"cache"}), frozenset({"shard", "replicas"})]),
)
def test_reasons_read_once_per_claim_read_as_before(words: list[str], own: frozenset[str]) -> None:
    sentence = " ".join(words)
    assert reason_carries_content(sentence, _REASON, own) == _reference_reason(
        sentence, _REASON, own
    )
    repeated = " ".join([*words, *words, *words])
    assert reason_carries_content(repeated, _REASON, own) == _reference_reason(
        repeated, _REASON, own
    )


def _pattern_words(pattern: re.Pattern[str]) -> list[str]:
    return sorted({w for w in re.findall(r"[a-z0-9']{1,}", pattern.pattern.lower()) if len(w) < 14})


_GRADER_WORDS = _pattern_words(_TO_GRADER)
# acts' patterns whose screens hearing uses (acts.hear): every word of theirs that matches
# alone or after another holds one of their required strings.
_ACT_PATTERNS_FOR_WORDS = [acts._DONT_KNOW, acts._REFUSAL, acts._SUMMARY]


@settings(max_examples=300, deadline=None)
@given(
    st.lists(
        st.sampled_from([*_GRADER_WORDS, "3", "4", "/", "3/4", "3 out of 4", ".", ","]), max_size=14
    ),
    st.sampled_from([" ", ", ", ": ", "-", ""]),
    st.sampled_from([str, str.upper, str.title]),
)
def test_the_grader_screen_never_hides_a_match(words: list[str], join: str, case: object) -> None:
    text = case(join.join(words))  # type: ignore[operator]
    assert addresses_grader(text) == bool(_TO_GRADER.search(text))
    if _TO_GRADER.search(text):
        assert may_hold_a_match(required_strings(_TO_GRADER, 2), text)


@pytest.mark.parametrize("shortest", [1, 2])
@pytest.mark.parametrize(
    "pattern", [_TO_GRADER, _REASON, COLLOCATIONS, _QUANTITY, *_ACT_PATTERNS_FOR_WORDS]
)
def test_required_strings_hold_for_every_match_in_the_words_it_is_made_of(
    pattern: re.Pattern[str], shortest: int
) -> None:
    """Each word and pair of words of the pattern that it matches holds a required string."""
    needed = required_strings(pattern, shortest)
    if shortest == 2 and pattern is not _QUANTITY:  # the screens in use: they exist
        assert needed is not None
    words = _pattern_words(pattern)
    for a in words:
        for b in ["", *words[:40]]:
            text = f"{a} {b} 3/4"
            if pattern.search(text):
                assert may_hold_a_match(needed, text), text
                assert could_match(pattern, text, shortest), text


@given(
    st.lists(
        st.sampled_from(["50", "k", "QPS", "99", "%", "p99", "1,", "1.", "٣", "²", " ", "ms", "x"]),
        max_size=12,
    )
)
def test_has_quantity_is_the_pattern_alone(words: list[str]) -> None:
    text = " ".join(words)
    assert has_quantity(text) == bool(_QUANTITY.search(text))


_ACT_PATTERNS = [acts._DONT_KNOW, acts._REFUSAL, acts._SUMMARY, acts._OFF_TOPIC, acts._DEEP_DIVE]


def _reference_hear(text: str, stage: Stage) -> Heard:
    """acts.hear with every pattern searched, no screen in front of any."""
    if acts._OFF_TOPIC.search(text):
        return Heard(Act.OFF_TOPIC)
    if len(acts._WORD.findall(text)) <= acts._META_WORDS:
        for kind, pattern in acts._META.items():
            if pattern.search(text):
                return Heard(Act.META, kind)
    m = acts._DEEP_DIVE.search(text)
    wish = m is not None and bool(acts._DEPTH.search(m.group()) or "talk" not in m.group().lower())
    if m and wish and stage is not Stage.CLARIFY:
        said_more = acts._goes_on(text, m.start())
        return Heard(Act.DEEP_DIVE, acts._subject(m.group("x")), said_more=said_more)
    asked = acts._asked(text)
    if asked:
        return Heard(Act.ASKED, questions=tuple(asked))
    for s in sentences(text):
        found = acts._DONT_KNOW.search(s)
        if found is None:
            continue
        rest = len(acts._WORD.findall(text)) - len(acts._WORD.findall(s))
        if rest <= 15 and not re.search(r"\bbut\b[^.?!]{12,}", s[found.end() :]):
            subject = (found.group("x") or "").strip()
            return Heard(Act.DONT_KNOW, acts._subject(re.sub(r"^(?:about|on)\s+", "", subject)))
    if stage is not Stage.CLARIFY:
        for s in sentences(text):
            if acts._REFUSAL.search(s) and not is_question(s):
                return Heard(Act.REFUSAL, s)
    if stage is Stage.WRAP_UP:
        first = sentences(text)[0] if text.strip() else ""
        if acts._SUMMARY.search(first) or len(acts._WORD.findall(text)) >= 25:
            return Heard(Act.SUMMARY)
    return Heard(Act.DESIGN)


_ACT_WORDS = sorted({w for p in _ACT_PATTERNS for w in _pattern_words(p)})
_ACT_PHRASES = [
    "I don't know",
    "not sure how we shard it",
    "we don't check",
    "users are adults",
    "security isn't a concern",
    "to summarise, the design",
    "in a nutshell",
    "let's dive deep into the cache",
    "talk about something else",
    "we shard by user id because reads dominate",
    "how many users?",
]


@settings(max_examples=300, deadline=None)
@given(
    st.lists(st.sampled_from([*_ACT_WORDS, *_ACT_PHRASES, *_ODD]), min_size=1, max_size=16),
    st.lists(st.sampled_from(_JOINS), min_size=1, max_size=3),
    st.sampled_from([str, str.upper, str.title, str.lower]),
    st.sampled_from(list(Stage)),
)
def test_hearing_with_its_screens_hears_what_every_pattern_hears(
    words: list[str], joins: list[str], case: object, stage: Stage
) -> None:
    text = case("".join(w + joins[i % len(joins)] for i, w in enumerate(words)))  # type: ignore[operator]
    assert hear(text, stage) == _reference_hear(text, stage)
