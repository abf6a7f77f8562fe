"""The one narrow, algorithm-level interface every backend implements.

A backend is a name plus a table of :class:`KxAlgorithm` objects.  Every operation of the base
class answers as an algorithm that lacks it (``unsupported_encoding``, ``invalid_operation``),
so a library module overrides only what it has.  Errors are ``CryptoError(errno)``; any other
exception is a bug and must propagate.  Key material is opaque to the host: each backend keeps
its own library's objects.
"""

from __future__ import annotations

import enum
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, ClassVar

from harness.abi import Errno, KeyEncoding, KeypairEncoding
from harness.errors import CryptoError

Material = Any  # a backend's own key object


class Mechanism(enum.Enum):
    DH = "dh"
    KEM = "kem"


def invalid_key(detail: str) -> CryptoError:
    return CryptoError(Errno.INVALID_KEY, detail)


def unsupported_encoding(encoding: KeyEncoding | KeypairEncoding) -> CryptoError:
    return CryptoError(Errno.UNSUPPORTED_ENCODING, encoding.value)


def require_raw(encoding: KeyEncoding | KeypairEncoding) -> None:
    """For algorithms whose only encoding is raw."""
    if encoding.value != "raw":
        raise unsupported_encoding(encoding)


def require_length(data: bytes, length: int, what: str) -> None:
    """Libraries must never see a wrongly sized buffer (libsodium reads past short ones)."""
    if len(data) != length:
        raise invalid_key(f"{what}: {len(data)} bytes, expected {length}")


def require_ciphertext_length(ciphertext: bytes, length: int) -> None:
    """A KEM ciphertext of the wrong size fails decapsulation (only a well-formed one is
    implicitly rejected)."""
    if len(ciphertext) != length:
        raise CryptoError(
            Errno.VERIFICATION_FAILED, f"ciphertext: {len(ciphertext)} bytes, expected {length}"
        )


# Key pairs in PKCS#8 and PEM are the secret key's document; the public key is derived.
_SECRET_FORM = {
    KeypairEncoding.PKCS8: KeyEncoding.PKCS8,
    KeypairEncoding.PEM: KeyEncoding.PEM,
    KeypairEncoding.RAW: KeyEncoding.RAW,
}


class KxAlgorithm:
    """One key-exchange algorithm as one library implements it."""

    name: ClassVar[str]  # canonical spelling, e.g. "X25519"
    mechanism: ClassVar[Mechanism]
    seed_length: ClassVar[int]  # entropy bytes consumed by key generation
    coins_length: ClassVar[int] = 0  # entropy bytes consumed by encapsulation
    raw_public_length: ClassVar[int | None] = None
    raw_secret_length: ClassVar[int | None] = None
    # A raw key pair is pk || sk; otherwise (NIST curves) it is the raw secret key alone.
    raw_keypair_is_concatenation: ClassVar[bool] = True
    # Whether encapsulate() is a function of the coins it is given.  A library without
    # derandomized encapsulation draws its own; the host then encapsulates elsewhere
    # (harness.encapsulation) so that a run stays reproducible.
    derandomized_encapsulation: ClassVar[bool] = True

    # --- generation and derivation ---------------------------------------------------------

    def generate(self, seed: bytes) -> tuple[Material, Material]:
        """A key pair (pk, sk) derived deterministically from ``seed_length`` bytes."""
        raise CryptoError(Errno.UNSUPPORTED_FEATURE, "generate")

    def public_from_secret(self, sk: Material) -> Material:
        raise CryptoError(Errno.NOT_IMPLEMENTED, "public_from_secret")

    def verify_public(self, pk: Material) -> None:
        """Success when the key is safe to use; ``invalid_key`` otherwise."""
        raise CryptoError(Errno.NOT_IMPLEMENTED, "verify_public")

    # --- encodings --------------------------------------------------------------------------

    def import_public(self, data: bytes, encoding: KeyEncoding) -> Material:
        raise unsupported_encoding(encoding)

    def import_secret(self, data: bytes, encoding: KeyEncoding) -> Material:
        raise unsupported_encoding(encoding)

    def export_public(self, pk: Material, encoding: KeyEncoding) -> bytes:
        raise unsupported_encoding(encoding)

    def export_secret(self, sk: Material, encoding: KeyEncoding) -> bytes:
        raise unsupported_encoding(encoding)

    def import_keypair(self, data: bytes, encoding: KeypairEncoding) -> tuple[Material, Material]:
        pk_len, sk_len = self.raw_public_length, self.raw_secret_length
        if encoding is KeypairEncoding.RAW and self.raw_keypair_is_concatenation:
            if pk_len is None or sk_len is None:
                raise unsupported_encoding(encoding)
            require_length(data, pk_len + sk_len, "raw key pair")
            pk = self.import_public(data[:pk_len], KeyEncoding.RAW)
            sk = self.import_secret(data[pk_len:], KeyEncoding.RAW)
            # the bytes given, not a re-export: a library may keep a key in canonical form
            derived = self.export_public(self.public_from_secret(sk), KeyEncoding.RAW)
            if self.canonical_public(data[:pk_len]) != self.canonical_public(derived):
                raise invalid_key("public key does not match secret key")
            return pk, sk
        form = _SECRET_FORM.get(encoding)
        if form is None:
            raise unsupported_encoding(encoding)
        sk = self.import_secret(data, form)
        return self.public_from_secret(sk), sk

    def export_keypair(self, pk: Material, sk: Material, encoding: KeypairEncoding) -> bytes:
        if encoding is KeypairEncoding.RAW and self.raw_keypair_is_concatenation:
            if self.raw_public_length is None:
                raise unsupported_encoding(encoding)
            return self.export_public(pk, KeyEncoding.RAW) + self.export_secret(sk, KeyEncoding.RAW)
        form = _SECRET_FORM.get(encoding)
        if form is None:
            raise unsupported_encoding(encoding)
        return self.export_secret(sk, form)

    def check_pair(self, pk: Material, sk: Material) -> None:
        """``invalid_key`` unless ``pk`` is the public key of ``sk``."""
        form = KeyEncoding.RAW if self.raw_public_length is not None else KeyEncoding.SEC
        derived = self.export_public(self.public_from_secret(sk), form)
        given = self.export_public(pk, form)
        if self.canonical_public(given) != self.canonical_public(derived):
            raise invalid_key("public key does not match secret key")

    @staticmethod
    def canonical_public(encoded: bytes) -> bytes:
        """An encoded public key as the algorithm decodes it, for comparing two (Montgomery
        curves: u reduced as RFC 7748 says, so a non-canonical form matches its reduced one)."""
        return encoded

    # --- key exchange -----------------------------------------------------------------------

    def dh(self, pk: Material, sk: Material) -> bytes:
        raise CryptoError(Errno.INVALID_OPERATION, f"{self.name} has no DH")

    def encapsulate(self, pk: Material, coins: bytes) -> tuple[bytes, bytes]:
        """(shared secret, ciphertext), deterministic in ``coins``."""
        raise CryptoError(Errno.INVALID_OPERATION, f"{self.name} is not a KEM")

    def decapsulate(self, sk: Material, ciphertext: bytes) -> bytes:
        raise CryptoError(Errno.INVALID_OPERATION, f"{self.name} is not a KEM")


@dataclass(frozen=True)
class Backend:
    """A library behind the host: its name and the algorithms it implements."""

    name: str
    library: str
    algorithms: Mapping[str, KxAlgorithm]

    @classmethod
    def of(cls, name: str, library: str, *algorithms: KxAlgorithm) -> Backend:
        table = {alg.name.upper(): alg for alg in algorithms}
        if len(table) != len(algorithms):
            raise ValueError(f"backend {name}: duplicate algorithm")
        return cls(name, library, table)

    def find(self, name: str) -> KxAlgorithm | None:
        """Case-insensitive lookup; only ASCII names can match."""
        if not name.isascii():
            return None
        return self.algorithms.get(name.upper())
