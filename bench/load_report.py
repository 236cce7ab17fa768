"""The load benchmark's figures: what one run measured, merged over replicas, and printed."""

from __future__ import annotations

import json
import statistics
from dataclasses import asdict, dataclass, field
from typing import Any

from bench.engine import percentile
from bench.load_members import Tally

GROUPS = ("direct", "slack", "discord")


@dataclass
class Figures:
    """What one run (or one replica's share of it) measured."""

    direct: Tally = field(default_factory=Tally)
    slack: Tally = field(default_factory=Tally)
    discord: Tally = field(default_factory=Tally)
    added_ms: list[float] = field(default_factory=list)  # direct: wall - model calls x delay
    span_added_ms: list[float] = field(default_factory=list)  # the old way: wall - spans
    grade_ms: list[float] = field(default_factory=list)  # the ending tick, wall
    grade_added_ms: list[float] = field(default_factory=list)  # ... minus model calls x delay
    clock_failures: list[str] = field(default_factory=list)
    lag_ms: list[float] = field(default_factory=list)  # the event loop's lateness, sampled
    gc_ms: list[float] = field(default_factory=list)  # full (gen-2) collections
    seconds: float = 0.0
    cpu_seconds: float = 0.0
    traced_kb: float = 0.0
    max_rss_mb: float = 0.0
    fallbacks: int = 0  # turns the offline interviewer took (failures, refused drafts, breaker)
    model_failures: int = 0  # model calls that failed (errors, timeouts)
    drafts_refused: dict[str, int] = field(default_factory=dict)  # the brain's guard: why
    refused: int = 0  # answers admission control told to resend
    load: list[str] = field(default_factory=list)  # /proc/loadavg before and after
    delay_ms: float = 300.0  # the fake model's fixed delay
    burst: int = 0  # interviews seeded to end together
    burst_ms: list[float] = field(default_factory=list)  # each one's end to its scorecard
    burst_by: dict[str, int] = field(default_factory=dict)  # graded by "clock" / "answer"
    expected_endings: float = 0.0  # steady: members x seconds / 2,700, plus the burst
    marks: list[float] = field(default_factory=list)  # measuring began: monotonic, CPU
    profile: str = ""  # `--profile`: bench/sampler.py's tables over the measured window

    def reset(self) -> None:
        """Forget the warm-up's figures (the load averages, the heap sample and the burst's
        scorecard times stay: a burst interview that ended early is still the burst's)."""
        for group in GROUPS:
            getattr(self, group).reset()
        for name in ("added_ms", "span_added_ms", "grade_ms", "grade_added_ms", "lag_ms"):
            getattr(self, name).clear()
        self.gc_ms.clear()
        self.clock_failures.clear()

    @classmethod
    def of(cls, data: dict[str, Any]) -> Figures:
        """Figures from their JSON."""
        tallies = {g: Tally.of(data.pop(g)) for g in GROUPS}
        return cls(**tallies, **data)

    def answers(self) -> int:
        """Replies waited for, by every member."""
        return sum(getattr(self, g).replies for g in GROUPS)


def merge(parts: list[Figures]) -> Figures:
    """The replicas' figures as one run's."""
    out = Figures()
    for part in parts:
        for group in GROUPS:
            getattr(out, group).add(getattr(part, group))
        for name in ("added_ms", "span_added_ms", "grade_ms", "grade_added_ms", "lag_ms"):
            getattr(out, name).extend(getattr(part, name))
        out.burst_ms += part.burst_ms
        for by, n in part.burst_by.items():
            out.burst_by[by] = out.burst_by.get(by, 0) + n
        out.gc_ms += part.gc_ms
        out.clock_failures += part.clock_failures
        out.fallbacks += part.fallbacks
        out.model_failures += part.model_failures
        for why, n in part.drafts_refused.items():
            out.drafts_refused[why] = out.drafts_refused.get(why, 0) + n
        out.refused += part.refused
        out.cpu_seconds += part.cpu_seconds
        out.profile = "\n".join(p for p in (out.profile, part.profile) if p)
        out.expected_endings += part.expected_endings  # each replica's members'
        out.burst += part.burst
    out.seconds = max(part.seconds for part in parts)
    out.traced_kb = statistics.mean(part.traced_kb for part in parts)
    out.max_rss_mb = max(part.max_rss_mb for part in parts)
    out.load = parts[0].load
    out.delay_ms = parts[0].delay_ms
    return out


def pct(values: list[float]) -> str:
    """p50 / p99 / max of a list of milliseconds."""
    if not values:
        return "none"
    return (
        f"p50 {statistics.median(values):,.0f}  p99 {percentile(values, 99):,.0f}  "
        f"max {max(values):,.0f} ms"
    )


def failed(count: int, of: int) -> str:
    """A failure count with its share."""
    return f"{count} failed ({100 * count / of:.1f}%)" if of else "0 failed"


def summary(f: Figures) -> dict[str, Any]:
    """The run's headline numbers (one JSON line, for collecting ranges over runs)."""
    everyone_last = f.direct.last_ms + f.slack.last_ms + f.discord.last_ms
    # A platform member's reply is one model call (the follow-up question).
    platform_added = [ms - f.delay_ms for ms in f.slack.last_ms + f.discord.last_ms]
    acks = f.slack.acks_ms + f.discord.acks_ms
    failures = sum(len(getattr(f, g).failures) for g in GROUPS)
    asked = sum(getattr(f, g).replies + getattr(f, g).acked for g in GROUPS)
    started = sum(getattr(f, g).started for g in GROUPS)
    return {
        "added_p50": statistics.median(f.added_ms) if f.added_ms else None,
        "added_p99": percentile(f.added_ms, 99) if f.added_ms else None,
        "platform_added_p99": percentile(platform_added, 99) if platform_added else None,
        "reply_last_p99": percentile(everyone_last, 99) if everyone_last else None,
        "ack_p99": percentile(acks, 99) if acks else None,
        "grade_p99": percentile(f.grade_ms, 99) if f.grade_ms else None,
        "failures": failures,
        "failure_pct": 100 * failures / asked if asked else 0.0,
        "missed_discord": sum(
            "3 s" in e or "no callback" in e or "callback answered" in e for e in f.discord.failures
        ),
        "answers_per_s": f.answers() / f.seconds if f.seconds else 0.0,
        "cpu_ms_per_answer": 1000 * f.cpu_seconds / f.answers() if f.answers() else None,
        "scorecards": sum(getattr(f, g).scorecards for g in GROUPS),
        "started": started,
        "refused": f.refused,
        "lag_p99": percentile(f.lag_ms, 99) if f.lag_ms else None,
        "gc_max": max(f.gc_ms) if f.gc_ms else 0.0,
        "acks_over_1s": sum(ms > 1000 for ms in acks),
        "burst_p99": percentile(f.burst_ms, 99) if f.burst_ms else None,
        "burst_graded": len(f.burst_ms),
        "load": f.load,
    }


def show(title: str, f: Figures) -> None:
    """Print one run's figures, failures beside the percentiles."""
    print(f"\n{title}; {f.seconds:.0f} s; load average {' -> '.join(f.load)}")
    d, s, c = f.direct, f.slack, f.discord
    print(f"  direct (InterviewService): {d.replies} replies, {failed(len(d.failures), d.replies)}")
    print(f"    added (wall - model calls x delay): {pct(f.added_ms)}   (target p99 < 100 ms)")
    print(f"    added the old way (wall - measured model spans): {pct(f.span_added_ms)}")
    print(f"    first words: {pct(d.first_ms)};  whole reply: {pct(d.last_ms)}")
    for name, t in (("Slack", s), ("Discord", c)):
        if not (t.started or t.acked or t.replies):
            continue
        print(
            f"  {name}: {t.acked} requests acked {pct(t.acks_ms)} (target p99 < 100 ms); "
            f"{t.replies} replies, first post {pct(t.first_ms)}"
        )
        added = [ms - f.delay_ms for ms in t.last_ms]
        print(
            f"    last post {pct(t.last_ms)};  added (last - delay) {pct(added)};  "
            f"{failed(len(t.failures), t.replies + t.acked)}"
        )
    print(
        f"  grading (the ending tick): {pct(f.grade_ms)};  minus model calls {pct(f.grade_added_ms)}"
    )
    if f.burst:
        print(
            f"  burst: {len(f.burst_ms)}/{f.burst} graded ({f.burst_by.get('clock', 0)} by the "
            f"clock's tick, {f.burst_by.get('answer', 0)} by an answer that came after the end); "
            "scorecard (end -> graded) "
            f"{pct(f.burst_ms)} (target: all within 60 s); acks past 1 s: "
            f"{sum(ms > 1000 for ms in s.acks_ms + c.acks_ms)}"
        )
    if f.expected_endings:
        print(
            f"  endings: {len(f.grade_ms)} interviews graded by the clock in the measured window "
            f"(expected about {f.expected_endings:.0f} at real pace); members counted "
            f"{sum(getattr(f, g).scorecards for g in GROUPS)} scorecards (a member whose interview "
            "ended in the warm-up counts its scorecard when it next looks)"
        )
    print(
        "  whole interviews: "
        + ", ".join(f"{g} {getattr(f, g).scorecards}/{getattr(f, g).started}" for g in GROUPS)
        + " got their scorecard"
    )
    head = summary(f)
    print(
        f"  {head['answers_per_s']:.1f} replies/s; CPU {head['cpu_ms_per_answer'] or 0:.1f} ms "
        f"per reply (whole process); loop lag {pct(f.lag_ms)}; full GC max {head['gc_max']:.0f} ms;"
        f" traced heap {f.traced_kb:.0f} KB per interview; max RSS {f.max_rss_mb:.0f} MB"
    )
    print(
        f"  admission refused {f.refused}; model fallbacks {f.fallbacks} (model calls failed "
        f"{f.model_failures}; drafts refused {f.drafts_refused or 0}); "
        f"clock failures {len(f.clock_failures)}"
    )
    errors: dict[str, int] = {}
    for e in [*d.failures, *s.failures, *c.failures, *f.clock_failures]:
        errors[e] = errors.get(e, 0) + 1
    for error, n in sorted(errors.items(), key=lambda kv: -kv[1])[:4]:
        print(f"    {n} x {error}")
    print("SUMMARY " + json.dumps(head))


def as_json(f: Figures) -> str:
    """Figures as one JSON line (a replica's to its parent)."""
    return json.dumps(asdict(f))
