"""X25519 on libsodium (``crypto_scalarmult``).  Keys are kept as their raw bytes."""

from __future__ import annotations

import nacl.exceptions
from nacl import bindings

from harness.abi import KeyEncoding
from impls.base import invalid_key, require_length
from impls.libsodium import pkcs8
from impls.x25519_common import KEY_LENGTH, PROBE_SCALAR, X25519Algorithm


def _scalarmult(sk: bytes, pk: bytes) -> bytes:
    # Lengths are checked on import: PyNaCl does not, and libsodium would read past the buffer.
    try:
        return bytes(bindings.crypto_scalarmult(sk, pk))
    except nacl.exceptions.RuntimeError as exc:  # libsodium's -1: an all-zero result
        raise invalid_key("low-order public key") from exc


def _raw(data: bytes, what: str) -> bytes:
    require_length(data, KEY_LENGTH, what)
    return bytes(data)


class X25519(X25519Algorithm):
    def generate(self, seed: bytes) -> tuple[bytes, bytes]:
        sk = _raw(seed, "X25519 seed")
        return self.public_from_secret(sk), sk

    def public_from_secret(self, sk: bytes) -> bytes:
        return bytes(bindings.crypto_scalarmult_base(sk))

    def verify_public(self, pk: bytes) -> None:
        _scalarmult(PROBE_SCALAR, pk)

    def import_public(self, data: bytes, encoding: KeyEncoding) -> bytes:
        if encoding is not KeyEncoding.RAW:
            return pkcs8.load_public(data, encoding)
        return _raw(data, "X25519 public key")

    def import_secret(self, data: bytes, encoding: KeyEncoding) -> bytes:
        if encoding is not KeyEncoding.RAW:
            return pkcs8.load_secret(data, encoding)
        return _raw(data, "X25519 secret key")

    def export_public(self, pk: bytes, encoding: KeyEncoding) -> bytes:
        return pk if encoding is KeyEncoding.RAW else pkcs8.dump_public(pk, encoding)

    def export_secret(self, sk: bytes, encoding: KeyEncoding) -> bytes:
        return sk if encoding is KeyEncoding.RAW else pkcs8.dump_secret(sk, encoding)

    def dh(self, pk: bytes, sk: bytes) -> bytes:
        return _scalarmult(sk, pk)
