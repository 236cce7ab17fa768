"""What the candidate just did, heard before any probe is chosen.

A sharp interviewer first hears the act: a question to the interviewer (answered), a wish to
go deep on one part (followed), "I don't know" (acknowledged, with a smaller step), a turn
off topic or outside the interview (one line back to the problem), a summary in the wrap-up
(closed), or a concern waved away ("We don't check. Users are adults.": its risk questioned).
Everything else is design talk, which the move chooser follows up.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum

from interviewer.core.prefixes import could_match
from interviewer.core.stages import Stage
from interviewer.core.text import asks_questions, is_question, sentences
from interviewer.offline.clarify import questions_in


class Act(StrEnum):
    """What a candidate message does."""

    DESIGN = "design"
    ASKED = "asked"
    DEEP_DIVE = "deep_dive"
    DONT_KNOW = "dont_know"
    OFF_TOPIC = "off_topic"
    SUMMARY = "summary"
    REFUSAL = "refusal"
    # about the interview itself, not the design: the subject says which (see _META)
    META = "meta"


@dataclass(frozen=True)
class Heard:
    """The act, and the candidate's own words it is about (verbatim)."""

    act: Act
    subject: str = ""
    questions: tuple[str, ...] = ()
    # a deep-dive wish followed by the candidate's own walk through it ("Let's go deep on
    # sampling. Head sampling at 1% loses the rare failures, so we tail-sample...")
    said_more: bool = False


_DEEP_DIVE = re.compile(
    r"\b(?:i'?d (?:like|love|prefer|want) to|i want to|i'?ll|let me|let'?s|let us|can (?:we|i)|"
    r"could (?:we|i)|shall we|may i|i'?m going to|i will|i would like to|i'?d rather|"
    r"how about (?:we|i)|what if (?:we|i))\s+(?:now |first |then |just |quickly )?"
    r"(?:(?:do a |go for a |take a )?(?:deep[- ]?dive|dive(?: deep(?:er)?)?|drill(?: down)?|"
    r"go deep(?:er)?|go (?:a bit |much )?deeper|zoom|focus|dig(?: deep(?:er)?)?|double[- ]click|"
    r"unpack|go into (?:more )?detail|get into the (?:weeds|details?))\s+(?:in on|into|in|on)"
    r"|spend (?:the rest of (?:this|the) (?:part|time|stage|section|session)|some time|more time|"
    r"(?:a few|some|the next few) minutes) (?:on|going (?:deep|deeper) (?:on|into))"
    r"|talk (?:more |in (?:more )?(?:depth|detail) )?about|look (?:closer|more closely|in depth) at|"
    r"explore)\s+"
    r"(?:the |our |my )?(?P<x>[^.?!,;:]{3,80})",
    re.IGNORECASE,
)
# "talk about X instead" is off topic (checked first); "talk about X" needs a depth word.
_DEPTH = re.compile(
    r"\b(?:deep|deeper|detail|depth|drill|zoom|focus|dig|double[- ]click|unpack|spend|explore|"
    r"closer|more closely)",
    re.IGNORECASE,
)
_SUBJECT_TAIL = re.compile(
    r"\s+(?:first|next|now|then|a bit|for a (?:bit|minute|moment)|please|if that'?s ok(?:ay)?|"
    r"if you don'?t mind|instead|here|honestly|really|to be honest|tbh|yet|"
    r"in (?:more |much more |a bit more )?(?:detail|depth))\s*$",
    re.IGNORECASE,
)
_DONT_KNOW = re.compile(
    r"(?:\b(?:i (?:really |honestly |genuinely |just |simply )?(?:don'?t|do not) "
    r"(?:really |quite |actually |fully )?know"
    r"|i'?m (?:really |honestly |a bit |kind of )?(?:not (?:really |quite |entirely |too )?sure|"
    r"unsure|not familiar|stuck|lost|blanking|drawing a blank|out of my depth|at a loss)"
    r"|no idea|i have no (?:idea|clue)|not sure how|haven'?t (?:worked|dealt) with|beyond me"
    r"|i'?ve never (?:worked|dealt|done|built|used)\b[^.?!,;]{0,40}|no experience (?:with|in)"
    r"|i can'?t (?:think|say|remember|recall)|(?:i )?(?:don'?t|do not) remember|no clue"
    r"|not my (?:area|strong suit)|(?:my )?mind is blank|haven'?t a clue|not a clue)"
    r"|^\s*(?:honestly,? |hmm,? |um,? )?(?:not sure|no idea|unsure|dunno)\b)\b"
    r"(?:\s+(?P<x>(?:how|what|which|where|when|whether|why|about|on)\b[^.?!,;]{3,80}))?",
    re.IGNORECASE,
)
_OFF_TOPIC = re.compile(
    r"\b(?:talk|chat|speak) about (?:something else|[^.?!]{2,40}? instead)"
    r"|\b(?:can|could|shall) we (?:do|discuss|switch to|design|cover) [^.?!]{2,40}? instead\b"
    r"|\b(?:a |another |different )(?:problem|question|topic)(?: instead)?\b[^.?!]*\?"
    r"|\bchange the (?:topic|subject|problem)\b"
    r"|\b(?:switch|change|move|jump)(?:ing)? (?:over )?to (?:designing|doing|discussing|another|"
    r"a different)\b"
    r"|\b(?:would|is) it (?:be )?(?:ok(?:ay)?|fine|alright|possible) (?:to|if)\b[^.?!]{2,60}?"
    r"\binstead\b"
    r"|\b(?:the )?weather\b|\btell me a joke\b|\bwrite (?:me )?a (?:poem|song|story|essay)\b"
    r"|\brecipe\b|\b(?:football|soccer|basketball) (?:game|match|score)\b|\bstock (?:price|tip)s?\b"
    # the interviewer's own prompt ("the prompt" alone is an LLM problem's request text)
    r"|\byour (?:system )?prompt\b|\bthe system prompt (?:you|of yours)\b|\byour instructions\b"
    r"|\b(?:show|reveal|print|repeat|tell) (?:me |us )?(?:the|your) (?:system )?prompt\b"
    r"|\bwhat model are you\b"
    r"|\bwho (?:made|built|created) you\b|\bare you (?:an? )?(?:ai|bot|human|chatgpt)\b"
    # the candidate's own life and career, the interviewer's: not this interview
    r"|\b(?:weekend|vacation|holiday|certifications?|salary|my resume|my cv|my career)\b"
    r"|\bmy (?:next |other |real |upcoming )?interviews\b|\bhow are you\b"
    r"|\bdo you (?:have any plans|like|enjoy|prefer working)\b|\bleetcode\b|\bunrelated\b"
    r"|\b(?:is|are) (?:your|the) (?:company|team) hiring\b|\brecommend for (?:preparing|prep)\b"
    r"|\bhow (?:should|do) i prepare\b|\boff[- ]topic\b",
    re.IGNORECASE,
)
_REFUSAL = re.compile(
    r"\b(?:we|i) (?:don'?t|do not|won'?t|will not|wouldn'?t|aren'?t going to|are not going to)"
    r" (?:really )?(?:check|bother|care|worry|validate|verify|filter|moderate|encrypt|"
    r"authenticate|audit|need (?:to (?:check|worry|validate|verify|filter|moderate))|"
    r"need (?:any )?(?:auth\w*|security|encryption|filtering|moderation|checks))\b"
    r"|\busers are (?:adults|trusted|grown[- ]ups)\b"
    r"|\bnot (?:our|my) (?:problem|concern|job|responsibility)\b"
    r"|\b(?:security|privacy|compliance|abuse|safety|auth\w*) (?:is not|isn'?t) "
    r"(?:a concern|important|needed|necessary|our problem|an issue)\b",
    re.IGNORECASE,
)
_SUMMARY = re.compile(
    r"\b(?:to (?:summari[sz]e|sum up|recap|wrap up|conclude)|in summary|in short|overall|summary|"
    r"recap|recapping|so the design|in the end|all in all|summing up|in conclusion|all told|"
    r"putting it (?:all )?together|end to end|tl;?dr|(?:that'?s|this is) (?:my|the) design|"
    r"to pull it together|the short version|in a nutshell)\b",
    re.IGNORECASE,
)
_WORD = re.compile(r"\w+")
# Questions about the interview itself, answered as an interviewer would: the time left, the
# last question again (asked to repeat or to explain it), a hint, a moment to think, whether
# to draw, whether the answer was what was asked. Matched on a short message only: inside a
# design answer "does that make sense?" asks nothing.
_META = {
    "time": re.compile(
        r"\bhow (?:much|long) (?:more )?(?:time|longer)\b|\btime (?:left|remaining|check)\b|"
        r"\bhow (?:are|am) (?:we|i) (?:doing )?(?:on|for) time\b|\bhow many minutes\b",
        re.IGNORECASE,
    ),
    "repeat": re.compile(
        # asked of the interviewer ("can you repeat that?"), not of the system ("do queries
        # repeat much?")
        r"\b(?:can|could|would|will) you (?:please )?(?:repeat|rephrase|restate|reword)\b|"
        r"\b(?:repeat|rephrase|restate|reword) (?:the|that|your|it|this|please)\b|"
        r"^\W*(?:please,? )?(?:repeat|rephrase)\W*(?:please)?\W*$|\bsay (?:that|it) again\b|"
        r"\bcome again\b|"
        r"\bwhat was (?:the|your) question\b|"
        r"\bwhat (?:do|did) you mean(?: by (?:that|this|it|the question|that question))?\W*$|"
        r"\bwhat (?:exactly )?are you asking\b|\bi (?:don'?t|do not) (?:understand|follow|get) "
        r"(?:the|your) question\b|\bnot sure what you(?:'re| are) (?:asking|getting at)\b|"
        r"\bwhat are you getting at\b|\b(?:not sure|unsure) what you mean\b",
        re.IGNORECASE,
    ),
    "hint": re.compile(
        r"\b(?:can|could|may) i (?:get|have) (?:a|another|some) hints?\b|\b(?:give|get) me "
        r"(?:a|another) hint\b|\bany hints?\b|\bhint,? please\b|\bcan you (?:give me )?(?:a )?hint\b",
        re.IGNORECASE,
    ),
    "think": re.compile(
        r"^\W*(?:(?:ok(?:ay)?|hmm+|um+|so|right|sure|alright),?\s+)*(?:let me (?:think|take a "
        r"(?:second|sec|moment|minute))|give me a (?:second|sec|moment|minute)|(?:one|just a) "
        r"(?:second|sec|moment|minute)|i need (?:a (?:second|moment|minute) )?to think)\b",
        re.IGNORECASE,
    ),
    "diagram": re.compile(
        r"\b(?:should|can|may|could|shall) i (?:draw|sketch|diagram)\b|\bdo you want (?:me to "
        r"(?:draw|sketch)|a diagram)\b|\b(?:can|may) i (?:use|share) a (?:diagram|whiteboard)\b",
        re.IGNORECASE,
    ),
    "answered": re.compile(
        r"\bi (?:already|just) (?:answered|covered|said|explained|mentioned|went through) "
        r"(?:that|this|it)\b|\b(?:i think )?i (?:answered|covered) (?:that|this|it) "
        r"(?:already|above|earlier|before)\b",
        re.IGNORECASE,
    ),
    "yours": re.compile(
        r"\bwhat would you do\b|\bhow would you (?:do|solve|design|approach|build) "
        r"(?:it|this|that)\b|\bwhat(?:'s| is) the (?:right|correct|best|expected) "
        r"(?:answer|approach|design|solution)\b",
        re.IGNORECASE,
    ),
    "check": re.compile(
        r"\b(?:does|did) (?:that|this) (?:answer|cover|address) (?:your|the) question\b|"
        r"\bis (?:that|this) what you (?:were )?(?:looking for|wanted|meant|asked)\b|"
        r"\bam i on the right track\b|\bis (?:that|this) (?:the )?(?:right )?(?:direction|"
        r"kind of (?:answer|thing)) you\b|"
        r"\bis (?:that|this|it|my (?:approach|design|answer)) (?:a )?(?:good|ok(?:ay)?|reasonable|"
        r"right|fine|correct|valid|sensible)\b(?: (?:approach|idea|design|answer|way|start))?\W*$",
        re.IGNORECASE,
    ),
}
_META_WORDS = 14  # a message about the interview is short; a longer one is an answer


def hear(text: str, stage: Stage) -> Heard:
    """The act of one candidate message, in the stage it was said."""
    # could_match: an exact, cheap "no" for a text (or a sentence) without the pattern's words
    # (searching every sentence with these patterns was most of hearing a long answer).
    if could_match(_OFF_TOPIC, text) and _OFF_TOPIC.search(text):
        return Heard(Act.OFF_TOPIC)
    meta = _meta(text)
    if meta:
        return Heard(Act.META, meta)
    m = _DEEP_DIVE.search(text) if could_match(_DEEP_DIVE, text) else None
    # "let's talk about X" is a deep-dive wish only with a depth word ("in more detail")
    wish = m is not None and _is_wish(m)
    if m and wish and stage is not Stage.CLARIFY:
        return Heard(Act.DEEP_DIVE, _subject(m.group("x")), said_more=_goes_on(text, m.start()))
    asked = _asked(text)
    if asked:
        return Heard(Act.ASKED, questions=tuple(asked))
    dont = _dont_know(text)
    if dont is not None:
        return dont
    if stage is not Stage.CLARIFY and could_match(_REFUSAL, text):
        for s in sentences(text):
            if could_match(_REFUSAL, s) and _REFUSAL.search(s) and not is_question(s):
                return Heard(Act.REFUSAL, s)
    if stage is Stage.WRAP_UP and _is_summary(text):
        return Heard(Act.SUMMARY)
    return Heard(Act.DESIGN)


_SAID_MORE_WORDS = 12


def _is_wish(m: re.Match[str]) -> bool:
    """Whether a _DEEP_DIVE match is a wish to go deep: "let's talk about X" is one only with a
    depth word ("in more detail"), every other phrasing is."""
    return bool(_DEPTH.search(m.group()) or "talk" not in m.group().lower())


def _goes_on(text: str, at: int) -> bool:
    """Whether a message says more than its deep-dive wish: a dozen words of design beyond
    the sentence that holds the wish."""
    wish = next((s for s in sentences(text[at:]) if s.strip()), "")
    return len(_WORD.findall(text)) - len(_WORD.findall(text[:at] + wish)) >= _SAID_MORE_WORDS


def _meta(text: str) -> str:
    """Which question about the interview itself a short message asks, or ''."""
    if len(_WORD.findall(text)) > _META_WORDS:
        return ""
    return next((kind for kind, p in _META.items() if p.search(text)), "")


def _subject(raw: str) -> str:
    subject = raw.strip()
    while (cut := _SUBJECT_TAIL.sub("", subject)) != subject:
        subject = cut
    return subject.strip()


def _asked(text: str) -> list[str]:
    """The questions put to the interviewer: a message mostly asking, or its closing questions
    ("How do we shard? By user id." asks nothing: the candidate answered it)."""
    parts = sentences(text)
    if not parts:
        return []
    if asks_questions(text):
        return questions_in(text)
    trailing: list[str] = []
    for s in reversed(parts):
        if not is_question(s):
            break
        trailing.insert(0, s)
    return questions_in(" ".join(trailing))


def _dont_know(text: str) -> Heard | None:
    """'I don't know' as the gist of the message, not a hedge inside a design."""
    if not could_match(_DONT_KNOW, text):  # no sentence of it holds the words either
        return None
    for s in sentences(text):
        m = _DONT_KNOW.search(s) if could_match(_DONT_KNOW, s) else None
        if m is None:
            continue
        rest = len(_WORD.findall(text)) - len(_WORD.findall(s))
        if rest <= 15 and not re.search(r"\bbut\b[^.?!]{12,}", s[m.end() :]):
            subject = (m.group("x") or "").strip()
            return Heard(Act.DONT_KNOW, _subject(re.sub(r"^(?:about|on)\s+", "", subject)))
    return None


def _is_summary(text: str) -> bool:
    """A wrap-up message that sums the design up (not a short answer to one question)."""
    first = sentences(text)[0] if text.strip() else ""
    summed = could_match(_SUMMARY, first) and bool(_SUMMARY.search(first))
    return summed or len(_WORD.findall(text)) >= 25


# A question put as a statement ("I'd like to know the peak QPS", "Tell me the read to write
# ratio", "I wonder whether links expire"): it asks for a fact and designs nothing.
_ASKS = re.compile(
    r"^\W*(?:(?:so|ok(?:ay)?|alright|right|first|and|also|next|one more thing),?\s+)*"
    r"(?:i'?d (?:like|love|want) to (?:know|understand|ask|check|confirm|clarify|find out)"
    r"|i (?:want|need) to (?:know|understand|ask|check|confirm|clarify)"
    r"|i(?:'m| am) (?:wondering|curious)|i wonder|(?:can|could) you (?:tell|confirm|clarify)"
    r"|(?:please )?(?:tell me|confirm)|let me ask|one question)\b",
    re.IGNORECASE,
)
_ASIDE_TAIL_WORDS = 4  # words after a wish or an "I don't know" that make it design talk
_ASIDE_WORDS = 12  # an off-topic line is short; a longer sentence is an answer


def aside(sentence: str) -> bool:
    """Whether one sentence is talk to the interviewer rather than design: a wish to go deep
    on a part ("I'd like to deep dive on deduplication of near-identical pages."), "I don't
    know" ("Honestly I don't know how to detect near-duplicates at this scale."), a turn off
    topic, a question put as a statement ("Tell me the read to write ratio."), or one about
    the interview itself ("Let me think for a second."). Such a
    sentence names what it is about without saying anything of the design, so it is evidence
    for no design criterion; one that goes on past the wish ("Let's go deep on the frontier:
    one queue per host, so no host is hit twice a second") is design talk."""
    words = len(_WORD.findall(sentence))
    if _ASKS.search(sentence):
        return True
    meta = _meta(sentence)  # asked, or "let me think", "I already answered that"
    if meta and (meta in ("think", "answered") or is_question(sentence)):
        return True
    if could_match(_OFF_TOPIC, sentence) and _OFF_TOPIC.search(sentence):
        return words <= _ASIDE_WORDS or is_question(sentence)
    for pattern in (_DEEP_DIVE, _DONT_KNOW):
        m = pattern.search(sentence) if could_match(pattern, sentence) else None
        if m is None or len(_WORD.findall(sentence[m.end() :])) >= _ASIDE_TAIL_WORDS:
            continue
        # "let's talk about X" is a wish only with a depth word, as in hear()
        if pattern is _DONT_KNOW or _is_wish(m):
            return True
    return False
