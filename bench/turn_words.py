"""Words for the turn judge (bench/turn_judge.py): content stems, quoted spans, sentences.

Independent of the interviewer's own vocabulary on purpose: the judge matches plain content
words (a light stem: suffix off, first five letters), never the bank's keyword regexes.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

_WORD = re.compile(r"[a-z][a-z0-9]*(?:[-'][a-z0-9]+)*")
# A sentence ends at . ! or ? before a space, a closing quote in between or not ("…it.” Why?").
_SENTENCE = re.compile(r"(?<=[.!?])\s+|(?<=[.!?][”\"’'])\s+|\n+")
_SUFFIX = re.compile(r"(?:'s|ings|ing|ed|es|s|e)$")
STEM_LENGTH = 5

# English function words and the words any interview question uses whatever its topic.
_STOP_WORDS = """a about above after again against all also am an and any anything are around as at be
    because been before being below between both but by can could did do does doing done down
    during each either else even ever every few for from further get gets getting give go goes
    going got had has have having he her here hers him his how however i if in into is it its
    itself just let lets like may me might mine more most much must my no nor not now of off
    on once one only or other our ours out over own per rather really same say says she should
    so some something such than that the their theirs them then there these they thing things
    this those through to too under until up upon us use used using very via was way we well
    were what whatever when where whether which while who whom whose why will with within
    without would yes yet you your yours yourself
    ok okay sure right great good nice thanks thank let's that's it's what's i'd
    i'm i'll we'd we'll you'd you've you're don't doesn't isn't aren't can't won't
    design system build approach idea part parts kind kinds sort able want need needs
    tell walk explain describe think thought talk talked mention mentioned said say saying
    wrote call called exactly happen happens happened make makes made take takes first next
    last new now today here there again still already maybe perhaps probably quite bit lot
    lots many far yet ever case cases point points question questions answer answers
    interview interviewer candidate move moving specific concrete detail details example
    component components main flow flows request requests requirement requirements functional
    non matter matters bottleneck bottlenecks biggest trade trades tradeoff tradeoffs trade-off
    trade-offs alternative alternatives consider considered reject rejected improve improved
    improvement summarise summarize summary assumption assumptions assume constraint constraints
    remove change changes concretely stage problem know start designing risky riskiest
    number numbers choice choices choose chose reverse work works pick best step steps
    explicitly scope handle handles handled handling deal deals
    """
_STOP = frozenset(_STOP_WORDS.split())

# A quoted span: in double quotes an apostrophe is part of the words ("we don't need"); only
# single quotes exclude it, since there it could close the quote.
_QUOTE = re.compile(
    r"(?:^|(?<=[\s(:—–-]))"
    r"(?:“([^“”\n]{2,200}?)”|\"([^\"“”\n]{2,200}?)\"|['‘]([^'\"‘’“”\n]{2,200}?)['’])"
    r"(?=[\s.,;:!?)—–-]|$)"
)
_ATTRIBUTED = re.compile(
    r"\byou(?:'ve| have)?\s+(?:mentioned|said|wrote|called|described|put|noted|proposed|"
    r"suggested|brought up|used|chose|named|gave|rely on|relied on)\b[^'\"‘“?.]{0,40}$",
    re.IGNORECASE,
)
_MENTIONED = re.compile(r"\byou mentioned\s+([a-z][a-z0-9 /-]{2,60}?)\s*[.,:;?!]", re.IGNORECASE)
# Looser attributions, where a paraphrase is fair: "you'd rely on X", "you gave the Y for X".
_PARAPHRASED = re.compile(
    r"\byou(?:'d| would)? rely on\s+([a-z][a-z0-9 ,/-]{2,80}?)\s*[.:;?!]|"
    r"\byou gave the [a-z ,]{1,40}? for\s+([a-z][a-z0-9 /-]{2,60}?)\s*[.,:;?!]",
    re.IGNORECASE,
)


def stem(word: str) -> str:
    """A light stem: lower case, one common suffix off, the first five letters."""
    w = word.lower().strip("'-")
    if len(w) > 4:
        cut = _SUFFIX.sub("", w) or w
        if cut != w and len(cut) > 3 and cut[-1] == cut[-2] and cut[-1] not in "lsz":
            cut = cut[:-1]  # logged, stopped, planning
        w = cut[:-1] if len(cut) > 3 and cut.endswith("e") else cut  # queueing
    elif len(w) == 4 and w.endswith("s") and not w.endswith("ss"):
        w = w[:-1]  # logs, jobs, keys
    return w[:STEM_LENGTH]


def words(text: str) -> list[str]:
    """The lower-case words of a text (hyphenated words stay one word)."""
    return _WORD.findall(text.lower().replace("’", "'"))


def content_stems(text: str) -> set[str]:
    """The stems of a text's content words: no function words, no interview boilerplate."""
    out: set[str] = set()
    for w in words(text):
        if w in _STOP:
            continue
        for part in w.split("-"):
            if part and part not in _STOP and len(part) > 1 and not part[0].isdigit():
                out.add(stem(part))
    return out


def stems_of(items: Iterable[str]) -> set[str]:
    """The stems of annotation words (a persona's `topic` or `claim` list)."""
    out: set[str] = set()
    for item in items:
        # split like content_stems, so "real-time" is "real" and "time" on both sides
        found = content_stems(item) or {stem(w) for w in words(item) if w not in _STOP}
        out |= found or {stem(item)}
    return out


def sentences(text: str) -> list[str]:
    """The text's sentences and lines, stripped."""
    return [s.strip() for s in _SENTENCE.split(text) if s.strip()]


def question_part(text: str) -> str:
    """The sentences that ask something (the whole text when none does)."""
    asked = [s for s in sentences(text) if s.rstrip().endswith("?")]
    return " ".join(asked) if asked else text


def plain(text: str) -> str:
    """Text folded for verbatim comparison: lower case, one kind of quote, single spaces."""
    text = text.lower().replace("’", "'").replace("‘", "'").replace("“", '"').replace("”", '"')
    text = text.replace("—", "-").replace("–", "-")
    return re.sub(r"\s+", " ", text).strip()


def quoted_spans(text: str) -> list[tuple[str, bool]]:
    """Every quoted span of a turn, and whether the turn attributes it to the candidate."""
    out: list[tuple[str, bool]] = []
    for m in _QUOTE.finditer(text):
        before = text[max(0, m.start() - 60) : m.start()]
        span = m.group(1) or m.group(2) or m.group(3)
        out.append((span.strip(), bool(_ATTRIBUTED.search(before))))
    return out


def without_quotes(text: str) -> str:
    """The text with its quoted spans taken out (they are the candidate's words)."""
    return _QUOTE.sub(" ", text)


def mentioned_unquoted(text: str) -> list[str]:
    """What an unquoted "You mentioned X." names (X up to the first punctuation)."""
    return [m.group(1) for m in _MENTIONED.finditer(without_quotes(text))]


def paraphrased(text: str) -> list[str]:
    """What "you'd rely on X" or "you gave the detail for X" (unquoted) says the candidate said."""
    return [m.group(1) or m.group(2) for m in _PARAPHRASED.finditer(without_quotes(text))]


def verbatim_in(span: str, texts: Iterable[str]) -> bool:
    """Whether a quoted span (ellipses allowed) occurs word for word in one of the texts."""
    parts = [p.strip(" .,;:!?") for p in re.split(r"\.\.\.|…", plain(span))]
    parts = [p for p in parts if p]
    return any(all(p in plain(t) for p in parts) for t in texts) if parts else True


def jaccard(a: set[str], b: set[str]) -> float:
    """Overlap of two stem sets, 0..1."""
    return len(a & b) / len(a | b) if a and b else 0.0


# What a turn says when it acts in kind (bench/turn_judge.py reads them).
DEFER = re.compile(
    r"your call|up to you|you decide|your choice|your decision|you choose|assume|assumption|"
    r"either is fine|both are fine|pick (?:one|whichever)",
    re.IGNORECASE,
)
DEFAULT = re.compile(
    r"default|assume\s+\w+|let's say|go with|e\.g\.|for example|such as|\d|sensible|typical",
    re.IGNORECASE,
)
PRESS = re.compile(
    r"make (?:that|it|this) concrete|with what numbers|be more specific|which component does it|"
    r"be precise|give me (?:the )?numbers",
    re.IGNORECASE,
)
ACK = re.compile(
    r"no problem|no worries|don't worry|(?:that's|it's|that is|it is) (?:ok|okay|fine|fair|alright)|"
    r"fair enough|not knowing|happens to everyone|"
    r"not sure is fine|honest|let's (?:start|try|take|move|come back|look|step)|smaller|simpler|"
    r"start (?:with|from)|for example|think about|consider|hint|move on|skip|come back|"
    r"park|a simpler|one piece|first step",
    re.IGNORECASE,
)
REDIRECT = re.compile(
    r"back to|let's (?:stay|keep|get back|return|focus|come back)|stay (?:with|on)|focus|"
    r"outside (?:the|this|of)|not part of|out of scope|for this interview|in this interview|"
    r"today's problem|this problem|the problem at hand|stick (?:with|to)",
    re.IGNORECASE,
)
CLOSING_QUESTION = re.compile(
    r"questions? for me|anything (?:else|to add|you'd add)|any last|anything you want to ask",
    re.IGNORECASE,
)
AGREE = re.compile(
    r"^\W*(?:good|great|nice|exactly|right|correct|agreed|makes sense|that works|sounds good|"
    r"perfect|yes|indeed|that's right|true)\b",
    re.IGNORECASE,
)
REASONED = re.compile(r"\b(?:because|since|so that|so we|which means|otherwise|that way)\b")
NUMBER = re.compile(r"\d[\d,.]*")
