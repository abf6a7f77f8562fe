"""Helpers for hand-written programs in tests."""

from __future__ import annotations

from harness.abi import (
    OPT_NONE,
    AlgorithmType,
    Errno,
    KeyEncoding,
    KeypairEncoding,
    Revision,
    key_encoding_number,
    keypair_encoding_number,
)
from harness.program import OutRef, ProgramBuilder
from harness.runner import Trace
from impls import x25519_common as _v

KX = int(AlgorithmType.KEY_EXCHANGE)
RAW = key_encoding_number(KeyEncoding.RAW, Revision.JAN2022)
PKCS8 = key_encoding_number(KeyEncoding.PKCS8, Revision.JAN2022)
PEM = key_encoding_number(KeyEncoding.PEM, Revision.JAN2022)
KP_RAW = keypair_encoding_number(KeypairEncoding.RAW)
CANARY = b"\xaa" * 8

# RFC 7748 section 6.1 and the small-order points, as impls/x25519_common.py cites them
ALICE_SK, ALICE_PK, BOB_SK, BOB_PK = _v.ALICE_SK, _v.ALICE_PK, _v.BOB_SK, _v.BOB_PK
SHARED = _v.SHARED
LOW_ORDER = list(_v.LOW_ORDER)


class Kx(ProgramBuilder):
    """A program builder that knows the usual X25519 calls."""

    def __init__(self, algorithm: str = "X25519") -> None:
        super().__init__()
        self.alg = self.string(algorithm)

    def out(self) -> int:
        return self.data(CANARY)

    def import_public(self, key: bytes, encoding: int = RAW) -> int:
        return self.call("publickey_import", KX, *self.alg, self.data(key), len(key), encoding,
                         self.out())

    def import_secret(self, key: bytes, encoding: int = RAW) -> int:
        return self.call("secretkey_import", KX, *self.alg, self.data(key), len(key), encoding,
                         self.out())

    def import_keypair(self, data: bytes, encoding: int = KP_RAW) -> int:
        return self.call("keypair_import", KX, *self.alg, self.data(data), len(data), encoding,
                         self.out())

    def generate(self) -> int:
        return self.call("keypair_generate", KX, *self.alg, self.data(bytes([OPT_NONE, 0, 0, 0,
                                                                              0, 0, 0, 0])),
                         self.out())

    def pull(self, output: int | OutRef, size: int) -> tuple[int, int]:
        """Pull up to ``size`` bytes; returns (call index, buffer address)."""
        buf = self.scratch(size)
        ref = OutRef(output) if isinstance(output, int) else output
        return self.call("array_output_pull", ref, buf, size, self.out()), buf


def errnos(trace: Trace) -> list[Errno]:
    return [Errno(r.errno) for r in trace.results]


def read(trace: Trace, address: int, length: int) -> bytes:
    return trace.memory[address : address + length]
