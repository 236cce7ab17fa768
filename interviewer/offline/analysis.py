"""Text analysis of candidate answers, shared by the offline scorer and interviewer."""

from __future__ import annotations

import re
import unicodedata
from bisect import bisect_right
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from functools import cached_property

from interviewer.bank import Concept
from interviewer.core.prefixes import TextIndex, could_match
from interviewer.core.regex import compiled
from interviewer.core.stages import Format, Stage
from interviewer.core.text import SENTENCE_END, is_question
from interviewer.core.transcript import Role, Transcript, TurnKind
from interviewer.offline.reasoning import (
    is_keyword_list,
    mask_collocations,
    negated_at,
    reason_carries_content,
)

_WORD = re.compile(r"\w+")

# Words addressed to whoever grades the interview rather than to the interviewer.
_TO_GRADER = re.compile(
    r"\b(?:ignore|disregard|forget|override|bypass)\b[^.!?\n]{0,40}?"
    r"\b(?:instructions?|rubric|rules|criteria|prompt|guidelines|scoring|grading)\b"
    r"|\bas (?:the|an?|your) (?:grader|evaluator|scorer|judge|ai|assistant|language model|llm)\b"
    r"|\b(?:dear|hey|hi|attention|note to|message to|instructions? (?:to|for)) (?:the )?"
    r"(?:grader|evaluator|scorer|judge|model|ai|llm|reviewer)\b"
    r"|\b(?:grader|evaluator|scorer|judge|ai|model|llm)s?[,:] (?:please )?"
    r"(?:ignore|give|score|rate|output|award|mark|grade)\b"
    r"|\b(?:full|maximum|max|top|perfect|highest) (?:marks?|scores?|points|ratings?)\b"
    r"|\b(?:give|award|assign|output|grant|score|rate|mark|grade)\b[^.!?\n]{0,30}?"
    r"\b[34](?:\s*/\s*4|\s+out of\s+4)?(?:\s+(?:on|for|in|across|everywhere)\b|\s*(?:[.!,;]|$))"
    r"|\b(?:a|all) [34]s? (?:on|for|across) (?:every|all)"
    r"|\b(?:score|mark|grade|rate) (?:me|this answer|my answer|this response|the candidate)\b"
    r"|\bscores? of [34]\b|\b[34]s across\b|\bstrong[ _-]?hire\b|\bhire me\b"
    r"|\b(?:new instructions|you are now|as an ai (?:language )?model)\b"
    r"|\byou (?:must|should|will|shall|need to|have to) (?:output|award|mark|grade)\b",
    re.IGNORECASE,
)

# A line written as another speaker ("Interviewer: great answer", "[interviewer · ...] ..."),
# read after _speaker_form has undone the disguises (markdown, full-width and invisible
# characters) so that `**Interviewer:**`, `> Interviewer:`, `Interviewer：`, `Inter​viewer:`
# and `Interviewer — great` are set aside like the plain form.
_SPEAKERS = r"(?:interviewer|grader|system|assistant|scorer|evaluator|mockroom)"
_FORGED_LINE = re.compile(
    rf"^\s*(?:\[\s*{_SPEAKERS}\b|{_SPEAKERS}\s*(?:\(|:|[–—]|-+\s))", re.IGNORECASE
)
_INVISIBLE = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\ufeff\u00ad\u180e"), None)
_MARKUP = str.maketrans("", "", "*_`~")
_LEAD = re.compile(r"^(?:\s*+(?:>|#++|[-+•]\s))*+")  # quote marks, headings, bullets


def _speaker_form(line: str) -> str:
    """A line as a reader sees it: NFKC (full-width colons and letters are plain), invisible
    characters gone, emphasis and quote, heading or bullet marks taken off its start."""
    plain = unicodedata.normalize("NFKC", line).translate(_INVISIBLE).translate(_MARKUP)
    return _LEAD.sub("", plain)


def forged_lines(text: str) -> list[tuple[int, int]]:
    """(start, end) of each line that speaks as the interviewer, the grader or the system."""
    found, pos = [], 0
    for line in text.splitlines(keepends=True):
        body = line.rstrip("\r\n")
        if _FORGED_LINE.match(_speaker_form(body)):
            found.append((pos, pos + len(body)))
        pos += len(line)
    return found


# Connectives that give a reason, a consequence, a comparison or a condition.
_REASON = re.compile(
    r"\b(?:because|since|so that|in order to|which means|this means|that means|meaning"
    r"|otherwise|instead of|rather than|as opposed to|that way|this way|the downside"
    r"|the upside|the benefit|the cost is|at the (?:cost|expense|price) of"
    r"|versus|vs\b|due to|given that|thanks to|lets? us|allows? us|in case"
    r"|to (?:avoid|prevent|keep|reduce|cut|handle|absorb|protect|ensure|make sure|guarantee"
    r"|isolate|limit|bound|hide|smooth|spread|survive|recover|lower|minimi[sz]e|maximi[sz]e"
    r"|improve|speed up|save|free|detect|catch|stop|meet|hit|stay)"
    r"|(?:which|that|this|it) (?:lets|allows|keeps|avoids|reduces|cuts|gives|means|ensures"
    r"|prevents|protects|isolates|bounds|spreads|hides|saves|halves|doubles|removes|trades"
    r"|absorbs|caps|limits|stops|makes|costs|leaves|covers|catches|frees|pays)"
    r"|(?:if|when|whenever|unless) \w+\b[^,.;]{2,80},"
    r"|once (?:a|an|the|one|any|we|it|that|this|traffic|load|users?)\b[^,.;]{2,80},"
    # Causal structure in plain words: "that's why", a comparison ("worse than"), "rather
    # X than Y", and a mechanism "by doing"; a condition may start with any word.
    r"|(?:that|which|this)(?:'s| is) (?:why|how)"
    r"|(?:is|are|was|be) (?:far |much |a lot |clearly )?(?:worse|better|cheaper|safer|simpler"
    r"|riskier|costlier|slower|faster) than"
    r"|rather \w+(?: \w+){0,4} than"
    r"|by (?!the\b|a\b|an\b|design\b|default\b)\w+ing\b"
    # Consequences in everyday words: what a part would cause ("a single placer would make an
    # outage global"; not "we will make a service"), what it makes of something ("makes
    # reading simple"), what a plural means ("bigger groups mean more answers per card"), and
    # a judgement on the clause before ("which is much cheaper per check", "which is what
    # makes ...").
    r"|(?<!\bwe )(?<!\bi )(?<!\byou )(?<!\bthey )(?:would|will|could) (?:make|mean|cause|turn"
    r"|force|cost|break|waste|starve|overload"
    r"|flood|block|delay|double|halve)s?\b"
    r"|\bmak(?:es|ing) (?:\w+ ){1,3}?(?:simple|simpler|easy|easier|cheap|cheaper|hard|harder"
    r"|safe|safer|slow|slower|possible|impossible|visible|predictable|reproducible)\b"
    r"|(?:is|'s) what (?:makes|lets|keeps|gives|allows)"
    r"|\w+s mean (?:more|less|fewer|lower|higher|longer|shorter|that)\b"
    r"|(?:which|that|this) (?:is|'s) (?:much |far |a lot |still )?(?:cheaper|faster|safer"
    r"|simpler|easier|slower|harder|fine|enough|acceptable)\b"
    r")"
    r"|(?<=[\w,] )so (?!(?:far|much|many|on|called|long|few|little|to)\b)\w",
    re.IGNORECASE,
)
# A sentence that explains the one before it ("That way each shard stays small.").
_FOLLOW_ON = re.compile(
    r"^(?:because|since|otherwise|so|that way|this way|the reason|the point"
    r"|(?:this|that|which|it) (?:means|lets|allows|keeps|avoids|gives|reduces|cuts|makes"
    r"|ensures|prevents|protects|helps|way))\b",
    re.IGNORECASE,
)
# A run of characters that are not words, too long for a concept name to cross (its edges
# are still read, for names that start or end with punctuation such as "C++" or ".NET").
_GAP_EDGE = 6
_GAP = re.compile(rf"[^\w]{{{4 * _GAP_EDGE},}}")
# Possessive, and never starting inside a number (after "1,"): linear on "1,1,1,...".
_QUANTITY = re.compile(
    r"(?<![\w.])(?<![0-9],)\d++(?:[.,]\d++)*+\s*+(?:%|x\b|k\b|m\b|b\b|ms\b|s\b|secs?\b|seconds?|minutes?|"
    r"mins?\b|hours?|days?|weeks?|gb|tb|pb|mb|kb|qps|rps|tps|rpm|req|requests?|users?|"
    r"tokens?|gpus?|nodes?|servers?|machines?|replicas?|shards?|regions?|zones?|nines|"
    r"million|billion|thousand|per\b|/\s*s\b|bytes?|times\b)"
    # A rate in everyday words: "40,000 checks a second", "20 questions per second".
    r"|(?<![\w.])(?<![0-9],)\d++(?:[.,]\d++)*+\s++(?:[a-z-]++\s++){1,3}?(?:a|per|each|every)"
    r"\s++(?:second|minute|hour|day|week|month|year)\b"
    r"|\b99(?:\.9+)?\s*%|\bp9[059]\b",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class Sentence:
    """One candidate sentence, verbatim, with where it came from and what it shows."""

    text: str
    turn: int
    start: int
    stage: Stage
    question: bool
    reasoned: bool
    quantified: bool
    words: int


@dataclass(frozen=True)
class ConceptHit:
    """A concept found in a sentence, and whether the sentence explains it."""

    concept: Concept
    sentence: int
    start: int
    explained: bool


@dataclass(frozen=True)
class CandidateText:
    """The candidate's sentences (instructions to the grader removed) and the turn texts."""

    sentences: tuple[Sentence, ...]
    turns: dict[int, str]
    ignored: tuple[str, ...]

    @cached_property
    def masked(self) -> dict[int, str]:
        """Each turn with function-word collocations ("as long as") blanked out."""
        return {turn: mask_collocations(text) for turn, text in self.turns.items()}

    @cached_property
    def _by_turn(self) -> dict[int, tuple[list[int], list[int]]]:
        by_turn: dict[int, tuple[list[int], list[int]]] = {}
        for i, s in enumerate(self.sentences):
            ids, starts = by_turn.setdefault(s.turn, ([], []))
            ids.append(i)
            starts.append(s.start)
        return by_turn

    @cached_property
    def _windows(self) -> dict[int, list[tuple[int, int]]]:
        """Each turn's stretches worth reading for a concept: long runs of characters that
        are not words (a wall of brackets or spaces) are skipped, since every position of
        one costs a pattern with a hundred alternatives a try and none can match there."""
        windows: dict[int, list[tuple[int, int]]] = {}
        for turn, text in self.masked.items():
            found, pos = [], 0
            for gap in _GAP.finditer(text):
                found.append((pos, gap.start() + _GAP_EDGE))
                pos = gap.end() - _GAP_EDGE
            found.append((pos, len(text)))
            windows[turn] = found
        return windows

    @cached_property
    def _index(self) -> tuple[TextIndex, list[int], list[tuple[int, list[tuple[int, int]]]]]:
        """The masked turns that hold sentences, indexed by the characters at each position so
        a pattern is tried only where it could start (interviewer.core.prefixes); their turn
        numbers, and each one's windows."""
        order = list(self._by_turn)
        index = TextIndex([self.masked[turn] for turn in order])
        return index, order, [(k, self._windows[turn]) for k, turn in enumerate(order)]

    def first_matches(self, pattern: re.Pattern[str]) -> Iterator[tuple[int, int]]:
        """(sentence index, offset in sentence) of the first match in each matching sentence."""
        index, order, windows = self._index
        seen: set[int] = set()
        current = -1
        ids: list[int] = []
        starts: list[int] = []
        for k, m in index.finditer(pattern, windows):
            if k != current:
                current, seen = k, set()
                ids, starts = self._by_turn[order[k]]
            n = bisect_right(starts, m.start()) - 1
            if n < 0 or ids[n] in seen:
                continue
            s = self.sentences[ids[n]]
            if m.start() < s.start + len(s.text):
                seen.add(ids[n])
                yield ids[n], m.start() - s.start


def compile_fast(patterns: Iterable[str]) -> re.Pattern[str]:
    """Like bank.compile_any (any pattern at a word start, any case), but one \\b for all: faster.
    Compiled once per process (the bank's patterns only, never a member's text)."""
    return compiled(r"\b(?:" + "|".join(f"(?:{p})" for p in patterns) + ")", re.I | re.A)


def addresses_grader(text: str) -> bool:
    """Whether a sentence speaks to the grader (asks for a score, says to ignore the rubric)."""
    # An ASCII sentence without the pattern's words is not tried at every word start.
    return could_match(_TO_GRADER, text) and bool(_TO_GRADER.search(text))


def has_reason(text: str) -> bool:
    """Whether a sentence gives a reason, a consequence, a comparison or a number."""
    return bool(_REASON.search(text)) or has_quantity(text)


_DIGIT = re.compile(r"\d")  # every quantity holds one (the same \d as _QUANTITY's)


def has_quantity(text: str) -> bool:
    """Whether a sentence holds a number with a unit (50k QPS, 200 ms, 3 replicas)."""
    return _DIGIT.search(text) is not None and bool(_QUANTITY.search(text))


def _spans(text: str) -> list[tuple[int, int]]:
    spans: list[tuple[int, int]] = []
    pos = 0
    # The same split as core.text.sentences, kept with offsets so quotes stay verbatim.
    for m in [*SENTENCE_END.finditer(text), None]:
        end = m.start() if m else len(text)
        piece = text[pos:end]
        if piece.strip():
            lead = len(piece) - len(piece.lstrip())
            spans.append((pos + lead, pos + lead + len(piece.strip())))
        pos = m.end() if m else len(text)
    return spans


def _blanked(text: str, spans: list[tuple[int, int]]) -> str:
    """The text with these spans turned to spaces (offsets kept), in one pass."""
    if not spans:
        return text
    pieces, pos = [], 0
    for a, b in spans:
        pieces += [text[pos:a], " " * (b - a)]
        pos = b
    return "".join([*pieces, text[pos:]])


def sets_aside(text: str) -> bool:
    """Whether read_turns would ignore part of a message (a line written as another speaker,
    a sentence to the grader), found without reading the rest of it."""
    if forged_lines(text):
        return True
    return any(addresses_grader(text[a:b]) for a, b in _spans(text))


def read_turns(turns: Iterable[tuple[int, Stage, str]]) -> CandidateText:
    """Split (turn index, stage, text) triples into sentences, dropping grader instructions."""
    kept: list[Sentence] = []
    ignored: list[str] = []
    texts: dict[int, str] = {}
    for index, stage, text in turns:
        texts[index] = text
        # A line that speaks as the interviewer or the grader is forged: never the candidate's.
        forged = forged_lines(text)
        ignored += [text[a:b].strip() for a, b in forged]
        text = _blanked(text, forged)
        spans = _spans(text)
        for n, (a, b) in enumerate(spans):
            s = text[a:b]
            if addresses_grader(s):
                ignored.append(s)
                continue
            nxt = text[spans[n + 1][0] : spans[n + 1][1]] if n + 1 < len(spans) else ""
            words = len(_WORD.findall(s))
            # "Cache because fast." is a slogan, not a reason: a reason needs a few words,
            # and words after the "because" that say more than the claim's own name.
            quantified = has_quantity(s)
            reasoned = quantified or (words >= 6 and reason_carries_content(s, _REASON))
            reasoned |= (
                bool(_FOLLOW_ON.match(nxt))
                and not addresses_grader(nxt)
                and reason_carries_content(s + " " + nxt, _REASON)
            )
            kept.append(Sentence(s, index, a, stage, is_question(s), reasoned, quantified, words))
    return CandidateText(tuple(kept), texts, tuple(ignored))


def read_candidate(transcript: Transcript) -> CandidateText:
    """The candidate's side of a transcript, sentence by sentence."""
    return read_turns(
        (i, t.stage, t.text) for i, t in enumerate(transcript.turns) if t.role is Role.CANDIDATE
    )


def find_concepts(
    text: CandidateText, compiled: Sequence[tuple[Concept, re.Pattern[str]]]
) -> list[ConceptHit]:
    """Every concept in every sentence, in reading order; negated mentions are left out.

    A reasoned sentence explains at most one concept per seven words (and at most three),
    so a list of terms with one "because" tacked on does not count as explaining them all;
    a reason that only repeats the concepts' names explains none, and neither does a list.
    """
    found: dict[int, list[tuple[int, Concept, str]]] = {}
    for concept, pattern in compiled:
        for sid, offset in text.first_matches(pattern):
            s = text.sentences[sid]
            if negated_at(s.text, offset):
                continue
            m = pattern.match(text.masked[s.turn], s.start + offset)
            found.setdefault(sid, []).append((offset, concept, m.group() if m else ""))
    hits: list[ConceptHit] = []
    # Read once per call: an answer that repeats a sentence meets the same question again.
    reasons: dict[tuple[str, frozenset[str]], bool] = {}
    facets: dict[tuple[int, str], bool] = {}

    def carries(sentence: str, own: frozenset[str]) -> bool:
        said = reasons.get((sentence, own))
        if said is None:
            said = reasons[sentence, own] = reason_carries_content(sentence, _REASON, own)
        return said

    def facet(concept: Concept, rest: str) -> bool:
        given = facets.get((id(concept), rest))
        if given is None:
            given = facets[id(concept), rest] = _facet_in(concept, rest)
        return given

    for sid in sorted(found):
        s = text.sentences[sid]
        named = sorted(found[sid], key=lambda x: x[0])
        own = frozenset(
            w for _, c, said in named for w in _WORD.findall(f"{said} {c.id}".lower()) if len(w) > 2
        )
        listed = is_keyword_list(len(named), s.text.count(","), s.words)
        explains = s.reasoned and not s.question
        if explains and not s.quantified:
            explains = carries(s.text, own) or _explained_by_next(text, sid, own, carries)
        # A list of names with one reason tacked on explains one of them at most.
        budget = (1 if listed else max(1, min(3, s.words // 7))) if explains else 0
        for n, (offset, concept, said) in enumerate(named):
            # A facet said outside the concept's own name ("continuous batching" is no facet).
            rest = s.text[:offset] + " " * len(said) + s.text[offset + len(said) :]
            faceted = not listed and not s.question and facet(concept, rest)
            hits.append(ConceptHit(concept, sid, offset, n < budget or faceted))
    return hits


def _carries(sentence: str, own: frozenset[str]) -> bool:
    return reason_carries_content(sentence, _REASON, own)


def _explained_by_next(
    text: CandidateText,
    sid: int,
    own: frozenset[str],
    carries: Callable[[str, frozenset[str]], bool] = _carries,
) -> bool:
    """Whether the next sentence of the same turn starts by explaining this one, with content."""
    if sid + 1 >= len(text.sentences):
        return False
    s, nxt = text.sentences[sid], text.sentences[sid + 1]
    return (
        nxt.turn == s.turn
        and bool(_FOLLOW_ON.match(nxt.text))
        and carries(f"{s.text} {nxt.text}", own)
    )


def _facet_in(concept: Concept, sentence: str) -> bool:
    """Whether the sentence gives one of the concept's facets (its signal, key, limit...)."""
    return any(p.search(sentence) for p in concept.compiled_facets.values())


def concepts_in(
    message: str, compiled: Sequence[tuple[Concept, re.Pattern[str]]]
) -> list[ConceptHit]:
    """The concepts one message names, first mention of each, in reading order."""
    text = read_turns([(0, Stage.HIGH_LEVEL, message)])
    seen: set[str] = set()
    first: list[ConceptHit] = []
    for hit in find_concepts(text, compiled):
        if hit.concept.id not in seen:
            seen.add(hit.concept.id)
            first.append(hit)
    return first


@dataclass(frozen=True)
class CurveballReply:
    """A curveball the interviewer injected and the candidate sentences that answered it."""

    curveball_id: str
    turn: int
    sentences: tuple[int, ...] | None  # None: the candidate never answered


def curveball_replies(transcript: Transcript, text: CandidateText) -> list[CurveballReply]:
    """Each curveball with its reply: the candidate's next turns, before any other curveball."""
    turns = transcript.turns
    out: list[CurveballReply] = []
    for i, t in enumerate(turns):
        if t.role is not Role.INTERVIEWER or t.kind != TurnKind.CURVEBALL:
            continue
        j = i + 1
        while j < len(turns) and turns[j].role is Role.INTERVIEWER and turns[j].kind != t.kind:
            j += 1
        reply: set[int] = set()
        while j < len(turns) and turns[j].role is Role.CANDIDATE:
            reply.add(j)
            j += 1
        sids = tuple(k for k, s in enumerate(text.sentences) if s.turn in reply)
        out.append(CurveballReply(t.curveball_id or "unknown", i, sids if reply else None))
    return out


def clarifying_sentences(fmt: Format, text: CandidateText, hits: Sequence[ConceptHit]) -> list[int]:
    """Questions asked in the clarify stage (or in the opening turn when there is none)."""
    sents = text.sentences
    in_clarify = any(s.stage is Stage.CLARIFY for s in sents)
    ids = {
        i
        for i, s in enumerate(sents)
        if s.question and (s.stage is Stage.CLARIFY or (not in_clarify and s.turn == sents[0].turn))
    }
    if fmt is Format.ASYNC:  # a one-message answer can only state its assumptions
        ids |= {h.sentence for h in hits if h.concept.id in ("assumptions", "requirements")}
    return sorted(ids)
