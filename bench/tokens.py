"""Prompt tokens and dollars of the LLM interviewer and grader over scripted interviews, against
the naive prompt that sends the whole transcript every turn. Counted with tiktoken (o200k_base).

Run: make bench   (or: uv run python -m bench.tokens)

For every fixture (candidate answers from bench/calibration/), format (standard, extended,
drill) and length (20, 30, 40 answers) it sums, for both layouts, every interviewer call, one
regenerated draft per five calls (the guards' rejections; the regeneration resends the prompt
with one note), and the grader's one call. Dollars model OpenAI's prompt caching: the longest
prefix a call shares with an earlier call of the same interview, once at least 1,024 tokens,
in steps of 128, is billed at the cached price. Targets (issue 17): tokens at most 35% and
dollars at most 60% of naive, on every row, at both prices. Exit 1 when a target is missed.

The floor column prices the least any layout can send on the same calls: the stable prefix
(which must be at least 1,024 tokens to be cached at all) and the turn's directive, with no word
of the transcript. A target below the floor cannot be met by any prompt layout, only by fewer
calls or a smaller prefix; such rows are marked "below floor" apart from the layout's own misses.
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
from interviewer.core.stages import FORMATS, Format
from interviewer.core.transcript import Transcript
from interviewer.llm.brain import MODEL_ACTIONS
from interviewer.llm.context import InterviewerPrompts, Message, TurnPlan
from interviewer.llm.grader import grader_messages
from interviewer.llm.usage import DEFAULT_PRICES, price_of
from interviewer.offline.brain import OfflineBrain
from interviewer.offline.scorer import OfflineGrader
from interviewer.ports import DeltaSink, TurnContext, Utterance
from interviewer.prompt_files import load_prompt
from interviewer.service import InterviewService, Who
from tests.fakes import InMemoryRepository

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ("model-serving-strong", "chat-system-plain_english_strong", "rag-assistant-weak",
            "chat-system-rambling")  # fmt: skip
LENGTHS = (20, 30, 40)
TOKEN_TARGET, DOLLAR_TARGET = 0.35, 0.60
REGENERATE_EVERY = 5
OUTPUT_TOKENS, GRADER_OUTPUT_TOKENS = 60, 800
CACHE_MIN, CACHE_STEP = 1024, 128
# Priced from the usage meter's own table (interviewer/llm/usage.py), cached input included.
MODELS = ("gpt-4o-mini", "gpt-4.1")
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


def encode(messages: list[Message]) -> list[int]:
    """A request's prompt as the token sequence the provider caches (role markers included)."""
    import tiktoken

    enc = tiktoken.get_encoding("o200k_base")
    out: list[int] = []
    for role, content in messages:
        out += enc.encode(f"<|{role}|>", disallowed_special=()) + enc.encode(content) + [0]
    return [*out, 0, 0, 0]


def shared(a: list[int], b: list[int]) -> int:
    """The length of the common prefix of two token sequences."""
    n = min(len(a), len(b))
    i = 0
    while i < n and a[i] == b[i]:
        i += 1
    return i


@dataclass
class Ledger:
    """One layout's calls in one interview: tokens, and tokens a provider cache would serve."""

    prompts: list[list[int]] = field(default_factory=list)
    tokens: int = 0
    cached: int = 0
    output: int = 0

    def call(self, messages: list[Message], output: int = OUTPUT_TOKENS) -> None:
        """Count one request, its cache hit against the earlier ones, and its answer."""
        seq = encode(messages)
        hit = max((shared(seq, p) for p in self.prompts[-3:]), default=0)
        self.cached += (
            0 if hit < CACHE_MIN else CACHE_MIN + (hit - CACHE_MIN) // CACHE_STEP * CACHE_STEP
        )
        self.tokens += len(seq)
        self.output += output
        self.prompts.append(seq)

    def dollars(self, model: str) -> float:
        """The estimated prompt cost at a model's prices (the answers are the same words in
        both layouts, so their cost is left out of the comparison)."""
        p_in, _, p_cached = price_of(DEFAULT_PRICES, f"openai:{model}")
        fresh = self.tokens - self.cached
        return (fresh * p_in + self.cached * p_cached) / 1_000_000


@dataclass
class CountingBrain:
    """The offline brain's words, counting what both layouts would have sent for each turn."""

    offline: OfflineBrain
    prompts: InterviewerPrompts
    name: str = "counting"
    compact: Ledger = field(default_factory=Ledger)
    naive: Ledger = field(default_factory=Ledger)
    floor: Ledger = field(default_factory=Ledger)
    calls: int = 0

    async def speak(
        self, ctx: TurnContext, action: Action, on_delta: DeltaSink | None = None
    ) -> Utterance:
        """Count both requests (and a regeneration every few calls), then let the offline
        brain speak."""
        if isinstance(action, MODEL_ACTIONS):
            plan = TurnPlan(ctx, action, self.prompts)
            self.calls += 1
            for ledger, messages in (
                (self.compact, plan.messages()),
                (self.naive, plan.naive_messages()),
                (self.floor, [("system", plan.system()), ("system", plan.directive())]),
            ):
                ledger.call(messages)
                if self.calls % REGENERATE_EVERY == 0:
                    note = ("system", "[mockroom] Your draft was rejected: it asks no question.")
                    ledger.call([*messages, note])
        return await self.offline.speak(ctx, action, on_delta)


async def run(bank: QuestionBank, fixture: str, fmt: Format, answers: int) -> CountingBrain:
    """One interview of `answers` answers from a fixture, walking every stage of the format."""
    data = json.loads((ROOT / "bench" / "calibration" / f"{fixture}.json").read_text())
    said = [t["text"] for t in data["turns"] if t["role"] == "candidate"]
    step = (FORMATS[fmt].total_seconds or 3600) / answers
    now = [datetime(2026, 11, 25, 9, 0, tzinfo=UTC)]
    brain = CountingBrain(OfflineBrain(bank), InterviewerPrompts.load())
    repo = InMemoryRepository()
    service = InterviewService(
        repo, bank, brain, OfflineGrader(bank), lambda: now[0], rng=random.Random(7)
    )
    who = Who("bench", "tokens")
    reply = await service.start(who, "bench", data["question_id"], fmt)
    for i in range(answers):
        now[0] += timedelta(seconds=step * 0.98)
        if (await service.answer(who, "bench", said[i % len(said)])).ended:
            break
    stored = repo.load(reply.interview_id)
    assert stored is not None
    transcript = Transcript(data["question_id"], fmt, tuple(stored.turns))
    problem = bank.problems.get(data["question_id"])
    grading = grader_messages(
        transcript, problem, load_prompt("grader_system"), load_prompt("grader_user")
    )
    for ledger in (brain.compact, brain.naive, brain.floor):
        ledger.call(grading, GRADER_OUTPUT_TOKENS)
    return brain


def main() -> None:
    """Print the table; exit 1 when a target is missed on any row."""
    offline_tiktoken()
    bank = load_bank()
    print("tokens and dollars per interview: compact layout vs naive full transcript")
    print(
        "(interviewer calls + a regeneration every 5th call + the grader's call; caching modelled)"
    )
    print("(floor: prefix + directive only, what no layout can go below; targets under it are")
    print(" unattainable by layout)")
    header = f"{'fixture':34} {'format':9} {'ans':>3} {'calls':>5} {'tokens':>15} {'tok%':>5} {'floor':>5}"
    for model in MODELS:
        header += f" {model + ' $ ours/naive':>27} {'$%':>4} {'floor':>5}"
    print(header)
    missed: list[str] = []
    unattainable: list[str] = []

    def check(row: str, what: str, ours: float, floor: float, target: float) -> None:
        if ours > target:
            (unattainable if floor > target else missed).append(
                f"{row}: {what} {ours:.0%} (floor {floor:.0%})"
            )

    for fixture in FIXTURES:
        for fmt in (Format.STANDARD, Format.EXTENDED, Format.DRILL):
            for answers in LENGTHS:
                brain = asyncio.run(run(bank, fixture, fmt, answers))
                c, n, f = brain.compact, brain.naive, brain.floor
                row = f"{fixture} {fmt.value} {answers}"
                ratio, lowest = c.tokens / n.tokens, f.tokens / n.tokens
                line = (
                    f"{fixture:34} {fmt.value:9} {answers:>3} {len(c.prompts):>5} "
                    f"{c.tokens:>7,}/{n.tokens:<7,} {ratio:>5.0%} {lowest:>5.0%}"
                )
                check(row, "tokens", ratio, lowest, TOKEN_TARGET)
                for model in MODELS:
                    dc, dn, df = c.dollars(model), n.dollars(model), f.dollars(model)
                    line += f" {f'{dc:.4f}/{dn:.4f}':>27} {dc / dn:>4.0%} {df / dn:>5.0%}"
                    check(row, f"{model} dollars", dc / dn, df / dn, DOLLAR_TARGET)
                print(line)
    print(f"targets: tokens <= {TOKEN_TARGET:.0%}, dollars <= {DOLLAR_TARGET:.0%} of naive")
    for m in missed:
        print(f"MISSED by the layout: {m}")
    for m in unattainable:
        print(f"MISSED, below floor (no layout reaches it): {m}")
    print(f"{len(missed)} missed by the layout, {len(unattainable)} below the floor of any layout")
    if missed or unattainable:
        raise SystemExit(1)


if __name__ == "__main__":
    main()
