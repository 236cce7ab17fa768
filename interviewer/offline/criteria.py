"""The offline scorer's criteria: what each criterion counts, quotes and advises."""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field

from interviewer.core.rubric import (
    CRITERION_TITLES,
    Criterion,
    CriterionScore,
    Pitfall,
    PitfallSeen,
    clamp_score,
)
from interviewer.core.stages import Stage
from interviewer.core.text import question_key
from interviewer.offline.analysis import ConceptHit, compile_fast
from interviewer.offline.claims import WrongClaim
from interviewer.offline.facts import Facts, Point, join_words, label, readable
from interviewer.offline.feedback import ProblemPoint, needs
from interviewer.offline.quotes import quote
from interviewer.offline.reading import stems
from interviewer.offline.reasoning import content_words, is_keyword_list

_C = Criterion
# A rate limit or quota is security evidence only when the sentence is about abuse or callers'
# limits; a GPU scheduler's fair-share quota is capacity, not security.
_ABUSE = re.compile(
    r"\b(?:abuse|abusive|attack|ddos|bots?\b|scrap|brute|429|rate[- ]?limit|throttl|api[- ]?keys?"
    r"|per[- ](?:key|ip|user|caller|account)|credential|malicious|spam)",
    re.IGNORECASE,
)

# Data or work moving through, or kept in, a classic problem's infrastructure.
_DATA_FLOW = re.compile(
    r"\b(?:workers?|consumers?|producers?|pipelines?|async|asynchronous|background|stream"
    r"|batch|jobs?\b|ingest|etl\b|process|writes?\b|written|stor(?:e|es|ed|age|ing)|lands?\b"
    r"|persist|archiv|fan[- ]?out|events?\b|logs?\b|aggregat|s3\b|buckets?\b|warehouse"
    r"|lake\b|topics?\b|partition|offload|upload|publish|subscrib|deliver|replay|backlog"
    r"|spans?\b|messages?\b|pages?\b|files?\b|blobs?\b|records?\b|rows?\b|feeds?\b)",
    re.IGNORECASE,
)

# A queue is reliability evidence when the sentence says what it keeps safe or absorbs.
_KEEPS_WORK = re.compile(
    r"\b(?:durab|persist|replay|retain|retention|buffer|absorb|spike|burst|retr(?:y|ies)"
    r"|redeliver|ack|dead[- ]letter|surviv|decoupl|backlog|catch up|lose|lost|safe|at[- ]least"
    r"|exactly[- ]once|idempot|restart|resum)",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class Fit:
    """What makes the card fit this problem and this candidate's own words."""

    relevant: frozenset[str] | None = None  # concepts the problem's own text names (None: any)
    words: dict[tuple[int, str], str] = field(default_factory=dict)  # (sentence, concept) -> said
    reached: frozenset[str] = frozenset()  # expected points reached in other words
    # Of those, the ones reached with a mechanism and a reason (criteria.in_other_words; the
    # scorer puts them in `reached` too).
    in_other_words: frozenset[str] = frozenset()
    # The problem's design points as advice (feedback.needs says them in their own words).
    points: tuple[ProblemPoint, ...] = ()
    # Design points their keywords missed, reached by a reasoned sentence in plain words
    # (plain_reach): point id -> those sentences.
    plain: dict[str, tuple[int, ...]] = field(default_factory=dict)

    def missed(self, c: Criterion, f: Facts) -> list[str]:
        """The problem's points for a criterion the candidate reached in no words at all."""
        return [
            m
            for m, p in zip(f.missed(c), _missed_points(c, f), strict=True)
            if p not in self.reached
        ]

    def name(self, sentence: int, concept: str) -> str:
        """The concept as the candidate put it: its name when they used it, else their words."""
        said = self.words.get((sentence, concept), "").strip()
        ours = readable(concept)
        if not said or _shares_word(said, ours) or not content_words(said):
            return ours  # their words are our name, or only connectives ("rather than")
        return f'"{said}"'


def _reasoned(f: Facts, p: Point) -> bool:
    """Whether a sentence that reaches the point also gives a reason or a number."""
    return any(f.text.sentences[sid].reasoned for sid in f.covered[p.point.id])


def in_other_words(f: Facts) -> frozenset[str]:
    """The expected points their keywords never reached that a sentence reaches with substance
    in other words: it explains one of the point's criterion's own mechanisms with a reason or
    a number, and it is about the point's component (it shares a content word with the point).
    "For each provider we watch errors; when a few percent fail in a minute we stop sending to
    it and try again every 30 seconds" reaches "adapters per provider with health checks and
    failover" without any of its keywords. A question, a wrong claim or a list of names
    reaches nothing; a name with no reason does not either; and a question the candidate
    should have asked (a clarify point) is reached only by asking it."""
    if all(f.covered[p.point.id] for p in f.points):
        return frozenset()
    names = Counter(h.sentence for h in f.hits)
    where: dict[Criterion, set[int]] = {}  # criterion -> sentences explaining its mechanisms
    for h in f.hits:
        s = f.text.sentences[h.sentence]
        if not h.explained or not s.reasoned or s.question or h.sentence in f.void:
            continue
        if is_keyword_list(names[h.sentence], s.text.count(","), s.words):
            continue
        where.setdefault(f.criteria_of(h.concept)[0], set()).add(h.sentence)
    stems = {sid: _stems(f.text.sentences[sid].text) for sids in where.values() for sid in sids}
    said = {c: set().union(*(stems[sid] for sid in sids)) for c, sids in where.items()}
    return frozenset(
        p.point.id
        for p in f.points
        if not f.covered[p.point.id]
        and any(
            _stems(p.point.point) & said.get(c, set()) for c in p.criteria if c is not _C.CLARITY
        )
    )


_PLAIN_SHARED = 2  # content words a plain sentence shares with a point it reaches
_PLAIN_STAGES = (Stage.HIGH_LEVEL, Stage.DEEP_DIVE, Stage.TRADEOFFS)


def plain_reach(f: Facts) -> dict[str, tuple[int, ...]]:
    """The design points their keywords never reached that a sentence reaches in plain words:
    a whole sentence (no question, no list of names, no wrong claim or aside) that gives a
    reason or a number and shares two content words with the point or the question that asks
    for it. "Ten machines a day break, so the scheduler moves their jobs to spare machines and
    restarts them from the last save" reaches "detects failing nodes, drains them and restarts
    affected jobs on spares" without "drain", "cordon" or "requeue": the mechanism is in the
    candidate's own words, and the lexicon need not know them."""
    names = Counter(h.sentence for h in f.hits)
    said = [
        (sid, _stems(s.text))
        for sid, s in enumerate(f.text.sentences)
        if s.reasoned
        and not s.question
        and sid not in f.void
        and s.words >= _STATED_WORDS
        and not is_keyword_list(names[sid], s.text.count(","), s.words)
    ]
    out: dict[str, tuple[int, ...]] = {}
    for p in f.points:
        if p.stage not in _PLAIN_STAGES or f.covered[p.point.id]:
            continue
        if _C.SECURITY_PRIVACY in p.criteria:
            continue  # the security point is read part by part (bars.security_parts)
        about = _stems(f"{p.point.point} {p.point.question}")
        sids = tuple(sid for sid, words in said if len(words & about) >= _PLAIN_SHARED)
        if sids:
            out[p.point.id] = sids
    return out


def _stems(text: str) -> set[str]:
    """The content words of a text of four letters or more, by their first five letters."""
    return {w for w in stems(text) if len(w) >= 4}


def _missed_points(c: Criterion, f: Facts) -> list[str]:
    """The ids of the points Facts.missed lists, in its order."""
    return [p.point.id for p in f.points if c in p.criteria and not f.covered[p.point.id]]


def _shares_word(a: str, b: str) -> bool:
    """Whether two phrases share a word (by its first four letters)."""
    stems = {w[:4] for w in re.findall(r"[a-z0-9]{3,}", b.lower())}
    return any(w[:4] in stems for w in re.findall(r"[a-z0-9]{3,}", a.lower()))


_CLARITY_SAID = {
    "requirements": "named the requirements",
    "assumptions": "stated your assumptions",
    "plan-announced": "announced a plan",
    "summary": "summarised the design",
    "next-steps": "named next steps",
}


@dataclass(frozen=True)
class _Item:
    label: str
    explained: bool
    primary: bool
    sentence: int
    start: int


def _upper_first(text: str) -> str:
    """The text with its first letter in capitals and the rest as written (str.capitalize
    would turn "PII" and "Kafka" into "pii" and "kafka")."""
    return text[:1].upper() + text[1:]


def _lower_title(title: str) -> str:
    """A criterion's title inside a sentence: "AI infrastructure knowledge" keeps "AI",
    "Performance" is "performance"."""
    head, _, rest = title.partition(" ")
    head = head if head.isupper() else head.lower()
    return f"{head} {rest}".strip()


def _points_text(points: list[str]) -> str:
    return "; ".join(p.rstrip(".") for p in points[:2])


def _evidence(f: Facts, picks: list[tuple[int, int]]) -> list[str]:
    """Up to three quotes, one per sentence, preferring sentences no other criterion quoted."""
    firsts = dict(reversed(picks))  # sentence -> its first pick's offset
    order = list(dict.fromkeys(sid for sid, _ in picks))
    order = sorted(order, key=lambda sid: f.quoted.get(sid, 0) >= 1)[:3]
    for sid in order:
        f.quoted[sid] = f.quoted.get(sid, 0) + 1
    return [quote(f.text.sentences[sid], firsts[sid]) for sid in order]


# What a sentence is about when it explains a mechanism without the lexicon's names: everyday
# words of each criterion (a wait, a number per second, something that breaks, who may see
# what, a price paid for a choice). A reasoned sentence with one of them is evidence for that
# criterion in the candidate's own words: enough of them carry a criterion to a solid 3, and
# the lexicon's named mechanisms and the problem's points still make the breadth of a 4.
_PLAIN_CUES: dict[Criterion, re.Pattern[str]] = {
    _C.PERFORMANCE: re.compile(
        r"\b(?:\d[\d,.]*\s*(?:ms|milliseconds?|seconds?|secs?)\b|fast(?:er|est)?\b|slow(?:er|s|ly)?\b"
        r"|quick(?:ly|er)?\b|waits?\b|waiting\b|delay|latency|response time|right away"
        r"|immediately|sooner\b|instant|in memory\b|round trips?\b)",
        re.IGNORECASE,
    ),
    _C.SCALABILITY: re.compile(
        r"\b(?:\d[\d,.]*\s*(?:k|m|million|billion|thousand)?\s*(?:[a-z-]+\s+){0,2}(?:a|per|each|every)"
        r"\s+(?:second|minute|hour|day)\b|peaks?\b|grows?\b|growing|ten ?x\b|\d+x\b|ten times"
        r"|twice as|doubles?\b|spread (?:\w+ )?(?:over|across)|split (?:\w+ )?(?:over|across|into|by)"
        r"|in parallel|at the same time|more (?:machines|servers|workers|copies|boxes|gpus|nodes)"
        r"|add(?:s|ing)? (?:more )?(?:machines|servers|workers|copies|boxes|gpus|nodes|capacity)"
        r"|capacity|(?:the )?load\b|bursts?\b|hot (?:key|user|item|shard|spot)s?)",
        re.IGNORECASE,
    ),
    _C.TRADEOFFS: re.compile(
        r"\b(?:rather \w+(?: \w+){0,5} than|instead of|worse than|better than|cheaper|pricier"
        r"|costs? (?:more|less|us)|the (?:price|cost|downside|catch|risk) (?:is|of)|we (?:give up|lose|accept|pay)"
        r"|at the (?:cost|expense|price) of|in exchange|depends on|trade|versus|vs\b"
        r"|(?:is|are) (?:fine|acceptable|worth)|not worth|on the other hand)",
        re.IGNORECASE,
    ),
    _C.SECURITY_PRIVACY: re.compile(
        r"\b(?:only (?:the |its |their |our |a )?[\w-]+(?: [\w-]+){0,2} (?:can|may)|who (?:can|may)"
        r"|allowed to|permission|private|privacy|personal|secret|password|encrypt|sign(?:s|ed)? in"
        r"|logged[- ](?:in|out)|tamper|leak|consent|abus|spam|fake|forge|steal|stolen|attack"
        r"|malicious|trick|injection|instructions|scripted|anonym|user ids?\b|who (?:asked|did|sent)"
        r"|opt(?:s|ed)?[- ]out|stripped|redact|(?:kept|stored|held) (?:for )?(?:at most|up to) \d+"
        r"|polic(?:y|ies)\b|approv|sign[- ]off|audit|owning team|regulat|legal)",
        re.IGNORECASE,
    ),
    _C.AI_INFRASTRUCTURE: re.compile(
        r"\b(?:models?\b|gpus?\b|training\b|train(?:ed)?\b|inference|weights\b|tokens?\b|prompts?\b"
        r"|embeddings?\b|labell?ed\b|evaluat|fine[- ]tun|checkpoint)",
        re.IGNORECASE,
    ),
}
# Reliability in everyday words: a failure named (_FAILURE), or what keeps the service up or
# brings it back ("switch back to the previous version in minutes", "a spare in the second
# site", "the queue falls behind and catches up", "we use the quick answer instead").
_RECOVERY = re.compile(
    r"\b(?:(?:switch|roll|go|goes|went|fall|falls)(?:es|ed|ing|s)? back|previous version|old version"
    r"|falls? (?:\w+ )?behind|catch(?:es)? up|spares?\b|restor|recover|retr(?:y|ies|ied)\b"
    r"|tr(?:y|ies) again|backups?\b|copies\b|(?:second|other|backup) (?:site|region|zone|data ?cent\w*"
    r"|provider|copy)|(?:two|three) (?:sites|regions|zones|data ?cent\w*)|keeps? (?:working|serving"
    r"|running|answering)|still (?:works|serves|answers|runs)|degrad|without (?:losing|dropping)"
    # A staff answer's rollout and ownership: what limits the damage of a change, who is woken.
    r"|roll(?:s|ed|ing)? (?:it |them )?out|(?:a )?small (?:share|slice|percentage) of|(?:one|a few) "
    r"teams? first|first (?:to|for|on) (?:one|a few|a small)|gradual|on[- ]call|pag(?:e|es|ed)"
    r" (?:someone|the|whoever))",
    re.IGNORECASE,
)
# Scale and the model's infrastructure are sized: a 3 made of named mechanisms becomes a 4
# when the plain sentences beyond them are many and carry numbers ("500 pieces of 30 GB, each
# in one machine's memory", "8 passages of 300 words, so a 3,000-token prompt").
_SIZED_FOR_4 = (_C.SCALABILITY, _C.AI_INFRASTRUCTURE)
_PLAIN_FOR_4, _SIZED_PLAIN_FOR_4 = 5, 2
_PLAIN_MOST = 2  # plain sentences quoted among a criterion's evidence
_PLAIN_FOR_3 = 3  # named mechanisms explained and plain sentences that together make a 3
_PLAIN_LEAST = 3  # of them, plain sentences: one or two are a passing remark
_PLAIN_FROM = (Stage.HIGH_LEVEL, Stage.DEEP_DIVE, Stage.TRADEOFFS, Stage.WRAP_UP)


def _plain_cue(c: Criterion, f: Facts) -> re.Pattern[str] | None:
    """The everyday words of a criterion (reliability's are a failure named, as
    _failure_cases reads it). A classic problem's infrastructure is its data flow, which
    everyday words ("write", "file") name in every sentence: none there."""
    if c is _C.AI_INFRASTRUCTURE and f.classic:
        return None
    if c is _C.RELIABILITY:
        return _FAILURE_OR_RECOVERY
    return _PLAIN_CUES.get(c)


def plain_evidence(c: Criterion, f: Facts, names: Counter[int]) -> list[tuple[int, str]]:
    """Sentences that explain something of this criterion in plain words: past the clarify
    stage, a whole sentence (ten words or more, no question, no list of names, no wrong claim
    or aside) with a reason or a number (security: or a step stated) and one of the
    criterion's everyday words. Each comes
    with the words that made it about the criterion."""
    cue = _plain_cue(c, f)
    if cue is None:
        return []
    out = []
    # A protection is a concrete step, said as often without a "because" as with one ("ids
    # are stripped after 30 days", "hidden text is removed before indexing").
    stated = c is _C.SECURITY_PRIVACY
    for sid, s in enumerate(f.text.sentences):
        if not (s.reasoned or stated) or s.question or sid in f.void or s.stage not in _PLAIN_FROM:
            continue
        if s.words < _STATED_WORDS or is_keyword_list(names[sid], s.text.count(","), s.words):
            continue
        m = cue.search(s.text)
        if m:
            out.append((sid, m.group()))
    return out


def criterion_score(c: Criterion, f: Facts, fit: Fit) -> CriterionScore:
    """Distinct concepts explained with a reason count; bare names only reach 2."""
    items: dict[str, _Item] = {}

    def add(key: str, item: _Item) -> None:
        if key not in items or (item.explained and not items[key].explained):
            items[key] = item

    hits = [h for h in f.hits if c in f.criteria_of(h.concept) and _supports(c, h, f)]
    names = Counter(h.sentence for h in f.hits)  # concepts per sentence: many is a list
    for h in hits:
        primary = f.criteria_of(h.concept)[0] is c
        said = fit.name(h.sentence, h.concept.id)
        stated = _stated(h, f, names[h.sentence])
        add(h.concept.id, _Item(said, stated, primary, h.sentence, h.start))
    with_concept = {h.sentence for h in hits}
    # A sentence whose design concepts all count elsewhere, and that shares one word with a
    # point of this criterion, reached it by a keyword in passing ("PII is redacted in the
    # collector" meets "redact" of "a queue into stream processing that redacts, enriches
    # and writes storage"): it is evidence for those other criteria, not for this one.
    elsewhere = {h.sentence for h in f.hits if _C.CLARITY not in h.concept.criteria}
    mapped = [p for p in f.points if c in p.criteria]
    for p in mapped:  # expected points said in words the lexicon does not know
        sids = f.covered[p.point.id] or fit.plain.get(p.point.id, ())
        for sid in sids if p.head not in items else ():
            s = f.text.sentences[sid]
            if sid in with_concept or s.question:
                continue
            if c is _C.TRADEOFFS:  # a trade-off point is its two sides: naming them is enough
                if not s.reasoned:
                    continue  # but a list of names, a summary among them, is no trade-off
            elif sid in elsewhere and len(_stems(s.text) & _stems(p.point.point)) < _ABOUT_POINT:
                continue
            add("point:" + p.point.id, _Item(readable(p.point.id), s.reasoned, True, sid, 0))
    explained = [i for i in items.values() if i.explained]
    failures, handled = _failure_cases(f, names) if c is _C.RELIABILITY else (set(), set())
    if not items or (c is _C.TRADEOFFS and not explained):
        score = 1  # a trade-off named with no reason is no trade-off at all
    elif len(explained) < 2 or f.thin or not _solid(c, f, explained, failures):
        score = 2
    else:
        got = sum(1 for p in mapped if f.covered[p.point.id])
        quantified = any(f.text.sentences[i.sentence].quantified for i in explained)
        broad = len(explained) >= 5 or (len(mapped) >= 2 and got * 5 >= len(mapped) * 3)
        deep = quantified or (c not in (_C.SCALABILITY, _C.PERFORMANCE) and broad)
        enough = len(explained) >= 4
        if c is _C.RELIABILITY:
            # Reliability's depth is failure handling, not any number: an exceptional answer
            # walks through more than one failure and what the design does about each. Plain
            # words describe that handling without the lexicon's names, so enough failure
            # cases stand in for named mechanisms.
            deep = len(handled) >= _FAILURES_FOR_4
            enough = enough or len(handled) >= _FAILURES_NAMELESS
        score = 4 if enough and deep else 3
    # Plain words carry a mechanism as the lexicon's names do: a criterion the names left at 2
    # or below rises to a solid 3 on several reasoned sentences about it in everyday words
    # (never to 4: breadth of named mechanisms and the problem's points still make that).
    if score < 3 and not f.thin:
        used = {i.sentence for i in items.values() if i.explained}
        plain = [(sid, w) for sid, w in plain_evidence(c, f, names) if sid not in used]
        # A protection needs no reason to count (plain_evidence): one more of them is asked.
        need = _PLAIN_FOR_3 + (c is _C.SECURITY_PRIVACY)
        if len(plain) + len(explained) >= need and len(plain) >= _PLAIN_LEAST:
            score = 3
            for sid, w in plain[:_PLAIN_MOST]:
                add(f"plain:{sid}", _Item(f'"{w.strip()}"', True, True, sid, 0))
            explained = [i for i in items.values() if i.explained]
    elif score == 3 and not f.thin and c in _SIZED_FOR_4:  # (the points' cap below still holds)
        used = {i.sentence for i in items.values() if i.explained}
        beyond = [sid for sid, _ in plain_evidence(c, f, names) if sid not in used]
        sized = [sid for sid in beyond if f.text.sentences[sid].quantified]
        if len(beyond) >= _PLAIN_FOR_4 and len(sized) >= _SIZED_PLAIN_FOR_4:
            score = 4
    # The problem leads: a 4 needs every point it expects on this criterion reached with a
    # reason, however many other ideas were explained (breadth of vocabulary is not depth).
    unreasoned = [
        p
        for p in mapped
        if not _reasoned(f, p) and p.point.id not in fit.in_other_words | fit.plain.keys()
    ]
    if score == 4 and unreasoned:
        score = 3
    ranked = sorted(items.values(), key=lambda i: (not i.explained, not i.primary, i.sentence))
    parts = []
    if explained:
        parts.append(
            f"you explained {join_words([i.label for i in ranked if i.explained][:3])} with reasons"
        )
    # A name in a sentence that explains another of this criterion's ideas is part of that
    # explanation ("freshness vs politeness: recrawling often means more load"), not a name
    # left without a reason.
    reasons = {i.sentence for i in explained}
    bare = [i.label for i in ranked if not i.explained and i.sentence not in reasons]
    if bare:
        parts.append(f"you named {join_words(bare[:3])} without saying why")
    said = (
        _upper_first("; ".join(parts)) + "."
        if parts
        else f"No signal on {_lower_title(CRITERION_TITLES[c])}."
    )
    if c is _C.RELIABILITY and score == 2 and len(explained) >= 2 and not f.thin:
        if sum(1 for i in explained if i.primary) < _OWN_FOR_3:
            said += (
                " A 3 needs two of reliability's own mechanisms (replication, failover, retries,"
                " timeouts, backups...) explained; a queue or a rate limiter counts elsewhere first."
            )
        else:
            said += " A 3 needs what happens when a part fails, or how many copies there are."
    elif c is _C.RELIABILITY and score == 3 and len(handled) < _FAILURES_FOR_4:
        said += " A 4 walks through more than one failure and what the design does about each."
    missed = fit.missed(c, f)
    advice = (
        needs(c, f.classic, stated_concepts(f), fit.relevant, fit.points, _named(f))
        if score < 4
        else None
    )
    if missed:
        said += f" Not covered for this problem: {_points_text(missed)}."
    elif unreasoned and score == 3:
        named = _points_text([p.point.point for p in unreasoned])
        said += f" A 4 needs this problem's points explained with a reason: {named}."
    elif advice:
        said += f" Cover {advice}."
    evidence = _evidence(f, [(i.sentence, i.start) for i in ranked])
    return CriterionScore(clamp_score(score), evidence, said)


def clarity_score(
    f: Facts, pitfalls: list[PitfallSeen], claims: list[WrongClaim]
) -> CriterionScore:
    """Asked before designing, asked broadly, planned, summarised, adapted to curveballs and
    to a wrong claim being questioned."""
    sents = f.text.sentences
    signals: dict[str, int] = {}
    fixed = [w.corrected for w in claims if w.corrected is not None]
    if fixed:
        signals["corrected a wrong claim when it was questioned"] = fixed[0]
    if f.clarifying:
        signals["asked clarifying questions"] = f.clarifying[0]
    asked = {question_key(sents[i].text) for i in f.clarifying if sents[i].question}
    clar_points = [p for p in f.points if p.stage is Stage.CLARIFY]
    missed = [p for p in clar_points if not set(f.covered[p.point.id]) & set(f.clarifying)]
    if len(asked) >= 3 or len(clar_points) - len(missed) >= 2:
        signals["asked about several requirements"] = f.clarifying[-1]
    for h in f.hits:
        if _C.CLARITY in h.concept.criteria:
            signals.setdefault(_CLARITY_SAID.get(h.concept.id, label(h.concept.id)), h.sentence)
    if f.adapted and all(f.adapted):
        signals["adapted to each new constraint"] = -1
    score = (1, 2, 2, 3)[len(signals)] if len(signals) < 4 else 4
    designed_first = any(p.id is Pitfall.DESIGNED_BEFORE_CLARIFYING for p in pitfalls)
    if designed_first or (not f.clarifying and f.asks_first):
        # The spec's first pitfall: whether the questions never came or came only after the
        # design had started, "asked before designing" was not shown; a plan, a summary and
        # adapting still earn the 2 (the labels' rule for no_clarify: at most 2).
        score = min(score, 2)
    if f.thin:  # a list of names is not clear thinking, however well it is framed
        score = 1 if designed_first or (f.asks_first and not f.clarifying) else min(score, 2)
    # Lines written as the interviewer, or to the grader, are not the candidate explaining
    # their design: they earn nothing (read_turns drops them) and cost clarity.
    posed = len(f.text.ignored)
    if posed:
        score = min(score, 1 if posed >= 2 else 2)
    said = f"You {join_words(list(signals))}." if signals else "No signal on clarity of thought."
    if posed:
        said += (
            " Your answers carried lines written as the interviewer or to the grader; they "
            "count for nothing and cost clarity."
        )
    if not f.clarifying and f.asks_first:
        said += " You never asked a clarifying question before designing."
    elif designed_first:
        said += " You started designing before asking your questions."
    if missed:
        said += f" Not asked for this problem: {_points_text([p.point.point for p in missed])}."
    elif score < 4:
        shown = {h.concept.id for h in f.hits if _C.CLARITY in h.concept.criteria}
        advice = needs(_C.CLARITY, f.classic, shown | ({"-"} if len(asked) >= 3 else set()))
        said += f" Show {advice or 'the reasoning behind each step, not only its name'}."
    picks = sorted((sid, 0) for sid in signals.values() if sid >= 0)
    return CriterionScore(score, _evidence(f, picks), said)


# A concept reached by one of its plain-English paraphrases ("only the review team can open
# the store", "saved on three machines in different buildings") is described by how it
# works, not named: in a whole sentence that is no list of names, the description is the
# substance a reason would otherwise show. A technical name still needs its reason.
_STATED_WORDS = 10
_LIST_NAMES = 3  # more concepts than this in one sentence is a list


def _in_plain_words(h: ConceptHit, f: Facts, names: int) -> bool:
    """Whether a concept is stated by what it does, in plain words, in a whole sentence that
    names `names` concepts in all."""
    s = f.text.sentences[h.sentence]
    if s.question or s.words < _STATED_WORDS or names > _LIST_NAMES or not h.concept.paraphrases:
        return False
    named = compile_fast(h.concept.patterns)  # its names, not its paraphrases
    return named.match(f.text.masked[s.turn], s.start + h.start) is None


# Where and when a protection applies, and who may use what it guards: a security mechanism
# is said by its place in the flow ("redacted in the collector before anything is persisted",
# "a vault only the owning team can use") as often as by a "because".
_PLACED = re.compile(
    r"\b(?:before|until|unless) (?:\w+ ){0,3}?(?:is |are |gets? |being )?(?:persisted|stored"
    r"|saved|written|logged|indexed|cached|sent|shared|exported|leaves?|reach(?:es)?|hits?"
    r"|enters?|lands?|used|read|returned|shown)\b"
    r"|\bonly (?:the |its |their |our |a |that )?[\w-]+(?: [\w-]+){0,3}? (?:can|may|could"
    r"|(?:is|are) allowed to)\b"
    r"|\b(?:never|not) (?:\w+ ){0,2}?(?:persisted|stored|logged|written|leaves?|leave)\b",
    re.IGNORECASE,
)


def _placed(h: ConceptHit, f: Facts, names: int) -> bool:
    """Whether a security concept is stated by where or when it applies, or by who may use
    what it guards, in a whole sentence that is no list of names."""
    s = f.text.sentences[h.sentence]
    if h.concept.criteria[0] is not _C.SECURITY_PRIVACY or s.question:
        return False
    if s.words < _STATED_WORDS or names > _LIST_NAMES:
        return False
    return _PLACED.search(s.text) is not None


def _stated(h: ConceptHit, f: Facts, names: int) -> bool:
    """Whether a concept is explained: with a reason, by what it does in plain words, or (a
    security concept) by where it applies and who may use it."""
    return h.explained or _in_plain_words(h, f, names) or _placed(h, f, names)


def _named(f: Facts) -> set[str]:
    """The design concepts named anywhere, with or without a reason."""
    return {h.concept.id for h in f.hits}


def stated_concepts(f: Facts) -> set[str]:
    """The concepts explained anywhere, in any of the ways _stated accepts: advice never asks
    for what a candidate already explained in plain words."""
    names = Counter(h.sentence for h in f.hits)
    return {h.concept.id for h in f.hits if _stated(h, f, names[h.sentence])}


# The rubric's reliability anchors (INTERVIEW_SPEC.md section 4: no single point of failure,
# replication, failover, backups, timeouts, circuit breakers, multi-region) are all answers to
# "what happens when a part fails". A failure named in the candidate's own words: a part that
# fails, dies, goes down or is lost, an outage, a bad build, a poison message.
_FAILURE = re.compile(
    r"\b(?:fail(?:s|ed|ing|over)?\b|failures?\b(?!\s*(?:[,.;]|and\b|or\b|$))|fall(?:s|ing)? back"
    r"|(?:goes|go|went|is|are|be|being) (?:down|dark|offline)\b|outages?\b|crash|dies\b|died\b"
    r"|dead\b|lost\b|los(?:e|es|ing)\b|unavailable|unreachable|stops? (?:answering|responding"
    r"|working)|unhealthy|times? out\b|timed out|network partition|split[- ]brain|corrupt|poison"
    r"|disaster|(?:is|are) gone\b|miss(?:es|ed)? (?:a |its |their )?heartbeats?"
    r"|bad (?:build|release|deploy|snapshot|version|node|batch|data)s?\b)",
    re.IGNORECASE,
)
_FAILURE_OR_RECOVERY = re.compile(f"{_FAILURE.pattern}|{_RECOVERY.pattern}", re.IGNORECASE)
# How soon the design notices or recovers, said in words: a reliability number all the same.
_RECOVERY_BOUND = re.compile(
    r"\b(?:in|within|under|after) (?:(?:a|one|a few|few|several|some|two|three|five|ten) )?"
    r"(?:seconds?|minutes?)\b",
    re.IGNORECASE,
)
_ABOUT_POINT = 2  # words a sentence shares with a point when it is about that point
_FAILURES_FOR_4 = 2  # failure cases an exceptional reliability answer walks through
_FAILURES_NAMELESS = 4  # that many stand in for a fourth named mechanism
_OWN_FOR_3 = 2  # reliability's own mechanisms a solid answer explains


def _failure_cases(f: Facts, names: Counter[int]) -> tuple[set[int], set[int]]:
    """The sentences that name a failure and what happens then, and of those the ones that
    handle it: with a reason, a consequence or a number ("a missed heartbeat marks the replica
    unhealthy, so its streams are retried"), or a bound on recovery in words ("marks it suspect
    in seconds"). A failure stated in a whole sentence that is no list of names ("if a check
    fails we keep yesterday's table") states the case. Questions and wrong claims are evidence
    for nothing."""
    stated, handled = set(), set()
    for sid, s in enumerate(f.text.sentences):
        if s.question or sid in f.void or not _FAILURE.search(s.text):
            continue
        if s.reasoned or _RECOVERY_BOUND.search(s.text):
            handled.add(sid)
            stated.add(sid)
        elif s.words >= _STATED_WORDS and not is_keyword_list(
            names[sid], s.text.count(","), s.words
        ):
            stated.add(sid)
    return stated, handled


def _solid(c: Criterion, f: Facts, explained: list[_Item], failures: set[int]) -> bool:
    """Whether explained concepts can make a 3. On reliability: two of its own mechanisms
    explained (a queue or a rate limiter is first scalability or security evidence), and a
    failure case or a sizing stated ("if the primary dies a replica takes over in seconds",
    "three copies in three zones"); replication with a reason that says neither is partial."""
    if c is not _C.RELIABILITY:
        return True
    own = [i for i in explained if i.primary]
    sized = any(f.text.sentences[i.sentence].quantified for i in own)
    return len(own) >= _OWN_FOR_3 and bool(failures or sized)


def _supports(c: Criterion, h: ConceptHit, f: Facts) -> bool:
    """Whether a concept's sentence is evidence for this criterion: a quota is security only
    when the sentence is about callers' limits or abuse; on a problem with no model, a queue
    or a store is infrastructure knowledge only when the sentence moves or keeps data or work
    through it ("a pool of fetcher workers reads the frontier", not "one queue per host so we
    never hit a host more than once per second", which is politeness); a queue is reliability
    evidence when the sentence says what it keeps safe, absorbs or survives."""
    text = f.text.sentences[h.sentence].text
    if c is _C.SECURITY_PRIVACY and h.concept.id == "rate-limiting":
        return bool(_ABUSE.search(text))
    if c is _C.AI_INFRASTRUCTURE and c not in h.concept.criteria:  # a classic problem's infra
        return bool(_DATA_FLOW.search(text))
    if c is _C.RELIABILITY and h.concept.id == "message-queue":
        return bool(_KEEPS_WORK.search(text) or _FAILURE.search(text))
    return True


def improvements(criteria: dict[Criterion, CriterionScore], f: Facts, fit: Fit) -> list[str]:
    """The three weakest criteria (or, when all are 4, what the problem still expected)."""
    order = list(_C)
    out: list[str] = []
    for c in sorted(_C, key=lambda c: (criteria[c].score, order.index(c))):
        missed = fit.missed(c, f)
        if len(out) == 3 or (criteria[c].score == 4 and not missed):
            continue
        line = f"{CRITERION_TITLES[c]} ({criteria[c].score}/4): "
        if criteria[c].score == 4:
            out.append(line + f"to stay there, also cover: {missed[0].rstrip('.')}.")
            continue
        if missed:  # the problem's own expected point first, then what applies to it
            out.append(line + f"practise this problem's point: {missed[0].rstrip('.')}.")
            continue
        shown = stated_concepts(f) if c is not _C.CLARITY else set()
        relevant = fit.relevant if c is not _C.CLARITY else None
        points = fit.points if relevant is not None else ()
        advice = needs(c, f.classic, shown, relevant, points, _named(f) if points else ())
        out.append(line + f"practise {advice or 'explaining each choice with a reason'}.")
    return out or ["Practise the same depth on a new problem, keeping to the stage clock."]
