"""Facts about X-Wing (draft-connolly-cfrg-xwing-kem, final form) that do not depend on a library.

Secret key: the 32-byte seed; SHAKE256(seed, 96) gives the ML-KEM-768 seed (64 bytes) and the
X25519 secret (32).  pk = pk_M || pk_X, ct = ct_M || ct_X, and the shared secret is
SHA3-256(ss_M || ss_X || ct_X || pk_X || label).  X-Wing itself checks no X25519 point: a
low-order ct_X or pk_X gives an all-zero ss_X, which goes into the combiner like any other.
"""

from __future__ import annotations

from typing import ClassVar

from impls.base import KxAlgorithm, Mechanism, require_length
from impls.mlkem_common import ML_KEM_768

LABEL = bytes.fromhex("5c2e2f2f5e5c")  # the ASCII art \.//^\
SEED_LENGTH = 32
EXPANDED_LENGTH = 96
X25519_LENGTH = 32
PUBLIC_LENGTH = ML_KEM_768.public_length + X25519_LENGTH
CIPHERTEXT_LENGTH = ML_KEM_768.ciphertext_length + X25519_LENGTH
COINS_LENGTH = 64  # ML-KEM-768 coins (32) || ephemeral X25519 secret (32)


def split_public(pk: bytes) -> tuple[bytes, bytes]:
    require_length(pk, PUBLIC_LENGTH, "X-Wing public key")
    return pk[: ML_KEM_768.public_length], pk[ML_KEM_768.public_length :]


def combiner_input(ss_m: bytes, ss_x: bytes, ct_x: bytes, pk_x: bytes) -> bytes:
    """What SHA3-256 hashes into the shared secret."""
    return ss_m + ss_x + ct_x + pk_x + LABEL


class XWingAlgorithm(KxAlgorithm):
    name = "X-WING"
    mechanism: ClassVar = Mechanism.KEM
    seed_length = SEED_LENGTH
    coins_length = COINS_LENGTH
    raw_public_length = PUBLIC_LENGTH
    raw_secret_length = SEED_LENGTH
