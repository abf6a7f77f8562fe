"""Known divergences match the documents they name, and nothing more."""

from __future__ import annotations

from harness.abi import Errno
from harness.divergences import BY_NAME, CallContext
from harness.runner import CallResult
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
