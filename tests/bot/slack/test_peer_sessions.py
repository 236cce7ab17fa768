"""A peer session on Slack, end to end through bolt and the fake Slack: pairing, the brief,
`peer start` in the pair's group DM, the clock's stage move and curveball, the transcript, `peer
end`, the interviewer's form (static selects and Submit, ephemeral), both comparisons; and the
refusals of a third member."""

from __future__ import annotations

from typing import Any

from bot.slack.peers import SCORE_ACTION, SUBMIT_ACTION
from interviewer.core.rubric import Criterion
from interviewer.core.transcript import Role
from tests.bot.slack import payloads
from tests.bot.slack.conftest import ADA, BOB, CAROL, Harness, dm_of
from tests.bot.slack.test_drills import ANSWER, DRILL_AT, notes_to
from tests.bot.slack.test_peers import PAIR_DM, clock_of, opted_in_and_weekly


def in_pair(slack: Harness, user: str) -> list[dict[str, Any]]:
    """The ephemeral notes shown to `user` in the pair's group DM."""
    return [e for e in notes_to(slack, user) if e["channel"] == PAIR_DM]


def form_of(slack: Harness, user: str) -> dict[str, Any]:
    """The scoring form shown to `user` (an ephemeral message in the pair's group DM)."""
    [form] = [e for e in in_pair(slack, user) if "Submit" in str(e["blocks"])]
    return form


def select(form: dict[str, Any], criterion: Criterion, score: int) -> dict[str, Any]:
    """The static_select action of choosing `score` for `criterion` on the form."""
    block = next(
        b
        for b in form["blocks"]
        if b.get("accessory", {}).get("action_id", "") == (f"{SCORE_ACTION}:{criterion.value}")
    )
    option = next(o for o in block["accessory"]["options"] if o["value"].endswith(f":{score}"))
    return {
        "type": "static_select",
        "action_id": block["accessory"]["action_id"],
        "selected_option": option,
    }


def submit(form: dict[str, Any]) -> dict[str, Any]:
    button = next(e for b in form["blocks"] if b["type"] == "actions" for e in b["elements"])
    assert button["action_id"] == SUBMIT_ACTION
    return {"type": "button", "action_id": SUBMIT_ACTION, "value": button["value"]}


async def test_a_peer_session_runs_end_to_end_on_slack(slack: Harness) -> None:
    await opted_in_and_weekly(slack)
    slack.clock.now = DRILL_AT
    assert await clock_of(slack).pair_rounds() == 1
    [intro] = slack.fake.conversation(PAIR_DM)
    interviewer = ADA if f"<@{ADA}> interviews" in intro.shown else BOB
    candidate = BOB if interviewer == ADA else ADA
    [brief] = slack.fake.conversation(dm_of(interviewer))
    assert "*Stage plan*" in brief.shown

    await slack.command(CAROL, PAIR_DM, "peer start")
    assert "Only the two members paired here" in notes_to(slack, CAROL)[-1]["text"]
    await slack.command(candidate, PAIR_DM, "peer start")
    opening = slack.fake.conversation(PAIR_DM)[-1]
    assert "The peer mock starts now: Clarify requirements (5 min)" in opening.shown

    mpim = {"channel_type": "mpim"}
    await slack.say(interviewer, PAIR_DM, "What would you clarify first?", **mpim)
    await slack.say(candidate, PAIR_DM, "How many users, and what latency target?", **mpim)
    assert len(slack.fake.conversation(PAIR_DM)) == 2  # nobody but the pair spoke: no AI reply

    clock = clock_of(slack)
    slack.clock.advance(minutes=5)
    assert await clock.tick_interviews() == 1
    moved = slack.fake.conversation(PAIR_DM)[-1]
    assert "Now *High-level design* (12 min)" in moved.text
    await slack.say(candidate, PAIR_DM, ANSWER, **mpim)
    slack.clock.advance(minutes=12)
    await clock.tick_interviews()
    slack.clock.advance(minutes=10)
    await clock.tick_interviews()
    shown = [m.text for m in slack.fake.conversation(PAIR_DM)]
    assert any(t.startswith("🎯 Curveball: ") for t in shown)
    assert not any(m.action_ids() for m in slack.fake.conversation(PAIR_DM))  # no AI buttons

    await slack.command(CAROL, PAIR_DM, "peer end")
    assert "Only the two members paired here" in notes_to(slack, CAROL)[-1]["text"]
    await slack.command(interviewer, PAIR_DM, "peer end")
    assert f"The AI has graded <@{candidate}>" in slack.fake.conversation(PAIR_DM)[-1].text
    form = form_of(slack, interviewer)
    assert in_pair(slack, candidate) == []  # the candidate waits for both scorecards

    session = slack.container.peers.sessions.repo.in_thread("slack", PAIR_DM)  # type: ignore[union-attr]
    assert session is not None and session.interview_id is not None
    stored = slack.container.service.repo.load(session.interview_id)
    assert stored is not None and stored.scorecard is not None
    said = [(t.role, t.author) for t in stored.turns if t.kind == "message"]
    assert said[:2] == [(Role.INTERVIEWER, interviewer), (Role.CANDIDATE, candidate)]

    await slack.send(
        "interactive", payloads.form_press(CAROL, PAIR_DM, select(form, Criterion.CLARITY, 1))
    )
    assert notes_to(slack, CAROL)[-1]["text"] == "Only this session's interviewer scores it."
    await slack.send("interactive", payloads.form_press(CAROL, PAIR_DM, submit(form)))
    assert notes_to(slack, CAROL)[-1]["text"] == "Only this session's interviewer scores it."
    for criterion in Criterion:
        press = payloads.form_press(interviewer, PAIR_DM, select(form, criterion, 3))
        await slack.send("interactive", press)
    final = payloads.form_press(interviewer, PAIR_DM, submit(form))
    await slack.send("interactive", final)
    await slack.send("interactive", final)  # replayed: acts once
    [side_by_side] = in_pair(slack, candidate)
    assert "*Your peer mock*: AI overall" in side_by_side["text"]
    assert (
        "• Scalability: AI " in side_by_side["text"]
        and "your interviewer 3/4" in side_by_side["text"]
    )
    agreement = [e for e in in_pair(slack, interviewer) if "*Your scoring*" in e["text"]]
    assert len(agreement) == 1 and "you agreed with the AI on " in agreement[0]["text"]
    ledger = slack.container.drills.repo.ledger("slack")  # type: ignore[union-attr]
    assert sorted(e.user_id for e in ledger if e.source_kind == "peer") == sorted([ADA, BOB])
