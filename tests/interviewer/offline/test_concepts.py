"""The concept lexicon (prompts/concepts.yaml) is well formed and covers the whole rubric."""

from __future__ import annotations

import re
from collections import Counter

from interviewer.bank import QuestionBank
from interviewer.core.rubric import Criterion
from interviewer.offline.analysis import compile_fast

NEUTRAL = (
    "The quick brown fox jumps over the lazy dog while the weather stays nice and the "
    "children play in the park near the river on a quiet Sunday afternoon."
)


def test_the_lexicon_has_60_to_90_unique_concepts(bank: QuestionBank) -> None:
    ids = [c.id for c in bank.concepts]
    assert 60 <= len(ids) <= 90
    assert len(set(ids)) == len(ids)


def test_every_criterion_is_covered_richly(bank: QuestionBank) -> None:
    per = Counter(c for concept in bank.concepts for c in concept.criteria)
    for criterion in Criterion:
        assert per[criterion] >= 5, criterion


def test_probes_are_one_question_each(bank: QuestionBank) -> None:
    probes = [c for c in bank.concepts if c.probe]
    components = [
        c for c in bank.concepts if c.depth == "component" and Criterion.CLARITY not in c.criteria
    ]
    assert len([c for c in components if c.probe]) >= 0.9 * len(components)
    for c in probes:
        assert c.probe is not None
        assert c.probe.count("?") == 1 and c.probe.rstrip().endswith("?"), c.id


def test_patterns_never_match_empty_or_everyday_text(bank: QuestionBank) -> None:
    for concept in bank.concepts:
        for p in concept.patterns:
            # A bare top-level '|' would lose the word-start anchor compile_any adds.
            assert "|" not in re.sub(r"\((?:[^()]|\([^()]*\))*\)|\[[^\]]*\]", "", p), (
                concept.id,
                p,
            )
            assert not re.compile(p, re.I).fullmatch(""), (concept.id, p)
        assert not compile_fast(concept.patterns).search(NEUTRAL), concept.id


def test_compile_fast_matches_like_compile_any(bank: QuestionBank) -> None:
    text = (
        "We shard by user id, replicate three ways, put a load balancer and a Redis cache in "
        "front, stream tokens over SSE, canary new model versions on 1% of traffic and fail over "
        "to another region; rate limiting and TLS protect it, instead of a single SQL box."
    )
    for concept, slow in bank.compiled_concepts:
        fast = compile_fast(concept.patterns)
        assert [m.start() for m in fast.finditer(text)] == [m.start() for m in slow.finditer(text)]
