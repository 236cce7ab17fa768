"""The pitfalls the offline scorer names: designing before clarifying, ignoring non-functional
requirements, getting lost in details before a high-level design exists."""

from __future__ import annotations

import re

from interviewer.core.rubric import Criterion, Pitfall, PitfallSeen
from interviewer.core.stages import Format, Stage, format_spec
from interviewer.offline.analysis import CandidateText
from interviewer.offline.facts import REQUIREMENT_TALK, Facts, join_words, label
from interviewer.offline.quotes import quote

# The non-functional areas a design should address, for the ignored_nonfunctional pitfall.
NONFUNCTIONAL: dict[str, re.Pattern[str]] = {
    "scale": re.compile(
        r"\b(?:qps|rps|tps|requests? (?:per|a|/)|throughput|dau|mau|concurren|peak|scale"
        r"|traffic|how many|millions?|billions?|\d+\s*[kmb]\b|capacity|load\b)",
        re.IGNORECASE,
    ),
    "latency": re.compile(
        r"\b(?:latency|p9\d|p50|\d+\s*ms\b|millisecond|response time|ttft|time to first"
        r"|fast|slow|real[- ]time|tokens? per second)",
        re.IGNORECASE,
    ),
    "availability": re.compile(
        r"\b(?:availab|uptime|nines|99\.9|downtime|fail|outage|redundan|replica|sla\b|slo"
        r"|fault|disaster|durab|backup)",
        re.IGNORECASE,
    ),
    "security": re.compile(
        r"\b(?:secur|auth|encrypt|tls\b|https|privacy|pii\b|gdpr|rate[- ]?limit|abuse"
        r"|api[- ]?keys?|permission|access control|compliance|moderat|safety)",
        re.IGNORECASE,
    ),
}


def judged_stages(fmt: Format) -> frozenset[Stage]:
    """The stages whose expected points a format is judged on: its own, and for async the
    design stages its plan walks through in writing."""
    stages = set(format_spec(fmt).order())
    if fmt is Format.ASYNC:
        stages |= {Stage.DEEP_DIVE, Stage.TRADEOFFS}
    return frozenset(stages)


# Ways of weighing, not parts of a design: "I'd start with the people rather than the
# pipeline" or "cost decides most of this" frames the questions to come; it designs nothing.
_FRAMING = frozenset({"alternative-chosen", "explicit-tradeoff", "cost-awareness"})


def find_pitfalls(f: Facts) -> list[PitfallSeen]:
    """Designing before clarifying, ignoring non-functional needs, getting lost in details."""
    sents = f.text.sentences
    if not sents:
        return []
    found: list[PitfallSeen] = []
    talk = {h.sentence for h in f.hits if Criterion.CLARITY in h.concept.criteria}
    design = sorted(
        h.sentence
        for h in f.hits
        if Criterion.CLARITY not in h.concept.criteria
        and h.concept.id not in REQUIREMENT_TALK
        and h.concept.id not in _FRAMING
        and h.sentence not in talk
    )
    if not f.asks_first:
        pass  # a format with no clarify stage cannot design before clarifying
    elif design and f.clarifying and design[0] < f.clarifying[0]:
        said = f'Started designing before asking anything: "{quote(sents[design[0]])}"'
        found.append(PitfallSeen(Pitfall.DESIGNED_BEFORE_CLARIFYING, said))
    elif not f.clarifying:
        said = f'Asked no clarifying question; the answer opened with "{quote(sents[0])}"'
        found.append(PitfallSeen(Pitfall.DESIGNED_BEFORE_CLARIFYING, said))
    elif prompted_to_ask(f):
        said = (
            "Asked only after the interviewer's hint to clarify; the answer opened with "
            f'"{quote(sents[0])}"'
        )
        found.append(PitfallSeen(Pitfall.DESIGNED_BEFORE_CLARIFYING, said))
    areas = nonfunctional_addressed(f.text)
    if len(areas) < 2:
        missing = [a for a in NONFUNCTIONAL if a not in areas]
        only = f" (only {next(iter(areas))} came up)" if areas else ""
        said = f"Never addressed {join_words(missing, 'or')} requirements or numbers{only}."
        found.append(PitfallSeen(Pitfall.IGNORED_NONFUNCTIONAL, said))
    lost = lost_in_details(f)
    return found + ([PitfallSeen(Pitfall.LOST_IN_DETAILS, lost)] if lost else [])


def prompted_to_ask(f: Facts) -> bool:
    """Whether the first question came only after the interviewer hinted in the clarify stage,
    the candidate having already answered without asking (whatever the lexicon knew of it)."""
    if not f.clarifying or not f.text.sentences:
        return False
    opened, asked = f.text.sentences[0].turn, f.text.sentences[f.clarifying[0]].turn
    return any(opened < hint < asked for hint in f.clarify_hints)


def lost_in_details(f: Facts) -> str | None:
    """Deep details before the high-level design covered its expected components."""
    early = {
        i for i, s in enumerate(f.text.sentences) if s.stage in (Stage.CLARIFY, Stage.HIGH_LEVEL)
    }
    design = [
        h for h in f.hits if h.sentence in early and Criterion.CLARITY not in h.concept.criteria
    ]
    details = list(
        dict.fromkeys(label(h.concept.id) for h in design if h.concept.depth == "detail")
    )
    deep = {h.sentence for h in design if h.concept.depth == "detail"}
    # Boxes named in their own sentences, not as the setting of a detail.
    components = {h.concept.id for h in design if h.sentence not in deep} - REQUIREMENT_TALK
    wanted = [p for p in f.points if p.stage is Stage.HIGH_LEVEL]
    got = [p for p in wanted if any(sid in early for sid in f.covered[p.point.id])]
    if len(details) < 2 or (wanted and len(got) * 2 >= len(wanted)):
        return None
    if wanted:
        missing = join_words([label(p.point.id) for p in wanted if p not in got][:4])
        return (
            f"The high-level design covered {len(got)} of {len(wanted)} expected components "
            f"(missing {missing}) while going deep on {join_words(details[:3])}."
        )
    if len(components) >= min(3, len(details)):
        return None
    return f"Went deep on {join_words(details[:3])} before a complete high-level design existed."


def nonfunctional_addressed(text: CandidateText) -> set[str]:
    """Which non-functional areas (scale, latency, availability, security) the candidate raised."""
    return {
        area
        for area, pattern in NONFUNCTIONAL.items()
        if any(pattern.search(s.text) for s in text.sentences)
    }
