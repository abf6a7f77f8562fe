"""Known divergences match the documents they name, and nothing more."""

from __future__ import annotations

from harness.abi import Errno
from harness.divergences import BY_NAME, CallContext
from harness.findings import Finding
from harness.oracles import differential
from harness.program import Call, OutRef, Program
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


# an X25519 SubjectPublicKeyInfo whose u-coordinate has bit 255 set (found by abi_sequence)
_SPKI_HEAD = bytes.fromhex("302a300506032b656e032100")
_U = bytes.fromhex("79a631eede1bf901000000c98f12032cdeadd0e7a079398fc786b88cc846ec89")
_P = 2**255 - 19
_P_PLUS_5 = (_P + 5).to_bytes(32, "little")  # non-canonical: reduced, it is 5


def _export_pulled(given: bytes, pycryptodome: bytes, sizes: tuple[int, ...]) -> list[Finding]:
    """A public key exported, then pulled ``sizes`` bytes at a time (perhaps not to the end);
    every backend but pycryptodome exports ``given``."""
    program = Program((), (
        Call("publickey_export", (0x4000001, 1, 0x100)),
        *(Call("array_output_pull", (OutRef(0), 0x200 + 0x40 * k, size, 0x180 + 8 * k))
          for k, size in enumerate(sizes))))

    def trace(backend: str, document: bytes) -> Trace:
        results, at = [CallResult(Errno.SUCCESS, (0x2000001,), ((0x100, b"\x01\x00\x00\x02"),))], 0
        memory = bytearray(0x10000)
        memory[0x100:0x104] = b"\x01\x00\x00\x02"
        for k, size in enumerate(sizes):
            chunk, count = document[at : at + size], size.to_bytes(4, "little")
            results.append(CallResult(Errno.SUCCESS, (size,),
                                      ((0x200 + 0x40 * k, chunk), (0x180 + 8 * k, count))))
            memory[0x200 + 0x40 * k : 0x200 + 0x40 * k + size] = chunk
            memory[0x180 + 8 * k : 0x184 + 8 * k] = count
            at += size
        return Trace(backend, tuple(results), bytes(0x10000), bytes(memory))

    return differential.check(program, {
        "cryptography": trace("cryptography", given), "libsodium": trace("libsodium", given),
        "pycryptodome": trace("pycryptodome", pycryptodome)})


def _verdict(found: list[Finding]) -> list[tuple[int | None, str | None]]:
    return [(f.call, f.divergence) for f in found if "pycryptodome" in f.backends]


_KNOWN = "pycryptodome-exports-reduced-u"


def test_a_reduced_export_pulled_in_pieces_is_the_divergence() -> None:
    reduced = _U[:-1] + bytes([_U[-1] & 0x7F])
    assert _verdict(_export_pulled(_SPKI_HEAD + _U, _SPKI_HEAD + reduced, (20, 12, 12))) == [
        (3, _KNOWN)]


def test_another_difference_in_the_last_piece_is_not() -> None:
    assert _verdict(_export_pulled(_SPKI_HEAD + _U, _SPKI_HEAD + _U[:-1] + b"\x0a",
                                   (20, 12, 12))) == [(3, None)]


def test_a_reduced_export_pulled_only_in_part_is_the_divergence() -> None:
    reduced = (5).to_bytes(32, "little")
    assert _verdict(_export_pulled(_P_PLUS_5, reduced, (20,))) == [(1, _KNOWN)]
    assert _verdict(_export_pulled(_SPKI_HEAD + _P_PLUS_5, _SPKI_HEAD + reduced, (8, 10))) == [
        (2, _KNOWN)]
    x448_p_plus_3 = (2**448 - 2**224 - 1 + 3).to_bytes(56, "little")
    assert _verdict(_export_pulled(x448_p_plus_3, (3).to_bytes(56, "little"), (30,))) == [
        (1, _KNOWN)]


def test_a_start_no_reduction_can_give_is_not() -> None:
    # another value than u - p
    assert _verdict(_export_pulled(_P_PLUS_5, (6).to_bytes(32, "little"), (20,))) == [
        (1, None)]
    # u - p, but of a start that no u >= p has (u is then below p, and its start unchanged)
    start = bytes(20)
    wrapped = ((0 - _P) % 2**160).to_bytes(20, "little")
    assert _verdict(_export_pulled(start + bytes(12), wrapped + bytes(12), (20,))) == [
        (1, None)]
