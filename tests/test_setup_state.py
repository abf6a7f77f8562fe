"""A focused target's set-up runs once, and every input continues the state it left."""

from __future__ import annotations

from collections import Counter
from typing import NoReturn

import pytest

from harness.execute import Executor, Outcome
from harness.findings import Oracle
from harness.fuzzing import BACKENDS, FUZZ_HANDLE_LIMIT, executor, run_input
from harness.host import Host
from harness.program import Call, OutRef, Program, Segment, encode_program
from harness.selftest.plants import PLANTS
from harness.targets import decode, encode
from impls.base import invalid_key
from impls.recording import LibraryCall, recording
from tests.test_divergences import _CURVE_KEY_CRASH

Ops = list[tuple[str, dict[str, int | bytes]]]
PULL: Ops = [("array_output_pull", {"output": 0, "size": 32})]
DH: Ops = [("publickey_import", {"key": 3}), ("kx_dh", {"pk": 1, "sk": 0}), *PULL]


def _fresh() -> Executor:
    return Executor(BACKENDS, handle_limit=FUZZ_HANDLE_LIMIT)


def _full(program: Program) -> Outcome:
    """Every backend run on its own from the program's first call."""
    return Executor(BACKENDS, handle_limit=FUZZ_HANDLE_LIMIT, lockstep=False).run(program)


def _same(a: Outcome, b: Outcome) -> None:
    assert a.traces == b.traces
    assert a.findings == b.findings
    assert a.known == b.known


@pytest.mark.parametrize(("target", "algorithm", "ops"), [
    ("dh", "X25519", DH),
    ("dh", "P256-SHA256", DH),
    ("kem", "ML-KEM-768", [("kx_encapsulate", {"pk": 0}), *PULL]),
])
def test_the_set_up_runs_once_and_inputs_continue_it(
        target: str, algorithm: str, ops: Ops) -> None:
    log: list[LibraryCall] = []
    executor = Executor([recording(b, log) for b in BACKENDS], handle_limit=FUZZ_HANDLE_LIMIT)
    inputs = [decode(encode(target, ops[:n], algorithm)) for n in (1, 2, len(ops))]
    for decoded in inputs:
        outcome = executor.run(decoded.program, decoded.set_up)
        assert outcome.continued
        _same(outcome, _full(decoded.program))
    generated = Counter(c.algorithm for c in log if c.operation == "generate")
    backends = sum(1 for b in BACKENDS if b.find(algorithm) is not None)
    assert generated == {algorithm: backends}  # once per backend, not once per input


def test_an_input_over_the_memory_the_set_up_reads_runs_from_its_start() -> None:
    decoded = decode(encode("dh", DH, "X25519"))
    set_up = decoded.set_up
    assert set_up is not None
    name = next(s for s in set_up.program.segments if s.data == b"X25519")
    # a later segment that puts another name where the set-up's generate reads its own
    program = Program((*decoded.program.segments, Segment(name.address, b"X448\0\0")),
                      decoded.program.calls)
    executor = _fresh()
    names = tuple(n for n, algs in executor.capabilities.items() if "X25519" in algs)
    done = executor._set_up(set_up, names)
    assert done is not None
    assert done.state.fits(encode_program(decoded.program))
    assert not done.state.fits(encode_program(program))
    outcome = executor.run(program, set_up)
    assert not outcome.continued
    _same(outcome, _full(program))
    assert outcome.traces["libsodium"].results[0].errno != 0  # no X448 on libsodium


def test_an_input_with_other_first_calls_runs_from_its_start() -> None:
    decoded = decode(encode("dh", DH, "X25519"))
    calls = decoded.program.calls
    program = Program(decoded.program.segments,
                      (Call(calls[0].function, (*calls[0].args[:-1], 0x10)), *calls[1:]))
    _same(_fresh().run(program, decoded.set_up), _full(program))


def test_a_set_up_the_backends_disagree_on_is_not_continued(
        monkeypatch: pytest.MonkeyPatch) -> None:
    def refuses(self: object, seed: bytes) -> NoReturn:
        raise invalid_key("refused")

    sodium = next(b for b in BACKENDS if b.name == "libsodium").find("X25519")
    monkeypatch.setattr(type(sodium), "generate", refuses)
    decoded = decode(encode("dh", DH, "X25519"))
    executor = _fresh()
    outcome = executor.run(decoded.program, decoded.set_up)
    assert executor._set_ups and all(done is None for _, done in executor._set_ups.values())
    assert outcome.findings[0].oracle is Oracle.DIFFERENTIAL
    assert outcome.findings[0].call == 0  # the set-up's generate, reported with the input
    _same(outcome, _full(decoded.program))


def test_a_bug_after_the_set_up_is_found_as_from_the_start(
        monkeypatch: pytest.MonkeyPatch) -> None:
    """The model and invariants oracles judge an input from the state the set-up left."""
    def over_reports(self: Host, handle: int) -> tuple[int, ...]:
        return (original(self, handle)[0] + 1,)

    original = Host.array_output_len
    monkeypatch.setattr(Host, "array_output_len", over_reports)
    length: Ops = [("array_output_len", {"output": 0})]
    decoded = decode(encode("dh", [*DH[:2], *length], "X25519"))
    outcome = _fresh().run(decoded.program, decoded.set_up)
    assert [(f.oracle, f.call) for f in outcome.findings] == [(Oracle.MODEL, 5)]
    _same(outcome, _full(decoded.program))


def test_continuing_a_state_leaves_it_as_it_was() -> None:
    executor = _fresh()
    decoded = decode(encode("dh", [*DH, *DH], "X25519"))
    names = tuple(n for n, algs in executor.capabilities.items() if "X25519" in algs)
    executor.run(decoded.program, decoded.set_up)
    assert decoded.set_up is not None
    done = executor._set_up(decoded.set_up, names)
    assert done is not None
    hosts: tuple[Host, ...] = done.state.resume.hosts
    before = [(h.handles.live(), h.entropy.copy().draw(16)) for h in hosts]
    again = executor.run(decoded.program, decoded.set_up)
    assert [(h.handles.live(), h.entropy.copy().draw(16)) for h in hosts] == before
    _same(again, _full(decoded.program))
    model = done.models[names[0]].model
    assert len(model.live) == 3 and not model.closed  # the key pair and its two halves


def test_a_reference_to_a_set_up_out_value_reads_what_it_wrote() -> None:
    decoded = decode(encode("dh", [], "X25519"))
    program = Program(decoded.program.segments,
                      (*decoded.program.calls, Call("keypair_close", (OutRef(0),))))
    outcome = _fresh().run(program, decoded.set_up)
    assert not outcome.findings
    assert {t.results[-1].errno for t in outcome.traces.values()} == {0}
    _same(outcome, _full(program))


def test_a_run_that_fell_back_to_the_start_did_not_continue() -> None:
    """A known crash breaks the lockstep: every backend runs again from its first call, set-up
    included (the corpus benchmark then counts the set-up's library calls)."""
    log: list[LibraryCall] = []
    executor = Executor([recording(b, log) for b in BACKENDS], handle_limit=FUZZ_HANDLE_LIMIT)
    warm = decode(encode("dh", [("publickey_verify", {"pk": 0})], "P256-SHA256"))
    assert executor.run(warm.program, warm.set_up).continued
    crashing = decode(encode("dh", [_CURVE_KEY_CRASH], "P256-SHA256"))
    log.clear()
    outcome = executor.run(crashing.program, crashing.set_up)
    assert [f.oracle for f in outcome.known] == [Oracle.CRASH] and not outcome.findings
    assert any(c.operation == "generate" for c in log)
    assert not outcome.continued


def test_applying_or_removing_a_plant_forgets_the_set_up_states() -> None:
    data = encode("dh", DH, "X25519")
    run_input(data)
    assert executor()._set_ups
    with PLANTS["bounds-off-by-one"].patch():
        assert not executor()._set_ups  # made under the code before
        run_input(data)
        assert executor()._set_ups
    assert not executor()._set_ups  # made under the plant
