"""Claims a sharp interviewer questions whatever the topic: a design said to have no downside.

The misconception catalogue (prompts/misconceptions/) knows the common wrong claims of each
area; a candidate can be wrong in ways no catalogue lists. What gives such a claim away is its
form, not its topic: "there is no downside", "X is always the right goal", "perfectly fair",
"is enough to stop", "fast enough for that", "fully consistent and fully available", "nobody
will guess it", "that's fine because". The claim is challenged in the candidate's own words,
turned into a question ("Is first come first served really perfectly fair…?"), which names
what is doubted and gives no answer away.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from interviewer.core.text import is_question, sentences

_OVERCLAIM = re.compile(
    r"\bno (?:real |extra |other )?(?:downsides?|drawbacks?|risks?|trade-?offs?)\b"
    r"|\balways (?:the )?(?:right|best|better|safer|faster|cheaper|correct|enough|fine)\b"
    r"|\bperfectly (?:fair|safe|secure|fine|consistent|reliable|scalable|accurate|isolated)\b"
    r"|\b(?:is|are|'s) (?:more than |always |totally )?(?:enough|sufficient) to\b"
    r"|\b(?:fast|secure|safe|good|big|reliable|strong|cheap) enough"
    r" (?:for (?:that|this|everything|anything|any\w*)|anyway)\b"
    r"|\b(?:fully|completely|always|perfectly) \w+ and (?:fully|completely|always|perfectly) \w+"
    r"|\bsolves? (?:the|all|every|any)\b(?: [\w-]+){0,3} problems?\b"
    r"|\bnobody (?:will|would|can|could) (?:ever )?(?:guess|find|notice|see|know|abuse)\b"
    r"|\b(?:that's|that is|it's|it is|this is) (?:totally |perfectly )?(?:fine|ok|okay|safe)"
    r" because\b"
    r"|\b(?:will|can|could) never (?:fail|go down|be lost|lose|overload|break)\b"
    r"|\bno \w+ (?:is|are|will be|gets?) ever (?:lost|dropped|duplicated)\b"
    r"|\b(?:guarantees?|ensures?) (?:zero|no) (?:downtime|data loss|duplicates|errors)\b",
    re.IGNORECASE,
)
# A doubt, a negation or a condition just before the claim: the candidate did not claim it.
_QUALIFIED = re.compile(
    r"\b(?:not|n't|never|no|if|unless|whether|although|though|assum\w*)\b[^,;]{0,30}$",
    re.IGNORECASE,
)
_CLAUSES = re.compile(r",\s*|;\s*|\s+(?:because|since|so that|which means|that way)\s+", re.I)
_AUX = re.compile(
    r"^(?P<subject>.+?)\s+(?P<aux>is|are|was|were|can|could|will|would|should|must)\s+"
    r"(?P<rest>.+)$"
    r"|^(?P<subject2>that|it|this)'s\s+(?P<rest2>.+)$",
    re.IGNORECASE,
)
_LEAD = re.compile(
    r"^(?:so|and|but|then|also|plus|honestly|basically|that way|with [\w ]+? (?=we\b))\s+", re.I
)
_PRONOUN = re.compile(r"\b(?:we|it|they|i|you|this|that)\b", re.IGNORECASE)
_CUT = re.compile(r"\s+(?:because|since|so|as long as|when|while)\b.*$", re.IGNORECASE)
_MAX_SUBJECT_WORDS = 9


@dataclass(frozen=True)
class Overclaim:
    """A claim in the candidate's words: their sentence, and the claim turned into a question
    (without its question mark)."""

    sentence: str
    doubt: str


def overclaim_in(text: str) -> Overclaim | None:
    """The first sentence of a message that claims a design has no downside, or None."""
    for sentence in sentences(text):
        if is_question(sentence):
            continue
        for m in _OVERCLAIM.finditer(sentence):
            start = max((b.end() for b in _CLAUSES.finditer(sentence, 0, m.start())), default=0)
            ends = [b.start() for b in _CLAUSES.finditer(sentence, m.end())]
            clause = sentence[start : ends[0] if ends else len(sentence)]
            if _QUALIFIED.search(sentence[start : m.start()]):
                continue
            before = [c for c in _CLAUSES.split(sentence[:start]) if c.strip()]
            doubt = doubt_of(clause, before[-1] if before else "")
            if doubt:
                return Overclaim(sentence, doubt)
    return None


def doubt_of(clause: str, before: str = "") -> str:
    """A claim's clause as a question in its own words, without the question mark ("First
    come first served is perfectly fair" -> "Is first come first served really perfectly
    fair"); '' when the clause has no subject and verb to turn around. "That's fine" is
    about the clause `before` it: "Is it really fine that anyone can read it"."""
    clause = _LEAD.sub("", clause.strip().rstrip(".!"))
    m = _AUX.match(clause)
    if m is None:
        return ""
    if m.group("subject2"):
        subject, aux, rest = m.group("subject2"), "is", m.group("rest2")
    else:
        subject, aux, rest = m.group("subject"), m.group("aux"), m.group("rest")
    pronouns = list(_PRONOUN.finditer(subject))
    if pronouns and pronouns[-1].end() == len(subject):  # "with good engineering we" -> "we"
        subject = pronouns[-1].group()
    rest = _CUT.sub("", rest).strip()
    rest = re.sub(r"^just\s+", "", rest, flags=re.IGNORECASE)
    subject, rest = _yours(subject), _yours(rest)  # "would I really pick" -> "would you ..."
    words = subject.split()
    if not rest or not words or len(words) > _MAX_SUBJECT_WORDS:
        return ""
    if words[0].lower() in ("no", "nothing", "none", "there"):
        return ""  # "no request is ever lost": no subject to doubt in its own words
    if subject.lower() in ("that", "this") and aux.lower() == "is" and before.strip():
        earlier = _LEAD.sub("", before.strip())
        return f"Is it really {rest} that {_lower_first(earlier)}"
    return f"{aux.capitalize()} {_lower_first(subject)} really {rest}"


# The candidate's first person singular, as the interviewer says it back ("we" stays: it is
# the team's, the interviewer's too).
_MINE = {"i": "you", "me": "you", "my": "your", "mine": "yours", "myself": "yourself",
         "i'm": "you're", "i'd": "you'd", "i'll": "you'll", "i've": "you've"}  # fmt: skip
_FIRST_PERSON = re.compile(r"\b(?:i'm|i'd|i'll|i've|i|me|my|mine|myself)\b", re.IGNORECASE)


def _yours(text: str) -> str:
    """A clause in the candidate's first person singular, in the second person."""
    return _FIRST_PERSON.sub(lambda m: _MINE[m.group().lower()], text)


def _lower_first(words: str) -> str:
    """'First come' -> 'first come'; 'SQL LIKE' and 'I' keep their case."""
    first = words.split(" ", 1)[0]
    if first == "I" or not (first[:1].isupper() and (first[1:].islower() or first == "A")):
        return words
    return words[0].lower() + words[1:]
