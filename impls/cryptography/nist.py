"""ECDH on P-256 and P-384 with pyca/cryptography: the shared secret is the x-coordinate."""

from __future__ import annotations

from typing import Any, ClassVar

from cryptography.hazmat.primitives import serialization as ser
from cryptography.hazmat.primitives.asymmetric import ec

from harness.abi import KeyEncoding
from impls.base import invalid_key, unsupported_encoding
from impls.cryptography import serialization
from impls.nist_common import (
    P256,
    P384,
    NistAlgorithm,
    scalar_from_bytes,
    scalar_from_seed,
    scalar_to_bytes,
)

_POINT_FORMS = {
    KeyEncoding.SEC: ser.PublicFormat.UncompressedPoint,
    KeyEncoding.COMPRESSED_SEC: ser.PublicFormat.CompressedPoint,
}
_SCALAR_FORMS = (KeyEncoding.RAW, KeyEncoding.SEC, KeyEncoding.COMPRESSED_SEC)


class NistKx(NistAlgorithm):
    ec_curve: ClassVar[ec.EllipticCurve]
    raw_keypair_is_concatenation = False

    def _ours(self, key: Any) -> bool:
        return isinstance(key, ec.EllipticCurvePublicKey | ec.EllipticCurvePrivateKey) and (
            key.curve.name == self.ec_curve.name
        )

    def _secret(self, scalar: int) -> ec.EllipticCurvePrivateKey:
        return ec.derive_private_key(scalar, self.ec_curve)

    def generate(self, seed: bytes) -> tuple[Any, Any]:
        sk = self._secret(scalar_from_seed(self.curve, seed))
        return sk.public_key(), sk

    def public_from_secret(self, sk: ec.EllipticCurvePrivateKey) -> ec.EllipticCurvePublicKey:
        return sk.public_key()

    def verify_public(self, pk: ec.EllipticCurvePublicKey) -> None:
        """Import already checked that the point is on the curve and not at infinity."""

    def import_public(self, data: bytes, encoding: KeyEncoding) -> ec.EllipticCurvePublicKey:
        if encoding in _POINT_FORMS:  # either point form is accepted
            try:
                return ec.EllipticCurvePublicKey.from_encoded_point(self.ec_curve, data)
            except ValueError as exc:
                raise invalid_key(f"{self.name} point: {exc}") from exc
        key: ec.EllipticCurvePublicKey = serialization.load_public(
            data, encoding, self._ours, self.name
        )
        return key

    def import_secret(self, data: bytes, encoding: KeyEncoding) -> ec.EllipticCurvePrivateKey:
        if encoding in _SCALAR_FORMS:
            return self._secret(scalar_from_bytes(self.curve, data))
        key: ec.EllipticCurvePrivateKey = serialization.load_private(
            data, encoding, self._ours, self.name
        )
        return key

    def export_public(self, pk: ec.EllipticCurvePublicKey, encoding: KeyEncoding) -> bytes:
        if encoding in _POINT_FORMS:
            return pk.public_bytes(ser.Encoding.X962, _POINT_FORMS[encoding])
        if encoding is KeyEncoding.RAW:
            raise unsupported_encoding(encoding)
        return serialization.dump_public(pk, encoding)

    def export_secret(self, sk: ec.EllipticCurvePrivateKey, encoding: KeyEncoding) -> bytes:
        if encoding in _SCALAR_FORMS:
            return scalar_to_bytes(self.curve, sk.private_numbers().private_value)
        return serialization.dump_private(sk, encoding)

    def dh(self, pk: ec.EllipticCurvePublicKey, sk: ec.EllipticCurvePrivateKey) -> bytes:
        return sk.exchange(ec.ECDH(), pk)


class P256Sha256(NistKx):
    curve = P256
    ec_curve = ec.SECP256R1()


class P384Sha384(NistKx):
    curve = P384
    ec_curve = ec.SECP384R1()
