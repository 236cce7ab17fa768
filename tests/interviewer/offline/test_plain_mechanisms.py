"""Plain words that carry a mechanism count as the lexicon's names do: several reasoned
sentences about a criterion in everyday words make a solid 3 (never a 4 on their own), and a
design point its keywords missed is reached by a reasoned sentence that shares its words.
Questions, lists of names, wrong claims and a thin answer earn nothing from either."""

from __future__ import annotations

from collections import Counter

from interviewer.bank import ExpectedPoint, QuestionBank
from interviewer.core.rubric import Criterion, CriterionScore, Level
from interviewer.core.stages import Stage
from interviewer.offline.analysis import compile_fast, find_concepts, read_turns
from interviewer.offline.bars import at_bar
from interviewer.offline.criteria import Fit, criterion_score, plain_evidence, plain_reach
from interviewer.offline.facts import Facts, Point

_C = Criterion

# How long things take, said with reasons and numbers and none of the lexicon's names for it.
_WAITS = [
    "A parcel label is printed within two seconds of the order, because the packer stands "
    "at the bench waiting for it.",
    "The label printer gets the address straight from the order record, so nobody waits for "
    "the warehouse system to look it up again.",
    "Heavy reports run at night when the packers are gone, so they never slow the printing "
    "during the day.",
    "Each bench keeps the next hundred labels ready, so a slow network only delays the "
    "hundred and first one.",
]


def facts(
    bank: QuestionBank,
    *said: str,
    points: tuple[Point, ...] = (),
    stage: Stage = Stage.DEEP_DIVE,
    **kw: object,
) -> Facts:
    text = read_turns([(n, stage, s) for n, s in enumerate(said)])
    hits = [
        h
        for h in find_concepts(text, bank.compiled_concepts)
        if not text.sentences[h.sentence].question
    ]
    covered = {
        p.point.id: sorted({sid for pat in p.patterns for sid, _ in text.first_matches(pat)})
        for p in points
    }
    return Facts(text, hits, points, covered, [], [], False, True, {}, **kw)  # type: ignore[arg-type]


def test_reasoned_sentences_in_everyday_words_are_evidence(bank: QuestionBank) -> None:
    f = facts(bank, *_WAITS)
    names = Counter(h.sentence for h in f.hits)
    assert [sid for sid, _ in plain_evidence(_C.PERFORMANCE, f, names)] == [0, 1, 2, 3]


def test_enough_of_them_make_a_solid_three_and_no_more(bank: QuestionBank) -> None:
    f = facts(bank, *_WAITS)
    named = {h.concept.id for h in f.hits if _C.PERFORMANCE in h.concept.criteria and h.explained}
    assert len(named) < 2  # the lexicon's names alone make no 3 here
    score = criterion_score(_C.PERFORMANCE, f, Fit())
    assert score.score == 3
    assert "with reasons" in score.feedback


def test_one_or_two_are_a_passing_remark(bank: QuestionBank) -> None:
    assert criterion_score(_C.PERFORMANCE, facts(bank, *_WAITS[:2]), Fit()).score < 3


def test_questions_and_wrong_claims_carry_nothing(bank: QuestionBank) -> None:
    asked = [s.replace(", so ", " so ").rstrip(".") + "?" for s in _WAITS]
    assert criterion_score(_C.PERFORMANCE, facts(bank, *asked), Fit()).score < 3
    wrong = facts(bank, *_WAITS, wrong=frozenset({0, 1, 2, 3}))
    assert criterion_score(_C.PERFORMANCE, wrong, Fit()).score < 3


def test_a_list_of_names_is_no_plain_mechanism(bank: QuestionBank) -> None:
    salad = (
        "Caching, sharding, queues, replicas and load balancing, because it must be fast.",
        "Kafka, Redis, CDN, autoscaling and rate limiting, so that latency is low.",
        "Microservices, gRPC, indexes, compression and batching, so everything is quick.",
    )
    assert criterion_score(_C.PERFORMANCE, facts(bank, *salad), Fit()).score <= 2


_RESTART = ExpectedPoint(
    id="broken-stations",
    point="Detects broken packing stations and moves their orders to spare stations",
    keywords=["heartbeat", "drain", "cordon"],
    question="A packing station breaks mid-shift: what happens to its orders?",
)
_POINT = Point(
    Stage.DEEP_DIVE,
    _RESTART,
    (compile_fast(_RESTART.keywords),),
    frozenset({_C.RELIABILITY}),
    None,
)
_MOVED = (
    "When a packing station stops scanning for a minute, its open orders go back on the board "
    "so a spare station picks them up within five minutes."
)


def test_a_point_is_reached_in_plain_words(bank: QuestionBank) -> None:
    f = facts(bank, _MOVED, points=(_POINT,))
    assert f.covered[_RESTART.id] == []
    assert plain_reach(f) == {_RESTART.id: (0,)}


def test_a_question_or_another_subject_reaches_no_point(bank: QuestionBank) -> None:
    asked = "Should a spare station pick up the open orders of a packing station that stops?"
    assert plain_reach(facts(bank, asked, points=(_POINT,))) == {}
    other = (
        "Invoices are emailed at the end of the month, because customers asked for one bill "
        "instead of many."
    )
    assert plain_reach(facts(bank, other, points=(_POINT,))) == {}


def test_the_security_point_is_left_to_its_own_reading(bank: QuestionBank) -> None:
    point = Point(
        Stage.DEEP_DIVE,
        _RESTART,
        (compile_fast(_RESTART.keywords),),
        frozenset({_C.SECURITY_PRIVACY}),
        None,
    )
    assert plain_reach(facts(bank, _MOVED, points=(point,))) == {}


def test_plain_depth_keeps_a_staff_three(bank: QuestionBank) -> None:
    """At the staff bar a 3 needs depth past the high level: plain words there show it."""
    three = {c: CriterionScore(3, [], "") for c in Criterion}
    deep = at_bar(three, facts(bank, *_WAITS[1:]), Level.STAFF, True)
    assert deep[_C.PERFORMANCE].score == 3
    high = at_bar(three, facts(bank, *_WAITS[1:], stage=Stage.HIGH_LEVEL), Level.STAFF, True)
    assert high[_C.PERFORMANCE].score == 2


_STEPS = [
    "Customer names are stripped from the shipping log at the end of each week.",
    "Only the returns desk can open a customer's order history from the back office.",
    "Drivers sign in on the handheld with a code that changes every shift.",
    "Fake delivery confirmations from a handheld outside the depot are held for a person.",
]


def test_a_protection_is_a_step_stated_without_a_because(bank: QuestionBank) -> None:
    f = facts(bank, *_STEPS)
    assert not any(s.reasoned for s in f.text.sentences)
    names = Counter(h.sentence for h in f.hits)
    assert len(plain_evidence(_C.SECURITY_PRIVACY, f, names)) == 4
    assert plain_evidence(_C.PERFORMANCE, f, names) == []  # other criteria still need a reason
    assert criterion_score(_C.SECURITY_PRIVACY, f, Fit()).score == 3


def test_recovery_in_everyday_words_is_reliability(bank: QuestionBank) -> None:
    """No failure word and none of reliability's names: what brings the service back, said
    with a reason, is reliability all the same."""
    said = (
        "Every price list carries its version, so we can switch the shops back to the previous "
        "version in minutes.",
        "The label queue may fall behind during the sale, so orders wait a little but none "
        "are dropped.",
        "We keep the nightly export in a second site, so a flood in one building costs us "
        "one day at most.",
    )
    f = facts(bank, *said)
    names = Counter(h.sentence for h in f.hits)
    assert [sid for sid, _ in plain_evidence(_C.RELIABILITY, f, names)] == [0, 1, 2]
    assert criterion_score(_C.RELIABILITY, f, Fit()).score == 3
    assert criterion_score(_C.RELIABILITY, facts(bank, *said[:2]), Fit()).score < 3


_NAMED_SCALE = (
    "We shard the order tables by customer id, so each database holds one slice of customers.",
    "A load balancer spreads requests over the web servers, so no single server gets hot.",
)
_SIZED_SCALE = (
    "At the sale peak we expect 9,000 orders a second, so the checkout needs about 30 boxes.",
    "Each box handles 300 orders a second with room left, because checkout keeps nothing "
    "between requests.",
    "Traffic grows about four times in December, so we rent the extra boxes for that month.",
    "Big customers place many orders at the same time, so their carts are priced on several "
    "machines in parallel.",
    "The peak lasts two hours, so the warehouse tablets catch up on the rest of the day.",
)


def test_many_sized_plain_sentences_make_a_four(bank: QuestionBank) -> None:
    named = criterion_score(_C.SCALABILITY, facts(bank, *_NAMED_SCALE), Fit())
    assert named.score == 3
    f = facts(bank, *_NAMED_SCALE, *_SIZED_SCALE)
    assert criterion_score(_C.SCALABILITY, f, Fit()).score == 4
    # The same without the numbers is a 3: a 4 is sized.
    unsized = facts(bank, *_NAMED_SCALE, *_SIZED_SCALE[2:], *_SIZED_SCALE[2:])
    assert criterion_score(_C.SCALABILITY, unsized, Fit()).score == 3


def test_a_staff_answers_rollout_and_policy_count_where_they_touch(bank: QuestionBank) -> None:
    """Rollout and ownership are reliability, policy and sign-off are security, in plain words."""
    rollout = (
        "A new pricing rule goes to one team first for a week, so a mistake reaches few shops.",
        "We roll it out to a small share of shops each day, so we can compare refunds with "
        "the rest.",
        "The owning team is on call for the first month, so someone who knows the rule "
        "answers a page.",
    )
    f = facts(bank, *rollout)
    names = Counter(h.sentence for h in f.hits)
    assert len(plain_evidence(_C.RELIABILITY, f, names)) == 3
    policy = (
        "Discounts above a tenth need a sign-off from finance before any shop sees them.",
        "Our policy keeps card numbers with the payment company, never in the shop database.",
    )
    f = facts(bank, *policy)
    names = Counter(h.sentence for h in f.hits)
    assert len(plain_evidence(_C.SECURITY_PRIVACY, f, names)) == 2
