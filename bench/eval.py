"""`make eval`: the quality harness and grading stability with the configured model.

With no model configured it runs the offline interviewer and scorer (the CI baseline).
Targets (issue 3): every check passes; overall-score spread per transcript at most 0.5 over
five gradings; strong transcripts outrank weak ones.
"""

from __future__ import annotations

import asyncio
import tempfile
from datetime import UTC, datetime
from pathlib import Path

from bot.bootstrap import build
from bot.settings import Settings
from interviewer.transcript_file import read_transcript
from tests.bench.harness import CHECKS, PERSONAS, Outcome, run_persona

FIXTURES = Path(__file__).resolve().parent.parent / "tests" / "interviewer" / "offline" / "fixtures"
RUNS = 5
MAX_SPREAD = 0.5


async def main_async() -> int:
    """Run everything and print the figures; the exit status says whether targets were met."""
    with tempfile.TemporaryDirectory() as tmp:
        settings = Settings(database_url=f"sqlite:///{Path(tmp) / 'eval.db'}")
        parts = build(settings)
        try:
            return await _evaluate(parts)
        finally:
            parts.close()


async def _evaluate(parts: object) -> int:
    from bot.bootstrap import Container

    assert isinstance(parts, Container)
    service = parts.service
    print(f"interviewer: {parts.choice.label}  ({parts.choice.reason})")
    outcomes: list[Outcome] = []
    for persona in sorted(PERSONAS):
        outcome = await run_persona(
            persona,
            parts.bank,
            service.brain,
            service.grader,
            service.fallback_brain or service.brain,
            service.fallback_grader or service.grader,
            start=datetime(2026, 11, 25, 9, 0, tzinfo=UTC),
        )
        outcomes.append(outcome)
        for failure in outcome.failures[:3]:
            print(f"  {persona}: {failure}")
    ok = True
    print("\nquality checks (pass rate over personas where the check applies):")
    for name in CHECKS:
        results = [o.checks[name] for o in outcomes if o.checks.get(name) is not None]
        passed = sum(1 for r in results if r)
        ok = ok and passed == len(results)
        print(f"  {name:24} {passed}/{len(results)}")

    print(f"\ngrading stability ({RUNS} gradings per transcript, {service.grader.name}):")
    overall: dict[str, float] = {}
    for path in sorted(FIXTURES.glob("*.json")):
        transcript = read_transcript(path)
        problem = parts.bank.problems.get(transcript.question_id)
        scores = [(await service.grader.grade(transcript, problem)).overall for _ in range(RUNS)]
        spread = max(scores) - min(scores)
        overall[path.stem] = sum(scores) / len(scores)
        ok = ok and spread <= MAX_SPREAD
        shown = " ".join(f"{s:.2f}" for s in scores)
        print(f"  {path.stem:32} mean {overall[path.stem]:.2f}  spread {spread:.2f}  [{shown}]")
    strong = [v for k, v in overall.items() if k.endswith("-strong")]
    weak = [v for k, v in overall.items() if k.endswith(("-weak", "-keywords", "-lost"))]
    ranked = bool(strong and weak) and min(strong) > max(weak)
    ok = ok and ranked
    print(f"  strong answers outrank weak ones: {'yes' if ranked else 'NO'}")
    if parts.llm is not None:
        u = parts.llm.meter.total
        print(
            f"\nusage: {u.calls} calls, {u.prompt_tokens:,} prompt + {u.completion_tokens:,} "
            f"completion tokens, about ${u.cost_usd:.4f}, {u.fallbacks} offline fallbacks"
        )
    return 0 if ok else 1


def main() -> None:
    """Entry point."""
    raise SystemExit(asyncio.run(main_async()))


if __name__ == "__main__":
    main()
