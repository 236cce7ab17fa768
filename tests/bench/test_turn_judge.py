"""The rule-based turn judge (bench/turn_judge.py) on hand-written turns: each rule fires on a
bad turn and holds its peace on a good one. The problem is the bank's GPU scheduler."""

from __future__ import annotations

import pytest

from bench.turn_judge import REASONS, Said, TurnJudge
from bench.turn_words import sentences
from interviewer.bank import QuestionBank, load_bank


@pytest.fixture(scope="module")
def bank() -> QuestionBank:
    return load_bank()


def _judge(bank: QuestionBank, *said: Said) -> TurnJudge:
    judge = TurnJudge(bank.problem("gpu-scheduler"), bank.curveballs)
    for s in said:
        judge.hear(s)
    return judge


def _reasons(bank: QuestionBank, turn: str, *said: Said, kind: str = "follow_up") -> set[str]:
    judge = _judge(bank, *said)
    reasons = set(judge.judge(turn, kind, "deep_dive", said[-1] if said else None).reasons)
    assert reasons <= set(REASONS)
    return reasons


QUEUE = Said("There is a queue per team, and the scheduler takes the next job from it.")


def test_a_quote_must_be_word_for_word_what_the_candidate_wrote(bank: QuestionBank) -> None:
    bad = "You mentioned 'parallel fanout'. How do you bound it?"
    good = "You mentioned 'a queue per team'. How does the scheduler pick between the queues?"
    assert "quote_not_verbatim" in _reasons(bank, bad, QUEUE)
    assert "quote_not_verbatim" not in _reasons(bank, good, QUEUE)
    # Curly quotes and a different case are still the same words.
    assert "quote_not_verbatim" not in _reasons(bank, "You said “A Queue per team”. Why?", QUEUE)


def test_an_unquoted_mention_must_name_something_the_candidate_said(bank: QuestionBank) -> None:
    bad = "You mentioned message queue. Does anything depend on the order of messages?"
    good = "You mentioned team queues. How is each team's queue ordered?"
    assert "mention_not_said" in _reasons(bank, bad, QUEUE)
    assert "mention_not_said" not in _reasons(bank, good, QUEUE)


def test_a_quote_from_the_problems_own_text_is_not_the_candidates(bank: QuestionBank) -> None:
    authored = "What does 'better' mean for this scheduler?"
    assert not _reasons(bank, authored, Said("How big is the cluster?"), kind="clarification")


def test_a_question_must_be_on_the_problems_plan_or_the_last_answer(bank: QuestionBank) -> None:
    latched = "If a consumer crashes halfway through a message, what happens to that message?"
    planned = "Small jobs scattered everywhere keep big jobs from starting: how do you avoid that?"
    from_answer = Said("Jobs are placed with a bin-packing heuristic over the racks.")
    follow = "How does your bin-packing heuristic weigh racks that are nearly full?"
    assert "off_plan" in _reasons(bank, latched, QUEUE)
    assert "off_plan" not in _reasons(bank, planned, QUEUE)
    assert "off_plan" not in _reasons(bank, follow, from_answer)


def test_it_does_not_ask_what_the_last_answer_explained(bank: QuestionBank) -> None:
    explained = Said(
        "Preemption only hits borrowed capacity, because guaranteed quota must stay safe; the "
        "victim gets a grace period to checkpoint.",
        explains=("preemption", "grace period"),
    )
    again = "Which jobs does preemption hit, and do they get a grace period to checkpoint?"
    deeper = "How long should that grace period be for a 2,048-GPU job, and who pays for it?"
    assert "already_answered" in _reasons(bank, again, explained)
    assert "already_answered" in _reasons(bank, "How do you handle preemption?", explained)
    assert "already_answered" not in _reasons(bank, deeper, explained)


def test_it_does_not_ask_the_same_question_twice(bank: QuestionBank) -> None:
    judge = _judge(bank, QUEUE)
    first = "How does a team ask for GPUs?"
    assert judge.judge(first, "follow_up", "high_level", QUEUE).on_target
    again = judge.judge("So how does a team ask for GPUs?", "follow_up", "high_level", QUEUE)
    other = judge.judge("Who owns what share of the cluster?", "follow_up", "high_level", None)
    assert "repeated" in again.reasons
    assert "repeated" not in other.reasons


def test_a_fact_already_given_is_not_repeated_unasked(bank: QuestionBank) -> None:
    cluster = bank.problem("gpu-scheduler").hidden_facts[0].answer  # 8,192 GPUs ...
    judge = _judge(bank, Said("How many GPUs?", "question_to_interviewer"))
    assert judge.judge(cluster, "clarification", "clarify", judge.said[-1]).on_target
    mix = Said("What is the job mix?", "question_to_interviewer", topic=("jobs", "mix"))
    judge.hear(mix)
    again = judge.judge(f"Mostly small jobs. {cluster}", "clarification", "clarify", mix)
    assert "fact_repeated" in again.reasons
    asked = Said("Sorry, how many GPUs again?", "question_to_interviewer")
    judge.hear(asked)
    assert "fact_repeated" not in judge.judge(cluster, "clarification", "clarify", asked).reasons


def test_a_question_to_the_interviewer_is_answered_or_left_to_them_with_a_default(
    bank: QuestionBank,
) -> None:
    asked = Said(
        "Do big jobs need all their GPUs at once?", "question_to_interviewer", topic=("gang",)
    )
    wrong = "8,192 GPUs: 1,024 nodes of 8 H100s, split across two data centers."
    answered = "Yes: large training jobs are gang-scheduled, all their GPUs or nothing."
    deferred = "That's your call; a sensible default is to assume all-or-nothing for big jobs."
    bare = "That's your call: state your assumption and carry on."
    assert "question_not_answered" in _reasons(bank, wrong, asked, kind="clarification")
    assert "question_not_answered" not in _reasons(bank, answered, asked, kind="clarification")
    assert "question_not_answered" not in _reasons(bank, deferred, asked, kind="clarification")
    assert "question_not_answered" in _reasons(bank, bare, asked, kind="clarification")


def test_a_deep_dive_request_is_followed(bank: QuestionBank) -> None:
    asked = Said(
        "I'd like to deep dive on permission enforcement.",
        "deep_dive_request",
        topic=("permission", "access control"),
    )
    elsewhere = "What do you do when a team's quota is idle tonight?"
    there = "Good: where is the permission check made when a job reads another team's data?"
    quoted = "You mentioned 'permission'. What do you do when a team's quota is idle tonight?"
    assert "deep_dive_ignored" in _reasons(bank, elsewhere, asked)
    assert "deep_dive_ignored" in _reasons(bank, quoted, asked)  # quoting it is not going there
    assert "deep_dive_ignored" not in _reasons(bank, there, asked)


def test_a_word_the_whole_problem_uses_does_not_make_a_turn_about_the_topic(
    bank: QuestionBank,
) -> None:
    asked = Said(
        "Let me go deep on how GPUs are shared by the health data team.",
        "deep_dive_request",
        topic=("gpus", "health data"),
    )
    gpus_only = "How many GPUs does the biggest training job use?"  # "GPU" is all over the plan
    health = "Which nodes may the health data team's jobs run on, and who else may use them?"
    assert "deep_dive_ignored" in _reasons(bank, gpus_only, asked)
    assert "deep_dive_ignored" not in _reasons(bank, health, asked)


def test_dont_know_is_acknowledged_never_pressed(bank: QuestionBank) -> None:
    unsure = Said("I don't know how to handle stragglers honestly.", "dont_know")
    pressed = "Can you make that concrete: which component does it, and with what numbers?"
    ignored = "How does the scheduler learn which nodes are healthy and free?"
    smaller = "That's fine. Let's take a smaller step: what should happen to one failed node?"
    assert "dont_know_pressed" in _reasons(bank, pressed, unsure)
    assert "dont_know_not_acknowledged" in _reasons(bank, ignored, unsure)
    assert not _reasons(bank, smaller, unsure)


def test_off_topic_gets_one_line_back_to_the_problem_and_no_facts(bank: QuestionBank) -> None:
    away = Said("Can we talk about Twitter instead?", "off_topic", topic=("twitter",))
    followed = "What exactly would you build there, and how would it scale?"
    leaked = "Let's stay on the scheduler: it has 8,192 GPUs in two data centers."
    back = "Let's stay with the GPU scheduler: how does a team ask for GPUs?"
    assert "off_topic_followed" in _reasons(bank, followed, away)
    assert "off_topic_new_facts" in _reasons(bank, leaked, away)
    assert not _reasons(bank, back, away)


def test_after_the_wrap_up_summary_the_interviewer_closes(bank: QuestionBank) -> None:
    summary = Said("To sum up: team queues, a gang scheduler and preemption.", "summary")
    probe = "Where does the scheduler keep its view of 8,000 GPUs?"
    closing = "Thank you, that was a clear summary. Any questions for me?"
    assert "probe_after_summary" in _reasons(bank, probe, summary)
    assert not _reasons(bank, closing, summary, kind="closing")


def test_a_wrong_claim_is_pushed_back_without_agreeing_or_giving_the_answer(
    bank: QuestionBank,
) -> None:
    claim = Said(
        "First come first served is perfectly fair, so one FIFO queue solves fairness.",
        "wrong_claim",
        claim=("first come", "fifo", "fair"),
        correction=("fair share", "quota", "dominant"),
    )
    moved_on = "How does the scheduler learn which nodes are healthy and free?"
    agreed = "Great, FIFO keeps it simple. What about fairness between teams then?"
    gave_away = "Is FIFO fair when one team floods it? Wouldn't a fair share per quota fix that?"
    pushed = "Is FIFO still fair when one team submits a thousand jobs in a minute?"
    quoted = "You mentioned 'FIFO'. How does the scheduler learn which nodes are free?"
    assert "claim_unchallenged" in _reasons(bank, quoted, claim)
    assert "claim_unchallenged" in _reasons(bank, moved_on, claim)
    assert "claim_agreed" in _reasons(bank, agreed, claim)
    assert "claim_answer_given" in _reasons(bank, gave_away, claim)
    assert not _reasons(bank, pushed, claim)


def test_a_curveball_already_handled_is_not_thrown_again(bank: QuestionBank) -> None:
    ball = bank.curveballs["data-center-down"].text
    other = bank.curveballs["ten-x-users"].text
    handled = Said(
        "If a data center goes down, jobs restart from checkpoints in the other one.",
        "handles_curveball",
        curveball="data-center-down",
    )
    judge = _judge(bank, handled)
    assert judge.curveball_of(ball) == "data-center-down"
    thrown = judge.judge(ball, "curveball", "deep_dive", None)
    assert thrown.reasons == ("curveball_already_handled",)
    assert judge.judge(other, "curveball", "deep_dive", None).on_target
    assert "repeated" in judge.judge(other, "curveball", "tradeoffs", None).reasons


def test_a_paraphrase_of_what_the_candidate_relies_on_must_be_near_their_words(
    bank: QuestionBank,
) -> None:
    handled = Said(
        "I'd protect inference capacity first and pause borrowing of idle quota.",
        "handles_curveball",
    )
    wrong = "Noted: for the new constraint you'd rely on rate limiting and monitoring. Why?"
    near = "Noted: you'd rely on protecting inference capacity and idle quota. What else?"
    assert "mention_not_said" in _reasons(bank, wrong, handled)
    assert "mention_not_said" not in _reasons(bank, near, handled)


def test_the_same_line_is_not_said_again_word_for_word(bank: QuestionBank) -> None:
    first = Said("Should I use Kubernetes?", "question_to_interviewer", topic=("kubernetes",))
    second = Said("Should the API be REST?", "question_to_interviewer", topic=("rest",))
    judge = _judge(bank, first)
    line = "That's your call: state your assumption and carry on."
    judge.judge(f"{line} Who owns what share of the cluster?", "clarification", "clarify", first)
    judge.hear(second)
    again = judge.judge(f"{line} How does a team ask for GPUs?", "clarification", "clarify", second)
    other = judge.judge("Your call; REST is a fine default.", "clarification", "clarify", second)
    assert "line_repeated" in again.reasons
    assert "line_repeated" not in other.reasons


def test_a_question_is_about_a_topic_by_a_telling_word_or_two_common_ones(
    bank: QuestionBank,
) -> None:
    judge = _judge(bank)
    topic = {"gpu", "job", "fifo"}  # "gpu" and "job" are all over the GPU scheduler's plan
    assert judge.about({"fifo", "team"}, topic)
    assert judge.about({"gpu", "job"}, topic)
    assert not judge.about({"gpu", "team"}, topic)
    assert judge.about({"gpu"}, {"gpu", "job"})  # when every word is common, one will do


def test_a_hyphenated_topic_word_is_read_as_its_parts_on_both_sides(bank: QuestionBank) -> None:
    # A judge bug: the persona's "real-time" was one stem and the turn's two, so a turn
    # about real-time traffic was "elsewhere".
    asked = Said(
        "I'd like to go deep on giving GPUs back to real-time traffic when it spikes.",
        "deep_dive_request",
        topic=("preemption", "real-time", "yield"),
    )
    there = "Real-time traffic spikes and needs the GPUs back now: what happens to running work?"
    elsewhere = "Who owns what share of the cluster, if anyone?"
    assert "deep_dive_ignored" not in _reasons(bank, there, asked)
    assert "deep_dive_ignored" in _reasons(bank, elsewhere, asked)


def test_a_quote_with_an_apostrophe_is_still_a_quote(bank: QuestionBank) -> None:
    # A judge bug: a curly-quoted span holding "don't" was not read as a quote, so its words
    # counted as the interviewer's (and a misquote went unseen).
    said = Said("We don't check which team runs where, users are adults.")
    misquoted = "You said: “We don't check anything at all.” Who pays for that?"
    exact = "You said: “We don't check which team runs where, users are adults.” Who pays?"
    assert "quote_not_verbatim" in _reasons(bank, misquoted, said)
    assert "quote_not_verbatim" not in _reasons(bank, exact, said)


def test_quoting_the_claim_gives_no_answer_away(bank: QuestionBank) -> None:
    # A judge bug: the correction's words inside the candidate's own quoted sentence counted
    # as the interviewer giving the answer away.
    claim = Said(
        "Results are at a public URL nobody will guess, so we don't need any authorisation.",
        "wrong_claim",
        claim=("url", "guess"),
        correction=("authorise", "signed"),
    )
    quoted = (
        "You said: “Results are at a public URL nobody will guess, so we don't need any "
        "authorisation.” Will nobody really guess a URL: what is the strongest case against it?"
    )
    gave_away = "Will nobody guess the URL, or would you authorise each download instead?"
    assert "claim_answer_given" not in _reasons(bank, quoted, claim)
    assert "claim_answer_given" in _reasons(bank, gave_away, claim)


def test_a_sentence_ends_after_a_closing_quote(bank: QuestionBank) -> None:
    # A judge bug: "…nodes.” Which alternative…?" was one sentence, so the words around the
    # quote ("Noted") were read as the question's topic.
    said = Said("I'd add nodes for the hot tenants and keep quorum writes.", "handles_curveball")
    turn = (
        "Noted, for the new constraint: “I'd add nodes for the hot tenants and keep quorum "
        "writes.” How does the scheduler learn which nodes are healthy and free?"
    )
    assert "off_plan" not in _reasons(bank, turn, said)
    assert sentences(turn)[-1] == "How does the scheduler learn which nodes are healthy and free?"
