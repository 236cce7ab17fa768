"""What makes a sentence carry reasoning: content after its "because", negation, keyword lists.

Shared by the offline scorer (is a concept explained?) and the offline interviewer (was a
concept only named?). The word lists are language, not problem data, so they live here.
"""

from __future__ import annotations

import re

from interviewer.core.prefixes import could_match, required_strings

_WORD = re.compile(r"[a-z0-9]+(?:'[a-z]+)?")

# Function-word collocations that contain words the lexicon knows ("long", "case", "least"):
# they are blanked out before any concept is looked for, never read as a concept.
COLLOCATIONS = re.compile(
    r"\b(?:as long as|so long as|as soon as|as well as|as far as|as much as|as many as"
    r"|at least(?![- ]once)|at most(?![- ]once)|at all|in case(?: of)?|just in case"
    r"|by the way|in order to|in the long run|long story short|for the time being"
    r"|first of all|make sure|in terms of|the rest of|a lot of|kind of|sort of)\b",
    re.IGNORECASE,
)

# A negation shortly before a concept ("we don't need a cache", "no sharding", "without Kafka").
_NEGATED = re.compile(
    r"(?:\b(?:no|not|never|without|skip|skipping|avoid|avoiding|neither|nor)"
    r"|n't|\bno need for|\bdon't need|\bdo not need)"
    r"(?:\s+(?:a|an|the|any|really|even|yet|separate|dedicated|extra|own|need|use|using|"
    r"bother with|want|add|adding|have|build|introduce|\w+ly)){0,3}\s*$",
    re.IGNORECASE,
)

# Words that carry no mechanism on their own: qualities every design claims, and fillers.
# fmt: off
BUZZWORDS = frozenset([
    "scalability", "scalable", "scale", "scales", "scaling", "scaled", "scalably", "performance",
    "performant", "perform", "performs", "fast", "faster", "fastest", "speed", "speedy",
    "quick", "quicker", "reliability", "reliable", "reliably", "availability", "available",
    "highly", "high", "higher", "low", "lower", "throughput", "efficiency", "efficient",
    "efficiently", "robust", "robustness", "resilience", "resilient", "resiliency", "fault",
    "faults", "tolerance", "tolerant", "durable", "durability", "consistency", "consistent",
    "observability", "visibility", "decoupling", "decouple", "decouples", "decoupled", "latency",
    "optimal", "optimised", "optimized", "optimise", "optimize", "optimisation", "optimization",
    "best", "better", "good", "great", "standard", "industry", "modern", "proven", "popular",
    "powerful", "flexible", "flexibility", "simple", "simplicity", "elastic", "cloud", "native",
    "enterprise", "grade", "distributed", "system", "systems", "thing", "things", "stuff",
    "works", "work", "working", "handles", "handle", "handling", "improves", "improve", "improving",
    "helps", "help", "helping", "needed", "need", "needs", "important", "key", "essential",
    "reason", "reasons", "purpose", "purposes", "technique", "techniques", "approach", "approaches",
    "pattern", "patterns", "solution", "solutions", "tool", "tools", "technology", "technologies",
    "practice", "practices", "everything", "anything", "something", "whole", "overall", "general",
    "generally", "basically", "really", "very", "well", "much", "more", "most", "less", "least",
    "benefit", "benefits", "advantage", "advantages", "gives", "give", "provides", "provide",
    "ensures", "ensure", "makes", "make", "made", "way", "ways", "use", "used", "uses", "using",
    "obviously", "course", "also", "just", "still", "properly", "correctly", "nicely", "right",
    "big", "bigger", "huge", "massive", "massively", "large", "larger", "many", "lots", "globalisation",
    "globalization", "global", "reach", "dynamic", "dynamically", "number", "numbers",
    "self", "healing", "problem", "problems", "issue", "issues", "it's",
])
# fmt: on

# fmt: off
STOPWORDS = frozenset([
    "a", "an", "the", "and", "or", "but", "if", "then", "so", "of", "to", "in", "on", "at",
    "by", "for", "with", "from", "into", "onto", "over", "under", "as", "is", "are", "was",
    "were", "be", "been", "being", "it", "its", "this", "that", "these", "those", "there",
    "here", "we", "i", "you", "they", "he", "she", "our", "your", "their", "my", "me", "us",
    "them", "do", "does", "did", "doing", "have", "has", "had", "having", "will", "would",
    "can", "could", "should", "may", "might", "must", "shall", "not", "no", "nor", "than",
    "too", "which", "who", "whom", "whose", "what", "when", "where", "why", "how", "all",
    "any", "each", "every", "some", "such", "only", "own", "same", "other", "another", "both",
    "either", "one", "two", "per", "via", "because", "since", "due", "thanks", "given", "otherwise",
    "instead", "rather", "versus", "vs", "means", "meaning", "lets", "let", "allows", "allow",
    "keeps", "keep", "way", "that's", "we'd", "we'll", "i'd", "i'll", "it'll", "don't", "doesn't",
    "isn't", "aren't",
])
# fmt: on


# Every collocation holds one of these (lower case): a text holding none is left as it is.
_COLLOCATION_WORDS = required_strings(COLLOCATIONS)


def mask_collocations(text: str) -> str:
    """The text with function-word collocations blanked (same length, so offsets still hold)."""
    if _COLLOCATION_WORDS is not None and text.isascii():
        low = text.lower()
        if not any(w in low for w in _COLLOCATION_WORDS):
            return text
    return COLLOCATIONS.sub(lambda m: " " * len(m.group()), text)


# Where a clause ends, so a negation in an earlier clause does not reach the concept.
_CLAUSE_BREAK = re.compile(r"[,;:.!?()]|\b(?:but|and|because|since|so|which|otherwise)\b")
# Where a reason's own clause ends.
_REASON_END = re.compile(r"[,:;(]")
_BECAUSE_OF = re.compile(r"because of\b", re.IGNORECASE)


def negated_at(text: str, start: int) -> bool:
    """Whether the words just before `start` negate what follows ("we don't need a cache")."""
    head = text[max(0, start - 40) : start]
    head = _CLAUSE_BREAK.split(head)[-1]
    return bool(_NEGATED.search(head))


# Stock phrases that sound like reasons and carry none.
_STOCK = re.compile(
    r"\b(?:out of the box|best practices?|industry[- ]standard|at scale|under the hood|by design"
    r"|battle[- ]tested|what (?:big|large) companies use|the right number|on demand)\b",
    re.IGNORECASE,
)


def content_words(text: str, own: frozenset[str] = frozenset()) -> list[str]:
    """The words of a reason that could carry a mechanism: no fillers, buzzwords or own names."""
    out = []
    for w in _WORD.findall(_STOCK.sub(" ", text.lower())):
        if w in STOPWORDS or w in BUZZWORDS or w in own or len(w) < 3:
            continue
        if any(w.startswith(o) or o.startswith(w) for o in own if len(o) >= 4 and len(w) >= 4):
            continue  # "statelessness" after "stateless", "parallelise" after "parallelism"
        out.append(w)
    return out


def reason_carries_content(
    sentence: str, reason: re.Pattern[str], own: frozenset[str] = frozenset()
) -> bool:
    """Whether what follows a reason connective says more than the claim it explains.

    "A Redis cache because of performance" and "NCCL because it is the communication library
    for collective communication" restate; "so a dead replica never takes traffic" does not.
    The claim's own words (before the connective) and `own` (the concepts' names) do not count.
    """
    words: list[tuple[int, str]] | None = None  # read at the first connective, if any
    at: list[int] = []
    claim: set[str] = set()
    seen = 0
    # A reason read once per claim: a sentence that repeats one connective ("because of
    # because of ...") meets the same clause again and again.
    read: dict[str, bool] = {}
    if not could_match(reason, sentence):  # no connective's words: nothing to try
        return False
    for m in reason.finditer(sentence):
        # The reason is the clause after the connective; a list after a colon is not part of it.
        # Read at most a clause's length of it: a run that never ends costs no more than that.
        tail = _REASON_END.split(sentence[m.end() : m.end() + MAX_REASON_CHARS], maxsplit=1)[0]
        if _BECAUSE_OF.match(m.group()) and len(_WORD.findall(tail)) <= 3:
            continue  # "because of scalability": a label, not a reason
        # The claim's words, before the connective: grown as the matches move right.
        if words is None:
            lowered, at = _lowered(sentence)
            words = [(w.end(), w.group()) for w in _WORD.finditer(lowered) if len(w.group()) >= 4]
        while seen < len(words) and words[seen][0] <= at[m.start()]:
            if words[seen][1] not in claim:
                claim.add(words[seen][1])
                read.clear()  # a new claim word: what a reason carries may change
            seen += 1
        said = m.group() + tail
        carries = read.get(said)
        if carries is None:
            carries = read[said] = len(content_words(said, own | claim)) >= 2
        if carries:
            return True
    return False


MAX_REASON_CHARS = 300
"""How much of the text after a connective is read as its reason (a long clause's worth)."""


def _lowered(text: str) -> tuple[str, list[int]]:
    """The text lower-cased, and where each of its offsets (and its end) lands in that."""
    if text.isascii():  # one character each: the offsets stay (the usual case, in one call)
        return text.lower(), list(range(len(text) + 1))
    at = [0]
    parts = []
    for ch in text:
        low = ch.lower()
        parts.append(low)
        at.append(at[-1] + len(low))
    return "".join(parts), at


def is_keyword_list(concepts: int, commas: int, words: int) -> bool:
    """A run of names: four or more concepts nearly all separated by commas, or packed densely."""
    return (concepts >= 4 and commas >= concepts - 2) or (concepts >= 5 and words < concepts * 5)
