"""The words of daily drills: the post, the private short scorecard, the recap, the listing."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime

from interviewer.bank import Problem
from interviewer.core.rubric import Criterion, Scorecard
from interviewer.drills.ports import DrillAnswer, Member, Subscription
from interviewer.drills.schedule import DrillSchedule

RECAP_BEST = 3
EXCERPT_CHARS = 280


def plural(count: int, noun: str) -> str:
    """'1 answer', '2 answers'."""
    return f"{count} {noun}" if count == 1 else f"{count} {noun}s"


def local(at: datetime, schedule: DrillSchedule) -> str:
    """A time in the channel's zone: 'Wed 25 Nov 09:30 Europe/Berlin'."""
    moment = at.astimezone(schedule.tz)
    return f"{moment:%a} {moment.day} {moment:%b %H:%M} {schedule.zone}"


def post_text(problem: Problem, ends: datetime, schedule: DrillSchedule, cmd: str) -> str:
    """The drill as posted in the channel; answers go in its thread."""
    return (
        f"*Daily design drill: {problem.title}* ({problem.level}, {', '.join(problem.topics)})\n"
        f"{problem.prompt.strip()}\n\n"
        f"Answer in this thread by {local(ends, schedule)}, in one message: the components, "
        "the request path, the numbers that matter and the trade-offs you chose. Your score "
        "comes to you privately; the recap names only members who chose "
        f"`{cmd} leaderboard show-me`."
    )


def short_scorecard(problem_title: str, card: Scorecard, points: int, streak: int) -> str:
    """The private note a member gets for a drill answer."""
    ranked = sorted(Criterion, key=lambda c: (-card.criteria[c].score, list(Criterion).index(c)))
    best, worst = ranked[0], ranked[-1]
    lines = [
        f"*Drill scored: {card.overall:.1f}/4* ({card.hire_signal.value.replace('_', ' ')}) "
        f"on {problem_title}. +{points} points · drill streak {plural(streak, 'day')}.",
        f"Strongest: {best.label} {card.criteria[best].score}/4 · "
        f"weakest: {worst.label} {card.criteria[worst].score}/4.",
    ]
    if card.improvements:
        lines.append(f"Next: {card.improvements[0]}")
    return "\n".join(lines)


def recap_text(
    problem_title: str,
    answers: Sequence[DrillAnswer],
    members: Mapping[str, Member],
    next_at: str | None,
    cmd: str,
) -> str:
    """The thread's recap: how many answered, the best answers of members who opted in."""
    following = f" The next drill: {next_at}." if next_at else ""
    if not answers:
        return f"*Recap: {problem_title}*. Nobody answered this one.{following}"
    mean = sum(a.overall or 0.0 for a in answers) / len(answers)
    lines = [f"*Recap: {problem_title}*: {plural(len(answers), 'answer')}, average {mean:.1f}/4."]
    shown = [a for a in answers if (m := members.get(a.user_id)) is not None and m.show_name]
    if shown:
        lines.append("Best answers from members who opted in:")
    for i, a in enumerate(shown[:RECAP_BEST], start=1):
        member = members[a.user_id]
        excerpt = " ".join(a.text.split())
        if len(excerpt) > EXCERPT_CHARS:
            excerpt = excerpt[: EXCERPT_CHARS - 1].rstrip() + "…"
        lines.append(f"{i}. {member.display_name or a.user_id}, {a.overall:.1f}/4: “{excerpt}”")
    also = [f"{members[a.user_id].display_name or a.user_id}" for a in shown[RECAP_BEST:]]
    if also:  # every member who opted in is named, not only the best three
        lines.append("Also answered: " + ", ".join(also) + ".")
    hidden = len(answers) - len(shown)
    if hidden:
        lines.append(
            f"{plural(hidden, 'other member')} answered; names stay hidden unless a member "
            f"opts in with `{cmd} leaderboard show-me`."
        )
    return "\n".join(lines) + following


def listing(subscriptions: Sequence[Subscription], cmd: str) -> str:
    """The workspace's drill subscriptions."""
    if not subscriptions:
        return (
            "No channel here has a daily drill. An admin can start one with "
            f"`{cmd} drill subscribe 09:30 Europe/Berlin mon-fri`."
        )
    lines = ["*Daily drills*"]
    for s in subscriptions:
        on = f", {s.topic_or_level}" if s.topic_or_level else ""
        # <#id> shows as the channel's name on Slack and on Discord.
        lines.append(f"• <#{s.channel}>: {s.schedule.describe()}{on}")
    return "\n".join(lines)
