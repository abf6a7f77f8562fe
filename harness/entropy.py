"""Injectable entropy: with a seed, every draw is reproducible bit for bit.

Backends never draw randomness themselves: the host draws seed bytes here and hands them over,
so every backend derives the same keys from the same bytes.
"""

from __future__ import annotations

import hashlib
import os
from typing import Protocol


class Entropy(Protocol):
    def draw(self, n: int) -> bytes: ...


class SeededEntropy:
    """A SHAKE256 stream keyed by the seed: draw i is SHAKE256(seed || i)[:n]."""

    def __init__(self, seed: bytes = b"") -> None:
        self.seed = bytes(seed)
        self._counter = 0

    def draw(self, n: int) -> bytes:
        block = hashlib.shake_256(self.seed + self._counter.to_bytes(8, "little")).digest(n)
        self._counter += 1
        return block


class SystemEntropy:
    """The operating system's CSPRNG, for users who want real keys."""

    def draw(self, n: int) -> bytes:
        return os.urandom(n)
