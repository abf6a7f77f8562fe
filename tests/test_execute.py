"""The executor's shortcuts: which backends run a program, and how few guest runs serve them."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest

from harness.abi import Errno, KeyEncoding
from harness.corpus import CORPUS, committed_inputs
from harness.errors import CryptoError
from harness.execute import Executor
from harness.findings import Oracle
from harness.fuzzing import BACKENDS, FUZZ_HANDLE_LIMIT, executor
from harness.nameable import Names
from harness.program import Call, OutRef, Program, ProgramBuilder, Segment, encode_program
from harness.targets import ForeignInput, decode
from impls.base import Backend, KxAlgorithm, Material, Mechanism
from impls.recording import LibraryCall, recording
from tests.kx import RAW, Kx

NAMES = ("X25519", "X448", "ML-KEM-512", "P256-SHA256")


def _names_in(*segments: tuple[int, bytes], calls: tuple[Call, ...] = ()) -> frozenset[str]:
    program = Program(tuple(Segment(a, d) for a, d in segments), calls)
    return Names(NAMES).nameable(program, encode_program(program).image)


def test_a_name_is_found_in_any_case_and_across_touching_segments() -> None:
    assert _names_in((0x100, b"..x25519..")) == {"X25519"}
    assert _names_in((0x100, b"ML-KE"), (0x105, b"m-512")) == {"ML-KEM-512"}
    assert _names_in((0x100, b"X4"), (0x102, b"48"), (0xFFF5, b"p256-sha256")) == {
        "X448", "P256-SHA256"}  # flush with the end of memory
    assert _names_in((0x100, b"X25"), (0x104, b"519")) == frozenset()  # a zero between
    assert _names_in((0x100, b"X2551\xff9")) == frozenset()


def test_names_that_can_overlap_are_each_found() -> None:
    program = Program((Segment(0x100, b"xABCx"),))
    image = encode_program(program).image
    assert Names(["AB", "BC", "ABCD"]).nameable(program, image) == {"AB", "BC"}
    assert Names(["AB", "CD"]).nameable(program, image) == {"AB"}  # one scan: they cannot


def test_many_options_handles_could_spell_a_name() -> None:
    opens = tuple(Call("options_open", (2, 0x200)) for _ in range(0x20))
    assert _names_in((0x100, b"nothing"), calls=opens[:-1]) == frozenset()
    assert _names_in((0x100, b"nothing"), calls=opens) == set(NAMES)


def test_a_program_naming_no_algorithm_runs_everywhere() -> None:
    p = ProgramBuilder()
    p.call("options_open", 2, p.scratch())
    assert set(executor().run(p.build()).traces) == {b.name for b in BACKENDS}


def _generate(algorithm: str) -> Program:
    p = Kx(algorithm)
    p.generate()
    return p.build()


def test_backends_run_only_programs_that_can_name_their_algorithms() -> None:
    traces = executor().run(_generate("ML-KEM-512")).traces
    assert set(traces) == {"pycryptodome", "kyber-py"}
    traces = executor().run(_generate("X25519")).traces
    assert set(traces) == {"cryptography", "libsodium", "pycryptodome"}


def test_backends_that_depart_together_run_on_in_one_lockstep() -> None:
    p = Kx("ML-KEM-512")
    kp = p.generate()
    p.call("keypair_publickey", OutRef(kp), p.out())
    p.string("X25519")  # every backend can be reached: all four run
    fast = Executor(BACKENDS, handle_limit=FUZZ_HANDLE_LIMIT)
    outcome = fast.run(p.build())
    # cryptography leads and lacks ML-KEM-512, like libsodium; the other two depart together
    assert ("pycryptodome", "kyber-py") in fast._locksteps
    assert outcome.traces["kyber-py"].results[0].errno == Errno.SUCCESS
    assert outcome.traces["libsodium"].results[0].errno == Errno.UNSUPPORTED_ALGORITHM
    plain = Executor(BACKENDS, handle_limit=FUZZ_HANDLE_LIMIT, lockstep=False)
    assert plain.run(p.build()).traces == outcome.traces
    assert outcome.findings == []


CORPUS_FILES = committed_inputs()


@pytest.fixture(scope="module")
def null_backend_runner() -> Executor:
    return Executor([Backend.of("null", "no algorithm")], handle_limit=FUZZ_HANDLE_LIMIT)


def test_a_skipped_backend_would_have_found_no_algorithm(null_backend_runner: Executor) -> None:
    """On every corpus input, each backend left out behaves, run on its own, exactly like a
    backend with no algorithm at all: leaving it out skips nothing it could have done."""
    plain = {r.backend.name: r for r in Executor(
        BACKENDS, handle_limit=FUZZ_HANDLE_LIMIT, lockstep=False).runners}
    null = null_backend_runner.runners[0]
    skipped = 0
    for path in CORPUS_FILES:
        try:
            program = decode(path.read_bytes()).program
        except ForeignInput:
            continue
        if not program.calls:
            continue
        outcome = executor().run(program)
        ran = set(outcome.traces) | {b for f in outcome.known if f.oracle is Oracle.CRASH
                                     for b in f.backends}  # a known crash ran too
        for name in set(plain) - ran:
            skipped += 1
            own, nothing = plain[name].run(program), null.run(program)
            assert (own.results, own.memory) == (nothing.results, nothing.memory), (
                f"{Path(path).relative_to(CORPUS.parent)}: {name}")
    assert skipped > 1000  # the corpus does exercise the shortcut


def test_a_recorded_library_call_says_whether_the_library_refused() -> None:
    """bench_corpus.py tells inputs that did X25519 work from those a library refused."""
    log: list[LibraryCall] = []
    sodium = next(b for b in BACKENDS if b.name == "libsodium")
    x25519 = recording(sodium, log).algorithms["X25519"]
    key = bytes(range(32))
    assert x25519.import_public(key, KeyEncoding.RAW) == key
    with pytest.raises(CryptoError):
        x25519.import_public(key[:31], KeyEncoding.RAW)
    assert [(c.operation, c.args, c.refused) for c in log] == [
        ("import_public", (key, KeyEncoding.RAW), False),
        ("import_public", (key[:31], KeyEncoding.RAW), True)]


def test_a_departed_backend_continues_from_where_it_departed() -> None:
    """libsodium lacks X448: it departs at the second call, and goes on from there, without
    generating its X25519 key pair again, to the trace a run of its own gives."""
    log: list[LibraryCall] = []
    backends = [recording(b, log) if b.name == "libsodium" else b for b in BACKENDS]
    p = Kx("X25519")
    kp = p.generate()
    p.alg = p.string("X448")
    p.generate()
    p.call("keypair_publickey", OutRef(kp), p.out())  # libsodium alone from here
    p.call("publickey_export", OutRef(2), 0, p.out())
    p.pull(OutRef(3), 32)
    fast = Executor(backends, handle_limit=FUZZ_HANDLE_LIMIT)
    outcome = fast.run(p.build())
    assert Counter(c.operation for c in log) == {"generate": 1, "export_public": 1}
    assert outcome.traces["libsodium"].results[1].errno == Errno.UNSUPPORTED_ALGORITHM
    assert ("libsodium",) in fast._locksteps  # its continuation
    plain = Executor(BACKENDS, handle_limit=FUZZ_HANDLE_LIMIT, lockstep=False)
    assert plain.run(p.build()).traces == outcome.traces
    assert outcome.findings == []


class _Toy(KxAlgorithm):
    """A stand-in for X25519 whose public-key import answers as it is told."""

    name = "X25519"
    mechanism = Mechanism.DH
    seed_length = 32

    def __init__(self, refusal: Errno | None, counts: Counter[str], extra: int = 0) -> None:
        self.refusal = refusal
        self.counts = counts
        self.extra = extra  # bytes its exports have beyond 32

    def generate(self, seed: bytes) -> tuple[Material, Material]:
        self.counts["generate"] += 1
        return seed, seed

    def import_public(self, data: bytes, encoding: KeyEncoding) -> Material:
        if self.refusal is not None:
            raise CryptoError(self.refusal)
        if data == b"boom":
            raise RuntimeError("a library bug")
        return data

    def verify_public(self, pk: Material) -> None:
        pass

    def export_public(self, pk: Material, encoding: KeyEncoding) -> bytes:
        return bytes(32) + bytes(self.extra)


def test_followers_departing_with_different_answers_continue_apart() -> None:
    """At one call, two followers answer unlike the leader and unlike each other: each goes
    on in a continuation of its own, from that call."""
    counts: Counter[str] = Counter()
    backends = _toys(counts)
    p = Kx("X25519")
    p.generate()
    pk = p.import_public(b"key")
    p.call("publickey_verify", OutRef(pk))
    p.call("publickey_verify", 0x0300_0001)  # the first public key, if there is one
    fast = Executor(backends, handle_limit=FUZZ_HANDLE_LIMIT)
    outcome = fast.run(p.build())
    assert counts == {"generate": 3}
    assert {("refuses",), ("lacks",)} <= set(fast._locksteps)
    assert [t.results[1].errno for t in outcome.traces.values()] == [
        Errno.SUCCESS, Errno.INVALID_KEY, Errno.UNSUPPORTED_ENCODING]
    assert Executor(backends, handle_limit=FUZZ_HANDLE_LIMIT, lockstep=False).run(
        p.build()).traces == outcome.traces


def _toys(counts: Counter[str]) -> list[Backend]:
    return [Backend.of(name, "toy", _Toy(refusal, counts)) for name, refusal in (
        ("accepts", None), ("refuses", Errno.INVALID_KEY),
        ("lacks", Errno.UNSUPPORTED_ENCODING))]


def test_a_crash_in_one_continuation_leaves_the_others_run() -> None:
    p = Kx("X25519")
    p.generate()
    p.import_public(b"key")  # "refuses" and "lacks" depart, apart
    p.import_public(b"boom")  # "accepts" raises
    backends = [_toys(Counter())[k] for k in (1, 0, 2)]  # "refuses" leads: "accepts" departs
    outcome = Executor(backends, handle_limit=FUZZ_HANDLE_LIMIT).run(p.build())
    plain = Executor(backends, handle_limit=FUZZ_HANDLE_LIMIT, lockstep=False).run(p.build())
    assert set(outcome.traces) == {"refuses", "lacks"}
    assert outcome.traces == plain.traces
    # the others are judged too (the toys disagree on the first import), in call order
    assert [(f.call, f.oracle, f.backends) for f in outcome.findings][-1] == (
        2, Oracle.CRASH, ("accepts",))
    assert [f.call for f in outcome.findings] == sorted(f.call or 0 for f in outcome.findings)
    assert outcome.findings == plain.findings


def test_a_pull_that_drains_only_the_leaders_output_parts_them() -> None:
    """Both pull the same 32 bytes, which drain the leader's output only: the follower's is
    still open, and its next pull succeeds where the leader's finds no handle."""
    counts: Counter[str] = Counter()
    backends = [Backend.of(name, "toy", _Toy(None, counts, extra))
                for name, extra in (("short", 0), ("long", 1))]
    p = Kx("X25519")
    kp = p.generate()
    pk = p.call("keypair_publickey", OutRef(kp), p.out())
    output = p.call("publickey_export", OutRef(pk), RAW, p.out())
    p.pull(output, 32)
    p.pull(output, 32)
    outcome = Executor(backends, handle_limit=FUZZ_HANDLE_LIMIT).run(p.build())
    assert [r.errno for r in outcome.traces["long"].results][-1] == Errno.SUCCESS
    assert [r.errno for r in outcome.traces["short"].results][-1] == Errno.INVALID_HANDLE
    assert counts["generate"] == 2  # "long" went on from the pull, not from the start
    plain = Executor(backends, handle_limit=FUZZ_HANDLE_LIMIT, lockstep=False).run(p.build())
    assert outcome.traces == plain.traces
