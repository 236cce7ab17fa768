"""A bounded, thread-safe memo of work already done, keyed by the objects it was done on.

The offline interviewer and grader remember readings across calls (an interview's turns read so
far, a clarifying question's answers, a transcript's wrong claims). Each entry is found by the
identity of the objects it was computed from (a problem, a bank's compiled concepts, a
transcript; immutable, and kept alive by the entry so their ids are not reused) and a digest of
the rest; at most `kept` entries, the least recently used out first.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Hashable, Sequence
from typing import Generic, TypeVar

V = TypeVar("V")

_Key = tuple[tuple[int, ...], Hashable]


class Remembered(Generic[V]):
    """Values by (the identity of their owners, a key): at most `kept`, least recent out."""

    def __init__(self, kept: int) -> None:
        if kept < 1:
            raise ValueError("a memo keeps at least one entry")
        self.kept = kept
        self._lock = threading.Lock()
        self._entries: OrderedDict[_Key, tuple[tuple[object, ...], V]] = OrderedDict()

    def __len__(self) -> int:
        return len(self._entries)

    @staticmethod
    def _key(owners: Sequence[object], key: Hashable) -> _Key:
        return tuple(id(o) for o in owners), key

    def get(self, owners: Sequence[object], key: Hashable = None) -> V | None:
        """The value remembered for these very objects and key, or None."""
        k = self._key(owners, key)
        with self._lock:
            found = self._entries.get(k)
            if found is None or any(a is not b for a, b in zip(found[0], owners, strict=True)):
                return None
            self._entries.move_to_end(k)
            return found[1]

    def put(self, owners: Sequence[object], key: Hashable, value: V) -> None:
        """Remember a value (the owners are kept with it), forgetting the least recent past
        `kept`."""
        k = self._key(owners, key)
        with self._lock:
            self._entries[k] = (tuple(owners), value)
            self._entries.move_to_end(k)
            while len(self._entries) > self.kept:
                self._entries.popitem(last=False)

    def forget(self, owners: Sequence[object], key: Hashable = None) -> None:
        """Drop one entry, if it is there."""
        with self._lock:
            self._entries.pop(self._key(owners, key), None)
