"""Facts about X25519 (RFC 7748) that do not depend on a library."""

from __future__ import annotations

from typing import ClassVar

from impls.base import KxAlgorithm, Mechanism

KEY_LENGTH = 32
P = 2**255 - 19


def canonical_u(encoded: bytes) -> bytes:
    """The u-coordinate as RFC 7748 decodes it: bit 255 masked, reduced modulo p."""
    value = int.from_bytes(encoded, "little") & ((1 << 255) - 1)
    return (value % P).to_bytes(KEY_LENGTH, "little")

# A fixed scalar for public-key validation.  Clamped scalars are multiples of 8 and below
# 8 * (order of the prime subgroup), so the product is the identity (an all-zero output)
# exactly for points of small order: the points publickey_verify and kx_dh must reject.
PROBE_SCALAR = bytes([0x58] + [0x5A] * 30 + [0x45])

# RFC 7748 section 6.1.
ALICE_SK = bytes.fromhex("77076d0a7318a57d3c16c17251b26645df4c2f87ebc0992ab177fba51db92c2a")
ALICE_PK = bytes.fromhex("8520f0098930a754748b7ddcb43ef75a0dbf3a0d26381af4eba4a98eaa9b4e6a")
BOB_SK = bytes.fromhex("5dab087e624a8a4b79e17f8b83800ee66f3bb1292618b6fd1c2f8b27ff88e0eb")
BOB_PK = bytes.fromhex("de9edb7d7b7dc1b4d35b61c2ece435373f8343c85b78674dadfc7e146f882b4f")
SHARED = bytes.fromhex("4a5d9d5ba4ce2de1728e3bf480350f25e07e21c947d19e3376f09b3c1e161742")

# u-coordinates of small order and their non-canonical forms, as libsodium blocks them:
# 0, 1, two points of order 8, p-1, p, p+1.
LOW_ORDER = (
    bytes(32),
    (1).to_bytes(32, "little"),
    bytes.fromhex("e0eb7a7c3b41b8ae1656e3faf19fc46ada098deb9c32b1fd866205165f49b800"),
    bytes.fromhex("5f9c95bca3508c24b1d0b1559c83ef5b04445cc4581c8e86d8224eddd09f1157"),
    bytes.fromhex("ecffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f"),
    bytes.fromhex("edffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f"),
    bytes.fromhex("eeffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f"),
)


class X25519Algorithm(KxAlgorithm):
    """What every library's X25519 shares: its name and sizes."""

    name = "X25519"
    mechanism: ClassVar = Mechanism.DH
    seed_length = KEY_LENGTH
    raw_public_length = KEY_LENGTH
    raw_secret_length = KEY_LENGTH
    canonical_public = staticmethod(canonical_u)
