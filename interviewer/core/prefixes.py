"""Where a regular expression can start: a cheap, exact filter before the regex engine runs.

A pattern with a hundred alternatives costs the engine a try at every position of a text, and
the offline analysis runs about a hundred such patterns (the concepts, the misconceptions) over
every answer. Most positions can be ruled out without the engine: a match must begin with one
of the three-character prefixes the pattern's language allows ("loa" for `load[- ]?balanc`). This
module reads those prefixes off the parsed pattern, once per pattern, and indexes a text by the
three characters at each position, once per text, so only the positions a pattern could match at
are handed to `Pattern.match`. What is found is exactly what `finditer` finds (the candidates
are a superset of the match starts; the engine still decides), which the property tests check
against plain `finditer` on varied text. For a yes-or-no question about one sentence (does a
misconception's pattern occur?), `may_contain` first looks for the literal strings every match
must hold ("replica" for `read[- ]replicas?~...`) and runs the engine only when one is there.

Prefixes are compared in lower case, with every non-ASCII character read as one marker that
every consuming item of a pattern accepts, so case folding (`K` and the Kelvin sign) never
loses a match. A pattern the analysis cannot read (a back-reference, a prefix set too large to
help, a pattern that can match the empty string) has no `Starts`, and callers run it as before.
"""

from __future__ import annotations

import importlib
import re
from bisect import bisect_left
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from functools import lru_cache
from itertools import accumulate
from typing import Any, TypeVar

_parser: Any = importlib.import_module("re._parser")
_compiler: Any = importlib.import_module("re._compiler")
_c: Any = importlib.import_module("re._constants")

T = TypeVar("T")
OTHER = "\x80"
"""The one character every non-ASCII character of a text is read as."""
_NON_ASCII = re.compile(r"[^\x00-\x7f]")
_ASCII = [chr(i) for i in range(128)]
_WORD_CHARS = frozenset("abcdefghijklmnopqrstuvwxyz0123456789_")
_WORD_START = re.compile(r"(?<![0-9a-z_])[0-9a-z_]")
_K = 3  # how many characters of a match's start are compared
_MOST = 6000  # more prefixes than this and the filter is not worth it
_SINGLE = {"LITERAL", "NOT_LITERAL", "IN", "ANY"}
_ZERO_WIDTH = {"AT", "ASSERT", "ASSERT_NOT"}
_REPEATS = {"MAX_REPEAT", "MIN_REPEAT", "POSSESSIVE_REPEAT"}


class _Unreadable(Exception):
    """The pattern holds something the prefix analysis does not model."""


@dataclass(frozen=True)
class Starts:
    """What a match of one pattern can begin with, in lower case (`OTHER` for non-ASCII)."""

    prefixes: frozenset[str]  # its first K characters, when it matches K or more
    shorts: frozenset[str]  # the whole match, when it can be shorter than K
    firsts: frozenset[str]  # every possible first character
    boundary: bool  # starts with \b or (?<!\w): never at a word character inside a word


def normalise(text: str) -> str:
    """The text as prefixes are compared: lower case ASCII, `OTHER` for anything else; each
    position stays where it was."""
    return _NON_ASCII.sub(OTHER, text).lower()


@lru_cache(maxsize=4096)
def starts_of(pattern: re.Pattern[str]) -> Starts | None:
    """The pattern's possible starts, or None when it cannot be read (then run it as is)."""
    if not isinstance(pattern.pattern, str):
        return None
    try:
        parsed = _parser.parse(pattern.pattern, pattern.flags)
        found = _walk(list(parsed), parsed.state.flags)
    except (_Unreadable, re.error, RecursionError):
        return None
    if "" in found:
        return None  # it can match the empty string: every position is a start
    prefixes = frozenset(s for s in found if len(s) == _K)
    shorts = frozenset(s for s in found if len(s) < _K)
    firsts = frozenset(s[0] for s in found)
    return Starts(prefixes, shorts, firsts, _bounded(list(parsed)))


def _bounded(items: list[tuple[Any, Any]]) -> bool:
    """Whether the pattern's leading zero-width items include a word boundary or (?<!\\w)."""
    for op, av in items:
        name = str(op)
        if name == "AT":
            if str(av) in ("AT_BOUNDARY", "AT_UNI_BOUNDARY"):
                return True
            continue
        if name == "ASSERT_NOT":
            direction, sub = av
            body = list(sub)
            if direction == -1 and len(body) == 1 and str(body[0][0]) == "IN":
                cats = body[0][1]
                word = ("CATEGORY_WORD", "CATEGORY_UNI_WORD")
                if len(cats) == 1 and str(cats[0][0]) == "CATEGORY" and str(cats[0][1]) in word:
                    return True
            continue
        if name == "ASSERT":
            continue
        return False
    return False


def _concat(a: set[str], b: set[str]) -> set[str]:
    out = {x for x in a if len(x) >= _K}
    short = [x for x in a if len(x) < _K]
    for x in short:
        for y in b:
            out.add((x + y)[:_K])
    if len(out) > _MOST:
        raise _Unreadable("too many prefixes")
    return out


def _walk(items: list[tuple[Any, Any]], flags: int) -> set[str]:
    """The set of the first K characters of every string a sequence can match (shorter
    strings are whole matches)."""
    found = {""}
    for op, av in items:
        if all(len(x) >= _K for x in found):
            break
        found = _concat(found, _item(op, av, flags))
    return found


def _item(op: Any, av: Any, flags: int) -> set[str]:
    name = str(op)
    if name in _SINGLE:
        return _one_char(op, av, flags)
    if name in _ZERO_WIDTH:
        return {""}
    if name == "SUBPATTERN":
        _group, add, remove, sub = av
        return _walk(list(sub), (flags | add) & ~remove)
    if name == "ATOMIC_GROUP":
        return _walk(list(av), flags)
    if name == "BRANCH":
        out: set[str] = set()
        for alt in av[1]:
            out |= _walk(list(alt), flags)
        return out
    if name in _REPEATS:
        low, high, sub = av
        body = _walk(list(sub), flags)
        found = {""}
        for _ in range(min(low, _K)):
            found = _concat(found, body)
        if high > low:
            for _ in range(_K):
                found |= _concat(found, body)
        return found
    raise _Unreadable(name)


_CHAR_SETS: dict[tuple[str, str, int], frozenset[str]] = {}


def _one_char(op: Any, av: Any, flags: int) -> set[str]:
    """The lower-case ASCII characters one character item accepts, and OTHER (always: a
    non-ASCII character may fold to or from ASCII under IGNORECASE)."""
    key = (str(op), repr(av), flags)
    found = _CHAR_SETS.get(key)
    if found is None:
        state = _parser.State()
        state.flags = flags
        item = _compiler.compile(_parser.SubPattern(state, [(op, av)]), flags)
        found = frozenset({ch.lower() for ch in _ASCII if item.match(ch)} | {OTHER})
        _CHAR_SETS[key] = found
    return set(found)


class TextIndex:
    """Texts' positions by the K characters found there (lower case, `OTHER` for non-ASCII),
    built once and shared by every pattern run over them. Several texts (an interview's turns)
    share one index, so a pattern's candidates are gathered once for all of them."""

    def __init__(self, texts: Sequence[str]) -> None:
        self.texts = list(texts)
        # Joined with a separator no pattern start needs: a key that crosses it only widens
        # the candidates, never narrows them.
        self.offsets = list(accumulate((len(t) + 1 for t in self.texts), initial=0))
        self.norm = "\x00".join(normalise(t) for t in self.texts)
        by_pair: dict[str, list[int]] = {}
        for m in _WORD_START.finditer(self.norm):
            p = m.start()
            by_pair.setdefault(self.norm[p : p + _K], []).append(p)
        self._word_starts = by_pair
        self._by_first: dict[str, list[int]] = {}
        self._anywhere: dict[str, list[int]] = {}

    def _word_starts_with(self, first: str) -> list[int]:
        """Word starts whose text begins with `first` (shorter than K)."""
        found = self._by_first.get(first)
        if found is None:
            found = [
                p for key, ps in self._word_starts.items() if key.startswith(first) for p in ps
            ]
            self._by_first[first] = found
        return found

    def _occurrences(self, ch: str) -> list[int]:
        """Every position of one (normalised) character, word start or not."""
        found = self._anywhere.get(ch)
        if found is None:
            found, norm = [], self.norm
            p = norm.find(ch)
            while p >= 0:
                found.append(p)
                p = norm.find(ch, p + 1)
            self._anywhere[ch] = found
        return found

    def candidates(self, starts: Starts) -> list[int]:
        """Sorted positions (in the joined texts) where a match could begin."""
        pos: set[int] = set()
        norm = self.norm
        for ch in starts.firsts:
            if starts.boundary and ch in _WORD_CHARS:
                continue  # word starts, below
            for p in self._occurrences(ch):
                if norm[p : p + _K] in starts.prefixes or any(
                    norm.startswith(short, p) for short in starts.shorts
                ):
                    pos.add(p)
        if starts.boundary:
            for key in starts.prefixes & self._word_starts.keys():
                pos.update(self._word_starts[key])
            for short in starts.shorts:
                if short[0] in _WORD_CHARS:
                    pos.update(self._word_starts_with(short))
        return sorted(pos)

    def finditer(
        self,
        pattern: re.Pattern[str],
        windows: Sequence[tuple[int, Sequence[tuple[int, int]]]],
    ) -> Iterator[tuple[int, re.Match[str]]]:
        """For each (text number, windows) in order and each (pos, endpos) window of it, in
        order: (text number, match) for exactly `pattern.finditer(text, pos, endpos)`."""
        starts = starts_of(pattern)
        if starts is None:
            for k, spans in windows:
                for a, b in spans:
                    yield from ((k, m) for m in pattern.finditer(self.texts[k], a, b))
            return
        found = self.candidates(starts)
        for k, spans in windows:
            text, base = self.texts[k], self.offsets[k]
            for a, b in spans:
                end = min(b, len(text))
                at = a
                i = bisect_left(found, base + a)
                while i < len(found) and found[i] < base + end:
                    p = found[i] - base
                    i += 1
                    if p < at:
                        continue
                    m = pattern.match(text, p, end)
                    if m is not None:
                        yield k, m
                        at = m.end()  # past p: a pattern with Starts matches no empty string


_FACTOR_MIN = 3  # shorter required strings are found in nearly every sentence
_LITERALS: dict[Any, tuple[re.Pattern[str], _Needed | None]] = {}


@dataclass(frozen=True)
class _Needed:
    """A pattern's required strings: their first three characters, and one alternation."""

    heads: frozenset[str]
    search: re.Pattern[str]
    strings: frozenset[str]


def required_strings(
    pattern: re.Pattern[str], shortest: int = _FACTOR_MIN
) -> tuple[str, ...] | None:
    """Lower-case strings, each `shortest` characters or longer, one of which every match of
    the pattern holds (None: none known). Under IGNORECASE they hold for ASCII text only (a
    non-ASCII character may fold to an ASCII one).

    Read off the parsed pattern: in each top-level alternative, a run of literal characters,
    or a group whose alternatives are all such runs, that every match must pass through."""
    try:
        parsed = _parser.parse(pattern.pattern, pattern.flags)
        found = _required(list(parsed), shortest) or set()
    except (_Unreadable, re.error, RecursionError):
        found = set()
    # A string that holds another needed string adds nothing: "replicas" once "replica" is in.
    least = {s for s in found if not any(t != s and t in s for t in found)}
    return tuple(sorted(least)) if least else None


def _by_identity(
    memo: dict[Any, tuple[re.Pattern[str], T]],
    pattern: re.Pattern[str],
    extra: object,
    make: Callable[[], T],
) -> T:
    """`make()` for the pattern, remembered by the pattern's identity (hashing a compiled
    pattern rehashes its code); the pattern is kept with it, so its id is not reused."""
    key = (id(pattern), extra)
    kept = memo.get(key)
    if kept is None or kept[0] is not pattern:
        kept = memo[key] = (pattern, make())
    return kept[1]


def _needed(pattern: re.Pattern[str]) -> _Needed | None:
    """The required strings as one plain alternation, searched in lower-cased text."""

    def make() -> _Needed | None:
        needed = required_strings(pattern)
        if not needed:
            return None
        heads = frozenset(s[:_FACTOR_MIN] for s in needed)
        return _Needed(heads, re.compile("|".join(map(re.escape, needed))), frozenset(needed))

    return _by_identity(_LITERALS, pattern, None, make)


def _required(items: list[tuple[Any, Any]], shortest: int) -> set[str] | None:
    """One set of strings every match of the sequence holds one of, the most selective known."""
    options: list[set[str]] = []
    run = ""
    for op, av in [*items, (None, None)]:
        if str(op) == "LITERAL" and av < 128:
            run += chr(av).lower()
            continue
        if run:
            options.append({run})
            run = ""
        if op is None:
            break
        inner = _required_item(op, av, shortest)
        if inner:
            options.append(inner)
    good = [o for o in options if min(map(len, o)) >= shortest]
    return max(good, key=lambda o: (min(map(len, o)), -len(o))) if good else None


def _required_item(op: Any, av: Any, shortest: int) -> set[str] | None:
    name = str(op)
    if name == "SUBPATTERN":
        return _required(list(av[3]), shortest)
    if name == "ATOMIC_GROUP":
        return _required(list(av), shortest)
    if name == "BRANCH":
        out: set[str] = set()
        for alt in av[1]:
            found = _required(list(alt), shortest)
            if not found:
                return None
            out |= found
        return out
    if name in _REPEATS and av[0] >= 1:
        return _required(list(av[2]), shortest)
    return None


def may_hold_a_match(needed: tuple[str, ...] | None, text: str) -> bool:
    """False only when an ASCII text holds none of a pattern's `required_strings` (so the
    pattern finds nothing in it); always True for other text, or with no strings known."""
    if needed is None or not text.isascii():
        return True
    low = text.lower()
    return any(s in low for s in needed)


_SCREENS: dict[Any, tuple[re.Pattern[str], tuple[str, ...] | None]] = {}


def could_match(pattern: re.Pattern[str], text: str, shortest: int = 2) -> bool:
    """False only when `pattern` finds nothing in `text`: an ASCII text holding none of the
    pattern's `required_strings` (of `shortest` characters or more, remembered per pattern)."""
    needed = _by_identity(_SCREENS, pattern, shortest, lambda: required_strings(pattern, shortest))
    return may_hold_a_match(needed, text)


def needed_strings(pattern: re.Pattern[str]) -> tuple[str, ...] | None:
    """The lower-case strings `may_contain` looks for (each three characters or longer), or
    None when it has none and always answers True."""
    needed = _needed(pattern)
    return None if needed is None else tuple(sorted(needed.strings))


def lowered_with_trigrams(text: str) -> tuple[str, frozenset[str]] | None:
    """The text in lower case and every three characters in it, if it is all ASCII (else
    None); the form `may_contain` reads, remembered for the last few thousand texts."""
    return _lowered(text)


def may_contain(pattern: re.Pattern[str], text: str) -> bool:
    """False only when `pattern.search(text)` finds nothing: the text, if all ASCII, holds
    none of the strings every match needs (a non-ASCII text may fold case: always True)."""
    needed = _needed(pattern)
    if needed is None:
        return True
    lowered = _lowered(text)
    if lowered is None:
        return True
    low, heads = lowered
    return not needed.heads.isdisjoint(heads) and needed.search.search(low) is not None


@lru_cache(maxsize=2048)
def _lowered(text: str) -> tuple[str, frozenset[str]] | None:
    """The text in lower case, with every three characters found in it, if it is all ASCII
    (else None: case folding may join scripts); remembered, since one sentence meets every
    catalogue entry."""
    if not text.isascii():
        return None
    low = text.lower()
    return low, frozenset(low[i : i + _FACTOR_MIN] for i in range(len(low) - _FACTOR_MIN + 1))
