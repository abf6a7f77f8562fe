"""X25519 and X448 on pyca/cryptography: raw keys, PKCS#8/SPKI and PEM."""

from __future__ import annotations

from typing import Any, ClassVar

from harness.abi import KeyEncoding
from impls.base import KxAlgorithm, invalid_key, require_length
from impls.cryptography import serialization


class MontgomeryKx(KxAlgorithm):
    """One of cryptography's two Montgomery-curve key types, behind the common interface."""

    private_type: ClassVar[Any]  # x25519.X25519PrivateKey or x448.X448PrivateKey
    public_type: ClassVar[Any]
    probe: ClassVar[bytes]  # a fixed scalar: its product with a low-order point is zero

    def _exchange(self, sk: Any, pk: Any) -> bytes:
        try:
            shared: bytes = sk.exchange(pk)
        except ValueError as exc:  # cryptography's one error here: an all-zero shared secret
            raise invalid_key("low-order public key") from exc
        return shared

    def generate(self, seed: bytes) -> tuple[Any, Any]:
        sk = self.private_type.from_private_bytes(seed)
        return sk.public_key(), sk

    def public_from_secret(self, sk: Any) -> Any:
        return sk.public_key()

    def verify_public(self, pk: Any) -> None:
        self._exchange(self.private_type.from_private_bytes(self.probe), pk)

    def import_public(self, data: bytes, encoding: KeyEncoding) -> Any:
        if encoding is not KeyEncoding.RAW:
            return serialization.load_public(
                data, encoding, lambda k: isinstance(k, self.public_type), self.name
            )
        require_length(data, self.raw_public_length or 0, f"{self.name} public key")
        return self.public_type.from_public_bytes(data)

    def import_secret(self, data: bytes, encoding: KeyEncoding) -> Any:
        if encoding is not KeyEncoding.RAW:
            return serialization.load_private(
                data, encoding, lambda k: isinstance(k, self.private_type), self.name
            )
        require_length(data, self.raw_secret_length or 0, f"{self.name} secret key")
        return self.private_type.from_private_bytes(data)

    def export_public(self, pk: Any, encoding: KeyEncoding) -> bytes:
        if encoding is not KeyEncoding.RAW:
            return serialization.dump_public(pk, encoding)
        raw: bytes = pk.public_bytes_raw()
        return raw

    def export_secret(self, sk: Any, encoding: KeyEncoding) -> bytes:
        if encoding is not KeyEncoding.RAW:
            return serialization.dump_private(sk, encoding)
        raw: bytes = sk.private_bytes_raw()
        return raw

    def dh(self, pk: Any, sk: Any) -> bytes:
        return self._exchange(sk, pk)
