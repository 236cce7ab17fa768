"""Weekly pairing of opted-in members: nobody meets twice until everyone has met everyone,
and whoever interviewed last time is the candidate next time.

Pure: the history of past pairs and roles comes in, the new round goes out.
"""

from __future__ import annotations

import itertools
import random
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass

INTERVIEWER = "interviewer"
CANDIDATE = "candidate"


@dataclass(frozen=True)
class Pair:
    """Two members for one peer session: who asks and who designs."""

    interviewer: str
    candidate: str

    @property
    def members(self) -> frozenset[str]:
        """Both members, unordered (the key of 'have they met')."""
        return frozenset((self.interviewer, self.candidate))


@dataclass(frozen=True)
class Round:
    """One week's pairs, and the member left out when the count is odd."""

    pairs: list[Pair]
    sitting_out: str | None = None


def pair_round(
    members: Sequence[str],
    met: Collection[frozenset[str]],
    last_role: Mapping[str, str],
    sat_out: Collection[str] = (),
    *,
    seed: str = "",
    pair_interviewer: Mapping[frozenset[str], str] | None = None,
) -> Round:
    """Pair `members` for one round.

    `met` holds the pairs of earlier rounds (a cycle starts over once every pair among these
    members has met); `last_role` each member's role last time (roles swap); `sat_out` the
    members who sat out before (someone else sits out first when the count is odd). `seed`
    (a channel, say) varies the order; it must stay the same from one week to the next.
    """
    people = sorted(set(members))
    if len(people) < 2:
        return Round([], people[0] if people else None)
    random.Random(f"{seed}:{','.join(people)}").shuffle(people)
    every = {frozenset(p) for p in itertools.combinations(people, 2)}
    seen = {m for m in met if m in every}
    if seen >= every:
        seen = set()  # everyone has met everyone: a new cycle
    # The circle method splits all pairs into rounds that together meet everyone once; a
    # group that kept its members finds its next round there. After joins and leaves, a
    # search finds a round without repeats when one exists.
    fresh = [r for r in _circle(people) if not any(frozenset(p) in seen for p in r[0])]
    if fresh:
        pairs, out = min(fresh, key=lambda r: r[1] in sat_out)
        return Round([_roles(a, b, last_role, pair_interviewer) for a, b in pairs], out)
    out = None
    if len(people) % 2:
        out = min(people, key=lambda p: p in sat_out)
        people.remove(out)
    matching = _matching(people, seen, [SEARCH_STEPS])
    if matching is None:  # no round without a repeat: pair in order, repeats allowed
        matching = list(zip(people[::2], people[1::2], strict=True))
    return Round([_roles(a, b, last_role, pair_interviewer) for a, b in matching], out)


def _circle(people: list[str]) -> list[tuple[list[tuple[str, str]], str | None]]:
    """The round-robin rounds of the circle method: (pairs, who sits out) per round."""
    slots: list[str | None] = [*people, None] if len(people) % 2 else list(people)
    n = len(slots)
    rounds = []
    for _ in range(n - 1):
        pairs, out = [], None
        for i in range(n // 2):
            a, b = slots[i], slots[n - 1 - i]
            if a is None or b is None:
                out = b if a is None else a
            else:
                pairs.append((a, b))
        rounds.append((pairs, out))
        slots = [slots[0], slots[-1], *slots[1:-1]]  # keep the first, turn the rest
    return rounds


SEARCH_STEPS = 20_000  # a bound on the backtracking, whatever the group's size


def _matching(
    people: list[str], seen: set[frozenset[str]], budget: list[int]
) -> list[tuple[str, str]] | None:
    """A perfect matching of `people` avoiding `seen` pairs, by bounded backtracking."""
    if not people:
        return []
    first, rest = people[0], people[1:]
    for partner in rest:
        budget[0] -= 1
        if budget[0] < 0:
            return None
        if frozenset((first, partner)) in seen:
            continue
        found = _matching([p for p in rest if p != partner], seen, budget)
        if found is not None:
            return [(first, partner), *found]
    return None


def _roles(
    a: str,
    b: str,
    last_role: Mapping[str, str],
    pair_interviewer: Mapping[frozenset[str], str] | None = None,
) -> Pair:
    """Roles swap: when these two met before, whoever interviewed then is the candidate now;
    otherwise last week's interviewer is the candidate (and the other way round)."""
    before = (pair_interviewer or {}).get(frozenset((a, b)))
    if before in (a, b):
        return Pair(interviewer=b if before == a else a, candidate=before)
    if last_role.get(a) == INTERVIEWER or last_role.get(b) == CANDIDATE:
        return Pair(interviewer=b, candidate=a)
    if last_role.get(b) == INTERVIEWER or last_role.get(a) == CANDIDATE:
        return Pair(interviewer=a, candidate=b)
    return Pair(interviewer=min(a, b), candidate=max(a, b))
