"""What the spec and the project's documented choices fix about each algorithm.

The spec model's view of the algorithms, written from the spec's table of encodings (README
"Algorithms and encodings"), not from any backend: which encodings exist for each kind of
key, the size of what each exports, which sizes can import, and the sizes of secrets and
ciphertexts.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass

from impls import x448_common  # RFC 7748 numbers (order, clamping) that no backend uses


@dataclass(frozen=True)
class Form:
    """One encoding of one kind of key."""

    export_size: int | None  # None: a DER or PEM document, whose size is not predicted
    import_sizes: frozenset[int] | None  # the sizes that can import; None: any
    always_imports: bool = False  # every string of an import size is a key
    document: str | None = None  # "der" or "pem": how an export of unknown size is framed

    @classmethod
    def fixed(cls, size: int, *, always: bool = False, also: tuple[int, ...] = ()) -> Form:
        return cls(size, frozenset({size, *also}), always)


# PKCS#8 / SubjectPublicKeyInfo documents: a DER SEQUENCE, or its PEM armour
_DOCUMENTS = {"pkcs8": Form(None, None, document="der"), "pem": Form(None, None, document="pem")}


@dataclass(frozen=True)
class AlgorithmFacts:
    kem: bool
    public: Mapping[str, Form]  # encoding name (harness.abi enums' values) -> form
    secret: Mapping[str, Form]
    keypair: Mapping[str, Form]
    shared_secret: int
    ciphertext: int = 0
    # besides a wrong ciphertext length; and encapsulation may refuse the key (invalid_key)
    decapsulation_may_fail: bool = False
    # Whether a raw secret key is weak: its public key the identity, which a library may
    # refuse as an insecure key (RFC 7748: one clamped X448 scalar, 4 times the order, is)
    weak_secret: Callable[[bytes], bool] | None = None


def _montgomery(size: int, weak: Callable[[bytes], bool] | None = None) -> AlgorithmFacts:
    # Any string of the size is a scalar (but a weak one); a library may refuse a low-order
    # point on import.
    return AlgorithmFacts(
        kem=False,
        public={"raw": Form.fixed(size), **_DOCUMENTS},
        secret={"raw": Form.fixed(size, always=True), **_DOCUMENTS},
        keypair={"raw": Form.fixed(2 * size), **_DOCUMENTS},
        shared_secret=size,
        weak_secret=weak,
    )


def _nist(size: int) -> AlgorithmFacts:
    # Points import in either SEC-1 form; a secret scalar must lie in [1, n-1].
    uncompressed, compressed = 1 + 2 * size, 1 + size
    scalar = Form.fixed(size)
    return AlgorithmFacts(
        kem=False,
        public={"sec": Form.fixed(uncompressed, also=(compressed,)),
                "compressed_sec": Form.fixed(compressed, also=(uncompressed,)), **_DOCUMENTS},
        secret={"raw": scalar, "sec": scalar, "compressed_sec": scalar, **_DOCUMENTS},
        keypair={"raw": scalar, **_DOCUMENTS},
        shared_secret=size,
    )


def _kem(public: int, secret: int, ciphertext: int, *, may_fail: bool = False) -> AlgorithmFacts:
    # An encapsulation key must pass the modulus check; any seed is a secret key.
    return AlgorithmFacts(
        kem=True,
        public={"raw": Form.fixed(public)},
        secret={"raw": Form.fixed(secret, always=True)},
        keypair={"raw": Form.fixed(public + secret)},
        shared_secret=32,
        ciphertext=ciphertext,
        decapsulation_may_fail=may_fail,
    )


FACTS: Mapping[str, AlgorithmFacts] = {
    "X25519": _montgomery(32),
    "X448": _montgomery(56, x448_common.weak_secret),
    "P256-SHA256": _nist(32),
    "P384-SHA384": _nist(48),
    "ML-KEM-512": _kem(800, 64, 768),
    "ML-KEM-768": _kem(1184, 64, 1088),
    "ML-KEM-1024": _kem(1568, 64, 1568),
    # X-Wing checks no X25519 point, but a library may refuse a low-order one (divergences).
    "X-WING": _kem(1216, 32, 1120, may_fail=True),
}
