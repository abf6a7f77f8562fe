"""ECDH on P-256 and P-384 with PyCryptodome: the shared secret is the x-coordinate."""

from __future__ import annotations

from typing import ClassVar

from Crypto.PublicKey import ECC

from harness.abi import KeyEncoding
from impls.base import invalid_key, unsupported_encoding
from impls.nist_common import (
    P256,
    P384,
    NistAlgorithm,
    scalar_from_bytes,
    scalar_from_seed,
    scalar_to_bytes,
)
from impls.pycryptodome import keys

_POINT_FORMS = {KeyEncoding.SEC: False, KeyEncoding.COMPRESSED_SEC: True}  # compress?
_SCALAR_FORMS = (KeyEncoding.RAW, KeyEncoding.SEC, KeyEncoding.COMPRESSED_SEC)
_POINT_PREFIXES = (b"\x02", b"\x03", b"\x04")  # compressed (y even, odd), uncompressed


class NistKx(NistAlgorithm):
    ecc_curve: ClassVar[str]  # PyCryptodome's name for it
    raw_keypair_is_concatenation = False

    def _secret(self, scalar: int) -> ECC.EccKey:
        return ECC.construct(curve=self.ecc_curve, d=scalar)

    def generate(self, seed: bytes) -> tuple[ECC.EccKey, ECC.EccKey]:
        sk = self._secret(scalar_from_seed(self.curve, seed))
        return sk.public_key(), sk

    def public_from_secret(self, sk: ECC.EccKey) -> ECC.EccKey:
        return sk.public_key()

    def verify_public(self, pk: ECC.EccKey) -> None:
        """Import checked that the point is on the curve, but took 04 || 0 || 0 for the point
        at infinity (harness/divergences.py): that is no usable public key."""
        if pk.pointQ.is_point_at_infinity():
            raise invalid_key(f"{self.name}: the point at infinity")

    def import_public(self, data: bytes, encoding: KeyEncoding) -> ECC.EccKey:
        if encoding in _POINT_FORMS:  # either point form is accepted
            # ECC.import_key sniffs its input's format: only a point may take this path.
            if data[:1] not in _POINT_PREFIXES:
                raise invalid_key(f"{self.name} point: not a SEC-1 point")
            try:
                return ECC.import_key(bytes(data), curve_name=self.ecc_curve)
            except ValueError as exc:
                raise invalid_key(f"{self.name} point: {exc}") from exc
        return keys.load(data, encoding, f"NIST {self.ecc_curve}", private=False)

    def import_secret(self, data: bytes, encoding: KeyEncoding) -> ECC.EccKey:
        if encoding in _SCALAR_FORMS:
            return self._secret(scalar_from_bytes(self.curve, data))
        return keys.load(data, encoding, f"NIST {self.ecc_curve}", private=True)

    def export_public(self, pk: ECC.EccKey, encoding: KeyEncoding) -> bytes:
        if encoding in _POINT_FORMS:
            return bytes(pk.export_key(format="SEC1", compress=_POINT_FORMS[encoding]))
        if encoding is KeyEncoding.RAW:
            raise unsupported_encoding(encoding)
        return keys.dump(pk, encoding)

    def export_secret(self, sk: ECC.EccKey, encoding: KeyEncoding) -> bytes:
        if encoding in _SCALAR_FORMS:
            return scalar_to_bytes(self.curve, int(sk.d))
        return keys.dump(sk, encoding)

    def dh(self, pk: ECC.EccKey, sk: ECC.EccKey) -> bytes:
        return keys.agree(sk, pk)


class P256Sha256(NistKx):
    curve = P256
    ecc_curve = "P-256"


class P384Sha384(NistKx):
    curve = P384
    ecc_curve = "P-384"
