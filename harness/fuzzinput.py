"""Fuzz input bytes, read front to back (and written back the same way, for seeds).

Running out of bytes is not an error: :class:`Exhausted` tells the decoder to stop there.
"""

from __future__ import annotations

import struct

MAX_BLOB = 4096


class Exhausted(Exception):
    """The input ended."""


class Reader:
    def __init__(self, data: bytes) -> None:
        self.data = data
        self.pos = 0

    def take(self, n: int) -> bytes:
        if self.pos + n > len(self.data):
            raise Exhausted
        chunk = self.data[self.pos : self.pos + n]
        self.pos += n
        return chunk

    def u8(self) -> int:
        pos = self.pos  # the commonest read: no slice
        if pos >= len(self.data):
            raise Exhausted
        self.pos = pos + 1
        return self.data[pos]

    def next_of(self, wanted: frozenset[int]) -> int:
        """The next byte that is in ``wanted``; the bytes before it are skipped."""
        data = self.data
        for pos in range(self.pos, len(data)):
            if data[pos] in wanted:
                self.pos = pos + 1
                return data[pos]
        self.pos = len(data)
        raise Exhausted

    def unpack(self, fixed: struct.Struct) -> tuple[int, ...]:
        """Several fixed-size fields at once (one struct per run of them: the hot path)."""
        pos = self.pos
        if pos + fixed.size > len(self.data):
            raise Exhausted
        self.pos = pos + fixed.size
        return fixed.unpack_from(self.data, pos)

    def blob(self) -> bytes:
        length = int.from_bytes(self.take(2), "little") % (MAX_BLOB + 1)
        return self.take(length)


class Writer:
    def __init__(self) -> None:
        self.parts: list[bytes] = []

    def u8(self, value: int) -> None:
        self.parts.append(bytes([value & 0xFF]))

    def u32(self, value: int) -> None:
        self.parts.append((value & 0xFFFF_FFFF).to_bytes(4, "little"))

    def blob(self, data: bytes) -> None:
        if len(data) > MAX_BLOB:
            raise ValueError(f"blob of {len(data)} bytes; at most {MAX_BLOB}")
        self.parts.append(len(data).to_bytes(2, "little") + data)

    def getvalue(self) -> bytes:
        return b"".join(self.parts)
