"""Which algorithms a program can name: a sound over-approximation, read off its memory image.

A backend is only reached through an algorithm lookup that succeeds (every key, and so every
handle that leads to backend code, starts there), and a lookup only succeeds on the exact name,
ASCII, in any case, read from guest memory.  A run's memory is the program's image plus what
the host writes; until a backend finds an algorithm, the only writes it can make are
``options_open``'s handle numbers, whose bytes are all below 0x20 while fewer than 0x20
options have been opened, so they can never be part of a name (every name is printable).  So a
name that occurs nowhere in the image, in any case, cannot be looked up in any run of the
program, on any backend.  Every non-zero byte of the image lies in a segment, so only the
segments (widened by one name's length) need to be searched.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from harness.program import Program

_PRINTABLE = range(0x20, 0x7F)
_HANDLE_BYTES_PRINTABLE_AFTER = 0x20  # options handles: [counter, 0, 0, kind=1], counter < 0x20
_ONE_SPAN = 8192  # data spread wider than this is searched segment by segment


class Names:
    """The algorithm names (upper case) of a capability table, to look for in programs."""

    def __init__(self, names: Iterable[str]) -> None:
        self.all = frozenset(names)
        self.encoded = tuple((name, name.encode()) for name in sorted(self.all))
        # the argument above needs printable names; any other name is always nameable
        self.always = frozenset(name for name, raw in self.encoded
                                if any(ch not in _PRINTABLE for ch in raw))
        self.reach = max((len(raw) for _, raw in self.encoded), default=1) - 1
        by_bytes = {raw: name for name, raw in self.encoded}
        # One scan finds every occurrence when no two names can overlap (then no match can
        # hide another); otherwise each name is looked for on its own.
        self._scan = re.compile(b"|".join(re.escape(raw) for raw in sorted(
            by_bytes, key=len, reverse=True))) if by_bytes and not _can_overlap(
                list(by_bytes)) else None
        self._by_bytes = by_bytes

    def nameable(self, program: Program, image: bytes,
                 span: tuple[int, int] | None = None) -> frozenset[str]:
        """The names that some run of ``program`` could look up.  ``span``: the addresses
        its segments cover, [low, high), when the caller knows them."""
        calls = [call.function for call in program.calls]
        if calls.count("options_open") >= _HANDLE_BYTES_PRINTABLE_AFTER:
            return self.all  # a handle number could spell part of a name
        segments = program.segments
        if not segments:
            return self.always
        low, high = span if span is not None else (
            min(s.address for s in segments), max(s.address + len(s.data) for s in segments))
        reach = self.reach
        if high - low <= _ONE_SPAN:  # the usual layout: one stretch of data, read at once
            windows = image[max(0, low - reach) : high + reach].upper()
        else:
            windows = b"\x00".join(
                image[max(0, s.address - reach) : s.address + len(s.data) + reach]
                for s in segments).upper()
        if self._scan is not None:
            return self.always.union(self._by_bytes[raw] for raw in self._scan.findall(windows))
        return self.always.union(name for name, raw in self.encoded if raw in windows)


def _can_overlap(names: list[bytes]) -> bool:
    """Whether an occurrence of one name can share bytes with an occurrence of another."""
    return any(
        a != b and (b in a or any(a.endswith(b[:k]) for k in range(1, min(len(a), len(b)))))
        for a in names for b in names)
