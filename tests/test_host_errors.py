"""Every errno path of the host's argument handling, on every backend."""

from __future__ import annotations

import pytest

from harness.abi import Errno, Revision
from harness.layout import DATA_PAGES, PAGE
from harness.program import OutRef
from harness.runner import ProgramRunner
from impls import load_backend
from tests.kx import ALICE_PK, ALICE_SK, BOB_PK, CANARY, KX, RAW, Kx, errnos, read

S = Errno.SUCCESS
END = DATA_PAGES * PAGE  # first address past guest memory
FORGED = [0, 1, 0x7FFFFFFF, 0xFFFFFFFF, (4 << 24) | 99, (9 << 24) | 1]


# --- handles ---------------------------------------------------------------------------------


@pytest.mark.parametrize("handle", FORGED)
def test_forged_handles_are_invalid(runner: ProgramRunner, handle: int) -> None:
    p = Kx()
    p.call("publickey_export", handle, RAW, p.out())
    p.call("array_output_len", handle, p.out())
    p.call("kx_dh", handle, handle, p.out())
    p.call("options_close", handle)
    p.call("keypair_close", handle)
    assert errnos(runner.run(p.build())) == [Errno.INVALID_HANDLE] * 5


def test_closed_handles_are_invalid_and_double_close_is_closed(runner: ProgramRunner) -> None:
    p = Kx()
    pk = p.import_public(BOB_PK)
    p.call("publickey_close", OutRef(pk))
    p.call("publickey_export", OutRef(pk), RAW, p.out())
    p.call("publickey_verify", OutRef(pk))
    p.call("publickey_close", OutRef(pk))
    opts = p.call("options_open", KX, p.out())
    p.call("options_close", OutRef(opts))
    p.call("options_close", OutRef(opts))
    assert errnos(runner.run(p.build())) == [
        S, S, Errno.INVALID_HANDLE, Errno.INVALID_HANDLE, Errno.CLOSED, S, S, Errno.CLOSED,
    ]


def test_wrong_kind_handles_are_invalid(runner: ProgramRunner) -> None:
    p = Kx()
    kp = p.import_keypair(ALICE_PK + ALICE_SK)
    pk = p.call("keypair_publickey", OutRef(kp), p.out())
    sk = p.call("keypair_secretkey", OutRef(kp), p.out())
    p.call("kx_dh", OutRef(sk), OutRef(pk), p.out())  # swapped
    p.call("kx_dh", OutRef(kp), OutRef(sk), p.out())  # a key pair where a public key goes
    p.call("publickey_export", OutRef(sk), RAW, p.out())
    p.call("secretkey_close", OutRef(pk))
    p.call("keypair_close", OutRef(pk))  # wrong kind even after...
    p.call("publickey_close", OutRef(pk))
    p.call("secretkey_close", OutRef(pk))  # ...the handle was closed: still invalid_handle
    assert errnos(runner.run(p.build())) == [
        S, S, S, *[Errno.INVALID_HANDLE] * 5, S, Errno.INVALID_HANDLE,
    ]


def test_handle_exhaustion_is_too_many_handles_and_recovers() -> None:
    for name in ("cryptography", "libsodium"):
        runner = ProgramRunner(load_backend(name), handle_limit=8)
        p = Kx()
        opened = [p.call("options_open", KX, p.out()) for _ in range(9)]
        p.call("options_close", OutRef(opened[0]))
        p.call("options_open", KX, p.out())
        p.call("options_open", KX, p.out())
        assert errnos(runner.run(p.build())) == [
            *[S] * 8, Errno.TOO_MANY_HANDLES, S, S, Errno.TOO_MANY_HANDLES,
        ]


def test_default_handle_limit_is_enforced(runner: ProgramRunner) -> None:
    limit = runner.host.handle_limit
    p = Kx()
    out = p.out()
    for _ in range(limit + 1):
        p.call("options_open", KX, out)
    trace = runner.run(p.build())
    assert errnos(trace) == [S] * limit + [Errno.TOO_MANY_HANDLES]


def test_handles_are_unique_and_never_reused(runner: ProgramRunner) -> None:
    p = Kx()
    calls = []
    for _ in range(5):
        calls.append(p.call("options_open", KX, p.out()))
        p.call("options_close", OutRef(calls[-1]))
    trace = runner.run(p.build())
    handles = [trace.results[c].outs[0] for c in calls]
    assert len(set(handles)) == 5


# --- guest memory ----------------------------------------------------------------------------

WILD = [(END - 3, 8), (END, 1), (0xFFFFFFFF, 2), (0xFFFFFFF0, 0x20), (8, 0xFFFFFFFF),
        (END + 100, 0)]


@pytest.mark.parametrize(("ptr", "length"), WILD)
def test_out_of_bounds_inputs_are_guest_errors(
    runner: ProgramRunner, ptr: int, length: int
) -> None:
    p = Kx()
    out = p.out()
    p.call("publickey_import", KX, ptr, length, p.data(BOB_PK), 32, RAW, out)  # algorithm name
    p.call("publickey_import", KX, *p.alg, ptr, length, RAW, out)  # key bytes
    p.call("options_set", 0, ptr, length, 0, 0)  # option name
    p.call("kx_decapsulate", 0, ptr, length, out)
    trace = runner.run(p.build())
    assert errnos(trace) == [Errno.GUEST_ERROR] * 4
    assert read(trace, out, 8) == CANARY


@pytest.mark.parametrize("out", [END - 3, END, 0xFFFFFFFF, 0xFFFFFFFE, 0x80000000])
def test_out_pointer_out_of_bounds_writes_nothing_and_creates_nothing(
    runner: ProgramRunner, out: int
) -> None:
    p = Kx()
    p.call("publickey_import", KX, *p.alg, p.data(BOB_PK), 32, RAW, out)
    ok = p.import_public(BOB_PK)
    trace = runner.run(p.build())
    assert errnos(trace) == [Errno.GUEST_ERROR, S]
    assert trace.results[0].outs == (None,)
    # no handle was made by the failed call: the next one is the first public key handle
    assert trace.results[ok].outs[0] == (4 << 24) | 1


def test_pull_into_out_of_bounds_buffer_keeps_the_output(runner: ProgramRunner) -> None:
    p = Kx()
    pk = p.import_public(BOB_PK)
    export = p.call("publickey_export", OutRef(pk), RAW, p.out())
    p.call("array_output_pull", OutRef(export), END - 16, 32, p.out())
    p.call("array_output_pull", OutRef(export), 0xFFFFFFF0, 32, p.out())
    _, buf = p.pull(export, 32)
    trace = runner.run(p.build())
    assert errnos(trace) == [S, S, Errno.GUEST_ERROR, Errno.GUEST_ERROR, S]
    assert read(trace, buf, 32) == BOB_PK


def test_opt_options_struct(runner: ProgramRunner) -> None:
    p = Kx()
    opts = p.call("options_open", KX, p.out())
    sig_opts = p.call("options_open", 0, p.out())
    out = p.out()

    def generate(struct_ptr: int) -> None:
        p.call("keypair_generate", KX, *p.alg, struct_ptr, out)

    generate(END - 4)  # struct leaves memory
    generate(p.data(bytes([2, 0, 0, 0, 0, 0, 0, 0])))  # tag neither some (0) nor none (1)
    generate(p.data(bytes([1, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF])))  # none: rest ignored
    generate(p.data(bytes([0, 0, 0, 0, 0xEF, 0xBE, 0xAD, 0xDE])))  # some(forged)
    some_kx = p.scratch(8)
    p.call("options_open", KX, some_kx + 4)  # writes the options handle into the struct
    generate(some_kx)
    some_sig = p.scratch(8)
    p.call("options_open", 0, some_sig + 4)
    generate(some_sig)  # options of another algorithm type
    p.call("secrets_manager_open", END, out)
    trace = runner.run(p.build())
    assert errnos(trace)[2:] == [
        Errno.GUEST_ERROR, Errno.GUEST_ERROR, S, Errno.INVALID_HANDLE, S, S, S,
        Errno.INVALID_HANDLE, Errno.GUEST_ERROR,
    ]
    assert trace.results[opts].errno == trace.results[sig_opts].errno == S


def test_zero_and_huge_lengths(runner: ProgramRunner) -> None:
    p = Kx()
    key = p.data(BOB_PK)
    p.call("publickey_import", KX, *p.alg, key, 0, RAW, p.out())  # zero-length key
    p.call("publickey_import", KX, p.alg[0], 0, key, 32, RAW, p.out())  # empty algorithm name
    p.call("publickey_import", KX, *p.alg, key, 0x7FFFFFFF, RAW, p.out())
    p.call("publickey_import", KX, *p.alg, key, 0xFFFFFFFF, RAW, p.out())
    pk = p.import_public(BOB_PK)
    export = p.call("publickey_export", OutRef(pk), RAW, p.out())
    zero_pull = p.call("array_output_pull", OutRef(export), 0, 0, p.out())
    p.call("array_output_len", OutRef(export), p.out())
    trace = runner.run(p.build())
    assert errnos(trace) == [
        Errno.INVALID_KEY, Errno.UNSUPPORTED_ALGORITHM, Errno.GUEST_ERROR, Errno.GUEST_ERROR,
        S, S, S, S,
    ]
    assert trace.results[zero_pull].outs == (0,)


# --- enumerations, strings, algorithms -------------------------------------------------------


@pytest.mark.parametrize("value", [3, 4, 0xFFFF, 0x10002, 0xFFFFFFFF])
def test_bad_algorithm_type_is_a_guest_error(runner: ProgramRunner, value: int) -> None:
    p = Kx()
    p.call("options_open", value, p.out())
    p.call("publickey_import", value, *p.alg, p.data(BOB_PK), 32, RAW, p.out())
    assert errnos(runner.run(p.build())) == [Errno.GUEST_ERROR] * 2


@pytest.mark.parametrize("value", [6, 0x10000, 0xFFFFFFFF])
def test_bad_encodings_are_guest_errors(runner: ProgramRunner, value: int) -> None:
    p = Kx()
    p.import_public(BOB_PK, value)
    p.import_secret(ALICE_SK, value)
    p.import_keypair(ALICE_PK + ALICE_SK, value if value != 6 else 4)
    kp = p.import_keypair(ALICE_PK + ALICE_SK)
    p.call("keypair_export", OutRef(kp), value, p.out())
    assert errnos(runner.run(p.build())) == [*[Errno.GUEST_ERROR] * 3, S, Errno.GUEST_ERROR]


@pytest.mark.parametrize(
    ("name", "errno"),
    [
        (b"X25519", S),
        (b"x25519", S),
        (b"X25519\x00", Errno.UNSUPPORTED_ALGORITHM),
        (b"X25520", Errno.UNSUPPORTED_ALGORITHM),
        (b"", Errno.UNSUPPORTED_ALGORITHM),
        ("\uff3825519".encode(), Errno.UNSUPPORTED_ALGORITHM),  # fullwidth X: not ASCII
        (b"X2551\xff", Errno.GUEST_ERROR),  # invalid UTF-8
        (b"\xc3", Errno.GUEST_ERROR),  # truncated UTF-8 sequence
        (b"\xed\xa0\x80", Errno.GUEST_ERROR),  # encoded surrogate
    ],
)
def test_algorithm_names(runner: ProgramRunner, name: bytes, errno: Errno) -> None:
    p = Kx()
    alg = p.data(name, 1)
    p.call("keypair_generate", KX, alg, len(name), p.data(bytes([1] + [0] * 7)), p.out())
    p.call("publickey_import", KX, alg, len(name), p.data(BOB_PK), 32, RAW, p.out())
    assert errnos(runner.run(p.build())) == [errno, errno]


@pytest.mark.parametrize("algorithm_type", [0, 1])
def test_wrong_algorithm_type_is_unsupported_algorithm(
    runner: ProgramRunner, algorithm_type: int
) -> None:
    p = Kx()
    p.call("keypair_generate", algorithm_type, *p.alg, p.data(bytes([1] + [0] * 7)), p.out())
    p.call("secretkey_import", algorithm_type, *p.alg, p.data(ALICE_SK), 32, RAW, p.out())
    assert errnos(runner.run(p.build())) == [Errno.UNSUPPORTED_ALGORITHM] * 2


# --- options and managed keys ----------------------------------------------------------------


@pytest.mark.parametrize("algorithm_type", [0, 1, 2])
def test_options_are_unsupported_for_every_name(
    runner: ProgramRunner, algorithm_type: int
) -> None:
    p = Kx()
    opts = p.call("options_open", algorithm_type, p.out())
    name = p.string("context")
    p.call("options_set", OutRef(opts), *name, p.data(b"value"), 5)
    p.call("options_set_u64", OutRef(opts), *name, 2**64 - 1)
    p.call("options_set_guest_buffer", OutRef(opts), *name, p.scratch(16), 16)
    p.call("options_set", OutRef(opts), p.data(b"\xff", 1), 1, 0, 0)  # bad name first
    p.call("options_set_u64", 12345, *name, 1)  # bad handle
    p.call("options_close", OutRef(opts))
    assert errnos(runner.run(p.build())) == [
        S, *[Errno.UNSUPPORTED_OPTION] * 3, Errno.GUEST_ERROR, Errno.INVALID_HANDLE, S,
    ]


def test_managed_keys_are_unsupported_features(runner: ProgramRunner) -> None:
    p = Kx()
    none = p.data(bytes([1] + [0] * 7))
    out = p.out()
    p.call("secrets_manager_open", none, out)
    p.call("secrets_manager_close", 1)
    p.call("secrets_manager_invalidate", 1, p.data(b"id"), 2, 0)
    p.call("keypair_generate_managed", 1, KX, *p.alg, none, out)
    p.call("keypair_store_managed", 1, 1, p.scratch(16), 16)
    p.call("keypair_replace_managed", 1, 1, 2, p.scratch(8))
    p.call("keypair_id", 1, p.scratch(16), 16, p.out(), p.scratch(8))
    p.call("keypair_from_id", 1, p.data(b"id"), 2, 0, out)
    trace = runner.run(p.build())
    assert errnos(trace) == [Errno.UNSUPPORTED_FEATURE] * 8
    assert read(trace, out, 8) == CANARY


def test_an_array_output_left_by_an_error_stays_valid(runner: ProgramRunner) -> None:
    p = Kx()
    pk = p.import_public(BOB_PK)
    export = p.call("publickey_export", OutRef(pk), RAW, p.out())
    p.call("array_output_pull", OutRef(export), p.scratch(32), 32, 0xFFFFFFFF)  # bad out ptr
    p.call("array_output_len", OutRef(export), p.out())
    _, buf = p.pull(export, 32)
    trace = runner.run(p.build())
    assert errnos(trace) == [S, S, Errno.GUEST_ERROR, S, S]
    assert read(trace, buf, 32) == BOB_PK


def test_revision_witx_0_9_numbers_local_as_4() -> None:
    runner = ProgramRunner(load_backend("libsodium"), revision=Revision.WITX_0_9)
    p = Kx()
    p.import_public(BOB_PK, 4)  # local in witx 0.9: unsupported, not compressed_sec
    p.import_public(BOB_PK, 5)  # no such value in witx 0.9
    p.import_public(BOB_PK, 0)
    assert errnos(runner.run(p.build())) == [
        Errno.UNSUPPORTED_ENCODING, Errno.GUEST_ERROR, S,
    ]
