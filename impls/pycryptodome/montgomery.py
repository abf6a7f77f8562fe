"""X25519 and X448 on PyCryptodome (``Crypto.PublicKey.ECC``, ``Crypto.Protocol.DH``).

PyCryptodome refuses low-order u-coordinates when a public key is imported, and an X448
secret scalar whose public key is the identity; it keeps a public key reduced modulo p
(harness/divergences.py lists all three).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import ClassVar

from Crypto.Protocol.DH import import_x448_public_key, import_x25519_public_key
from Crypto.PublicKey import ECC

from harness.abi import KeyEncoding
from impls.base import KxAlgorithm, invalid_key, require_length
from impls.pycryptodome import keys
from impls.x448_common import X448Algorithm
from impls.x25519_common import X25519Algorithm


class MontgomeryKx(KxAlgorithm):
    curve: ClassVar[str]  # PyCryptodome's curve name
    import_point: ClassVar[Callable[[bytes], ECC.EccKey]]

    def _secret(self, seed: bytes) -> ECC.EccKey:
        return ECC.construct(curve=self.curve, seed=seed)

    def generate(self, seed: bytes) -> tuple[ECC.EccKey, ECC.EccKey]:
        sk = self._secret(seed)
        return sk.public_key(), sk

    def public_from_secret(self, sk: ECC.EccKey) -> ECC.EccKey:
        return sk.public_key()

    def verify_public(self, pk: ECC.EccKey) -> None:
        """Import already refused the points of small order."""

    def import_public(self, data: bytes, encoding: KeyEncoding) -> ECC.EccKey:
        if encoding is not KeyEncoding.RAW:
            return keys.load(data, encoding, self.curve, private=False)
        require_length(data, self.raw_public_length or 0, f"{self.name} public key")
        try:
            return type(self).import_point(bytes(data))
        except ValueError as exc:
            raise invalid_key(f"{self.name} public key: {exc}") from exc

    def import_secret(self, data: bytes, encoding: KeyEncoding) -> ECC.EccKey:
        if encoding is not KeyEncoding.RAW:
            return keys.load(data, encoding, self.curve, private=True)
        require_length(data, self.raw_secret_length or 0, f"{self.name} secret key")
        try:
            return self._secret(bytes(data))
        except ValueError as exc:  # an X448 scalar whose public key is the identity
            raise invalid_key(f"{self.name} secret key: {exc}") from exc

    def export_public(self, pk: ECC.EccKey, encoding: KeyEncoding) -> bytes:
        if encoding is not KeyEncoding.RAW:
            return keys.dump(pk, encoding)
        return bytes(pk.export_key(format="raw"))

    def export_secret(self, sk: ECC.EccKey, encoding: KeyEncoding) -> bytes:
        if encoding is not KeyEncoding.RAW:
            return keys.dump(sk, encoding)
        return bytes(sk.seed)

    def dh(self, pk: ECC.EccKey, sk: ECC.EccKey) -> bytes:
        return keys.agree(sk, pk)


class X25519(MontgomeryKx, X25519Algorithm):
    curve = "Curve25519"
    import_point = import_x25519_public_key


class X448(MontgomeryKx, X448Algorithm):
    curve = "Curve448"
    import_point = import_x448_public_key
