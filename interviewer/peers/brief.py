"""What the human interviewer of a peer session gets privately: the problem, its hidden facts,
the stage plan with timings and the rubric."""

from __future__ import annotations

from interviewer.bank import Problem
from interviewer.core.rubric import SCALE_MAX, SCALE_MIN, Criterion
from interviewer.core.stages import Format, format_spec
from interviewer.peers.clock import budget_text
from interviewer.peers.outcome import SCALE

STRONG_ANSWER = {
    Criterion.SCALABILITY: "horizontal scaling, load balancing, sharding, caching, autoscaling, "
    "with numbers",
    Criterion.RELIABILITY: "no single point of failure, replication, failover, backups, "
    "timeouts, circuit breakers",
    Criterion.PERFORMANCE: "a latency budget met: caching, batching, efficient stores, streaming",
    Criterion.AI_INFRASTRUCTURE: "GPUs and batching, model versioning and rollout (canary, "
    "shadow, rollback), data processing",
    Criterion.SECURITY_PRIVACY: "authn/authz, encryption, privacy of user data, rate limits, "
    "abuse filtering",
    Criterion.TRADEOFFS: "alternatives named and chosen for a reason",
    Criterion.CLARITY: "asked before designing, announced a plan, structured, summarised",
}
"""What a strong answer shows, per criterion (INTERVIEW_SPEC.md section 4)."""


def stage_plan(fmt: Format) -> list[str]:
    """'Clarify requirements: 5 min' per stage."""
    return [f"{b.stage.label}: {budget_text(fmt, b.stage)}" for b in format_spec(fmt).stages]


def interviewer_brief(problem: Problem, fmt: Format, candidate: str) -> str:
    """The private brief: read it before the session; never paste it in the shared thread."""
    facts = [f"• {fact.answer}" for fact in problem.hidden_facts]
    plan = [f"• {line}" for line in stage_plan(fmt)]
    rubric = [f"• *{c.label}*: {STRONG_ANSWER[c]}" for c in Criterion]
    expected = [f"• {point.point}" for points in problem.expected.values() for point in points[:1]]
    return "\n".join(
        [
            f"*You interview {candidate}: {problem.title}* ({problem.level})",
            problem.prompt.strip(),
            "",
            "*Hidden facts* (reveal one only when asked):",
            *facts,
            "",
            "*Stage plan* (keep to the timings; throw a curveball in the deep dive):",
            *plan,
            "",
            "*What to listen for*:",
            *expected,
            "",
            f"*Rubric* (score {', '.join(SCALE.values())}):",
            *rubric,
            "",
            f"At the end, score each criterion {SCALE_MIN} to {SCALE_MAX} and tell the candidate, "
            "with their own words as evidence, where they were strong and what to practise.",
        ]
    )
