"""Where a reply the clock or the recovery made goes: one router for `serve`'s start-up
recovery and the scheduler, so a peer mock's reply goes the peer way on both paths."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Protocol

from bot.chat.poster import PairPoster
from interviewer.peers.service import PeerService
from interviewer.service import Reply


class Deliverer(Protocol):
    """A platform that can post what the clock made the interviewer say."""

    platform: str

    async def deliver(self, reply: Reply) -> None:
        """Post a clock reply into its conversation."""
        ...


class DeliveryRouter:
    """Posts replies on their platform: an AI interview's as interviewer messages, a peer
    mock's as the pair's posts (the clock's words; at the end, the form, never the AI card)."""

    def __init__(self, runners: Sequence[Deliverer], peers: PeerService | None = None) -> None:
        self.runners: Mapping[str, Deliverer] = {r.platform: r for r in runners}
        self.peers = peers

    async def deliver(self, reply: Reply) -> bool:
        """Post one reply; False when no runner of its platform is here (a terminal
        interview: its scorecard shows at `history` or `--resume`)."""
        runner = self.runners.get(reply.platform)
        if runner is None:
            return False
        if not reply.peer:
            await runner.deliver(reply)
            return True
        sessions = self.peers.sessions if self.peers is not None else None
        if sessions is None or not isinstance(runner, PairPoster):
            return False  # a peer mock's reply is never posted as an AI interview's
        await runner.deliver_peer(await sessions.outcome(reply))
        return True
