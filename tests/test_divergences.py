"""Known divergences match the documents they name, and nothing more."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace

import pytest
from asn1crypto import pem
from cryptography.exceptions import InternalError
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec

from harness.abi import Errno, KeyEncoding
from harness.divergences import BY_NAME, CallContext, known
from harness.errors import CryptoError
from harness.findings import Finding
from harness.fuzzing import BACKENDS, executor, run_input
from harness.oracles import differential
from harness.program import Call, OutRef, Program
from harness.runner import CallResult, Trace
from harness.targets import encode
from impls import x448_common
from impls.base import invalid_key
from impls.x25519_common import LOW_ORDER
from tests.kx import ALICE_SK, PEM, PKCS8, RAW, Kx

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
_REDUCED = _U[:-1] + bytes([_U[-1] & 0x7F])
_KNOWN = "pycryptodome-exports-reduced-u"
_RAW, _DER, _PEM = 0, 1, 2  # key encodings (jan2022)
_PK = b"\x01\x00\x00\x04"  # public key handle 0x4000001
_OUTPUT = b"\x01\x00\x00\x02"  # array_output handle 0x2000001


def _export_pulled(given: bytes, pycryptodome: bytes, sizes: tuple[int, ...], *,
                   encoding: int = _DER, algorithm: bytes = b"X25519", key: bytes = _U,
                   import_errno: Errno = Errno.SUCCESS) -> list[Finding]:
    """A public key imported raw (``key``), exported and pulled ``sizes`` bytes at a time;
    every backend but pycryptodome exports ``given``."""
    first_pull = 2
    program = Program((), (
        Call("publickey_import", (2, 0x40, len(algorithm), 0x60, len(key), _RAW, 0x80)),
        Call("publickey_export", (OutRef(0), encoding, 0x100)),
        *(Call("array_output_pull", (OutRef(1), 0x200 + 0x40 * k, size, 0x180 + 8 * k))
          for k, size in enumerate(sizes))))
    initial = bytearray(0x10000)
    initial[0x40 : 0x40 + len(algorithm)] = algorithm
    initial[0x60 : 0x60 + len(key)] = key

    def trace(backend: str, document: bytes) -> Trace:
        memory = bytearray(initial)
        imported = (CallResult(Errno.SUCCESS, (0x4000001,), ((0x80, _PK),))
                    if import_errno == Errno.SUCCESS else CallResult(import_errno, (0,), ()))
        results, at = [imported, CallResult(Errno.SUCCESS, (0x2000001,), ((0x100, _OUTPUT),))], 0
        for k, size in enumerate(sizes):
            chunk, count = document[at : at + size], len(document[at : at + size])
            results.append(CallResult(Errno.SUCCESS, (count,), (
                (0x200 + 0x40 * k, chunk), (0x180 + 8 * k, count.to_bytes(4, "little")))))
            at += size
        for result in results:
            for address, data in result.writes:
                memory[address : address + len(data)] = data
        return Trace(backend, tuple(results), bytes(initial), bytes(memory))

    found = differential.check(program, {
        "cryptography": trace("cryptography", given), "libsodium": trace("libsodium", given),
        "pycryptodome": trace("pycryptodome", pycryptodome)})
    return [f for f in found if f.call is not None and f.call >= first_pull]


def _verdict(found: list[Finding]) -> list[tuple[int | None, str | None]]:
    return [(f.call, f.divergence) for f in found]


def test_a_reduced_export_is_the_divergence_however_it_is_pulled() -> None:
    der, reduced = _SPKI_HEAD + _U, _SPKI_HEAD + _REDUCED
    assert _verdict(_export_pulled(der, reduced, (44,))) == [(2, _KNOWN)]
    assert _verdict(_export_pulled(der, reduced, (20, 12, 12))) == [(4, _KNOWN)]
    assert _verdict(_export_pulled(_U, _REDUCED, (16, 16), encoding=_RAW)) == [(3, _KNOWN)]
    armored = pem.armor("PUBLIC KEY", der), pem.armor("PUBLIC KEY", reduced)
    assert _verdict(_export_pulled(*armored, (60, 60), encoding=_PEM)) == [(3, _KNOWN)]
    p_plus_3 = (2**448 - 2**224 - 1 + 3).to_bytes(56, "little")  # X448: reduced, it is 3
    assert _verdict(_export_pulled(p_plus_3, (3).to_bytes(56, "little"), (56,), key=p_plus_3,
                                   encoding=_RAW, algorithm=b"X448")) == [(2, _KNOWN)]


def test_part_of_a_reduced_export_is_the_divergence_when_the_key_was_imported() -> None:
    """(found reviewing) Not pulled to its end, an export of a key imported in the same run:
    the key it was imported as says what each library exports."""
    p_plus_5 = (2**255 - 19 + 5).to_bytes(32, "little")  # reduced, it is 5
    reduced = (5).to_bytes(32, "little")
    assert _verdict(_export_pulled(p_plus_5, reduced, (20,), key=p_plus_5, encoding=_RAW)) == [
        (2, _KNOWN)]
    der = _SPKI_HEAD + p_plus_5
    assert _verdict(_export_pulled(der, _SPKI_HEAD + reduced, (20,), key=p_plus_5)) == [
        (2, _KNOWN)]
    armored = pem.armor("PUBLIC KEY", der), pem.armor("PUBLIC KEY", _SPKI_HEAD + reduced)
    assert _verdict(_export_pulled(*armored, (60,), key=p_plus_5, encoding=_PEM)) == [
        (2, _KNOWN)]
    wrong = bytes([6]) + reduced[1:]  # not what the key reduces to
    assert _verdict(_export_pulled(p_plus_5, wrong, (20,), key=p_plus_5, encoding=_RAW)) == [
        (2, None)]
    other = (2**255 - 19 + 6).to_bytes(32, "little")  # the others' export is not the import
    assert _verdict(_export_pulled(other, (6).to_bytes(32, "little"), (20,), key=p_plus_5,
                                   encoding=_RAW)) == [(2, None)]


def test_a_reduced_export_of_a_key_whose_import_asn1crypto_cannot_read_is_still_matched(
        ) -> None:
    """(review) A PEM document whose END line starts with a tab: cryptography and PyCryptodome
    read it, asn1crypto finds no END line; the whole export is judged as before."""
    u = (2**448 - 2**224 - 1 + 3).to_bytes(56, "little")
    document = pem.armor("PUBLIC KEY", bytes.fromhex("3042300506032b656f033900") + u)
    outcome = run_input(encode("key_import", [
        ("publickey_import", {"alg": 2, "encoding": 2, "key": 0xFF,
                              "blob": document.replace(b"\n-----END", b"\n\t-----END")}),
        ("publickey_export", {"pk": 0, "encoding": 0}), ("array_output_pull", {"size": 200})]))
    assert outcome is not None and not outcome.findings
    assert [f.divergence for f in outcome.known] == [_KNOWN]


def test_other_differences_in_an_export_are_not() -> None:
    der = _SPKI_HEAD + _U
    p_plus_5 = (2**255 - 19 + 5).to_bytes(32, "little")  # reduced, it is 5
    cases = [
        (der, _SPKI_HEAD + _U[:-1] + b"\x0a", (20, 12, 12), {}),  # another last byte
        (p_plus_5, (5).to_bytes(32, "little"), (32,), {"encoding": _RAW}),  # another key
        (der + b"\xde\xad", _SPKI_HEAD + _REDUCED + b"\xde\xad", (46,), {}),  # bytes after it
        (der, b"\x31" + der[1:-1] + _REDUCED[-1:], (44,), {}),  # another document too
        (der, _SPKI_HEAD + _REDUCED, (44,), {"algorithm": b"X448"}),  # another algorithm's
        (_U, _REDUCED, (32,), {"encoding": _DER}),  # raw bytes where DER was asked for
        (der, _SPKI_HEAD + _REDUCED, (44,), {"import_errno": Errno.INVALID_KEY}),  # no key
    ]
    for given, ours, sizes, options in cases:
        verdict = _verdict(_export_pulled(given, ours, sizes, **options))  # type: ignore[arg-type]
        assert verdict and verdict[0][1] is None, (given.hex(), ours.hex(), sizes, options)
    armored = pem.armor("PUBLIC KEY", der)
    for ours, sizes in ((pem.armor("PRIVATE KEY", _SPKI_HEAD + _REDUCED), (120,)),  # label
                        (pem.armor("PUBLIC KEY", _SPKI_HEAD + _REDUCED) + b"x", (120,))):
        verdict = _verdict(_export_pulled(armored, ours, sizes, encoding=_PEM))
        assert verdict and verdict[0][1] is None, (ours, sizes)


def _curve_key_document(oid: str, key_length: int) -> bytes:
    """A PKCS#8 private key of an RFC 8410 curve (OID 1.3.101.``oid``), its CurvePrivateKey
    holding ``key_length`` bytes."""
    inner = bytes([0x04, key_length]) + bytes(range(1, key_length + 1))
    body = bytes.fromhex("020100300506032b65" + oid) + bytes([0x04, len(inner)]) + inner
    return bytes([0x30, len(body)]) + body


_INTERNAL_ERROR = "cryptography.exceptions.InternalError: Unknown OpenSSL error."
_LACKS = CallResult(Errno.UNSUPPORTED_ALGORITHM, (0,), ())


def _curve_key_crash(document: bytes, *, encoding: str = "pkcs8", crash: str = _INTERNAL_ERROR,
                     others: tuple[CallResult, ...] = (_REFUSED,)) -> bool:
    results = dict(zip(("pycryptodome", "libsodium"), others, strict=False))
    context = CallContext("secretkey_import", "X448", encoding, document, results,
                          crashed={"cryptography": crash})
    views = {"cryptography": f"raised {crash}"} | {b: str(r.errno) for b, r in results.items()}
    return known(views, context) is BY_NAME["cryptography-internal-error-on-curve-key-length"]


def test_an_internal_error_on_a_curve_key_of_another_length_is_the_divergence() -> None:
    for oid, length in (("6e", 31), ("6f", 32), ("70", 0), ("71", 56)):
        assert _curve_key_crash(_curve_key_document(oid, length))
    assert _curve_key_crash(pem.armor("PRIVATE KEY", _curve_key_document("6f", 32)),
                            encoding="pem")
    assert _curve_key_crash(_curve_key_document("6f", 32), others=(_REFUSED, _LACKS))


def test_other_crashes_are_not() -> None:
    bad = _curve_key_document("6f", 32)
    assert not _curve_key_crash(_curve_key_document("6f", 56))  # the right length
    assert not _curve_key_crash(bad, crash="ValueError: bad")
    assert not _curve_key_crash(bad, crash="InternalError: another library's")
    assert not _curve_key_crash(bad, others=(_OK,))  # read by another
    assert not _curve_key_crash(bad, others=(_LACKS,))  # refused by nobody
    assert not _curve_key_crash(bad, encoding="raw")
    assert not _curve_key_crash(_pkcs8("020100"))  # X25519 of the right length
    p256 = bytes.fromhex("3041020100301306072a8648ce3d020106082a8648ce3d030107042730250201"
                         "010420") + bytes(32)
    assert not _curve_key_crash(p256)  # not a curve of RFC 8410
    # documents OpenSSL refuses for another reason (with ValueError): only DER v1 qualifies
    assert not _curve_key_crash(bad + b"\x00")  # trailing bytes
    assert not _curve_key_crash(bytes([0x30, 0x81]) + bad[1:])  # a long-form length
    assert not _curve_key_crash(bad[:4] + b"\x01" + bad[5:])  # version 2 (v2 needs a key)
    assert not _curve_key_crash(pem.armor("EC PRIVATE KEY", bad), encoding="pem")


def test_answer_divergences_never_excuse_a_crash() -> None:
    """A document another entry names, and a backend that raised there instead of answering."""
    context = CallContext("secretkey_import", "X25519", "pkcs8", _pkcs8("0200"), {
        "libsodium": _REFUSED, "pycryptodome": _OK}, crashed={"cryptography": "KeyError: x"})
    views = {"libsodium": "invalid_key", "pycryptodome": "success", "cryptography": "raised"}
    assert known(views, context) is None
    answered = replace(context, results={**context.results, "cryptography": _REFUSED},
                       crashed={})
    assert known(views | {"cryptography": "invalid_key"}, answered) is not None  # it exists


def test_cryptography_still_raises_internal_error_there() -> None:
    """The library bug the entry excuses (when this fails, cryptography has fixed it: drop the
    entry)."""
    with pytest.raises(InternalError):
        serialization.load_der_private_key(_curve_key_document("6f", 32), password=None)


def test_a_known_crash_is_reported_and_the_others_judged() -> None:
    data = encode("dh", [("secretkey_import", {"encoding": 1, "key": 0xFF,
                                               "blob": _curve_key_document("6f", 32)})], "X448")
    outcome = run_input(data)
    assert outcome is not None and not outcome.findings
    assert [(f.oracle.value, f.backends, f.divergence) for f in outcome.known] == [
        ("crash", ("cryptography",), "cryptography-internal-error-on-curve-key-length")]
    assert list(outcome.traces) == ["pycryptodome"]  # still judged by every other oracle


def test_a_host_bug_before_a_known_crash_leads_the_findings() -> None:
    """A host bug every backend shows (a planted one), then cryptography's known crash: what
    cryptography did before it is wrong, so the crash is no longer excused, and the host bug,
    seen in every backend's answers (cryptography's until it raised), comes first, one
    finding naming both (``make selftest`` met such an input)."""
    from harness.selftest.plants import PLANTS

    p = Kx("X448")
    exported = p.call("keypair_export", OutRef(p.generate()), 0, p.out())
    p.call("array_output_len", OutRef(exported), p.out())
    p.import_secret(_curve_key_document("6f", 32), PKCS8)
    with PLANTS["array-output-len-over-reports"].patch():
        outcome = executor().run(p.build())
    assert not outcome.known
    assert [(f.oracle.value, f.function, f.backends) for f in outcome.findings] == [
        ("model", "array_output_len", ("cryptography", "pycryptodome")),
        ("crash", "secretkey_import", ("cryptography",))]


# cryptography's wrong answer before its known crash, found, then the crash, not excused
_WRONG_THEN_CRASHED = [("differential", ("cryptography",), None),
                       ("crash", ("cryptography",), None)]


def _zero_x448_secret(pk: object, sk: object) -> bytes:  # a wrong shared secret
    return bytes(56)


_WRONG_SECRET_THEN_CRASH: list[tuple[str, dict[str, int | bytes]]] = [
    ("kx_dh", {}), ("array_output_pull", {"size": 56}),
    ("secretkey_import", {"encoding": 1, "key": 0xFF, "blob": _curve_key_document("6f", 32)})]


def test_a_known_crash_after_another_difference_stays_a_finding(
        monkeypatch: pytest.MonkeyPatch) -> None:
    """Had cryptography answered an earlier call unlike everyone, excusing its crash would
    hide that call: the crash is then reported."""
    assert _findings_with(monkeypatch, "X448", "dh", _zero_x448_secret,
                          _WRONG_SECRET_THEN_CRASH) == _WRONG_THEN_CRASHED


def test_a_known_crash_after_a_known_divergence_and_a_wrong_answer_stays_a_finding(
        monkeypatch: pytest.MonkeyPatch) -> None:
    """A known divergence first (PyCryptodome refuses u = 0), after which the differential
    oracle compares cryptography with no one; then a wrong shared secret, then the known
    crash.  Excusing the crash would hide the wrong secret."""
    refused: tuple[str, dict[str, int | bytes]] = (
        "publickey_import", {"encoding": 0, "key": 0xFF, "blob": bytes(56)})
    assert _findings_with(monkeypatch, "X448", "dh", _zero_x448_secret,
                          [refused, *_WRONG_SECRET_THEN_CRASH]) == _WRONG_THEN_CRASHED


_Op = tuple[str, dict[str, int | bytes]]
_END_MINUS_8 = 0xF6  # an ``out`` selector: the fixed slot 8 bytes before the end of memory
_CURVE_KEY_CRASH: tuple[str, dict[str, int | bytes]] = (
    "secretkey_import", {"encoding": 1, "key": 0xFF, "blob": _curve_key_document("6f", 32)})


def _p256_pem(*, trailing: bytes = b"", stray: bytes = b"") -> bytes:
    """A P-256 public key in PEM, with bytes after its END line or in its first base64 line:
    cryptography reads the first and refuses the second, PyCryptodome the other way round."""
    point = ec.derive_private_key(7, ec.SECP256R1()).public_key()
    lines = point.public_bytes(serialization.Encoding.PEM,
                               serialization.PublicFormat.SubjectPublicKeyInfo).split(b"\n")
    return b"\n".join([lines[0], stray + lines[1], *lines[2:]]) + trailing


def _findings_with(monkeypatch: pytest.MonkeyPatch, algorithm: str, method: str,
                   wrong: object, ops: list[tuple[str, dict[str, int | bytes]]],
                   target: str = "dh") -> list[tuple[str, tuple[str, ...], str | None]]:
    """The findings of a dh input on ``algorithm`` (or an input of another ``target``),
    cryptography's ``method`` of ``algorithm`` answering wrongly."""
    patched = next(b for b in BACKENDS if b.name == "cryptography").find(algorithm)
    monkeypatch.setattr(patched, method, wrong)
    outcome = run_input(encode(target, ops, algorithm if target == "dh" else None))
    assert outcome is not None
    return [(f.oracle.value, f.backends, f.divergence) for f in outcome.findings]


def test_a_known_crash_after_a_known_divergence_on_a_key_only_it_holds_is_excused() -> None:
    """cryptography alone reads a PEM key with a byte after its END line (a known divergence),
    then verifies it and derives a secret from it: no other backend holds that key, so those
    answers have nothing to be compared with (as in a run without the crash).  The known
    crash that follows is excused (found by fuzzing dh; corpus/regressions/f1fec7c7…)."""
    outcome = run_input(encode("dh", [
        ("crafted_dh", {"key": 0xFF, "blob": _p256_pem(trailing=b"\x00"), "encoding": 2}),
        _CURVE_KEY_CRASH], "P256-SHA256"))
    assert outcome is not None and not outcome.findings
    assert [c.errno for c in outcome.crashed["cryptography"].results[3:7]] == [
        Errno.SUCCESS] * 4  # imported, verified, a secret derived and pulled: by it alone
    assert [(f.oracle.value, f.divergence) for f in outcome.known] == [
        ("crash", "cryptography-internal-error-on-curve-key-length")]


def test_a_known_crash_after_a_known_divergence_and_a_wrong_answer_on_shared_keys_stays_a_finding(
        monkeypatch: pytest.MonkeyPatch) -> None:
    """The same, but cryptography then derives a wrong secret from the set-up's keys, which
    every backend holds: that answer is compared, so the crash stays a finding."""
    assert _findings_with(monkeypatch, "P256-SHA256", "dh", lambda pk, sk: bytes(32), [
        ("crafted_dh", {"key": 0xFF, "blob": _p256_pem(trailing=b"\x00"), "encoding": 2}),
        ("kx_dh", {}), ("array_output_pull", {"output": 1, "size": 32}),  # its output
        _CURVE_KEY_CRASH]) == _WRONG_THEN_CRASHED


def test_a_call_no_other_run_made_alike_is_judged_as_without_the_crash(
        monkeypatch: pytest.MonkeyPatch) -> None:
    """(reviews) cryptography refuses a PEM key PyCryptodome reads (a known divergence); the
    out-slot of its failed import still holds a handle to the set-up's public key, so the next
    calls take that one where PyCryptodome takes its new key.  No run made cryptography's
    calls alike: nothing compares them, with or without the crash (only the model and
    invariants can), so a wrong secret there is missed alike, and a right one never makes the
    known crash a finding."""
    ops: list[_Op] = [
        ("keypair_publickey", {"kp": 0, "out": _END_MINUS_8}),
        ("publickey_import", {"encoding": 2, "key": 0xFF, "blob": _p256_pem(stray=b"!"),
                              "out": _END_MINUS_8}),
        ("kx_dh", {"pk": 2, "sk": 0}), ("array_output_pull", {"size": 32})]
    for wrong in (None, lambda pk, sk: bytes(32)):
        if wrong is not None:
            monkeypatch.setattr(next(b for b in BACKENDS if b.name == "cryptography").find(
                "P256-SHA256"), "dh", wrong)
        for tail in ([], [_CURVE_KEY_CRASH]):
            outcome = run_input(encode("dh", [*ops, *tail], "P256-SHA256"))
            assert outcome is not None and not outcome.findings


def test_a_difference_hidden_by_the_handle_limit_is_not_excused(
        monkeypatch: pytest.MonkeyPatch) -> None:
    """(review) After a known divergence leaves PyCryptodome a handle ahead, it meets the
    handle limit on a valid key, which it had read (the limit is checked after the backend):
    cryptography wrongly refusing that key is a difference, not the limit's doing."""
    point = ec.derive_private_key(7, ec.SECP256R1()).public_key().public_bytes(
        serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint)
    ops: list[_Op] = [
        ("publickey_import", {"encoding": 2, "key": 0xFF, "blob": _p256_pem(stray=b"!")}),
        *[("keypair_publickey", {})] * 28,  # PyCryptodome at the limit of 32, cryptography 31
        ("publickey_import", {"encoding": 3, "key": 0xFF, "blob": point})]
    p256 = next(b for b in BACKENDS if b.name == "cryptography").find("P256-SHA256")
    clean = run_input(encode("dh", [*ops, _CURVE_KEY_CRASH], "P256-SHA256"))
    assert clean is not None and not clean.findings
    assert _findings_with(monkeypatch, "P256-SHA256", "import_public", _refusing(
        p256, lambda data, encoding: encoding is KeyEncoding.SEC), [*ops, _CURVE_KEY_CRASH]
    ) == _WRONG_THEN_CRASHED


def test_an_answer_is_compared_only_with_runs_that_made_the_same_call(
        monkeypatch: pytest.MonkeyPatch) -> None:
    """(review) PyCryptodome refuses a small-order point cryptography and libsodium import (a
    known divergence), so its out-slot still holds another handle: its "success" verifying
    that one must not vouch for cryptography's wrong "success" on the small-order point,
    which libsodium refuses."""
    ops: list[tuple[str, dict[str, int | bytes]]] = [
        ("keypair_publickey", {"kp": 0, "out": _END_MINUS_8}),
        ("publickey_import", {"encoding": 0, "key": 4, "out": _END_MINUS_8}),
        ("publickey_verify", {"pk": 2})]
    assert _findings_with(monkeypatch, "X25519", "verify_public", lambda pk: None, ops) == [
        ("differential", ("cryptography", "libsodium"), None)]  # without the crash
    assert _findings_with(monkeypatch, "X25519", "verify_public", lambda pk: None,
                          [*ops, _CURVE_KEY_CRASH]) == _WRONG_THEN_CRASHED


# A known divergence (cryptography alone reads a PEM key with a byte after its END line: from
# then on its memory and handle numbers differ from PyCryptodome's), then the known crash.
_READ_BY_CRYPTOGRAPHY_ALONE: _Op = (
    "crafted_dh", {"key": 0xFF, "blob": _p256_pem(trailing=b"\x00"), "encoding": 2})


@pytest.mark.parametrize(("algorithm", "ops"), [
    ("P256-SHA256", [_READ_BY_CRYPTOGRAPHY_ALONE, ("kx_dh", {}),
                     ("array_output_pull", {"output": 1, "size": 32})]),
    ("P256-SHA256", [_READ_BY_CRYPTOGRAPHY_ALONE, ("keypair_publickey", {})]),
    ("P256-SHA256", [_READ_BY_CRYPTOGRAPHY_ALONE, ("publickey_verify", {"pk": 0})]),
    ("P256-SHA256", [_READ_BY_CRYPTOGRAPHY_ALONE,
                     ("crafted_dh", {"key": 0xFF, "blob": _p256_pem(), "encoding": 2})]),
    # divergences naming PyCryptodome, the only other backend (cryptography is right)
    ("X448", [("publickey_import", {"encoding": 0, "key": 0xFF, "blob": bytes(56)})]),
    ("P256-SHA256", [("publickey_import", {"encoding": 3, "key": 0xFF,
                                           "blob": b"\x04" + bytes(64)})]),
], ids=["dh-on-set-up-keys", "set-up-key-pair", "set-up-key", "a-key-both-read",
        "x448-u-zero", "p256-infinity"])
def test_a_known_crash_after_known_divergences_is_excused(
        algorithm: str, ops: list[tuple[str, dict[str, int | bytes]]]) -> None:
    """(review) Calls every run made alike after a known divergence are compared (handles by
    the call that made them, answers but for handle numbers): correct answers excuse."""
    outcome = run_input(encode("dh", [*ops, _CURVE_KEY_CRASH], algorithm))
    assert outcome is not None and not outcome.findings
    assert [f.divergence for f in outcome.known if f.oracle.value == "crash"] == [
        "cryptography-internal-error-on-curve-key-length"]


def test_a_known_crash_after_a_refusal_whose_out_slot_another_run_had_written_is_excused(
        ) -> None:
    """(found by fuzzing dh) Both refuse a key, but the out-slot the guest reads back after
    the refusal holds a handle only cryptography's earlier import wrote there: what the
    guest reads after an error is memory, not the answer."""
    outcome = run_input(encode("dh", [
        ("publickey_import", {"encoding": 2, "key": 0xFF, "blob": _p256_pem(trailing=b"\x00"),
                              "out": _END_MINUS_8}),
        ("publickey_import", {"encoding": 3, "key": 0xFF, "blob": b"\x04", "out": _END_MINUS_8}),
        _CURVE_KEY_CRASH], "P256-SHA256"))
    assert outcome is not None and not outcome.findings
    refusals = [t.results[4] for t in (*outcome.traces.values(), *outcome.crashed.values())]
    assert {r.errno for r in refusals} == {Errno.INVALID_KEY}
    assert len({r.outs for r in refusals}) == 2  # read back unlike


def test_a_known_crash_after_an_algorithm_it_does_not_declare_is_excused() -> None:
    """(review) cryptography answers unsupported_algorithm for ML-KEM-512, which it does not
    declare: as for the differential oracle, that leaves it out of the call."""
    crash: _Op = ("secretkey_import", {"alg": 3, "encoding": 1, "key": 0xFF,  # P256-SHA256
                                       "blob": _curve_key_document("6f", 32)})
    outcome = run_input(encode("key_import", [("generate", {"alg": 5}), crash]))  # ML-KEM-512
    assert outcome is not None and not outcome.findings


# Key generation on P-256, which libsodium lacks (it draws nothing from the entropy stream),
# then on X25519 (it draws what the others drew for P-256: another key), and that key's export.
_DRAWN_APART: list[_Op] = [
    ("generate", {"alg": 3}), ("generate", {"alg": 0}), ("keypair_publickey", {"kp": 1}),
    ("publickey_export", {"pk": 0, "encoding": 0}), ("array_output_pull", {"size": 32})]
_X448_CURVE_KEY_CRASH: _Op = ("secretkey_import", {"alg": 2, "encoding": 1, "key": 0xFF,
                                                   "blob": _curve_key_document("6f", 32)})


def test_a_known_crash_after_keys_drawn_from_another_point_of_the_stream_is_excused() -> None:
    """(found reviewing the rule) libsodium's X25519 key is not cryptography's: it lacks
    P-256, so it drew its key where the others drew their P-256 key.  The generation itself
    is answered alike; what the stream held is not: a call that may draw is made alike only
    after every earlier one was answered alike."""
    clean = run_input(encode("key_import", _DRAWN_APART))
    assert clean is not None and not clean.findings
    outcome = run_input(encode("key_import", [*_DRAWN_APART, _X448_CURVE_KEY_CRASH]))
    assert outcome is not None and not outcome.findings
    pulled = {n: t.results[4].writes[0][1] for n, t in {
        **outcome.traces, **outcome.crashed}.items()}
    assert pulled["libsodium"] != pulled["cryptography"] == pulled["pycryptodome"]


def test_a_wrong_export_of_a_key_drawn_alike_is_not_excused(
        monkeypatch: pytest.MonkeyPatch) -> None:
    """The same, cryptography exporting a wrong key: PyCryptodome drew the same key, so the
    export is compared with its export and the crash stays a finding."""
    assert _findings_with(monkeypatch, "X25519", "export_public", lambda pk, encoding: bytes(32),
                          [*_DRAWN_APART, _X448_CURVE_KEY_CRASH], target="key_import") == (
        _WRONG_THEN_CRASHED)


def test_a_known_crash_after_a_handle_closed_in_one_run_only_is_excused() -> None:
    """(found reviewing the rule) PyCryptodome refuses a PEM key cryptography reads (a known
    divergence), so closing "the imported key" closes the key pair's public key in its run
    (still in the out-slot), the new key in cryptography's.  A shared secret from the key
    pair's public key is then refused by one run only: a call that takes an object takes it
    as every earlier call that closed it or pulled from it left it."""
    ops: list[_Op] = [
        ("generate", {"alg": 3}), ("keypair_secretkey", {"kp": 0}),
        ("keypair_publickey", {"kp": 0, "out": _END_MINUS_8}),
        ("publickey_import", {"alg": 3, "encoding": 2, "key": 0xFF,
                              "blob": _p256_pem(trailing=b"\x00"), "out": _END_MINUS_8}),
        ("publickey_close", {"pk": 1}),  # the import's out-value
        ("kx_dh", {"pk": 0, "sk": 0}), ("array_output_pull", {"size": 32})]
    clean = run_input(encode("abi_sequence", ops))
    assert clean is not None and not clean.findings
    outcome = run_input(encode("abi_sequence", [*ops, _X448_CURVE_KEY_CRASH]))
    assert outcome is not None and not outcome.findings
    assert outcome.crashed["cryptography"].results[5].errno == Errno.SUCCESS
    assert outcome.traces["pycryptodome"].results[5].errno == Errno.INVALID_HANDLE


def _refusing(alg: object, refused: Callable[[bytes, object], bool]) -> Callable[..., object]:
    original = alg.import_public  # type: ignore[attr-defined]

    def import_public(data: bytes, encoding: object) -> object:
        if refused(data, encoding):
            raise invalid_key("patched")
        return original(data, encoding)
    return import_public


def test_a_call_taking_options_closed_in_one_run_only_is_not_made_alike() -> None:
    """(review) After a known divergence leaves the import's out-slot different, closing "the
    imported key" closes options in PyCryptodome's run only; a key generation then takes
    those options through its opt_options struct: the handle in the struct names an object
    closed in one run only, so the two generations are not the same call."""
    ops: list[_Op] = [
        ("options_open", {"alg_type": 0, "out": _END_MINUS_8}),
        ("publickey_import", {"alg": 3, "encoding": 2, "key": 0xFF,
                              "blob": _p256_pem(trailing=b"\x00"), "out": _END_MINUS_8}),
        ("options_close", {"options": 0xF3}),  # the last options' kind: the import's out-value
        ("generate", {"alg": 3, "options": 0xF7})]  # some(the first options)
    clean = run_input(encode("abi_sequence", ops))
    assert clean is not None and not clean.findings
    outcome = run_input(encode("abi_sequence", [*ops, _X448_CURVE_KEY_CRASH]))
    assert outcome is not None and not outcome.findings
    answers = {n: t.results[3].errno for n, t in {**outcome.traces, **outcome.crashed}.items()}
    assert answers == {"cryptography": Errno.SUCCESS, "pycryptodome": Errno.INVALID_HANDLE}


def test_a_generation_every_run_refused_leaves_later_keys_compared(
        monkeypatch: pytest.MonkeyPatch) -> None:
    """(review) A key generation every run refuses (algorithm type 0) draws nothing: the
    X25519 key generated next is drawn alike, so cryptography's wrong export of it is compared
    with the others', with or without the known crash."""
    ops: list[_Op] = [("generate", {"alg_type": 0xF0}), *_DRAWN_APART[1:]]
    wrong = lambda pk, encoding: bytes(32)  # noqa: E731
    assert _findings_with(monkeypatch, "X25519", "export_public", wrong, ops,
                          target="key_import") == [("differential", ("cryptography",), None)]
    assert _findings_with(monkeypatch, "X25519", "export_public", wrong,
                          [*ops, _X448_CURVE_KEY_CRASH], target="key_import") == _WRONG_THEN_CRASHED


def test_unsupported_algorithm_from_a_call_naming_none_is_compared(
        monkeypatch: pytest.MonkeyPatch) -> None:
    """(review) kx_dh names no algorithm: cryptography answering it unsupported_algorithm is a
    wrong answer like any other, not an algorithm it lacks."""
    def unsupported(pk: object, sk: object) -> bytes:
        raise CryptoError(Errno.UNSUPPORTED_ALGORITHM, "patched")
    out = run_input(encode("key_import", [*_DRAWN_APART[1:3], ("keypair_secretkey", {"kp": 0}),
                                          ("kx_dh", {}), _X448_CURVE_KEY_CRASH]))
    assert out is not None and not out.findings  # unpatched: the crash is excused
    monkeypatch.setattr(next(b for b in BACKENDS if b.name == "cryptography").find("X25519"),
                        "dh", unsupported)
    out = run_input(encode("key_import", [*_DRAWN_APART[1:3], ("keypair_secretkey", {"kp": 0}),
                                          ("kx_dh", {}), _X448_CURVE_KEY_CRASH]))
    assert out is not None
    prefix = Program(out.program.segments, out.program.calls[:4])
    assert differential.unlike_answer(prefix, out.traces, "cryptography",
                                      out.crashed["cryptography"], executor().capabilities)


def test_each_output_of_a_call_is_its_own_object() -> None:
    """(review) kx_encapsulate makes two outputs; after a known divergence left cryptography
    an output ahead, one forged number names the shared secret in its run and the ciphertext
    in PyCryptodome's: not the same object, so not the same call."""
    ops: list[_Op] = [
        ("publickey_import", {"alg": 3, "encoding": 2, "key": 0xFF,
                              "blob": _p256_pem(trailing=b"\x00")}),
        ("publickey_export", {"pk": 0, "encoding": 1}),  # by cryptography alone: an output
        ("generate", {"alg": 6}), ("keypair_publickey", {"kp": 0}),  # ML-KEM-768
        ("kx_encapsulate", {"pk": 1}),
        ("array_output_pull", {"output": 0xFC, "size": 16})]  # the forged number (2 << 24) | 2
    for tail in ([], [_X448_CURVE_KEY_CRASH]):
        outcome = run_input(encode("abi_sequence", [*ops, *tail]))
        assert outcome is not None and not outcome.findings


def _limit_then_draw(first_full: bool) -> list[_Op]:
    """A known divergence leaves cryptography a handle ahead, at the limit of 32; a P-256 key
    generation it answers too_many_handles (``first_full``: PyCryptodome succeeds) or one both
    make later; handles closed; a key generated, its public key exported and pulled."""
    public_key: _Op = ("keypair_publickey", {"kp": 0})
    closes: list[_Op] = [("publickey_close", {"pk": k}) for k in (1, 2, 3, 4)]
    ops: list[_Op] = [
        ("generate", {"alg": 3}),
        ("publickey_import", {"alg": 3, "encoding": 2, "key": 0xFF,
                              "blob": _p256_pem(trailing=b"\x00")}),
        *[public_key] * 30,
        ("generate", {"alg": 3}) if first_full else ("publickey_verify", {"pk": 1}), *closes]
    if not first_full:
        ops += [("generate", {"alg": 3}), ("keypair_close", {"kp": 1})]
    return [*ops, ("generate", {"alg": 3}), ("keypair_publickey", {"kp": 2}),
            ("publickey_export", {"pk": 0xF3, "encoding": 3}),  # the last public key
            ("array_output_pull", {"size": 65})]


@pytest.mark.parametrize("first_full", [True, False])
def test_a_generation_meeting_the_handle_limit_drew_too(
        monkeypatch: pytest.MonkeyPatch, first_full: bool) -> None:
    """(review) The host draws before it checks the handle limit: a generation answered
    too_many_handles in one run and success in the other drew in both, so the keys generated
    next are drawn alike, and cryptography's wrong export of one is found."""
    clean = run_input(encode("abi_sequence", _limit_then_draw(first_full)))
    assert clean is not None and not clean.findings
    assert len({t.results[-1].writes[0][1] for t in clean.traces.values()}) == 1
    assert _findings_with(monkeypatch, "P256-SHA256", "export_public",
                          lambda pk, encoding: bytes(65), _limit_then_draw(first_full),
                          target="abi_sequence") == [
        ("differential", ("cryptography", "pycryptodome"), None)]


def test_a_wrong_answer_after_a_known_divergence_is_found(
        monkeypatch: pytest.MonkeyPatch) -> None:
    """The differential oracle goes on comparing a backend after a known divergence, on every
    call another run made alike: cryptography alone reads a PEM key, then derives a wrong
    secret from the set-up's keys, which PyCryptodome holds too."""
    assert _findings_with(monkeypatch, "P256-SHA256", "dh", lambda pk, sk: bytes(32), [
        _READ_BY_CRYPTOGRAPHY_ALONE, ("kx_dh", {}),
        ("array_output_pull", {"output": 1, "size": 32})]) == [
        ("differential", ("cryptography", "pycryptodome"), None)]


def test_wrong_answers_after_a_known_divergence_are_not_excused(
        monkeypatch: pytest.MonkeyPatch) -> None:
    """(review) A wrong secret from a key both runs read alike, and a wrong refusal of a valid
    key, after the known divergence: both compared, so the crash stays a finding."""
    both_read: _Op = ("crafted_dh", {"key": 0xFF, "blob": _p256_pem(), "encoding": 2})
    assert _findings_with(monkeypatch, "P256-SHA256", "dh", lambda pk, sk: bytes(32), [
        _READ_BY_CRYPTOGRAPHY_ALONE, both_read, _CURVE_KEY_CRASH]) == _WRONG_THEN_CRASHED
    monkeypatch.undo()
    point = ec.derive_private_key(7, ec.SECP256R1()).public_key().public_bytes(
        serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint)
    p256 = next(b for b in BACKENDS if b.name == "cryptography").find("P256-SHA256")
    assert _findings_with(monkeypatch, "P256-SHA256", "import_public", _refusing(
        p256, lambda data, encoding: encoding is KeyEncoding.SEC), [
        _READ_BY_CRYPTOGRAPHY_ALONE, ("publickey_import", {"encoding": 3, "key": 0xFF,
                                                           "blob": point}),
        _CURVE_KEY_CRASH]) == _WRONG_THEN_CRASHED


def test_answering_like_the_backend_a_known_divergence_names_is_not_excused(
        monkeypatch: pytest.MonkeyPatch) -> None:
    """(review) cryptography refusing a small-order X25519 point as PyCryptodome does (its
    known divergence), unlike libsodium: a finding without the crash, and with it."""
    x25519 = next(b for b in BACKENDS if b.name == "cryptography").find("X25519")
    wrong = _refusing(x25519, lambda data, encoding: data in LOW_ORDER)
    low: _Op = ("publickey_import", {"encoding": 0, "key": 4})
    assert [oracle for oracle, _, divergence in _findings_with(
        monkeypatch, "X25519", "import_public", wrong, [low]) if not divergence] == [
        "differential"]
    assert _findings_with(monkeypatch, "X25519", "import_public", wrong,
                          [low, _CURVE_KEY_CRASH]) == _WRONG_THEN_CRASHED


_WEAK_X448 = x448_common.WEAK_SECRET
_X448_PKCS8_HEAD = bytes.fromhex("3046020100300506032b656f043a0438")  # RFC 8410, v1


@pytest.mark.parametrize("encoding", [RAW, PKCS8, PEM])
@pytest.mark.parametrize("scalar", [_WEAK_X448, bytes([_WEAK_X448[0] | 3]) + _WEAK_X448[1:]],
                         ids=["4l", "4l-unclamped"])
def test_a_weak_x448_secret_is_the_divergence(encoding: int, scalar: bytes) -> None:
    """(found by a review of the spec model) A scalar that clamps to 4 times the order: its
    public key is u = 0.  PyCryptodome refused it (the raw import once raised ValueError out
    of the backend); cryptography imports it and refuses the public key it derives."""
    document = _X448_PKCS8_HEAD + scalar
    data = {RAW: scalar, PKCS8: document,
            PEM: pem.armor("PRIVATE KEY", document)}[encoding]
    p = Kx("X448")
    sk = p.import_secret(data, encoding)
    pk = p.call("publickey_from_secretkey", OutRef(sk), p.out())
    p.call("publickey_verify", OutRef(pk))
    outcome = executor().run(p.build())
    assert outcome.findings == []
    assert [(k.call, k.divergence) for k in outcome.known] == [
        (0, "pycryptodome-refuses-weak-x448-secret")]
    assert [r.errno for r in outcome.traces["cryptography"].results] == [
        Errno.SUCCESS, Errno.SUCCESS, Errno.INVALID_KEY]


def test_other_x448_secrets_are_not_the_weak_one() -> None:
    for scalar in (x448_common.ALICE_SK, (3 * x448_common.ORDER).to_bytes(56, "little")):
        context = CallContext("secretkey_import", "X448", "raw", scalar, {
            "cryptography": _OK, "pycryptodome": _REFUSED})
        assert not BY_NAME["pycryptodome-refuses-weak-x448-secret"].applies(context)
