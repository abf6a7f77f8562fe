"""ML-KEM-768 and ML-KEM-1024 on pyca/cryptography (it has no ML-KEM-512).

cryptography encapsulates only with its own randomness, so ``derandomized_encapsulation`` is
False: the host encapsulates to these keys elsewhere and cryptography decapsulates; the
randomized path is exercised by the round-trip tests.
"""

from __future__ import annotations

from typing import Any, ClassVar

from cryptography.hazmat.primitives.asymmetric import mlkem

from harness.abi import KeyEncoding
from impls.base import invalid_key, require_ciphertext_length, require_length, require_raw
from impls.mlkem_common import ML_KEM_768, ML_KEM_1024, MlKemAlgorithm


class MlKemKx(MlKemAlgorithm):
    private_type: ClassVar[Any]
    public_type: ClassVar[Any]
    derandomized_encapsulation = False

    def generate(self, seed: bytes) -> tuple[Any, Any]:
        sk = self.private_type.from_seed_bytes(seed)
        return sk.public_key(), sk

    def public_from_secret(self, sk: Any) -> Any:
        return sk.public_key()

    def verify_public(self, pk: Any) -> None:
        """Import already ran FIPS 203's modulus check."""

    def import_public(self, data: bytes, encoding: KeyEncoding) -> Any:
        require_raw(encoding)
        require_length(data, self.level.public_length, f"{self.name} public key")
        try:
            return self.public_type.from_public_bytes(data)
        except ValueError as exc:
            raise invalid_key(f"{self.name} public key: {exc}") from exc

    def import_secret(self, data: bytes, encoding: KeyEncoding) -> Any:
        require_raw(encoding)
        require_length(data, self.seed_length, f"{self.name} seed")
        return self.private_type.from_seed_bytes(data)

    def export_public(self, pk: Any, encoding: KeyEncoding) -> bytes:
        require_raw(encoding)
        raw: bytes = pk.public_bytes_raw()
        return raw

    def export_secret(self, sk: Any, encoding: KeyEncoding) -> bytes:
        require_raw(encoding)
        raw: bytes = sk.private_bytes_raw()
        return raw

    def encapsulate(self, pk: Any, coins: bytes) -> tuple[bytes, bytes]:
        """Randomized: ``coins`` cannot be used (see the module's note)."""
        shared, ciphertext = pk.encapsulate()
        return shared, ciphertext

    def decapsulate(self, sk: Any, ciphertext: bytes) -> bytes:
        require_ciphertext_length(ciphertext, self.level.ciphertext_length)
        shared: bytes = sk.decapsulate(ciphertext)
        return shared


class MlKem768(MlKemKx):
    level = ML_KEM_768
    private_type = mlkem.MLKEM768PrivateKey
    public_type = mlkem.MLKEM768PublicKey


class MlKem1024(MlKemKx):
    level = ML_KEM_1024
    private_type = mlkem.MLKEM1024PrivateKey
    public_type = mlkem.MLKEM1024PublicKey
