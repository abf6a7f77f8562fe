"""Helpers for hand-written programs in tests."""

from __future__ import annotations

from harness.abi import (
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

KX = int(AlgorithmType.KEY_EXCHANGE)
RAW = key_encoding_number(KeyEncoding.RAW, Revision.JAN2022)
KP_RAW = keypair_encoding_number(KeypairEncoding.RAW)
OPT_NONE = 1
CANARY = b"\xaa" * 8

# RFC 7748 section 6.1
ALICE_SK = bytes.fromhex("77076d0a7318a57d3c16c17251b26645df4c2f87ebc0992ab177fba51db92c2a")
ALICE_PK = bytes.fromhex("8520f0098930a754748b7ddcb43ef75a0dbf3a0d26381af4eba4a98eaa9b4e6a")
BOB_SK = bytes.fromhex("5dab087e624a8a4b79e17f8b83800ee66f3bb1292618b6fd1c2f8b27ff88e0eb")
BOB_PK = bytes.fromhex("de9edb7d7b7dc1b4d35b61c2ece435373f8343c85b78674dadfc7e146f882b4f")
SHARED = bytes.fromhex("4a5d9d5ba4ce2de1728e3bf480350f25e07e21c947d19e3376f09b3c1e161742")

# Curve25519 u-coordinates of small order (and their non-canonical forms), as blocked by
# libsodium: 0, 1, two points of order 8, p-1, p, p+1.
LOW_ORDER = [
    bytes(32),
    (1).to_bytes(32, "little"),
    bytes.fromhex("e0eb7a7c3b41b8ae1656e3faf19fc46ada098deb9c32b1fd866205165f49b800"),
    bytes.fromhex("5f9c95bca3508c24b1d0b1559c83ef5b04445cc4581c8e86d8224eddd09f1157"),
    bytes.fromhex("ecffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f"),
    bytes.fromhex("edffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f"),
    bytes.fromhex("eeffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f"),
]


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
