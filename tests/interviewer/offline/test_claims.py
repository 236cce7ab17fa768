"""Wrong claims: capped, named with the quote, never evidence; corrected ones credited."""

from __future__ import annotations

from dataclasses import replace

from interviewer.bank import Problem, QuestionBank
from interviewer.core.rubric import Criterion, HireSignal, Pitfall, Scorecard
from interviewer.core.stages import Stage
from interviewer.core.transcript import Role, Transcript, Turn, TurnKind
from interviewer.offline.analysis import read_candidate
from interviewer.offline.claims import find_wrong_claims, held_claims, read_claims
from interviewer.offline.scorer import OfflineGrader
from tests.interviewer.offline.transcripts import candidate, fixture, interviewer, with_turns

WRONG = "Bigger batches always lower latency, so every request gets its answer sooner."
PUSHBACK = "One request arrives alone: how long does it wait for the batch to fill?"
FIXED = (
    "You're right, I had that wrong: batching raises throughput but each request waits "
    "for the batch, so we cap the batch window at 10 ms."
)
_P = Criterion.PERFORMANCE


def _replied(reply: str, *more: Turn) -> Transcript:
    """The strong answer, then the wrong claim, its pushback and the reply (and more turns)."""
    turns = [
        candidate(Stage.DEEP_DIVE, WRONG),
        interviewer(Stage.DEEP_DIVE, PUSHBACK, TurnKind.PUSHBACK),
        candidate(Stage.DEEP_DIVE, reply),
        *more,
    ]
    return with_turns(fixture("model-serving-strong"), turns)


def _wrong_claims(card: Scorecard) -> list[str]:
    return [p.detail for p in card.pitfalls if p.id is Pitfall.WRONG_CLAIM]


def _quoted(card: Scorecard) -> list[str]:
    return [q for c in Criterion for q in card.criteria[c].evidence]


def test_a_wrong_claim_caps_its_criterion_and_is_named_with_its_quote(
    grader: OfflineGrader, serving: Problem
) -> None:
    base = fixture("model-serving-strong")
    before = grader.score(base, serving)
    assert before.criteria[_P].score > 2 and not _wrong_claims(before)

    claimed = with_turns(base, [candidate(Stage.DEEP_DIVE, WRONG)])
    card = grader.score(claimed, serving)

    assert card.criteria[_P].score <= 2
    assert card.criteria[_P].feedback.startswith("Capped at 2")
    [detail] = _wrong_claims(card)
    assert "Bigger batches assumed to lower latency" in detail and WRONG in detail
    assert all(WRONG not in q for q in _quoted(card))
    assert card.overall < before.overall


def test_a_claim_corrected_after_the_pushback_lifts_the_cap_and_counts_as_adapting(
    grader: OfflineGrader, serving: Problem
) -> None:
    base = fixture("model-serving-strong")
    before = grader.score(base, serving)
    turns = [
        candidate(Stage.DEEP_DIVE, WRONG),
        interviewer(Stage.DEEP_DIVE, PUSHBACK, TurnKind.PUSHBACK),
        candidate(Stage.DEEP_DIVE, FIXED),
    ]
    card = grader.score(with_turns(base, turns), serving)

    assert card.criteria[_P].score >= before.criteria[_P].score
    assert not _wrong_claims(card)
    assert "corrected a wrong claim" in card.criteria[Criterion.CLARITY].feedback
    assert all(WRONG not in q for q in _quoted(card))


def test_a_concession_without_the_fix_still_corrects_when_it_follows_a_pushback(
    grader: OfflineGrader, serving: Problem
) -> None:
    card = grader.score(_replied("Fair point, that's wrong. Let me rethink the batching."), serving)
    assert not _wrong_claims(card)


def test_a_claim_defended_after_the_pushback_or_repeated_later_stays_capped(
    grader: OfflineGrader, serving: Problem
) -> None:
    defence = "It barely waits; batching is always faster for everyone."
    card = grader.score(_replied(defence), serving)
    [detail] = _wrong_claims(card)
    assert "held after the interviewer questioned it" in detail
    assert card.criteria[_P].score <= 2

    card = grader.score(_replied(FIXED, candidate(Stage.WRAP_UP, WRONG)), serving)
    assert card.criteria[_P].score <= 2


def test_two_wrong_claims_on_one_criterion_cap_it_lower(
    grader: OfflineGrader, serving: Problem
) -> None:
    turns = [
        candidate(Stage.DEEP_DIVE, "If a replica fails, the client retries instantly forever."),
        candidate(Stage.DEEP_DIVE, "Replication is our backup, so there is nothing else to do."),
    ]
    card = grader.score(with_turns(fixture("model-serving-strong"), turns), serving)
    assert len(_wrong_claims(card)) == 2
    assert card.criteria[Criterion.RELIABILITY].score == 1


def _reply_to_curveball(transcript: Transcript, text: str) -> Transcript:
    turns = list(transcript.turns)
    at = next(i for i, t in enumerate(turns) if t.kind == TurnKind.CURVEBALL.value)
    reply = next(i for i in range(at + 1, len(turns)) if turns[i].role is Role.CANDIDATE)
    turns[reply] = replace(turns[reply], text=text)
    return replace(transcript, turns=tuple(turns))


def test_an_ignored_curveball_costs_a_band_of_tradeoffs_and_the_hire(
    grader: OfflineGrader, serving: Problem
) -> None:
    handled = grader.score(fixture("model-serving-strong"), serving)
    ignored = grader.score(
        _reply_to_curveball(
            fixture("model-serving-strong"),
            "I'd keep tuning the tokenizer instead; it is the slowest part today.",
        ),
        serving,
    )
    t = Criterion.TRADEOFFS
    assert handled.criteria[t].score - ignored.criteria[t].score >= 1
    assert ignored.criteria[t].score <= 2
    assert ignored.hire_signal not in (HireSignal.HIRE, HireSignal.STRONG_HIRE)
    assert any(p.id is Pitfall.IGNORED_CURVEBALL for p in ignored.pitfalls)


def test_a_curveball_handed_to_another_team_is_ignored(
    grader: OfflineGrader, serving: Problem
) -> None:
    card = grader.score(
        _reply_to_curveball(
            fixture("model-serving-strong"),
            "That's really an infrastructure problem; the platform team would handle the "
            "failover and replicas, and once they are back we continue.",
        ),
        serving,
    )
    assert any(p.id is Pitfall.IGNORED_CURVEBALL for p in card.pitfalls)


def test_a_pushback_credits_only_the_claim_it_questions(
    grader: OfflineGrader, serving: Problem
) -> None:
    replicas = "Read replicas scale writes, so the database keeps up with every new session."
    turns = [
        candidate(Stage.DEEP_DIVE, f"{WRONG} {replicas}"),
        interviewer(
            Stage.DEEP_DIVE,
            f"You said: “{WRONG}” One request arrives alone: how long does it wait for the "
            "batch, and how long does a step of a bigger batch take?",
            TurnKind.PUSHBACK,
        ),
        candidate(Stage.DEEP_DIVE, "Fair point, that's wrong. Let me rethink the batching."),
    ]
    card = grader.score(with_turns(fixture("model-serving-strong"), turns), serving)
    [detail] = _wrong_claims(card)  # the batching claim is conceded; the replicas one stands
    assert replicas in detail and "held after the interviewer questioned it" not in detail
    assert card.criteria[Criterion.SCALABILITY].score <= 2


# A wrong claim no catalogue entry knows: the interviewer's pushback is what marks it.
UNLISTED = (
    "Each GPU node keeps its own copy of the session table in local memory, and the copies "
    "never disagree because every node reads the same clock."
)
UNLISTED_PUSHBACK = (
    "Two nodes update the same session a millisecond apart: what makes their copies agree?"
)


def _questioned(reply: str) -> Transcript:
    turns = [
        candidate(Stage.DEEP_DIVE, UNLISTED),
        interviewer(Stage.DEEP_DIVE, UNLISTED_PUSHBACK, TurnKind.PUSHBACK),
        candidate(Stage.DEEP_DIVE, reply),
    ]
    return with_turns(fixture("model-serving-strong"), turns)


def test_a_claim_the_catalogue_lacks_held_after_a_pushback_takes_the_hire_away(
    grader: OfflineGrader, serving: Problem
) -> None:
    base = grader.score(fixture("model-serving-strong"), serving)
    assert base.hire_signal in (HireSignal.HIRE, HireSignal.STRONG_HIRE)
    defence = "In practice the clocks are close enough and the nodes settle it on their own."
    card = grader.score(_questioned(defence), serving)

    assert card.overall <= 2.2
    assert card.hire_signal in (HireSignal.LEAN_NO_HIRE, HireSignal.NO_HIRE)
    [detail] = _wrong_claims(card)
    assert "Held a claim the interviewer questioned" in detail
    assert UNLISTED in detail and "In practice the clocks are close enough" in detail
    assert any("held at 2.2 (lean no hire)" in n for n in card.notes)
    assert not any("held at 2.2" in n for n in base.notes)
    assert all(UNLISTED not in q and defence not in q for q in _quoted(card))


def test_a_questioned_claim_revised_in_the_reply_costs_nothing(
    grader: OfflineGrader, serving: Problem
) -> None:
    base = grader.score(fixture("model-serving-strong"), serving)
    revised = (
        "Nothing does, so instead I'd keep the session table in one replicated store and let "
        "nodes cache it with a short TTL."
    )
    card = grader.score(_questioned(revised), serving)
    assert not _wrong_claims(card)
    assert card.hire_signal is base.hire_signal


def test_one_catalogued_claim_held_after_its_pushback_is_lean_no_hire_at_most(
    grader: OfflineGrader, serving: Problem
) -> None:
    card = grader.score(
        _replied("It barely waits; batching is always faster for everyone."), serving
    )
    assert card.overall <= 2.2
    assert card.hire_signal in (HireSignal.LEAN_NO_HIRE, HireSignal.NO_HIRE)


def test_a_pushback_answered_with_a_question_or_doubt_is_not_a_held_claim(
    grader: OfflineGrader, serving: Problem
) -> None:
    for reply in (
        "Do you mean two writes to the same session at once?",
        "I'm not sure what makes them agree; I'd have to check how the clock is synced.",
    ):
        card = grader.score(_questioned(reply), serving)
        assert not _wrong_claims(card), reply
        assert card.overall > 2.2, reply


def test_read_claims_equals_the_plain_reading_and_remembers_only_that_transcript(
    bank: QuestionBank, serving: Problem
) -> None:
    """The memo the LLM card shares with the offline scorer: the same claims as reading the
    transcript afresh, read once per transcript object (an equal copy is read anew)."""
    entries = bank.misconceptions.for_problem(serving.id)
    defended = "No, bigger batches are always faster for everyone; I would keep it."
    for transcript in (_replied(defended), _replied(FIXED), _questioned("It holds in practice.")):
        plain_text = read_candidate(transcript)
        plain = find_wrong_claims(transcript, plain_text, entries)
        plain_held = held_claims(transcript, plain_text, plain)
        text, claims, held = read_claims(transcript, entries)
        assert text.sentences == plain_text.sentences
        assert (claims, held) == (plain, plain_held)
        again = read_claims(transcript, bank.misconceptions.for_problem(serving.id))
        assert again[0] is text and again[1:] == (claims, held)  # remembered
        copy = replace(transcript)
        assert read_claims(copy, entries)[0] is not text  # another object: read anew
        assert read_claims(transcript, entries[1:])[0] is not text  # other entries: anew
    assert any(read_claims(t, entries)[1] for t in (_replied(defended),))  # a claim was found
