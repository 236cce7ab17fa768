"""Brains for the adapter's platform rules: slow, streaming or failing, over the offline one."""

from __future__ import annotations

import asyncio
import random

from bot.bootstrap import Container
from interviewer.core.events import Action
from interviewer.offline.brain import OfflineBrain
from interviewer.ports import Brain, DeltaSink, TurnContext, Utterance
from interviewer.service import InterviewService


class ControlledBrain:
    """The offline interviewer's words, slowed down, streamed in small pieces, or failing."""

    name = "test"

    def __init__(self, inner: OfflineBrain, *, chunk: int = 0) -> None:
        self.inner = inner
        self.chunk = chunk
        self.gate = asyncio.Event()
        self.gate.set()
        self.broken = False

    async def speak(
        self, ctx: TurnContext, action: Action, on_delta: DeltaSink | None = None
    ) -> Utterance:
        await self.gate.wait()
        if self.broken:
            raise RuntimeError("the model server fell over")
        utterance = await self.inner.speak(ctx, action)
        if on_delta is not None:
            step = self.chunk or len(utterance.text)
            for start in range(0, len(utterance.text), step):
                await on_delta(utterance.text[start : start + step])
                await asyncio.sleep(0)
        return utterance


def use_brain(container: Container, brain: Brain) -> None:
    """Rewire the container's service to a brain, with no fallback brain."""
    old = container.service
    container.service = InterviewService(
        container.repo, container.bank, brain, container.grader, old.clock, rng=random.Random(7)
    )


def controlled_brain(container: Container, *, chunk: int = 0) -> ControlledBrain:
    brain = ControlledBrain(OfflineBrain(container.bank), chunk=chunk)
    use_brain(container, brain)
    return brain
