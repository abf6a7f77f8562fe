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

    def nameable(self, program: Program, image: bytes) -> frozenset[str]:
        """The names that some run of ``program`` could look up."""
        calls = [call.function for call in program.calls]
        if calls.count("options_open") >= _HANDLE_BYTES_PRINTABLE_AFTER:
            return self.all  # a handle number could spell part of a name
        reach = self.reach
        segments = program.segments
        if not segments:
            return self.always
        low = min(s.address for s in segments)
        high = max(s.address + len(s.data) for s in segments)
        if high - low <= _ONE_SPAN:  # the usual layout: one stretch of data, read at once
            windows = image[max(0, low - reach) : high + reach].upper()
        else:
            windows = b"\x00".join(
                image[max(0, s.address - reach) : s.address + len(s.data) + reach]
                for s in segments).upper()
        return self.always.union(name for name, raw in self.encoded if raw in windows)
