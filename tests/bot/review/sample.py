"""A hostile interview for the review page's tests: every element, every text full of markup."""

from __future__ import annotations

import random
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

from bot.bootstrap import Container, build
from bot.review.page import Source
from bot.settings import Settings
from interviewer.core.rubric import (
    Criterion,
    CriterionScore,
    HireSignal,
    Level,
    Pitfall,
    PitfallSeen,
    Scorecard,
)
from interviewer.core.stages import Format, Stage
from interviewer.core.transcript import Role, Turn, TurnKind
from interviewer.diagrams.extract import extract

START = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)
PROBLEM = "url-shortener"
SCRIPT = "<script>alert('x')</script>"
SLACK = "<!channel> <@U123> *bold* <https://evil.example|click>"
DISCORD = "@everyone **bold** [click](https://evil.example) <@&42>"
QUOTE = "I would shard the <table> by hash & keep a replica"

FIRST = """We start simple.
```mermaid
flowchart LR
  client[Client] --> api[API <b>server</b>]
  api --> db[(Database)]
```"""
SECOND = """Now with a cache.
```mermaid
flowchart LR
  client[Client] --> lb[Load balancer]
  lb --> api[API pool]
  api --> cache[Redis cache]
  api --> db[(Database replicas)]
```"""


def _drawn(text: str, at: datetime) -> Turn:
    found = extract(text)
    return Turn(Role.CANDIDATE, Stage.HIGH_LEVEL, found.prose, at=at, diagram=found.source)


def turns() -> list[Turn]:
    """Every kind of turn the page marks, each carrying markup from all three worlds."""
    t = START
    return [
        Turn(Role.INTERVIEWER, Stage.CLARIFY, f"Design a URL shortener. {SCRIPT}", "opening", t),
        Turn(
            Role.CANDIDATE,
            Stage.CLARIFY,
            f"How many writes per second? {SLACK}",
            at=t + timedelta(minutes=1),
        ),
        Turn(
            Role.INTERVIEWER,
            Stage.CLARIFY,
            "About 1,000 writes per second.",
            "clarification",
            t + timedelta(minutes=2),
        ),
        # the candidate moved on at 3 minutes, long before the clarify budget ran out: /next
        Turn(
            Role.INTERVIEWER,
            Stage.HIGH_LEVEL,
            "Moving on. Sketch the design.",
            TurnKind.STAGE_INTRO.value,
            t + timedelta(minutes=3),
        ),
        _drawn(FIRST, t + timedelta(minutes=6)),
        Turn(
            Role.INTERVIEWER,
            Stage.HIGH_LEVEL,
            f"A hint: think about reads. {DISCORD}",
            TurnKind.HINT.value,
            t + timedelta(minutes=8),
        ),
        _drawn(SECOND, t + timedelta(minutes=12)),
        Turn(
            Role.CANDIDATE,
            Stage.HIGH_LEVEL,
            f"{QUOTE}. Reads go through the cache, the load balancer spreads the API pool.",
            at=t + timedelta(minutes=14),
        ),
        Turn(
            Role.INTERVIEWER,
            Stage.DEEP_DIVE,
            "Traffic grows tenfold overnight. What changes?",
            TurnKind.CURVEBALL.value,
            t + timedelta(minutes=20),
            curveball_id="traffic-spike",
        ),
        Turn(
            Role.CANDIDATE,
            Stage.DEEP_DIVE,
            "Consistent hashing is never needed because the cache is always strongly consistent.",
            at=t + timedelta(minutes=22),
        ),
        Turn(
            Role.INTERVIEWER,
            Stage.DEEP_DIVE,
            "Is a cache ever strongly consistent with the database?",
            TurnKind.PUSHBACK.value,
            t + timedelta(minutes=23),
        ),
    ]


def scorecard() -> Scorecard:
    """A card quoting the transcript (one quote is markup, one is a diagram path)."""
    criteria = {c: CriterionScore(2, [], f"Feedback on {c.value} {SCRIPT}") for c in Criterion}
    criteria[Criterion.SCALABILITY] = CriterionScore(3, [QUOTE], "Sharding was named.")
    criteria[Criterion.RELIABILITY] = CriterionScore(
        2, ["keep a replica", "diagram: Client → Load balancer → API pool"], "Some redundancy."
    )
    criteria[Criterion.CLARITY] = CriterionScore(2, ["words never said in the interview"], "")
    return Scorecard(
        criteria,
        2.3,
        HireSignal.LEAN_NO_HIRE,
        pitfalls=[PitfallSeen(Pitfall.IGNORED_NONFUNCTIONAL, f"No latency target {SLACK}")],
        improvements=[f"Say a number {DISCORD}"],
        level=Level.SENIOR,
    )


def source(human: bool = False, earlier: bool = True) -> Source:
    """The sample as a page source; a peer mock's when `human`."""
    old = scorecard()
    old.criteria[Criterion.SCALABILITY] = CriterionScore(1)
    return Source(
        "peer mock" if human else "interview",
        PROBLEM,
        Format.STANDARD,
        Level.SENIOR,
        START,
        turns(),
        scorecard(),
        human={c: (4 if c is Criterion.SCALABILITY else 2) for c in Criterion} if human else None,
        earlier=[("24 Nov", old)] if earlier else [],
    )


SECRET = "a-review-secret-of-some-length"
PUBLIC = "https://review.example.org"


def container(db: Path, clock: Callable[[], datetime], seed: int = 1) -> Container:
    """The app on a SQLite file, offline, with review links signed and served at PUBLIC."""
    settings = Settings(
        _env_file=None,
        database_url=f"sqlite:///{db}",
        llm_model="offline",
        review_secret=SECRET,
        public_url=PUBLIC,
    )
    return build(settings, clock=clock, rng=random.Random(seed))


REFERENCE = f"""# URL shortener: a reference design

## Requirements

- 1,000 writes per second {SCRIPT}
- 100,000 reads per second

## High-level design

The client calls the API.

```mermaid
flowchart LR
  client[Client] --> api[API service]
  api --> kv[(Key-value store)]
```

## Deep dive

Keys are base62 of a counter.

## Trade-offs

Counter versus hash.

## Common mistakes

- Forgetting the cache.
"""


def write_reference(root: Path) -> Path:
    """The sample's reference file under `root`."""
    root.mkdir(parents=True, exist_ok=True)
    path = root / f"{PROBLEM}.md"
    path.write_text(REFERENCE, encoding="utf-8")
    return root
