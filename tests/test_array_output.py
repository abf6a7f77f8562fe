"""array_output: streaming pulls of min(buf_len, remaining), closing itself once consumed."""

from __future__ import annotations

import pytest

from harness.abi import Errno
from harness.program import OutRef
from harness.runner import ProgramRunner
from tests.kx import ALICE_PK, ALICE_SK, Kx, errnos, read

KEYPAIR = ALICE_PK + ALICE_SK


@pytest.mark.parametrize("chunk", [*range(1, 66), 1000])
def test_streaming_pulls_of_every_chunk_size(runner: ProgramRunner, chunk: int) -> None:
    p = Kx()
    kp = p.import_keypair(KEYPAIR)
    export = p.call("keypair_export", OutRef(kp), 0, p.out())
    pulls = []
    remaining = len(KEYPAIR)
    while remaining > 0:
        p.call("array_output_len", OutRef(export), p.out())
        pulls.append(p.pull(export, chunk))
        remaining -= min(chunk, remaining)
    p.call("array_output_pull", OutRef(export), p.scratch(chunk), chunk, p.out())
    trace = runner.run(p.build())
    codes = errnos(trace)
    assert codes[:-1] == [Errno.SUCCESS] * (len(codes) - 1)
    assert codes[-1] == Errno.INVALID_HANDLE  # consumed: closed itself
    data = b""
    for call, buf in pulls:
        (count,) = trace.results[call].outs
        assert count == min(chunk, len(KEYPAIR) - len(data))
        data += read(trace, buf, count)
        assert trace.results[call - 1].outs == (len(KEYPAIR),)  # len stays the total
    assert data == KEYPAIR


def test_zero_length_pulls_leave_the_output_open(runner: ProgramRunner) -> None:
    p = Kx()
    pk = p.import_public(ALICE_PK)
    export = p.call("publickey_export", OutRef(pk), 0, p.out())
    zero = [p.call("array_output_pull", OutRef(export), 0, 0, p.out()) for _ in range(3)]
    _, buf = p.pull(export, 32)
    trace = runner.run(p.build())
    assert set(errnos(trace)) == {Errno.SUCCESS}
    assert all(trace.results[c].outs == (0,) for c in zero)
    assert read(trace, buf, 32) == ALICE_PK


def test_pull_writes_nothing_past_the_chunk(runner: ProgramRunner) -> None:
    p = Kx()
    pk = p.import_public(ALICE_PK)
    export = p.call("publickey_export", OutRef(pk), 0, p.out())
    buf = p.data(b"\xcc" * 48)
    p.call("array_output_pull", OutRef(export), buf, 48, p.out())
    trace = runner.run(p.build())
    assert read(trace, buf, 48) == ALICE_PK + b"\xcc" * 16
