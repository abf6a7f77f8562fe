"""X25519 on pyca/cryptography."""

from __future__ import annotations

from cryptography.hazmat.primitives.asymmetric import x25519

from harness.abi import KeyEncoding
from impls.base import invalid_key, require_length, unsupported_encoding
from impls.x25519_common import KEY_LENGTH, PROBE_SCALAR, X25519Algorithm

_PROBE = x25519.X25519PrivateKey.from_private_bytes(PROBE_SCALAR)


def _exchange(sk: x25519.X25519PrivateKey, pk: x25519.X25519PublicKey) -> bytes:
    try:
        return sk.exchange(pk)
    except ValueError as exc:  # cryptography's one error here: an all-zero shared secret
        raise invalid_key("low-order public key") from exc


class X25519(X25519Algorithm):
    def generate(self, seed: bytes) -> tuple[x25519.X25519PublicKey, x25519.X25519PrivateKey]:
        sk = x25519.X25519PrivateKey.from_private_bytes(seed)
        return sk.public_key(), sk

    def public_from_secret(self, sk: x25519.X25519PrivateKey) -> x25519.X25519PublicKey:
        return sk.public_key()

    def verify_public(self, pk: x25519.X25519PublicKey) -> None:
        _exchange(_PROBE, pk)

    def import_public(self, data: bytes, encoding: KeyEncoding) -> x25519.X25519PublicKey:
        if encoding is not KeyEncoding.RAW:
            raise unsupported_encoding(encoding)
        require_length(data, KEY_LENGTH, "X25519 public key")
        return x25519.X25519PublicKey.from_public_bytes(data)

    def import_secret(self, data: bytes, encoding: KeyEncoding) -> x25519.X25519PrivateKey:
        if encoding is not KeyEncoding.RAW:
            raise unsupported_encoding(encoding)
        require_length(data, KEY_LENGTH, "X25519 secret key")
        return x25519.X25519PrivateKey.from_private_bytes(data)

    def export_public(self, pk: x25519.X25519PublicKey, encoding: KeyEncoding) -> bytes:
        if encoding is not KeyEncoding.RAW:
            raise unsupported_encoding(encoding)
        return pk.public_bytes_raw()

    def export_secret(self, sk: x25519.X25519PrivateKey, encoding: KeyEncoding) -> bytes:
        if encoding is not KeyEncoding.RAW:
            raise unsupported_encoding(encoding)
        return sk.private_bytes_raw()

    def dh(self, pk: x25519.X25519PublicKey, sk: x25519.X25519PrivateKey) -> bytes:
        return _exchange(sk, pk)
