"""`kxfuzz run-guest`: users' own guests against each backend."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
import wasmtime

from harness.cli import EXIT_ERROR, EXIT_INTERNAL, main
from impls import BACKEND_NAMES
from tests.conftest import X25519_BACKENDS

GUEST = Path(__file__).parent / "guests" / "rfc7748.wat"


@pytest.fixture(scope="module")
def guest_wasm(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("guest") / "rfc7748.wasm"
    path.write_bytes(wasmtime.wat2wasm(GUEST.read_text()))
    return path


@pytest.mark.parametrize("backend", X25519_BACKENDS)
def test_hand_written_guest_computes_rfc7748(backend: str, guest_wasm: Path) -> None:
    # A subprocess, so the guest's WASI stdout is the real one.
    result = subprocess.run(
        [sys.executable, "-m", "harness", "run-guest", str(guest_wasm), "--backend", backend,
         "--invoke", "rfc7748"],
        capture_output=True, text=True, check=False,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout == "ok\n0\n"


@pytest.mark.parametrize("backend", X25519_BACKENDS)
def test_arguments_and_results(
    backend: str, guest_wasm: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["run-guest", str(guest_wasm), "--backend", backend, "--invoke", "verify",
                 "0x12345"]) == 0
    assert capsys.readouterr().out == "15\n"  # invalid_handle
    assert main(["run-guest", str(GUEST), "--backend", backend, "--invoke", "pair",
                 "-1", "0x7fffffffffffffff"]) == 0
    assert capsys.readouterr().out == f"-1\n{2**63 - 1}\n"


@pytest.mark.parametrize(
    ("setup", "args", "message"),
    [
        ("missing", ["--invoke", "rfc7748"], "no such file"),
        ("garbage", ["--invoke", "rfc7748"], "not a valid WebAssembly module"),
        ("random", ["--invoke", "rfc7748"], "neither binary nor UTF-8 WAT text"),
        ("unknown_import", ["--invoke", "f"], "cannot instantiate"),
        ("no_memory", ["--invoke", "f"], "exports no memory"),
        ("guest", ["--invoke", "nope"], "no exported function 'nope'"),
        ("guest", ["--invoke", "verify"], "takes 1 arguments, got 0"),
        ("guest", ["--invoke", "verify", "xyz"], "is not an i32"),
        ("guest", ["--invoke", "verify", str(2**32)], "out of range for i32"),
        ("guest", ["--invoke", "verify", str(-(2**31) - 1)], "out of range for i32"),
        ("guest", ["--invoke", "pair", "0", str(2**64)], "out of range for i64"),
        ("guest", ["--invoke", "crash"], "trap: wasm trap: wasm `unreachable` instruction"),
    ],
)
def test_user_mistakes_get_one_line_errors(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], setup: str, args: list[str], message: str
) -> None:
    modules = {
        "garbage": b"\x00asm\x01\x00\x00\x00garbage",
        "random": bytes(range(0x80, 0x100)),
        "unknown_import": b'(module (import "wasi_ephemeral_crypto_kx" "kx_nope" (func))'
        b' (memory (export "memory") 1) (func (export "f")))',
        "no_memory": b'(module (import "wasi_ephemeral_crypto_kx" "kx_dh"'
        b" (func (param i32 i32 i32) (result i32))) (func (export \"f\")))",
    }
    path = GUEST if setup == "guest" else tmp_path / f"{setup}.wasm"
    if setup in modules:
        path.write_bytes(modules[setup])
    code = main(["run-guest", str(path), "--backend", "libsodium", *args])
    err = capsys.readouterr().err
    assert code == EXIT_ERROR
    assert err.startswith("kxfuzz: error: ") and message in err
    assert err.count("\n") == 1


def test_bad_cli_arguments_exit_2(capsys: pytest.CaptureFixture[str]) -> None:
    for argv in (["run-guest", str(GUEST), "--backend", "openssl", "--invoke", "f"],
                 ["run-guest", str(GUEST), "--backend", "libsodium"],
                 ["run-guest", str(GUEST), "--backend", "libsodium", "--invoke", "f",
                  "--seed", "zz"],
                 ["frobnicate"]):
        with pytest.raises(SystemExit) as info:
            main(argv)
        assert info.value.code == 2
    assert "Traceback" not in capsys.readouterr().err


def test_console_script_is_installed() -> None:
    kxfuzz = Path(sys.executable).parent / "kxfuzz"
    result = subprocess.run([str(kxfuzz), "--help"], capture_output=True, text=True, check=False)
    assert result.returncode == 0 and "run-guest" in result.stdout


def test_backends_prints_the_capability_table(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["backends"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].split() == ["algorithm", "mechanism", *BACKEND_NAMES]
    rows = {line.split()[0]: line.split()[1:] for line in lines[1:lines.index("")]}
    assert rows["X25519"] == ["dh", "yes", "yes", "yes", "-"]
    assert rows["ML-KEM-512"] == ["kem", "-", "-", "yes", "yes"]
    assert rows["ML-KEM-768"] == ["kem", "yes*", "-", "yes", "-"]
    assert len(rows) == 8


@pytest.mark.parametrize("raised", [OSError(5, "Input/output error"), BrokenPipeError(32, "x"),
                                    RuntimeError("bug")])
def test_an_exception_from_a_backend_is_a_finding_whatever_its_type(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, raised: Exception
) -> None:
    """Not a user's mistake, even when it is an OSError like those of the files the CLI
    writes."""
    from impls.libsodium.x25519 import X25519

    def failing(*args: object) -> object:
        raise raised

    monkeypatch.setattr(X25519, "dh", failing)
    code = main(["run-guest", str(GUEST), "--backend", "libsodium", "--invoke", "rfc7748"])
    err = capsys.readouterr().err
    assert code == EXIT_INTERNAL
    assert err.startswith("kxfuzz: internal error (a finding") and type(raised).__name__ in err
