"""Misconceptions: technically wrong claims an interviewer stops on, and how to recognise them.

The catalogue is data (prompts/misconceptions/*.yaml: `shared*.yaml` for every problem, and one
file per problem id for its own). A claim is recognised within one sentence: one of its
patterns matches, none of its `unless` patterns does (the candidate qualified it, e.g.
"exactly-once ... with idempotent writes"), no negation stands just before the match
("we would not scale writes with read replicas") and no rejection just after it ("scaling writes
with read replicas would be a mistake", "...doesn't work").

In a pattern, `~` stands for a short gap of words that holds no negation and no clause
break ("read replicas ~ scale ~ writes" does not match "read replicas don't scale writes"),
and `{name}` for one of the shared building blocks of `BLOCKS` (plain words for "is",
"faster", "always", "not needed", a database, a cache, a queue...), so entries say the same
thing in the same many words. A question is never a claim.

A sentence is read as written and, when they differ, in plain words (`plain`): chat shorthand
spelt out ("db", "avg", "LB", "temp 0", "w/o", "X = Y"), common slips fixed ("dont",
"immediatly", "its a"), hedges dropped ("basically", "I think", "pretty sure"), "If X, Y" and
"X, which means Y" read as "X, so Y", "are", "'re", "will be" as "is", and a long word one
slip away from exactly one word of the catalogue ("recieve", "replcias") read as that word;
the claim is made when either reading makes it.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import cached_property, lru_cache

from pydantic import BaseModel, ConfigDict, Field, field_validator

from interviewer.core.prefixes import lowered_with_trigrams, may_contain, needed_strings
from interviewer.core.regex import compiled
from interviewer.core.rubric import Criterion
from interviewer.core.text import sentences

_ID = r"^[a-z0-9]+(-[a-z0-9]+)*$"
# A negation within the few words before a match turns the claim around.
_NEGATION = re.compile(
    r"\b(?:not|never|no|nothing|nobody|none|don'?t|doesn'?t|won'?t|wouldn'?t|isn'?t|aren'?t|can'?t|cannot|"
    r"shouldn'?t|avoid|instead of|rather than|without relying on|myths?|wrong|mistake|misconceptions?"
    # a claim attributed to others in order to answer it: "people often assume...", "it's
    # tempting to think...", "the naive answer is that..."
    r"|tempting|naive(?:ly)?|the trap|one (?:might|may|could) (?:think|assume|expect)"
    r"|(?:people|many|some|others|folks|teams|candidates|engineers|everyone|someone)"
    r"(?: often| sometimes| usually| commonly| typically| mistakenly| wrongly)?"
    r" (?:assumes?|thinks?|believes?|claims?|expects?))\b"
    r"(?:\W+\w+){0,4}\W*$",
    re.IGNORECASE,
)
_LOOKBEHIND_CHARS = 60  # how far before a match a negation is looked for
# A rejection just after the match names the claim in order to reject it ("using read replicas
# to scale writes would be a mistake", "...doesn't work"): looked for in the rest of the clause,
# up to a contrast ("but", "however") that starts the candidate's own view.
_REJECTED_AFTER = re.compile(
    r"^[^;]{0,80}?\b(?:(?:would|will|is|are|'s)\s+(?:be\s+)?(?:wrong|a mistake|naive|a trap|a myth"
    r"|false|untrue|a misconception|a common mistake)|(?:is|'s|are)\s+(?:not|n't)\s+true(?!\s+that)|isn'?t true(?!\s+that)"
    r"|(?:is|'s)\s+not\s+the\s+case|isn'?t\s+the\s+case"
    r"|(?:doesn'?t|don'?t|does not|do not|won'?t|will not|wouldn'?t|would not|can'?t|cannot)"
    r"\s+(?:actually\s+|really\s+)?(?:work|hold up|scale))\b",
    re.IGNORECASE,
)
# A qualifier waved away just after it is named ("tokens don't matter", "no idempotency is
# needed", "dedup is overkill") qualifies nothing.
_DISMISSED_AFTER = re.compile(
    r"^\W*(?:\w+\W+){0,2}?(?:(?:do|does|did|would|will)(?:n'?t| not) (?:really )?(?:matter|count|apply"
    r"|help|need)|(?:is|are|'s|'re)(?:n'?t| not) (?:really )?(?:needed|necessary|required|a concern|an? issue"
    r"|a problem)|(?:is|are|'s|'re) (?:overkill|unnecessary|irrelevant|not needed))\b",
    re.IGNORECASE,
)
_CONTRAST = re.compile(r"\b(?:but|however|whereas|although|yet|instead)\b", re.IGNORECASE)
_LOOKAHEAD_CHARS = 80  # how far after a match a rejection is looked for
# Where a clause ends: a negation in an earlier clause does not reach the match.
_CLAUSE_BREAK = re.compile(r"[,;:()]|\b(?:but|because|since|so|which|whereas|while)\b", re.I)
_GAP_NEGATION = (
    r"\b(?:not|never|no|nor|without|cannot|avoid|instead|rather|neither)\b|n['’]t\b|[;:]"
)
GAP = rf"(?:(?!{_GAP_NEGATION}).){{0,60}}?"


# Parts of a sentence, for qualifiers: "one leader is HA; adding a standby adds complexity"
# is no qualified claim.
_PARTS = re.compile(r";|:|\s[-\u2013\u2014]\s")
# A sentence that defends a claim, whatever fix it also names.
_DEFENDS = re.compile(
    r"\b(?:in practice|good enough|(?:isolated|fast|safe|reliable|available) enough|is fine"
    r"|it'?s fine|(?:don'?t|doesn'?t) (?:need|matter)|not (?:a|an) (?:problem|issue)"
    r"|second[- ]order|overkill|just adds?)\b",
    re.IGNORECASE,
)


# Shared building blocks, `{name}` in a pattern: plain words candidates use for one idea.
BLOCKS: dict[str, str] = {
    # a copula or a verb of "turns out as" (the plain reading has "are" as "is")
    "is": r"(?:is|are|'s|'re|was|were|will be|would be|stays?|remains?|gets?|becomes?)",
    "faster": (
        r"(?:faster|quicker|speeds? (?:\w+ )?up|sped up|more quickly|lower(?:s|ing)? (?:the )?latency"
        r"|(?:less|lower) latency|cuts? (?:the )?latency|reduces? (?:the )?latency)"
    ),
    "always": (
        r"(?:always|every time|guaranteed|guarantees?|definitely|certainly|for sure|100 ?%"
        r"|never fails?|all the time|no matter what|whatever happens|reliably)"
    ),
    # a claim that something is not needed (negation inside the block is the claim itself)
    "unneeded": (
        r"(?:(?:don'?t|do not|doesn'?t|does not|won'?t|will not) (?:really |even |actually )?need"
        r"|no need (?:for|to)|(?:isn'?t|aren'?t|not) (?:really )?(?:needed|necessary|required)"
        r"|unnecessary|can (?:skip|drop)|skip(?:ping)?)"
    ),
    "database": (
        r"(?:databases?|dbs?|postgres(?:ql)?|mysql|sql|rdbms|dynamo(?:db)?|cassandra|the store"
        r"|the primary|mongo(?:db)?)"
    ),
    "cache": r"(?:cache[sd]?|caching|redis|memcached?|in[- ]memory store)",
    "queue": (
        r"(?:queues?|kafka|sqs|rabbit(?:mq)?|pub/?sub|topics?|brokers?|kinesis|streams?|logs?)"
    ),
    "instantly": (
        r"(?:instant(?:ly)?|immediate(?:ly)?|right away|straight away|in (?:a few |a couple of )?"
        r"(?:seconds?|milliseconds?|ms)|within (?:a few )?seconds|at once|in no time|on the spot)"
    ),
}
_BLOCK = re.compile(r"\{(" + "|".join(BLOCKS) + r")\}")


def expand(pattern: str) -> str:
    """A catalogue pattern as a regex: each `~` becomes a short gap with no negation in it and
    each `{name}` the shared building block of that name."""
    return _BLOCK.sub(lambda m: BLOCKS[m.group(1)], pattern).replace("~", GAP)


# Plain words: (regex, replacement) applied in order to a sentence's second reading.
_PLAIN_RULES: tuple[tuple[re.Pattern[str], str], ...] = tuple(
    (re.compile(p, re.IGNORECASE), r)
    for p, r in (
        # apostrophes left out
        (r"\b(do|does|is|are|was|were|wo|ca|could|would|should|have|has|did)nt\b", r"\1n't"),
        (
            r"\b(there|that|what|it|he|she)s\b(?=\s+(?:a|an|the|no|not|fine|ok|okay|just|always"
            r"|never|basically|really|all|safe|secure|enough|durable|guaranteed|impossible|instant"
            r"|free|exact|exactly|our|only|\w+ed|\w+ly)\b)",
            r"\1's",
        ),
        (r"\bim\b", "I'm"),
        (r"\bive\b", "I've"),
        (r"\bid\b(?=\s+(?:just|say|go|use|put|keep|store|do|run|pick|rather)\b)", "I'd"),
        (r"\btheyre\b", "they're"),
        (r"\byoure\b", "you're"),
        # chat shorthand
        (r"\bdbs\b", "databases"),
        (r"\bdb\b", "database"),
        (r"\bavg\b", "average"),
        (r"\blbs?\b", "load balancer"),
        (r"\btemp\b(?=\s*(?:=|of|at|to|is)?\s*(?:0|zero)\b)", "temperature"),
        (r"\bw/o\b", "without"),
        (r"\bw/(?=\s)", "with"),
        (r"\b(?:b/c|bc|cuz|coz)\b", "because"),
        (r"\bthru\b", "through"),
        (r"\bu\b", "you"),
        (r"\bur\b", "your"),
        (r"\b(?:msgs?)\b", "messages"),
        (r"\breqs?\b", "requests"),
        (r"\bauthn\b", "authentication"),
        (r"\bauthz\b", "authorization"),
        (r"\s(?:=>?|->)\s", " means "),
        (r"\s&\s", " and "),
        # common slips
        (r"\bimmediatly\b", "immediately"),
        (r"\bimediately\b", "immediately"),
        (r"\bcontinous(ly)?\b", r"continuous\1"),
        (r"\bg(?:au|ua)rantee", "guarantee"),
        (r"\bdefin(?:a|i)tly\b|\bdefinately\b", "definitely"),
        (r"\bconsistant\b", "consistent"),
        (r"\bpersistant\b", "persistent"),
        (r"\brecieve", "receive"),
        (r"\bseperate", "separate"),
        (r"\bavailible\b|\bavailabe\b", "available"),
        (r"\bdatabse", "database"),
        (r"\bcahce", "cache"),
        (r"\blatancy\b", "latency"),
        (r"\brepsonse|\breponse", "response"),
        (r"\bneccess?ary\b|\bnecesary\b", "necessary"),
        (r"\bbasicly\b", "basically"),
        (r"\bprobaly\b", "probably"),
        (r"\bthier\b", "their"),
        (r"\bteh\b", "the"),
        # hedges and fillers, which carry no claim of their own
        (r"\b(?:i'?m |i am )?(?:pretty|fairly|quite|very) (?:sure|confident)(?: that)?\s*", ""),
        (r"\bi (?:think|guess|believe|reckon|suppose|assume|feel like)(?: that)?\s+", ""),
        (
            r"\b(?:tbh|imo|imho|iirc|afaik|honestly|basically|essentially|literally|totally"
            r"|pretty much|kind of|kinda|sort of|sorta|more or less|in general|generally"
            r"|surely|obviously|of course|really|actually|simply)\b[,]?\s*",
            "",
        ),
        (r"\blike (?=\d)", ""),
        # a consequence said in other words read as "so"; "will be" and the like as "is"
        (
            r"\b(?:which means|that means|meaning|therefore|hence|thus|and so|as a result"
            r"|that way|which makes it)\b,?",
            "so",
        ),
        (r"\b(?:will|would|should|shall|'ll|'d) be\b", "is"),
        (r"\bgonna\b", "going to"),
        (r"\bwanna\b", "want to"),
        # "If X, Y" and "Because X, Y" read as "X, so Y" (patterns name "so" for a consequence)
        (
            r"^(?:if|when|once|since|because|as long as|given that) ([^,;?]{3,100}),\s*(?!so\b)",
            r"\1, so ",
        ),
        # "are" read as "is" (patterns name "is" far more often than "are")
        (r"'re\b", " is"),
        (r"\bare\b", "is"),
    )
)
_SPACES = re.compile(r"\s{2,}")


# Slips in the catalogue's own words ("recieve", "consistant", "replcias"): each word of six
# letters or more that the catalogue uses, indexed with every one-letter deletion of it, so a
# word one slip away (a letter missing, extra, wrong or two swapped) is found in a look-up.
_VOCABULARY: set[str] = set()
_BY_DELETION: dict[str, set[str]] = {}
_WORD = re.compile(r"[a-z]{6,}")
_LONG_WORD = re.compile(r"\b[A-Za-z]{6,}\b")
_ESCAPE = re.compile(r"\\[A-Za-z]")  # "\b" in a pattern is no letter b


def _deletions(word: str) -> set[str]:
    return {word[:i] + word[i + 1 :] for i in range(len(word))}


def learn_words(texts: Iterable[str]) -> None:
    """Add the words of these texts to the words a slip is corrected to."""
    new = {w for t in texts for w in _WORD.findall(_ESCAPE.sub(" ", t).lower())} - _VOCABULARY
    if not new:
        return
    _VOCABULARY.update(new)
    for word in new:
        for key in (word, *_deletions(word)):
            _BY_DELETION.setdefault(key, set()).add(word)
    plain.cache_clear()


def _unslipped(match: re.Match[str]) -> str:
    """A word the catalogue does not use, as the one catalogue word a slip away, if one."""
    word = match.group().lower()
    if word in _VOCABULARY:
        return match.group()
    near: set[str] = set(_BY_DELETION.get(word, ()))
    for key in _deletions(word):
        near |= _BY_DELETION.get(key, set())
        if key in _VOCABULARY:
            near.add(key)
    if len(near) != 1:
        return match.group()
    found = near.pop()
    # "equivalents" and "equivalent", "purchase" and "purchased": another form, not a slip
    return match.group() if found.startswith(word) or word.startswith(found) else found


@lru_cache(maxsize=8192)
def plain(sentence: str) -> str:
    """The sentence in plain words (see the module's docstring): the second reading a claim
    is looked for in."""
    out = sentence
    for rule, replacement in _PLAIN_RULES:
        out = rule.sub(replacement, out)
    if _VOCABULARY:
        out = _LONG_WORD.sub(_unslipped, out)
    return _SPACES.sub(" ", out).strip()


def readings(sentence: str) -> tuple[str, ...]:
    """The sentence as written and, when it differs, in plain words."""
    p = plain(sentence)
    return (sentence,) if p == sentence else (sentence, p)


class Misconception(BaseModel):
    """One wrong claim: how it reads, why it is wrong, how to push back, what it costs."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    id: str = Field(pattern=_ID)
    claim: str = Field(min_length=5, description="the wrong claim in a few words")
    patterns: list[str] = Field(min_length=1, description="regexes, each within one sentence")
    unless: list[str] = Field(
        default_factory=list, description="regexes that, in the same sentence, qualify it"
    )
    why: str = Field(min_length=10, description="one line on why it is wrong")
    pushback: str = Field(
        min_length=10, description="a question that questions the claim without the answer"
    )
    criterion: Criterion = Field(description="the criterion the claim caps")
    cap: int = Field(default=2, ge=1, le=3, description="the highest score while uncorrected")
    pitfall: str = Field(min_length=5, description="the pitfall's name on the scorecard")
    corrected: list[str] = Field(
        default_factory=list,
        description="regexes: a later sentence matching one of these corrects the claim",
    )
    examples: list[str] = Field(
        min_length=2, description="sentences that make the claim: each must be recognised"
    )
    not_examples: list[str] = Field(
        min_length=2,
        description="near misses, negations and qualified correct statements: none may be",
    )

    @field_validator("patterns", "unless", "corrected")
    @classmethod
    def _compiles(cls, patterns: list[str]) -> list[str]:
        for p in patterns:
            try:
                compiled(expand(p))
            except re.error as exc:
                raise ValueError(f"bad pattern {p!r}: {exc}") from None
        return patterns

    @field_validator("pushback")
    @classmethod
    def _one_question(cls, q: str) -> str:
        if q.count("?") != 1 or not q.rstrip().endswith("?"):
            raise ValueError("must hold exactly one '?', at its end")
        return q

    @cached_property
    def _pattern(self) -> re.Pattern[str]:
        return _compile(self.patterns)

    @cached_property
    def _unless(self) -> re.Pattern[str] | None:
        return _compile(self.unless) if self.unless else None

    @cached_property
    def _corrected(self) -> re.Pattern[str] | None:
        return _compile(self.corrected) if self.corrected else None

    def claimed_in(self, sentence: str) -> bool:
        """Whether this one sentence makes the claim (qualified, negated or asked ones do not),
        as written or in plain words."""
        if sentence.rstrip().endswith("?"):
            return False
        return any(self._claimed_as_read(reading) for reading in readings(sentence))

    def _claimed_as_read(self, sentence: str) -> bool:
        if not may_contain(self._pattern, sentence):
            return False
        for part in _PARTS.split(sentence):  # a qualifier counts in the claim's own part
            if _affirmed(self._pattern, part):
                return self._unless is None or not _affirmed(self._unless, part, qualifier=True)
        return False

    def corrected_in(self, sentence: str) -> bool:
        """Whether a later sentence takes the claim back or fixes it: it names the fix, does
        not repeat the claim, and does not defend it ("isolated enough", "in practice")."""
        if self._corrected is None or not _affirmed(self._corrected, sentence):
            return False
        if _DEFENDS.search(sentence) or self._pattern.search(sentence):
            return False
        return not self.claimed_in(sentence)


def _compile(patterns: list[str]) -> re.Pattern[str]:
    """Catalogue patterns as one case-insensitive alternation."""
    return compiled("|".join(f"(?:{expand(p)})" for p in patterns), re.IGNORECASE)


def _affirmed(pattern: re.Pattern[str], sentence: str, *, qualifier: bool = False) -> bool:
    """Whether the pattern matches somewhere no negation just before it turns around
    ("we don't need any deduplication" does not qualify a claim); a qualifier also must not be
    waved away just after it ("tokens don't matter")."""
    if not may_contain(pattern, sentence):  # a cheap, exact no (interviewer.core.prefixes)
        return False
    for match in pattern.finditer(sentence):
        before = sentence[max(0, match.start() - _LOOKBEHIND_CHARS) : match.start()]
        if _NEGATION.search(_CLAUSE_BREAK.split(before)[-1]):
            continue
        after = _CONTRAST.split(sentence[match.end() : match.end() + _LOOKAHEAD_CHARS])[0]
        if qualifier and _DISMISSED_AFTER.search(after):
            continue
        if not _REJECTED_AFTER.search(after):
            return True
    return False


class _Screen:
    """`may_contain` for every entry of a catalogue at once: the strings each entry's pattern
    needs, indexed by their first three characters, so one sentence meets only the entries
    whose strings it holds (instead of each of the catalogue's hundreds of entries in turn).
    """

    def __init__(self, entries: Sequence[Misconception]) -> None:
        self.entries = tuple(entries)
        self.always: list[int] = []  # entries with no needed strings: always tried
        self.by_head: dict[str, list[tuple[str, int]]] = {}
        for i, entry in enumerate(self.entries):
            needed = needed_strings(entry._pattern)
            if needed is None:
                self.always.append(i)
                continue
            for s in needed:
                self.by_head.setdefault(s[:3], []).append((s, i))

    def _may_claim(self, sentence: str) -> list[int]:
        """The entries whose `may_contain` holds for the sentence (in either reading), in order."""
        found = set(self.always)
        for reading in readings(sentence):
            lowered = lowered_with_trigrams(reading)
            if lowered is None:  # not ASCII: case folding may join scripts, every entry is tried
                return list(range(len(self.entries)))
            low, trigrams = lowered
            for head in trigrams & self.by_head.keys():
                for s, i in self.by_head[head]:
                    if i not in found and s in low:
                        found.add(i)
        return sorted(found)

    def claiming(self, sentence: str) -> tuple[int, ...]:
        """The positions of the entries that `claimed_in` the sentence, in order."""
        if sentence.rstrip().endswith("?"):
            return ()
        return tuple(i for i in self._may_claim(sentence) if self.entries[i].claimed_in(sentence))


_SCREENS: dict[tuple[int, ...], _Screen] = {}


def claiming(entries: Sequence[Misconception], sentences: Sequence[str]) -> list[tuple[int, ...]]:
    """For each sentence, the positions in `entries` of every entry whose claim it makes, in
    order: exactly `[i for i, e in enumerate(entries) if e.claimed_in(sentence)]`, found
    faster (a sentence repeated in the list is read once)."""
    key = tuple(map(id, entries))
    screen = _SCREENS.get(key)
    if screen is None or any(a is not b for a, b in zip(screen.entries, entries, strict=True)):
        if len(_SCREENS) >= 64:
            _SCREENS.clear()
        screen = _SCREENS[key] = _Screen(entries)
    seen: dict[str, tuple[int, ...]] = {}
    out = []
    for sentence in sentences:
        found = seen.get(sentence)
        if found is None:
            found = seen[sentence] = screen.claiming(sentence)
        out.append(found)
    return out


class MisconceptionFile(BaseModel):
    """One file of the catalogue."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    misconceptions: list[Misconception] = Field(min_length=1)


@dataclass(frozen=True)
class ClaimHit:
    """A wrong claim found in a candidate's sentence."""

    misconception: Misconception
    sentence: str


@dataclass(frozen=True)
class Catalogue:
    """The shared misconceptions and each problem's own."""

    shared: tuple[Misconception, ...] = ()
    by_problem: tuple[tuple[str, tuple[Misconception, ...]], ...] = ()

    def __post_init__(self) -> None:
        # the catalogue's words are the ones a slip in a candidate's sentence is read as
        entries = self.shared + tuple(m for _, ms in self.by_problem for m in ms)
        learn_words(
            text
            for m in entries
            for text in (m.claim, m.why, *m.patterns, *m.examples, *m.not_examples)
        )

    def for_problem(self, problem_id: str) -> tuple[Misconception, ...]:
        """The problem's own entries first, then the shared ones."""
        return self.own(problem_id) + self.shared

    def own(self, problem_id: str) -> tuple[Misconception, ...]:
        """The problem's own entries only (the model's private reference: the shared ones,
        a few hundred lines, reach it only when the detector finds one in the candidate's
        words)."""
        return dict(self.by_problem).get(problem_id, ())

    def find(self, problem_id: str, text: str) -> list[ClaimHit]:
        """Every wrong claim in a text, one hit per misconception, in the order they appear."""
        found: dict[str, ClaimHit] = {}
        entries = self.for_problem(problem_id)
        said = sentences(text)
        for sentence, claims in zip(said, claiming(entries, said), strict=True):
            for i in claims:
                if entries[i].id not in found:
                    found[entries[i].id] = ClaimHit(entries[i], sentence)
        return list(found.values())

    def __len__(self) -> int:
        return len(self.shared) + sum(len(entries) for _, entries in self.by_problem)

    def ids(self) -> Iterable[str]:
        """Every entry's id (shared and per problem)."""
        yield from (m.id for m in self.shared)
        for _, entries in self.by_problem:
            yield from (m.id for m in entries)
