"""ML-KEM-512/768/1024 on PyCryptodome.

Encapsulation and decapsulation are public only through its HPKE; the key objects' private
``_encaps`` (derandomized: it takes the coins) and ``_decaps`` are used directly, which is why
pyproject.toml pins the PyCryptodome release.
"""

from __future__ import annotations

from typing import ClassVar

from Crypto.PublicKey import MLKEM

from harness.abi import KeyEncoding
from impls.base import invalid_key, require_ciphertext_length, require_length, require_raw
from impls.mlkem_common import ML_KEM_512, ML_KEM_768, ML_KEM_1024, MlKemAlgorithm


class MlKemKx(MlKemAlgorithm):
    param_set: ClassVar[MLKEM.ParamSet]

    def generate(self, seed: bytes) -> tuple[MLKEM.MLKEMKey, MLKEM.MLKEMKey]:
        sk = self.import_secret(seed, KeyEncoding.RAW)
        return sk.public_key(), sk

    def public_from_secret(self, sk: MLKEM.MLKEMKey) -> MLKEM.MLKEMKey:
        return sk.public_key()

    def verify_public(self, pk: MLKEM.MLKEMKey) -> None:
        """Import already ran FIPS 203's modulus check."""

    def import_public(self, data: bytes, encoding: KeyEncoding) -> MLKEM.MLKEMKey:
        require_raw(encoding)
        require_length(data, self.level.public_length, f"{self.name} public key")
        try:
            return MLKEM.construct(param_set=self.param_set, ek=bytes(data))
        except ValueError as exc:
            raise invalid_key(f"{self.name} public key: {exc}") from exc

    def import_secret(self, data: bytes, encoding: KeyEncoding) -> MLKEM.MLKEMKey:
        require_raw(encoding)
        require_length(data, self.seed_length, f"{self.name} seed")
        return MLKEM.construct(param_set=self.param_set, seed=bytes(data))

    def export_public(self, pk: MLKEM.MLKEMKey, encoding: KeyEncoding) -> bytes:
        require_raw(encoding)
        return pk.ek

    def export_secret(self, sk: MLKEM.MLKEMKey, encoding: KeyEncoding) -> bytes:
        require_raw(encoding)
        return sk.seed

    def encapsulate(self, pk: MLKEM.MLKEMKey, coins: bytes) -> tuple[bytes, bytes]:
        return pk._encaps(coins)

    def decapsulate(self, sk: MLKEM.MLKEMKey, ciphertext: bytes) -> bytes:
        require_ciphertext_length(ciphertext, self.level.ciphertext_length)
        return sk._decaps(bytes(ciphertext))


class MlKem512(MlKemKx):
    level = ML_KEM_512
    param_set = MLKEM.ML_KEM_512


class MlKem768(MlKemKx):
    level = ML_KEM_768
    param_set = MLKEM.ML_KEM_768


class MlKem1024(MlKemKx):
    level = ML_KEM_1024
    param_set = MLKEM.ML_KEM_1024
