"""Facts about X448 (RFC 7748) that do not depend on a library."""

from __future__ import annotations

from typing import ClassVar

from impls.base import KxAlgorithm, Mechanism

KEY_LENGTH = 56
P = 2**448 - 2**224 - 1


def canonical_u(encoded: bytes) -> bytes:
    """The u-coordinate as RFC 7748 decodes it: reduced modulo p."""
    return (int.from_bytes(encoded, "little") % P).to_bytes(KEY_LENGTH, "little")

# RFC 7748 section 6.2.
ALICE_SK = bytes.fromhex(
    "9a8f4925d1519f5775cf46b04b5800d4ee9ee8bae8bc5565d498c28dd9c9baf574a9419744897391006382a6f127ab1d9ac2d8c0a598726b"
)
ALICE_PK = bytes.fromhex(
    "9b08f7cc31b7e3e67d22d5aea121074a273bd2b83de09c63faa73d2c22c5d9bbc836647241d953d40c5b12da88120d53177f80e532c41fa0"
)
BOB_SK = bytes.fromhex(
    "1c306a7ac2a0e2e0990b294470cba339e6453772b075811d8fad0d1d6927c120bb5ee8972b0d3e21374c9c921b09d1b0366f10b65173992d"
)
BOB_PK = bytes.fromhex(
    "3eb7a829b0cd20f5bcfc0b599b6feccf6da4627107bdb0d4f345b43027d8b972fc3e34fb4232a13ca706dcb57aec3dae07bdc1c67bf33609"
)
SHARED = bytes.fromhex(
    "07fff4181ac6cc95ec1c16a94a0f74d12da232ce40a77552281d282bb60c0b56fd2464c335543936521c24403085d59a449a5037514a879d"
)

# The order of the prime subgroup (RFC 7748 section 4.2).
ORDER = 2**446 - 13818066809895115352007386748515426880336692474882178609894547503885


def clamped(scalar: bytes) -> int:
    """A secret scalar as RFC 7748 decodes it: the two low bits cleared, the top bit set."""
    return (int.from_bytes(scalar, "little") & ~3 & ((1 << 448) - 1)) | (1 << 447)


def weak_secret(scalar: bytes) -> bool:
    """Whether the scalar clamps to a multiple of the order, so that its public key is u = 0.
    Unlike X25519's (which lie between 2**254 and 8 times the order), one clamped X448 scalar
    is: WEAK_SECRET, 4 times the order."""
    return clamped(scalar) % ORDER == 0


WEAK_SECRET = (4 * ORDER).to_bytes(KEY_LENGTH, "little")


# A fixed scalar for public-key validation: clamped, so a multiple of 4, and the product
# with a point of small order is zero.
PROBE_SCALAR = bytes([0x5C] + [0x5A] * 54 + [0xC5])

# u-coordinates of small order (0, 1, p-1) and non-canonical forms of them (p, p+1).
LOW_ORDER = tuple(u.to_bytes(KEY_LENGTH, "little") for u in (0, 1, P - 1, P, P + 1))


class X448Algorithm(KxAlgorithm):
    name = "X448"
    mechanism: ClassVar = Mechanism.DH
    seed_length = KEY_LENGTH
    raw_public_length = KEY_LENGTH
    raw_secret_length = KEY_LENGTH
    canonical_public = staticmethod(canonical_u)
