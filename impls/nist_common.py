"""Facts about the NIST curves P-256 and P-384 (ECDH) that do not depend on a library.

The shared secret of ``P256-SHA256`` and ``P384-SHA384`` is the raw x-coordinate of the shared
point, big-endian, of the field's length (32 and 48 bytes), as in the one existing host that
implements them; the hash in the names is left to the guest (README "Algorithms").
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from impls.base import KxAlgorithm, Mechanism, invalid_key, require_length

_EXTRA_SEED = 8  # bytes beyond the field size, so the scalar's bias is negligible


@dataclass(frozen=True)
class Curve:
    name: str  # the algorithm name
    order: int
    size: int  # bytes of a field element or scalar


P256 = Curve(
    "P256-SHA256",
    0xFFFFFFFF00000000FFFFFFFFFFFFFFFFBCE6FAADA7179E84F3B9CAC2FC632551,
    32,
)
P384 = Curve(
    "P384-SHA384",
    0xFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFC7634D81F4372DDF581A0DB248B0A77AECEC196ACCC52973,
    48,
)


def scalar_from_seed(curve: Curve, seed: bytes) -> int:
    """A scalar in [1, n-1] from ``size + 8`` seed bytes (FIPS 186-5, A.2.1)."""
    return int.from_bytes(seed, "big") % (curve.order - 1) + 1


def scalar_from_bytes(curve: Curve, data: bytes) -> int:
    """The raw (and SEC-1) secret key: a big-endian scalar of the field's length in [1, n-1]."""
    require_length(data, curve.size, f"{curve.name} secret scalar")
    scalar = int.from_bytes(data, "big")
    if not 0 < scalar < curve.order:
        raise invalid_key(f"{curve.name} secret scalar out of range")
    return scalar


def scalar_to_bytes(curve: Curve, scalar: int) -> bytes:
    return scalar.to_bytes(curve.size, "big")


class NistAlgorithm(KxAlgorithm):
    """What every library's P-256/P-384 ECDH shares: sizes and the scalar derivation."""

    curve: ClassVar[Curve]
    mechanism: ClassVar = Mechanism.DH

    def __init_subclass__(cls, **kwargs: object) -> None:
        super().__init_subclass__(**kwargs)
        if "curve" in cls.__dict__:
            cls.name = cls.curve.name
            cls.seed_length = cls.curve.size + _EXTRA_SEED
