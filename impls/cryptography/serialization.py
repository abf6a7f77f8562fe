"""PKCS#8 / SubjectPublicKeyInfo documents and their PEM forms, on cryptography's parsers.

A public key's "PKCS#8" form is its SubjectPublicKeyInfo (the spec's table names PKCS#8 for
every key kind); PEM is the same document armoured ("PUBLIC KEY", "PRIVATE KEY").
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from cryptography.exceptions import UnsupportedAlgorithm
from cryptography.hazmat.primitives import serialization as ser

from harness.abi import KeyEncoding
from impls.base import invalid_key, unsupported_encoding

_ENCODING = {KeyEncoding.PKCS8: ser.Encoding.DER, KeyEncoding.PEM: ser.Encoding.PEM}
_PUBLIC_LOADERS: dict[KeyEncoding, Callable[[bytes], Any]] = {
    KeyEncoding.PKCS8: ser.load_der_public_key,
    KeyEncoding.PEM: ser.load_pem_public_key,
}
_PRIVATE_LOADERS: dict[KeyEncoding, Callable[[bytes], Any]] = {
    KeyEncoding.PKCS8: lambda data: ser.load_der_private_key(data, password=None),
    KeyEncoding.PEM: lambda data: ser.load_pem_private_key(data, password=None),
}


def is_document(encoding: KeyEncoding) -> bool:
    return encoding in _ENCODING


def _load(loaders: dict[KeyEncoding, Callable[[bytes], Any]], data: bytes,
          encoding: KeyEncoding, accept: Callable[[Any], bool], what: str) -> Any:
    loader = loaders.get(encoding)
    if loader is None:
        raise unsupported_encoding(encoding)
    try:
        key = loader(data)
    except (ValueError, TypeError, UnsupportedAlgorithm) as exc:
        raise invalid_key(f"{what}: {exc}") from exc
    if not accept(key):
        raise invalid_key(f"{what}: a {type(key).__name__}")
    return key


def load_public(data: bytes, encoding: KeyEncoding, accept: Callable[[Any], bool],
                what: str) -> Any:
    return _load(_PUBLIC_LOADERS, data, encoding, accept, what)


def load_private(data: bytes, encoding: KeyEncoding, accept: Callable[[Any], bool],
                 what: str) -> Any:
    return _load(_PRIVATE_LOADERS, data, encoding, accept, what)


def dump_public(key: Any, encoding: KeyEncoding) -> bytes:
    if encoding not in _ENCODING:
        raise unsupported_encoding(encoding)
    data: bytes = key.public_bytes(_ENCODING[encoding], ser.PublicFormat.SubjectPublicKeyInfo)
    return data


def dump_private(key: Any, encoding: KeyEncoding) -> bytes:
    if encoding not in _ENCODING:
        raise unsupported_encoding(encoding)
    data: bytes = key.private_bytes(
        _ENCODING[encoding], ser.PrivateFormat.PKCS8, ser.NoEncryption()
    )
    return data
