"""PyCryptodome's ECC key import and export, for every curve it has.

``ECC.import_key`` takes any of its formats; the callers say which document they expect
(SubjectPublicKeyInfo or PKCS#8, DER or PEM) and what must come out of it.
"""

from __future__ import annotations

from Crypto.Protocol.DH import key_agreement
from Crypto.PublicKey import ECC

from harness.abi import KeyEncoding
from impls.base import invalid_key, unsupported_encoding

DOCUMENTS = (KeyEncoding.PKCS8, KeyEncoding.PEM)
_FORMAT = {KeyEncoding.PKCS8: "DER", KeyEncoding.PEM: "PEM"}


def load(data: bytes, encoding: KeyEncoding, curve: str, *, private: bool) -> ECC.EccKey:
    """A public (SPKI) or private (PKCS#8) key of ``curve`` from a DER or PEM document."""
    if encoding not in DOCUMENTS:
        raise unsupported_encoding(encoding)
    # ECC.import_key sniffs its input's format: make it read the one asked for.
    if (encoding is KeyEncoding.PEM) != data.startswith(b"-----"):
        raise invalid_key(f"{curve} {encoding.value}: not a {encoding.value} document")
    try:
        text = data.decode("ascii") if encoding is KeyEncoding.PEM else data
        key = ECC.import_key(text)
    except (ValueError, TypeError, IndexError, UnicodeDecodeError) as exc:
        raise invalid_key(f"{curve} {encoding.value}: {exc}") from exc
    if key.curve != curve or key.has_private() != private:
        raise invalid_key(f"{curve} {encoding.value}: a {key.curve} key")
    return key


def dump(key: ECC.EccKey, encoding: KeyEncoding) -> bytes:
    if encoding not in DOCUMENTS:
        raise unsupported_encoding(encoding)
    if key.has_private():
        exported = key.export_key(format=_FORMAT[encoding], use_pkcs8=True)
    else:
        exported = key.export_key(format=_FORMAT[encoding])
    if isinstance(exported, str):  # PEM: the project's PEM ends with a line break, as OpenSSL
        return exported.encode("ascii") + b"\n"  # writes it (RFC 7468 allows either)
    return bytes(exported)


def agree(sk: ECC.EccKey, pk: ECC.EccKey) -> bytes:
    """The raw shared secret (the x- or u-coordinate of the shared point)."""
    try:
        shared: bytes = key_agreement(static_priv=sk, static_pub=pk, kdf=bytes)
    except ValueError as exc:  # its documented error for a point it cannot use (infinity)
        raise invalid_key(f"ECDH: {exc}") from exc
    return shared
