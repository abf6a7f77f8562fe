"""X-Wing on PyCryptodome's ML-KEM-768 + X25519 hybrid (``Crypto.PublicKey.Hybrid``).

Its constructor and ``_encaps``/``_decaps`` are private (hybrid keys are public only through
HPKE), hence the pinned release.  Unlike X-Wing, it refuses a low-order X25519 point in a
public key or a ciphertext (harness/divergences.py).
"""

from __future__ import annotations

from Crypto.PublicKey import Hybrid

from harness.abi import Errno, KeyEncoding
from harness.errors import CryptoError
from impls.base import invalid_key, require_ciphertext_length, require_length, require_raw
from impls.xwing_common import CIPHERTEXT_LENGTH, PUBLIC_LENGTH, XWingAlgorithm

_PARAMS = Hybrid.MLKEM768_X25519


class XWing(XWingAlgorithm):
    def generate(self, seed: bytes) -> tuple[Hybrid.HybridKey, Hybrid.HybridKey]:
        sk = self.import_secret(seed, KeyEncoding.RAW)
        return sk.public_key(), sk

    def public_from_secret(self, sk: Hybrid.HybridKey) -> Hybrid.HybridKey:
        return sk.public_key()

    def verify_public(self, pk: Hybrid.HybridKey) -> None:
        """Import already checked both parts."""

    def import_public(self, data: bytes, encoding: KeyEncoding) -> Hybrid.HybridKey:
        require_raw(encoding)
        require_length(data, PUBLIC_LENGTH, "X-Wing public key")
        try:
            return Hybrid._construct(param_set=_PARAMS, pk=bytes(data))
        except ValueError as exc:
            raise invalid_key(f"X-Wing public key: {exc}") from exc

    def import_secret(self, data: bytes, encoding: KeyEncoding) -> Hybrid.HybridKey:
        require_raw(encoding)
        require_length(data, self.seed_length, "X-Wing seed")
        return Hybrid._construct(param_set=_PARAMS, seed=bytes(data))

    def export_public(self, pk: Hybrid.HybridKey, encoding: KeyEncoding) -> bytes:
        require_raw(encoding)
        return pk._pk

    def export_secret(self, sk: Hybrid.HybridKey, encoding: KeyEncoding) -> bytes:
        require_raw(encoding)
        seed = sk._seed
        assert seed is not None
        return seed

    def encapsulate(self, pk: Hybrid.HybridKey, coins: bytes) -> tuple[bytes, bytes]:
        return pk._encaps(coins)

    def decapsulate(self, sk: Hybrid.HybridKey, ciphertext: bytes) -> bytes:
        require_ciphertext_length(ciphertext, CIPHERTEXT_LENGTH)
        try:
            return sk._decaps(bytes(ciphertext))
        except ValueError as exc:  # a low-order X25519 point in the ciphertext
            raise CryptoError(Errno.VERIFICATION_FAILED, f"X-Wing: {exc}") from exc
