"""Known divergences match the documents they name, and nothing more."""

from __future__ import annotations

from harness.abi import Errno
from harness.divergences import BY_NAME, CallContext
from harness.oracles import differential
from harness.program import Call, Program
from harness.runner import CallResult, Trace
from tests.kx import ALICE_SK

_OK = CallResult(Errno.SUCCESS, (0x5000002,), ((0x160, b"\x02\x00\x00\x05"),))
_REFUSED = CallResult(Errno.INVALID_KEY, (0,), ())


def _pkcs8(version: str, long_outer: bool = False) -> bytes:
    body = bytes.fromhex(version + "300506032b656e0422" + "0420") + ALICE_SK
    return b"\x30" + (b"\x81" if long_outer else b"") + bytes([len(body)]) + body


def _padded(document: bytes, *, pycryptodome: CallResult = _OK,
            encoding: str = "pkcs8") -> bool:
    context = CallContext("secretkey_import", "X25519", encoding, document, {
        "cryptography": _REFUSED, "libsodium": _REFUSED, "pycryptodome": pycryptodome})
    return BY_NAME["pycryptodome-reads-padded-integers"].applies(context)


def test_padded_integers_are_the_divergence() -> None:
    assert _padded(_pkcs8("0200"))
    assert _padded(_pkcs8("02020000"))
    assert _padded(_pkcs8("0202ff80"))


def test_other_documents_are_not() -> None:
    assert not _padded(_pkcs8("020100"))  # DER: a difference there would be a finding
    assert not _padded(_pkcs8("02020080"))  # 0x0080 needs its leading zero
    assert not _padded(_pkcs8("0200", long_outer=True))  # another fault besides
    assert not _padded(_pkcs8("0200"), pycryptodome=_REFUSED)  # nobody read it
    assert not _padded(b"\x30\x03\x02\x00")  # truncated
    assert not _padded(_pkcs8("0200"), encoding="raw")


def test_the_differential_compares_every_byte_written() -> None:
    """Two pulls alike in their first 48 bytes and different after: a difference at that
    call (it once showed only as "final memory differs", matching no known divergence)."""
    def trace(backend: str, tail: bytes) -> Trace:
        data = bytes(48) + tail
        result = CallResult(Errno.SUCCESS, (len(data),), ((0x200, data), (0x300, b"\x31")))
        memory = bytearray(0x10000)
        memory[0x200 : 0x200 + len(data)] = data
        return Trace(backend, (result,), bytes(0x10000), bytes(memory))

    program = Program((), (Call("array_output_pull", (0x2000001, 0x200, 0x100, 0x300)),))
    found = differential.check(program, {"a": trace("a", b"\x01"), "b": trace("b", b"\x02")})
    assert [(f.call, f.function) for f in found] == [(0, "array_output_pull")]
    assert "sha256" in found[0].detail
