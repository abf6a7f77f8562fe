"""X25519 on libsodium (``crypto_scalarmult``).  Keys are kept as their raw bytes."""

from __future__ import annotations

import nacl.exceptions
from nacl import bindings

from harness.abi import KeyEncoding
from impls.base import invalid_key, require_length, unsupported_encoding
from impls.x25519_common import KEY_LENGTH, PROBE_SCALAR, X25519Algorithm


def _scalarmult(sk: bytes, pk: bytes) -> bytes:
    # Lengths are checked on import: PyNaCl does not, and libsodium would read past the buffer.
    try:
        return bytes(bindings.crypto_scalarmult(sk, pk))
    except nacl.exceptions.RuntimeError as exc:  # libsodium's -1: an all-zero result
        raise invalid_key("low-order public key") from exc


def _raw(data: bytes, encoding: KeyEncoding, what: str) -> bytes:
    if encoding is not KeyEncoding.RAW:
        raise unsupported_encoding(encoding)
    require_length(data, KEY_LENGTH, what)
    return bytes(data)


class X25519(X25519Algorithm):
    def generate(self, seed: bytes) -> tuple[bytes, bytes]:
        sk = _raw(seed, KeyEncoding.RAW, "X25519 seed")
        return self.public_from_secret(sk), sk

    def public_from_secret(self, sk: bytes) -> bytes:
        return bytes(bindings.crypto_scalarmult_base(sk))

    def verify_public(self, pk: bytes) -> None:
        _scalarmult(PROBE_SCALAR, pk)

    def import_public(self, data: bytes, encoding: KeyEncoding) -> bytes:
        return _raw(data, encoding, "X25519 public key")

    def import_secret(self, data: bytes, encoding: KeyEncoding) -> bytes:
        return _raw(data, encoding, "X25519 secret key")

    def export_public(self, pk: bytes, encoding: KeyEncoding) -> bytes:
        return _raw(pk, encoding, "X25519 public key")

    def export_secret(self, sk: bytes, encoding: KeyEncoding) -> bytes:
        return _raw(sk, encoding, "X25519 secret key")

    def dh(self, pk: bytes, sk: bytes) -> bytes:
        return _scalarmult(sk, pk)
