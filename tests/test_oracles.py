"""Each oracle sees the kind of bug it exists for (bugs planted with monkeypatch)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from harness import handles as handles_module
from harness import memory as memory_module
from harness.abi import Errno, HandleKind
from harness.errors import CryptoError
from harness.execute import Executor
from harness.findings import Oracle
from harness.host import Host
from harness.oracles.facts import FACTS
from harness.oracles.model import SpecModel
from harness.program import OutRef, Program
from harness.selftest.plants import PLANTS
from impls import load_all, load_backend
from impls.base import Backend
from impls.libsodium.x25519 import X25519 as SodiumX25519
from impls.x448_common import ALICE_SK as X448_ALICE_SK
from impls.x448_common import WEAK_SECRET as X448_WEAK_SECRET
from tests.conftest import X25519_BACKENDS
from tests.kx import ALICE_SK, BOB_PK, LOW_ORDER, PEM, PKCS8, RAW, Kx


@pytest.fixture
def executor() -> Iterator[Executor]:
    yield Executor(load_all(), handle_limit=32)


def _oracles(executor: Executor, program: Program) -> set[Oracle]:
    return {f.oracle for f in executor.run(program).findings}


def _dh_program(pk: bytes = BOB_PK) -> Program:
    p = Kx()
    pk_call = p.import_public(pk)
    sk = p.import_secret(ALICE_SK)
    p.call("publickey_verify", OutRef(pk_call))
    dh = p.call("kx_dh", OutRef(pk_call), OutRef(sk), p.out())
    p.pull(dh, 32)
    return p.build()


def test_clean_programs_have_no_findings(executor: Executor) -> None:
    assert executor.run(_dh_program()).findings == []
    assert executor.run(_dh_program(LOW_ORDER[2])).findings == []


def test_differential_sees_one_backend_accepting_a_low_order_point(
    executor: Executor, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(SodiumX25519, "verify_public", lambda self, pk: None)
    findings = executor.run(_dh_program(LOW_ORDER[2])).findings
    assert [f.oracle for f in findings] == [Oracle.DIFFERENTIAL]
    assert findings[0].function == "publickey_verify"
    assert "invalid_key" in findings[0].detail and "success" in findings[0].detail


def test_model_sees_an_off_by_one_in_the_shared_bounds_check(
    executor: Executor, monkeypatch: pytest.MonkeyPatch
) -> None:
    original = memory_module.GuestMemory.check

    def off_by_one(self: Any, ptr: int, length: int) -> tuple[int, int]:
        if (ptr & 0xFFFFFFFF) + (length & 0xFFFFFFFF) == self.raw.size():
            raise CryptoError(Errno.GUEST_ERROR)  # `>=` where `>` belongs
        return original(self, ptr, length)

    monkeypatch.setattr(memory_module.GuestMemory, "check", off_by_one)
    p = Kx()
    key = p.place(0x10000 - 32, BOB_PK)  # a key that ends exactly at the end of memory
    p.call("publickey_import", 2, *p.alg, key, 32, 0, p.out())
    findings = executor.run(p.build()).findings
    assert [f.oracle for f in findings] == [Oracle.MODEL]
    assert set(findings[0].backends) == set(X25519_BACKENDS)  # those that run an X25519 program


def test_model_sees_a_missing_closed_handle_check(
    executor: Executor, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(handles_module.HandleTables, "close",
                        lambda self, kind, handle: self._live.pop(handle, None) and None)
    p = Kx()
    pk = p.import_public(BOB_PK)
    p.call("publickey_close", OutRef(pk))
    p.call("publickey_close", OutRef(pk))
    assert _oracles(executor, p.build()) == {Oracle.MODEL}


def test_model_sees_an_array_output_that_never_closes(
    executor: Executor, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(handles_module.HandleTables, "discard", lambda self, handle: None)
    p = Kx()
    pk = p.import_public(BOB_PK)
    out = p.call("publickey_export", OutRef(pk), 0, p.out())
    p.pull(out, 32)
    p.call("array_output_len", OutRef(out), p.out())
    assert _oracles(executor, p.build()) == {Oracle.MODEL}


def test_the_model_allows_either_answer_when_a_drained_output_may_have_closed(
        executor: Executor) -> None:
    """(found by fuzzing key_import) A PEM export pulled whole in one full-sized pull: the
    model does not know its size, so whether the pull drained (and closed) it; at the handle
    limit it allows both answers, and only those."""
    p = Kx()
    pk = p.import_public(BOB_PK)
    pem = p.call("publickey_export", OutRef(pk), 2, p.out())
    p.pull(pem, 113)  # its whole size: the host closes it
    exports = [p.call("publickey_export", OutRef(pk), RAW, p.out()) for _ in range(32)]
    outcome = executor.run(p.build())
    assert outcome.findings == []
    errnos = [next(iter(outcome.traces.values())).results[k].errno for k in exports]
    assert errnos == [Errno.SUCCESS] * 31 + [Errno.TOO_MANY_HANDLES]


def _pull_then(copy: Any) -> Any:
    """An array_output_pull whose copy into the buffer is ``copy(memory, ptr, chunk, size)``."""
    def pull(self: Host, handle: int, buf: Any) -> tuple[int]:
        output = self.handles.get(HandleKind.ARRAY_OUTPUT, handle)
        chunk = output.data[output.position : output.position + buf.length]
        copy(self.memory, buf.ptr, chunk, buf.length)
        output.position += len(chunk)
        if output.position == len(output.data):
            self.handles.discard(handle)
        return (len(chunk),)
    return pull


@pytest.mark.parametrize("copy", [
    lambda memory, ptr, chunk, size: None,  # copies nothing
    lambda memory, ptr, chunk, size: memory.write(ptr + size - len(chunk), chunk),  # at the end
    lambda memory, ptr, chunk, size: memory.write(ptr, chunk.ljust(size, b"\0")),  # pads
], ids=["nothing", "right-aligned", "padded"])
def test_model_sees_a_pull_that_does_not_copy_exactly_its_count(
        executor: Executor, monkeypatch: pytest.MonkeyPatch, copy: Any) -> None:
    monkeypatch.setattr(Host, "array_output_pull", _pull_then(copy))
    p = Kx()
    pk = p.import_public(BOB_PK)
    out = p.call("publickey_export", OutRef(pk), RAW, p.out())
    p.pull(out, 16)
    p.pull(out, 64)
    assert _oracles(executor, p.build()) == {Oracle.MODEL}


@pytest.mark.parametrize(("encoding", "size"), [(PKCS8, 44), (PEM, 113)])
def test_model_sees_a_document_output_that_never_closes(
        executor: Executor, monkeypatch: pytest.MonkeyPatch, encoding: int, size: int) -> None:
    """An export whose size the model does not predict, pulled whole in one full-sized pull:
    the DER header gives its size, the PEM END line its end; it must be closed after."""
    monkeypatch.setattr(handles_module.HandleTables, "discard", lambda self, handle: None)
    for then in ("array_output_len", "array_output_pull"):
        p = Kx()
        pk = p.import_public(BOB_PK)
        out = p.call("publickey_export", OutRef(pk), encoding, p.out())
        p.pull(out, size)
        if then == "array_output_len":
            p.call("array_output_len", OutRef(out), p.out())
        else:
            p.pull(out, 16)
        assert _oracles(executor, p.build()) == {Oracle.MODEL}, then


@pytest.mark.parametrize(("encoding", "first"), [(PKCS8, 1), (PKCS8, 3), (PEM, 64)])
def test_model_sees_a_document_output_closed_before_its_end(
        executor: Executor, monkeypatch: pytest.MonkeyPatch, encoding: int, first: int) -> None:
    """Pulls that have not reached a document's end (a DER header cut short, no PEM END line
    yet) cannot have drained it: the output must still be open."""
    p = Kx()
    pk = p.import_public(BOB_PK)
    out = p.call("publickey_export", OutRef(pk), encoding, p.out())
    p.pull(out, first)
    p.call("array_output_len", OutRef(out), p.out())
    program = p.build()
    assert _oracles(executor, program) == set()
    monkeypatch.setattr(Host, "array_output_pull", _closes_after_one_pull)
    assert _oracles(executor, program) == {Oracle.MODEL}


def _closes_after_one_pull(self: Host, handle: int, buf: Any) -> tuple[int]:
    output = self.handles.get(HandleKind.ARRAY_OUTPUT, handle)
    chunk = output.data[output.position : output.position + buf.length]
    self.memory.write(buf.ptr, chunk)
    output.position += len(chunk)
    self.handles.discard(handle)  # the planted bug: it closes with bytes left
    return (len(chunk),)


@pytest.mark.parametrize("output", ["dh", "export"])
def test_model_sees_outputs_of_the_same_bytes_that_differ(executor: Executor,
                                                          output: str) -> None:
    """A shared secret (either way round) or an export of one key, pulled whole once and in
    pieces once: the same bytes, or a pull copied the wrong ones."""
    p = Kx()
    pair = p.generate()
    other = p.generate()
    pk, sk = (p.call(f"keypair_{half}", OutRef(pair), p.out()) for half in ("publickey",
                                                                             "secretkey"))
    pk2, sk2 = (p.call(f"keypair_{half}", OutRef(other), p.out()) for half in ("publickey",
                                                                                "secretkey"))
    if output == "dh":
        whole = p.call("kx_dh", OutRef(pk), OutRef(sk2), p.out())
        pieces = p.call("kx_dh", OutRef(pk2), OutRef(sk), p.out())
    else:
        derived = p.call("publickey_from_secretkey", OutRef(sk), p.out())
        whole = p.call("publickey_export", OutRef(pk), RAW, p.out())
        pieces = p.call("publickey_export", OutRef(derived), RAW, p.out())
    p.pull(whole, 32)
    for _ in range(4):
        p.pull(pieces, 8)
    program = p.build()
    assert _oracles(executor, program) == set()
    with PLANTS["array-output-pull-from-start"].patch():
        assert _oracles(executor, program) == {Oracle.MODEL}


@pytest.mark.parametrize("algorithm", ["ML-KEM-768", "X-WING"])
def test_model_sees_a_decapsulation_unlike_its_encapsulation(
        executor: Executor, monkeypatch: pytest.MonkeyPatch, algorithm: str) -> None:
    """A ciphertext pulled whole from an encapsulation to a key made from a secret key
    decapsulates, with that secret key, to the encapsulated secret: a host that misreads the
    ciphertext gets another (ML-KEM's implicit rejection answers success), on every backend."""
    p = Kx(algorithm)
    pair = p.generate()
    pk = p.call("keypair_publickey", OutRef(pair), p.out())
    sk = p.call("keypair_secretkey", OutRef(pair), p.out())
    encapsulation = p.call("kx_encapsulate", OutRef(pk), p.out(), p.out())
    size = FACTS[algorithm].ciphertext
    _, ciphertext = p.pull(OutRef(encapsulation, 1), size)
    p.pull(OutRef(encapsulation, 0), 32)
    p.pull(p.call("kx_decapsulate", OutRef(sk), ciphertext, size, p.out()), 32)
    program = p.build()
    assert _oracles(executor, program) == set()
    decapsulate = Host.kx_decapsulate

    def misread(self: Host, handle: int, ciphertext: bytes) -> Any:
        return decapsulate(self, handle, ciphertext[1:] + ciphertext[:1])  # the planted bug
    monkeypatch.setattr(Host, "kx_decapsulate", misread)
    assert _oracles(executor, program) == {Oracle.MODEL}


def test_model_expects_every_raw_x448_secret_but_the_weak_one_to_import(
        executor: Executor, monkeypatch: pytest.MonkeyPatch) -> None:
    """Only the scalar that clamps to 4 times the order (its public key is u = 0) may be
    refused as insecure; a host refusing any other raw X448 secret key is wrong."""
    def refuse(self: Host, *args: Any) -> Any:
        raise CryptoError(Errno.INVALID_KEY, "planted")
    monkeypatch.setattr(Host, "secretkey_import", refuse)
    for key, found in ((X448_ALICE_SK, {Oracle.MODEL}), (X448_WEAK_SECRET, set())):
        p = Kx("X448")
        p.import_secret(key)
        assert _oracles(executor, p.build()) == found


@pytest.mark.parametrize("function", [
    "keypair_from_pk_and_sk", "publickey_verify", "kx_dh"])
def test_model_expects_keys_made_from_one_secret_to_be_valid(
        executor: Executor, monkeypatch: pytest.MonkeyPatch, function: str) -> None:
    """The halves of a generated pair match, and a public key made from a secret key is
    valid: a host refusing them with invalid_key is wrong, whatever the library."""
    p = Kx()
    kp = p.generate()
    pk = p.call("keypair_publickey", OutRef(kp), p.out())
    sk = p.call("keypair_secretkey", OutRef(kp), p.out())
    own = p.import_secret(ALICE_SK)
    derived = p.call("publickey_from_secretkey", OutRef(own), p.out())
    p.call("keypair_from_pk_and_sk", OutRef(pk), OutRef(sk), p.out())
    p.call("keypair_from_pk_and_sk", OutRef(derived), OutRef(own), p.out())
    p.call("publickey_verify", OutRef(pk))
    p.call("publickey_verify", OutRef(derived))
    p.call("kx_dh", OutRef(derived), OutRef(sk), p.out())
    p.call("kx_dh", OutRef(pk), OutRef(own), p.out())
    program = p.build()
    assert _oracles(executor, program) == set()

    def refuse(self: Host, *args: Any) -> Any:
        raise CryptoError(Errno.INVALID_KEY, "planted")
    monkeypatch.setattr(Host, function, refuse)
    assert _oracles(executor, program) == {Oracle.MODEL}


def test_invariants_see_an_out_value_written_on_error(
    executor: Executor, monkeypatch: pytest.MonkeyPatch
) -> None:
    original = Host.publickey_import

    def leaky(self: Host, *args: Any) -> tuple[int, ...]:
        self.memory.write(0x100, b"\x01\x02\x03\x04")  # written, then the call fails
        return original(self, *args)

    monkeypatch.setattr(Host, "publickey_import", leaky)
    p = Kx()
    p.import_public(bytes(31))
    # host methods are bound when a runner is made: make one after planting
    assert _oracles(Executor(load_all(), handle_limit=32), p.build()) == {Oracle.INVARIANTS}


def test_crash_oracle_sees_an_exception_escaping_a_backend(
    executor: Executor, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(self: Any, pk: bytes, sk: bytes) -> bytes:
        raise KeyError("boom")

    monkeypatch.setattr(SodiumX25519, "dh", broken)
    findings = executor.run(_dh_program()).findings
    assert [(f.oracle, f.function, f.backends) for f in findings] == [
        (Oracle.CRASH, "kx_dh", ("libsodium",))]
    assert "KeyError" in findings[0].signature()


def test_signatures_are_one_line(executor: Executor, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(SodiumX25519, "verify_public", lambda self, pk: None)
    finding = executor.run(_dh_program(LOW_ORDER[0])).findings[0]
    assert "\n" not in finding.signature()
    assert finding.signature().startswith("differential: publickey_verify#2 [")


def test_a_backend_lacking_an_algorithm_is_skipped_for_it() -> None:
    partial = Backend.of("partial", "declares only ML-KEM-512", *load_backend(
        "kyber-py").algorithms.values())
    executor = Executor([*load_all(), partial], handle_limit=32)
    p = Kx()
    kp = p.generate()
    pk = p.call("keypair_publickey", OutRef(kp), p.out())
    p.call("publickey_verify", OutRef(pk))
    p.string("ML-KEM-512")  # a name it declares, placed in memory: it runs, and departs
    outcome = executor.run(p.build())
    assert outcome.traces["partial"].results[0].errno == Errno.UNSUPPORTED_ALGORITHM
    assert outcome.traces["libsodium"].results[0].errno == Errno.SUCCESS
    assert outcome.findings == []
    # Without the name, no run of the program can reach it: it is not run at all.
    p = Kx()
    p.generate()
    assert "partial" not in executor.run(p.build()).traces


def test_a_backend_refusing_an_algorithm_it_declares_is_a_finding(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    sodium = load_backend("libsodium")
    monkeypatch.setattr(Backend, "find", lambda self, name: None if self is sodium else
                        self.algorithms.get(name.upper()))
    findings = Executor(load_all(), handle_limit=32).run(_dh_program()).findings
    assert [(f.oracle, f.backends) for f in findings][:1] == [
        (Oracle.DIFFERENTIAL, ("libsodium",))]
    assert "declares X25519 but answered unsupported_algorithm" in findings[0].detail


def test_the_model_knows_every_declared_algorithm() -> None:
    for backend in load_all():
        assert set(backend.algorithms) <= set(FACTS), backend.name


@given(st.binary(min_size=64, max_size=64),
       st.lists(st.tuples(st.integers(0, 63), st.binary(min_size=1, max_size=16)), max_size=6),
       st.integers(0, 64), st.integers(0, 64))
def test_the_model_reads_memory_under_every_earlier_write(
        image: bytes, writes: list[tuple[int, bytes]], ptr: int, length: int) -> None:
    # the model patches writes into what it reads; the guest sees them applied in order
    writes = [(address, data[: 64 - address]) for address, data in writes]  # inside memory
    length = min(length, 64 - ptr)
    expected = bytearray(image)
    for address, data in writes:
        expected[address : address + len(data)] = data
    model = SpecModel(image=image, written=writes)
    assert model.bytes_at(ptr, length) == bytes(expected[ptr : ptr + length])
