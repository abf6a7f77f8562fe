"""X-Wing from cryptography's own ML-KEM-768, X25519, SHAKE256 and SHA3-256.

Like its ML-KEM, encapsulation is randomized only (see impls/cryptography/mlkem.py).
"""

from __future__ import annotations

from dataclasses import dataclass

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import mlkem, x25519

from harness.abi import KeyEncoding
from impls.base import invalid_key, require_ciphertext_length, require_length, require_raw
from impls.mlkem_common import ML_KEM_768
from impls.xwing_common import (
    CIPHERTEXT_LENGTH,
    EXPANDED_LENGTH,
    X25519_LENGTH,
    XWingAlgorithm,
    combiner_input,
    split_public,
)


@dataclass(frozen=True)
class Public:
    encoded: bytes
    mlkem: mlkem.MLKEM768PublicKey
    x25519: x25519.X25519PublicKey


@dataclass(frozen=True)
class Secret:
    seed: bytes
    mlkem: mlkem.MLKEM768PrivateKey
    x25519: x25519.X25519PrivateKey


def _hash(algorithm: hashes.HashAlgorithm, data: bytes) -> bytes:
    digest = hashes.Hash(algorithm)
    digest.update(data)
    return digest.finalize()


def _x25519(sk: x25519.X25519PrivateKey, pk: x25519.X25519PublicKey) -> bytes:
    try:
        return sk.exchange(pk)
    except ValueError:  # an all-zero result, which X-Wing does not reject
        return bytes(X25519_LENGTH)


class XWing(XWingAlgorithm):
    derandomized_encapsulation = False

    def generate(self, seed: bytes) -> tuple[Public, Secret]:
        sk = self.import_secret(seed, KeyEncoding.RAW)
        return self.public_from_secret(sk), sk

    def public_from_secret(self, sk: Secret) -> Public:
        pk_m, pk_x = sk.mlkem.public_key(), sk.x25519.public_key()
        return Public(pk_m.public_bytes_raw() + pk_x.public_bytes_raw(), pk_m, pk_x)

    def verify_public(self, pk: Public) -> None:
        """Import ran ML-KEM's modulus check; X-Wing checks nothing about the X25519 part."""

    def import_public(self, data: bytes, encoding: KeyEncoding) -> Public:
        require_raw(encoding)
        pk_m, pk_x = split_public(data)
        try:
            mlkem_key = mlkem.MLKEM768PublicKey.from_public_bytes(pk_m)
        except ValueError as exc:
            raise invalid_key(f"X-Wing ML-KEM-768 key: {exc}") from exc
        return Public(bytes(data), mlkem_key, x25519.X25519PublicKey.from_public_bytes(pk_x))

    def import_secret(self, data: bytes, encoding: KeyEncoding) -> Secret:
        require_raw(encoding)
        require_length(data, self.seed_length, "X-Wing seed")
        expanded = _hash(hashes.SHAKE256(EXPANDED_LENGTH), data)
        return Secret(
            bytes(data),
            mlkem.MLKEM768PrivateKey.from_seed_bytes(expanded[:64]),
            x25519.X25519PrivateKey.from_private_bytes(expanded[64:]),
        )

    def export_public(self, pk: Public, encoding: KeyEncoding) -> bytes:
        require_raw(encoding)
        return pk.encoded

    def export_secret(self, sk: Secret, encoding: KeyEncoding) -> bytes:
        require_raw(encoding)
        return sk.seed

    def _combine(self, ss_m: bytes, ss_x: bytes, ct_x: bytes, pk_x: bytes) -> bytes:
        return _hash(hashes.SHA3_256(), combiner_input(ss_m, ss_x, ct_x, pk_x))

    def encapsulate(self, pk: Public, coins: bytes) -> tuple[bytes, bytes]:
        """Randomized: cryptography's ML-KEM cannot use ``coins``."""
        ss_m, ct_m = pk.mlkem.encapsulate()
        ephemeral = x25519.X25519PrivateKey.generate()
        ct_x = ephemeral.public_key().public_bytes_raw()
        ss_x = _x25519(ephemeral, pk.x25519)
        pk_x = pk.x25519.public_bytes_raw()
        return self._combine(ss_m, ss_x, ct_x, pk_x), ct_m + ct_x

    def decapsulate(self, sk: Secret, ciphertext: bytes) -> bytes:
        require_ciphertext_length(ciphertext, CIPHERTEXT_LENGTH)
        ct_m, ct_x = ciphertext[: ML_KEM_768.ciphertext_length], ciphertext[-X25519_LENGTH:]
        ss_m = sk.mlkem.decapsulate(ct_m)
        ss_x = _x25519(sk.x25519, x25519.X25519PublicKey.from_public_bytes(ct_x))
        pk_x = sk.x25519.public_key().public_bytes_raw()
        return self._combine(ss_m, ss_x, ct_x, pk_x)
