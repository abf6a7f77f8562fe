"""X25519 through the guest, on every backend (RFC 7748 section 6.1 vectors)."""

from __future__ import annotations

import pytest

from harness.abi import Errno
from harness.program import OutRef
from harness.runner import ProgramRunner
from impls import load_backend
from tests.conftest import X25519_BACKENDS as BACKEND_NAMES
from tests.kx import (
    ALICE_PK,
    ALICE_SK,
    BOB_PK,
    BOB_SK,
    CANARY,
    LOW_ORDER,
    SHARED,
    Kx,
    errnos,
    read,
)

S = Errno.SUCCESS


def test_rfc7748_dh_through_guest(runner: ProgramRunner) -> None:
    p = Kx()
    sk = p.import_secret(ALICE_SK)
    pk = p.import_public(BOB_PK)
    dh = p.call("kx_dh", OutRef(pk), OutRef(sk), p.out())
    length = p.call("array_output_len", OutRef(dh), p.out())
    pull, buf = p.pull(dh, 32)
    p.call("array_output_len", OutRef(dh), p.out())  # consumed: it closed itself
    trace = runner.run(p.build())
    assert errnos(trace) == [S, S, S, S, S, Errno.INVALID_HANDLE]
    assert trace.results[length].outs == (32,)
    assert trace.results[pull].outs == (32,)
    assert read(trace, buf, 32) == SHARED


def test_rfc7748_both_directions_and_derived_public_keys(runner: ProgramRunner) -> None:
    p = Kx()
    a = p.import_keypair(ALICE_PK + ALICE_SK)
    b = p.import_keypair(BOB_PK + BOB_SK)
    a_pk = p.call("keypair_publickey", OutRef(a), p.out())
    b_sk = p.call("keypair_secretkey", OutRef(b), p.out())
    dh = p.call("kx_dh", OutRef(a_pk), OutRef(b_sk), p.out())
    _, shared = p.pull(dh, 32)
    a_sk = p.call("keypair_secretkey", OutRef(a), p.out())
    derived = p.call("publickey_from_secretkey", OutRef(a_sk), p.out())
    export = p.call("publickey_export", OutRef(derived), 0, p.out())
    _, exported = p.pull(export, 32)
    trace = runner.run(p.build())
    assert set(errnos(trace)) == {S}
    assert read(trace, shared, 32) == SHARED
    assert read(trace, exported, 32) == ALICE_PK


def test_raw_keypair_export_is_pk_then_sk(runner: ProgramRunner) -> None:
    p = Kx()
    kp = p.import_keypair(ALICE_PK + ALICE_SK)
    export = p.call("keypair_export", OutRef(kp), 0, p.out())
    _, buf = p.pull(export, 64)
    sk = p.call("keypair_secretkey", OutRef(kp), p.out())
    sk_export = p.call("secretkey_export", OutRef(sk), 0, p.out())
    _, sk_buf = p.pull(sk_export, 32)
    trace = runner.run(p.build())
    assert set(errnos(trace)) == {S}
    assert read(trace, buf, 64) == ALICE_PK + ALICE_SK
    assert read(trace, sk_buf, 32) == ALICE_SK


def test_keypair_with_mismatched_public_key_is_invalid(runner: ProgramRunner) -> None:
    p = Kx()
    p.import_keypair(BOB_PK + ALICE_SK)
    pk = p.import_public(BOB_PK)
    sk = p.import_secret(ALICE_SK)
    p.call("keypair_from_pk_and_sk", OutRef(pk), OutRef(sk), p.out())
    good_pk = p.import_public(ALICE_PK)
    p.call("keypair_from_pk_and_sk", OutRef(good_pk), OutRef(sk), p.out())
    trace = runner.run(p.build())
    assert errnos(trace) == [Errno.INVALID_KEY, S, S, Errno.INVALID_KEY, S, S]


@pytest.mark.parametrize("length", [0, 1, 31, 33, 64])
def test_wrong_key_lengths_are_invalid_keys(runner: ProgramRunner, length: int) -> None:
    p = Kx()
    p.import_public(bytes(range(length)))
    p.import_secret(bytes(range(length)))
    p.import_keypair(bytes(range(2 * length)))
    assert errnos(runner.run(p.build())) == [Errno.INVALID_KEY] * 3


@pytest.mark.parametrize("point", LOW_ORDER, ids=lambda b: b.hex()[:8])
def test_low_order_points_are_rejected(runner: ProgramRunner, point: bytes) -> None:
    p = Kx()
    pk = p.import_public(point)
    p.call("publickey_verify", OutRef(pk))
    sk = p.import_secret(ALICE_SK)
    out = p.out()
    p.call("kx_dh", OutRef(pk), OutRef(sk), out)
    trace = runner.run(p.build())
    if runner.backend.name == "pycryptodome":  # it refuses them on import (divergences.py)
        invalid = Errno.INVALID_HANDLE
        assert errnos(trace) == [Errno.INVALID_KEY, invalid, S, invalid]
    else:
        assert errnos(trace) == [S, Errno.INVALID_KEY, S, Errno.INVALID_KEY]
    assert read(trace, out, 8) == CANARY  # nothing written on error


def test_valid_public_keys_verify(runner: ProgramRunner) -> None:
    p = Kx()
    for key in (ALICE_PK, BOB_PK):
        p.call("publickey_verify", OutRef(p.import_public(key)))
    assert set(errnos(runner.run(p.build()))) == {S}


def test_kem_operations_are_invalid_for_x25519(runner: ProgramRunner) -> None:
    p = Kx()
    pk = p.import_public(BOB_PK)
    sk = p.import_secret(ALICE_SK)
    p.call("kx_encapsulate", OutRef(pk), p.out(), p.out())
    ct = p.data(bytes(32))
    p.call("kx_decapsulate", OutRef(sk), ct, 32, p.out())
    trace = runner.run(p.build())
    assert errnos(trace) == [S, S, Errno.INVALID_OPERATION, Errno.INVALID_OPERATION]


@pytest.mark.parametrize("encoding", [3, 4, 5])
def test_sec_and_local_encodings_are_unsupported(runner: ProgramRunner, encoding: int) -> None:
    p = Kx()
    p.import_public(BOB_PK, encoding)
    p.import_secret(ALICE_SK, encoding)
    kp = p.import_keypair(ALICE_PK + ALICE_SK)
    pk = p.call("keypair_publickey", OutRef(kp), p.out())
    p.call("publickey_export", OutRef(pk), encoding, p.out())
    if encoding == 3:  # keypair_encoding stops at local = 3
        p.import_keypair(ALICE_PK + ALICE_SK, encoding)
        p.call("keypair_export", OutRef(kp), encoding, p.out())
    trace = runner.run(p.build())
    unsupported = Errno.UNSUPPORTED_ENCODING
    expected = [unsupported, unsupported, S, S, unsupported]
    if encoding == 3:
        expected += [unsupported, unsupported]
    assert errnos(trace) == expected


@pytest.mark.parametrize("encoding", [1, 2])
def test_raw_bytes_are_no_pkcs8_or_pem_document(runner: ProgramRunner, encoding: int) -> None:
    p = Kx()
    p.import_public(BOB_PK, encoding)
    p.import_secret(ALICE_SK, encoding)
    p.import_keypair(ALICE_PK + ALICE_SK, encoding)
    trace = runner.run(p.build())
    assert errnos(trace) == [Errno.INVALID_KEY] * 3


def test_closing_a_keypair_keeps_its_keys(runner: ProgramRunner) -> None:
    p = Kx()
    kp = p.import_keypair(ALICE_PK + ALICE_SK)
    pk = p.call("keypair_publickey", OutRef(kp), p.out())
    sk = p.call("keypair_secretkey", OutRef(kp), p.out())
    p.call("keypair_close", OutRef(kp))
    p.call("kx_dh", OutRef(pk), OutRef(sk), p.out())
    p.call("keypair_publickey", OutRef(kp), p.out())
    assert errnos(runner.run(p.build())) == [S, S, S, S, S, Errno.INVALID_HANDLE]


def _generated_keys(runner: ProgramRunner) -> bytes:
    p = Kx()
    buffers = []
    for _ in range(3):
        kp = p.generate()
        buffers.append(p.pull(p.call("keypair_export", OutRef(kp), 0, p.out()), 64)[1])
    trace = runner.run(p.build())
    assert set(errnos(trace)) == {S}
    return b"".join(read(trace, b, 64) for b in buffers)


def test_keys_from_one_seed_are_equal_across_backends_and_runs() -> None:
    keys = {}
    for name in BACKEND_NAMES:
        runner = ProgramRunner(load_backend(name), seed=b"\x01\x02")
        first = _generated_keys(runner)
        assert _generated_keys(runner) == first  # a run reproduces bit for bit
        keys[name] = first
    assert len(set(keys.values())) == 1
    other = _generated_keys(ProgramRunner(load_backend(BACKEND_NAMES[0]), seed=b"\x03"))
    assert other != keys[BACKEND_NAMES[0]]
    # three distinct key pairs, each consistent (pk derived from sk)
    sks = {keys[BACKEND_NAMES[0]][i * 64 + 32 : i * 64 + 64] for i in range(3)}
    assert len(sks) == 3


def test_a_non_canonical_public_key_matches_its_secret_key(runner: ProgramRunner) -> None:
    """RFC 7748 decodes u with bit 255 masked: ALICE_PK with that bit set is Alice's public
    key, whether the library keeps it as given or reduced."""
    high = ALICE_PK[:31] + bytes([ALICE_PK[31] | 0x80])
    p = Kx()
    p.import_keypair(high + ALICE_SK)
    pk, sk = p.import_public(high), p.import_secret(ALICE_SK)
    p.call("keypair_from_pk_and_sk", OutRef(pk), OutRef(sk), p.out())
    assert errnos(runner.run(p.build())) == [S] * 4


# PKCS#8 and SubjectPublicKeyInfo of ALICE_SK / BOB_PK whose only fault is a BER encoding that
# DER forbids (X.690 sections 8.1.3.5 and 8.3.2): every backend refuses them, except that
# PyCryptodome reads an INTEGER with no or a redundant content byte (a known divergence).
_SPKI_HEAD = "300506032b656e"


def _pkcs8(version: str = "020100", algorithm: str = _SPKI_HEAD,
           key: str = "0420" + ALICE_SK.hex(), long_outer: bool = False) -> bytes:
    body = bytes.fromhex(version + algorithm) + bytes([0x04, len(bytes.fromhex(key))]) + (
        bytes.fromhex(key))
    return bytes([0x30]) + (b"\x81" if long_outer else b"") + bytes([len(body)]) + body


_NOT_DER_SECRET = {
    "long-form length of the version": _pkcs8(version="028100"),
    "long-form length of the document": _pkcs8(long_outer=True),
    "long-form length of the algorithm": _pkcs8(algorithm="30810506032b656e"),
    "long-form length of the inner key": _pkcs8(key="048120" + ALICE_SK.hex()),
}
_PADDED_VERSION = {"empty version": _pkcs8(version="0200"),
                   "padded version": _pkcs8(version="02020000")}


@pytest.mark.parametrize("document", list(_NOT_DER_SECRET.values()) + list(
    _PADDED_VERSION.values()), ids=list(_NOT_DER_SECRET) + list(_PADDED_VERSION))
def test_a_secret_key_document_must_be_der(runner: ProgramRunner, document: bytes) -> None:
    p = Kx()
    p.import_secret(_pkcs8(), 1)  # the same key in DER
    p.import_secret(document, 1)
    lenient = runner.backend.name == "pycryptodome" and document in _PADDED_VERSION.values()
    assert errnos(runner.run(p.build())) == [S, S if lenient else Errno.INVALID_KEY]


@pytest.mark.parametrize("document", [
    bytes.fromhex("302b" + _SPKI_HEAD + "03812100") + BOB_PK,
    bytes.fromhex("30812a" + _SPKI_HEAD + "032100") + BOB_PK,
], ids=["long-form length of the key", "long-form length of the document"])
def test_a_public_key_document_must_be_der(runner: ProgramRunner, document: bytes) -> None:
    p = Kx()
    p.import_public(bytes.fromhex("302a" + _SPKI_HEAD + "032100") + BOB_PK, 1)
    p.import_public(document, 1)
    assert errnos(runner.run(p.build())) == [S, Errno.INVALID_KEY]
