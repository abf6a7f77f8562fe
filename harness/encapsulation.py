"""Where the host encapsulates when a backend's library cannot do it reproducibly.

Encapsulation draws coins from the run's seeded stream.  A library that only encapsulates
with its own randomness (``derandomized_encapsulation = False``) would make a run depend on
more than its input bytes, so the host encapsulates to the key with the first backend that
can use the coins, through the raw public key, and the library at hand decapsulates: the
issue's "encapsulate on one backend, decapsulate on every other".  The randomized path of
such a library is exercised by the round-trip tests instead.
"""

from __future__ import annotations

import functools
from collections.abc import Callable

from harness.abi import Errno, KeyEncoding
from harness.errors import CryptoError
from impls import load_all
from impls.base import KxAlgorithm, Material

Encapsulator = Callable[[KxAlgorithm, Material, bytes], tuple[bytes, bytes]]


@functools.cache
def _derandomized(name: str) -> KxAlgorithm | None:
    for backend in load_all():
        alg = backend.find(name)
        if alg is not None and alg.derandomized_encapsulation:
            return alg
    return None


def reference_encapsulate(alg: KxAlgorithm, pk: Material, coins: bytes) -> tuple[bytes, bytes]:
    """(shared secret, ciphertext) for ``pk`` of ``alg``, deterministic in ``coins``."""
    reference = _derandomized(alg.name)
    if reference is None:
        raise CryptoError(Errno.NOT_IMPLEMENTED, f"no derandomized {alg.name} encapsulation")
    raw = alg.export_public(pk, KeyEncoding.RAW)
    return reference.encapsulate(reference.import_public(raw, KeyEncoding.RAW), coins)
