"""ML-KEM-512 on kyber-py.  Keys are kept as bytes: the seed, and the keys derived from it."""

from __future__ import annotations

from dataclasses import dataclass

from kyber_py.ml_kem import ML_KEM_512

from harness.abi import KeyEncoding
from impls.base import invalid_key, require_ciphertext_length, require_length, require_raw
from impls.mlkem_common import ML_KEM_512 as LEVEL
from impls.mlkem_common import MlKemAlgorithm

_PROBE_COINS = bytes(32)


@dataclass(frozen=True)
class Secret:
    seed: bytes
    ek: bytes
    dk: bytes


class MlKem512(MlKemAlgorithm):
    level = LEVEL

    def generate(self, seed: bytes) -> tuple[bytes, Secret]:
        sk = self.import_secret(seed, KeyEncoding.RAW)
        return sk.ek, sk

    def public_from_secret(self, sk: Secret) -> bytes:
        return sk.ek

    def verify_public(self, pk: bytes) -> None:
        """Import already ran FIPS 203's modulus check."""

    def import_public(self, data: bytes, encoding: KeyEncoding) -> bytes:
        require_raw(encoding)
        require_length(data, LEVEL.public_length, "ML-KEM-512 public key")
        # kyber-py checks an encapsulation key (type and modulus check) when it encapsulates.
        try:
            ML_KEM_512._encaps_internal(bytes(data), _PROBE_COINS)
        except ValueError as exc:
            raise invalid_key(f"ML-KEM-512 public key: {exc}") from exc
        return bytes(data)

    def import_secret(self, data: bytes, encoding: KeyEncoding) -> Secret:
        require_raw(encoding)
        require_length(data, self.seed_length, "ML-KEM-512 seed")
        ek, dk = ML_KEM_512.key_derive(bytes(data))
        return Secret(bytes(data), ek, dk)

    def export_public(self, pk: bytes, encoding: KeyEncoding) -> bytes:
        require_raw(encoding)
        return pk

    def export_secret(self, sk: Secret, encoding: KeyEncoding) -> bytes:
        require_raw(encoding)
        return sk.seed

    def encapsulate(self, pk: bytes, coins: bytes) -> tuple[bytes, bytes]:
        shared, ciphertext = ML_KEM_512._encaps_internal(pk, coins)
        return shared, ciphertext

    def decapsulate(self, sk: Secret, ciphertext: bytes) -> bytes:
        require_ciphertext_length(ciphertext, LEVEL.ciphertext_length)
        shared: bytes = ML_KEM_512.decaps(sk.dk, bytes(ciphertext))
        return shared
