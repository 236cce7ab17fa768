"""Where a reply the clock or the recovery made goes: one router for `serve`'s start-up
recovery and the scheduler, so a peer mock's reply goes the peer way on both paths."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, Iterable, Mapping, Sequence
from typing import Protocol, TypeVar

from bot.chat.poster import PairPoster
from interviewer.peers.service import PeerService
from interviewer.service import Reply

log = logging.getLogger(__name__)
T = TypeVar("T")


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


async def post_each(
    what: str, items: Iterable[T], post: Callable[[T], Awaitable[int | bool | None]]
) -> int:
    """The one scheduled-post loop, for every job (drills, recaps, boards, reminders, pairs,
    the clock's replies): post each item, count what went out, log what did not and go on.
    `post` returns how many it counts (None: one); a failed item's own handling (a claim
    released, a retry) is `post`'s, so one item's failure never stops the others."""
    done = 0
    for item in items:
        try:
            counted = await post(item)
        except Exception:
            log.exception("could not post %s", what)
            continue
        done += 1 if counted is None else int(counted)
    return done
