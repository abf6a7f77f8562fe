"""An exception escaping a backend is a finding: it reaches the caller, never an errno."""

from __future__ import annotations

import pytest

from harness.abi import Errno, KeyEncoding
from harness.errors import CryptoError
from harness.program import OutRef, Program
from harness.runner import ProgramRunner
from impls.base import Backend, KxAlgorithm, Mechanism
from tests.kx import ALICE_SK, BOB_PK, Kx, errnos


class Broken(KxAlgorithm):
    name = "X25519"
    mechanism = Mechanism.DH
    seed_length = 32

    def import_public(self, data: bytes, encoding: KeyEncoding) -> bytes:
        return data

    def import_secret(self, data: bytes, encoding: KeyEncoding) -> bytes:
        if data == bytes(32):
            raise CryptoError(Errno.INVALID_KEY)
        return data

    def dh(self, pk: bytes, sk: bytes) -> bytes:
        raise ZeroDivisionError("library bug")


def test_backend_exception_propagates_through_the_guest() -> None:
    runner = ProgramRunner(Backend.of("broken", "test", Broken()))
    p = Kx()
    p.import_secret(bytes(32))
    pk = p.import_public(BOB_PK)
    sk = p.import_secret(ALICE_SK)
    p.call("kx_dh", OutRef(pk), OutRef(sk), p.out())
    program = p.build()
    with pytest.raises(ZeroDivisionError, match="library bug"):
        runner.run(program)
    # CryptoError is the only thing that becomes an errno; the runner is still usable
    assert errnos(runner.run(Program(program.segments, program.calls[:3]))) == [
        Errno.INVALID_KEY, Errno.SUCCESS, Errno.SUCCESS]
