"""The candidate's turns as read so far, remembered per interview, so each answer is read once.

The offline interviewer reads the candidate's whole side of the interview before every reply
(what was named and explained anywhere, the design statements). Reading is per turn: a turn's
sentences, concepts and explanations depend on that turn's text alone (analysis.read_turns and
find_concepts never look across turns), so the reading of turns 1..n is the reading of turns
1..n-1 and of turn n. Blanking collocations is per turn too (no collocation crosses a line
break), so the texts a reading holds are joined from each turn's, each blanked once. Each turn read is a `TurnRead` chained to the turns before it; the chain's
last link (with the concepts of its turn, which only the last answer's reading needs) is
remembered under a digest of every (stage, text) up to it, and the next answer finds it and
reads only its own turn.

`ReadingMemo` keeps a bounded number of chains, least recently used first out, one per
interview (extending a chain forgets the shorter one), and is safe to share between the
reading threads: the links are immutable, and the table is changed under a lock.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Sequence
from dataclasses import dataclass

from interviewer.bank import Concept
from interviewer.core.memo import Remembered
from interviewer.core.stages import Stage
from interviewer.offline.analysis import ConceptHit, find_concepts, read_turns
from interviewer.offline.reasoning import mask_collocations

Compiled = Sequence[tuple[Concept, re.Pattern[str]]]
Mine = Sequence[tuple[int, Stage, str]]  # (turn index, stage, text) of the candidate's turns

READINGS_KEPT = 4096
"""Interviews whose reading is remembered: above the interviews a replica runs at once. One
costs about 7 KB at 40 short answers (a link per turn: its design statements, concept ids)."""


@dataclass(frozen=True, slots=True)
class TurnRead:
    """One candidate turn as read, and the turns before it."""

    before: TurnRead | None
    sentences: int  # the sentences of this turn and every one before it
    named: tuple[str, ...]  # concept ids this turn names
    explained: tuple[str, ...]  # concept ids this turn explains
    designed: str  # this turn's design statements, one a line, collocations blanked ("" if none)
    masked: str | None  # the turn's text with collocations blanked (None: the text unchanged)

    def chain(self) -> list[TurnRead]:
        """Every turn read up to this one, first turn first."""
        links: list[TurnRead] = []
        link: TurnRead | None = self
        while link is not None:
            links.append(link)
            link = link.before
        links.reverse()
        return links


Hits = tuple[ConceptHit, ...]


def read_more(before: TurnRead | None, compiled: Compiled, new: Mine) -> tuple[TurnRead, Hits]:
    """The chain `before` extended by the turns `new` (read together, one link each), and the
    last turn's concepts, numbered among all the turns' sentences."""
    if not new:
        raise ValueError("no turn to read")
    text = read_turns(new)
    sentences = text.sentences
    hits = [h for h in find_concepts(text, compiled) if not sentences[h.sentence].question]
    offset = before.sentences if before is not None else 0
    link = before
    for index, stage, said in new:
        own = [s for s in sentences if s.turn == index]
        found = [h for h in hits if sentences[h.sentence].turn == index]
        statements = [s.text for s in own if not s.question and stage is not Stage.CLARIFY]
        masked = mask_collocations(said)
        link = TurnRead(
            before=link,
            sentences=(link.sentences if link is not None else 0) + len(own),
            named=tuple(dict.fromkeys(h.concept.id for h in found)),
            explained=tuple(dict.fromkeys(h.concept.id for h in found if h.explained)),
            designed=mask_collocations("\n".join(statements)),
            masked=None if masked == said else masked,
        )
    last = tuple(ConceptHit(h.concept, h.sentence + offset, h.start, h.explained) for h in found)
    assert link is not None  # there was a turn to read
    return link, last


def digests(mine: Mine) -> list[bytes]:
    """A digest of the turns up to each one: its stage and text, and every turn's before it."""
    h = hashlib.blake2b(digest_size=16)
    found: list[bytes] = []
    for _, stage, text in mine:
        data = text.encode("utf-8", "surrogatepass")
        h.update(f"\x00{stage.value}\x00{len(data)}\x00".encode())
        h.update(data)
        found.append(h.digest())
    return found


class ReadingMemo:
    """Chains of turns read, by the digest of their turns: at most `kept`, least recent out."""

    def __init__(self, kept: int = READINGS_KEPT) -> None:
        # By the compiled concepts' identity and the digest: the last turn read and its concepts.
        self._links: Remembered[tuple[TurnRead, Hits]] = Remembered(kept)
        self.kept = kept

    def __len__(self) -> int:
        return len(self._links)

    def read(self, compiled: Compiled, mine: Mine) -> tuple[TurnRead, Hits]:
        """The last of these candidate turns read, chained to every turn before it, and its
        concepts: the turns not read before are read now (usually the newest one alone)."""
        marks = digests(mine)
        owners = (compiled,)
        found, start = None, len(mine)
        while start > 0:
            found = self._links.get(owners, marks[start - 1])
            if found is not None:
                break
            start -= 1
        if start == len(mine) and found is not None:
            return found
        last, hits = read_more(found[0] if found else None, compiled, mine[start:])
        if start > 0:  # the shorter chain is this interview's past: keep one per interview
            self._links.forget(owners, marks[start - 1])
        self._links.put(owners, marks[-1], (last, hits))
        return last, hits


READINGS = ReadingMemo()
"""The process's memo: every offline brain's reading threads share it."""
