"""Injectable entropy: with a seed, every draw is reproducible bit for bit.

Backends never draw randomness themselves: the host draws seed bytes here and hands them over,
so every backend derives the same keys from the same bytes.
"""

from __future__ import annotations

import functools
import hashlib
import os
from typing import Protocol


class Entropy(Protocol):
    def draw(self, n: int) -> bytes: ...

    def copy(self) -> Entropy:
        """A stream that goes on from here independently (a continued run's)."""
        ...


class SeededEntropy:
    """A SHAKE256 stream keyed by the seed: draw i is SHAKE256(seed || i)[:n]."""

    def __init__(self, seed: bytes = b"") -> None:
        self.seed = bytes(seed)
        self._counter = 0

    def draw(self, n: int) -> bytes:
        block = _shake(self.seed, self._counter, n)
        self._counter += 1
        return block

    def copy(self) -> SeededEntropy:
        stream = SeededEntropy.__new__(SeededEntropy)
        stream.seed, stream._counter = self.seed, self._counter
        return stream


# Every run starts its stream afresh from the same seed, so the same few draws recur in every
# input (a target's set-up key pair on every backend): remembered rather than rehashed.
@functools.lru_cache(maxsize=1024)
def _shake(seed: bytes, counter: int, n: int) -> bytes:
    return hashlib.shake_256(seed + counter.to_bytes(8, "little")).digest(n)


class SystemEntropy:
    """The operating system's CSPRNG, for users who want real keys."""

    def draw(self, n: int) -> bytes:
        return os.urandom(n)

    def copy(self) -> SystemEntropy:
        return self
