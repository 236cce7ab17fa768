"""Prompt tokens of the LLM interviewer over a scripted 40-turn interview, against the naive
baseline that sends the whole transcript every turn. Counted with tiktoken (o200k_base).

Run: make bench   (or: uv run python -m bench.tokens)
Target (issue 3): compact total at most 35% of the naive total.
"""

from __future__ import annotations

import asyncio
import gzip
import hashlib
import json
import os
import random
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

from interviewer.bank import QuestionBank, load_bank
from interviewer.core.events import Action
from interviewer.core.stages import Format
from interviewer.llm.brain import MODEL_ACTIONS
from interviewer.llm.context import InterviewerPrompts, Message, TurnPlan
from interviewer.offline.brain import OfflineBrain
from interviewer.offline.scorer import OfflineGrader
from interviewer.ports import DeltaSink, TurnContext, Utterance
from interviewer.service import InterviewService, Who
from tests.fakes import InMemoryRepository

ROOT = Path(__file__).resolve().parent.parent
FIXTURE = ROOT / "tests" / "offline" / "fixtures" / "model-serving-strong.json"
TURNS = 40
TARGET = 0.35
_VOCAB_URL = "https://openaipublic.blob.core.windows.net/encodings/o200k_base.tiktoken"


def offline_tiktoken() -> None:
    """Give tiktoken its o200k vocabulary from the bpe-openai wheel when it cannot download it."""
    if os.environ.get("TIKTOKEN_CACHE_DIR"):
        return
    cache = ROOT / "bench" / "out" / "tiktoken"
    target = cache / hashlib.sha1(_VOCAB_URL.encode()).hexdigest()
    if not target.exists():
        import bpe_openai

        packed = Path(bpe_openai.__file__).parent / "data" / "o200k_base.tiktoken.gz"
        cache.mkdir(parents=True, exist_ok=True)
        target.write_bytes(gzip.decompress(packed.read_bytes()))
    os.environ["TIKTOKEN_CACHE_DIR"] = str(cache)  # tiktoken checks the file's hash itself


def tokens(messages: list[Message]) -> int:
    """Prompt tokens of a chat request: content plus OpenAI's per-message overhead."""
    import tiktoken

    enc = tiktoken.get_encoding("o200k_base")
    return sum(len(enc.encode(content)) + 4 for _, content in messages) + 3


@dataclass
class CountingBrain:
    """The offline brain's words, counting what the LLM brain would have sent for each turn."""

    offline: OfflineBrain
    prompts: InterviewerPrompts
    name: str = "counting"
    compact: list[int] = field(default_factory=list)
    naive: list[int] = field(default_factory=list)

    async def speak(
        self, ctx: TurnContext, action: Action, on_delta: DeltaSink | None = None
    ) -> Utterance:
        """Count both requests, then let the offline brain speak."""
        if isinstance(action, MODEL_ACTIONS):
            plan = TurnPlan(ctx, action, self.prompts)
            self.compact.append(tokens(plan.messages()))
            self.naive.append(tokens(plan.naive_messages()))
        return await self.offline.speak(ctx, action, on_delta)


async def run(bank: QuestionBank) -> CountingBrain:
    """A 40-turn extended interview with the strong fixture's answers, on a test clock."""
    answers = [
        t["text"] for t in json.loads(FIXTURE.read_text())["turns"] if t["role"] == "candidate"
    ]
    now = [datetime(2026, 11, 25, 9, 0, tzinfo=UTC)]
    brain = CountingBrain(OfflineBrain(bank), InterviewerPrompts.load())
    grader = OfflineGrader(bank)
    service = InterviewService(
        InMemoryRepository(), bank, brain, grader, lambda: now[0], rng=random.Random(7)
    )
    who = Who("bench", "tokens")
    await service.start(who, "bench", "model-serving", Format.EXTENDED)
    for i in range(TURNS):
        now[0] += timedelta(seconds=80)  # 40 × 80 s walks every stage of the 60-minute format
        await service.answer(who, "bench", answers[i % len(answers)])
    return brain


def main() -> None:
    """Print the figures; exit 1 when the target is missed."""
    offline_tiktoken()
    brain = asyncio.run(run(load_bank()))
    compact, naive = sum(brain.compact), sum(brain.naive)
    ratio = compact / naive
    print(
        f"LLM interviewer prompt tokens over a {TURNS}-turn interview ({len(brain.compact)} calls):"
    )
    print(f"  compact (prefix + rolling summary + last turns): {compact:,}")
    print(f"  naive (full transcript every turn):              {naive:,}")
    print(f"  ratio {ratio:.1%}   (target: at most {TARGET:.0%})")
    print(f"  last call: compact {brain.compact[-1]:,} vs naive {brain.naive[-1]:,} tokens")
    if ratio > TARGET:
        raise SystemExit(1)


if __name__ == "__main__":
    main()
