"""replay, minimize, promote and fuzz from the command line."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from harness import corpus, fuzzing
from harness.cli import EXIT_ERROR, EXIT_FINDING, main
from harness.seeds import LOW_ORDER, seed_inputs
from harness.targets import encode
from impls.libsodium.x25519 import X25519 as SodiumX25519

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture
def planted(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """libsodium's X25519 accepts low-order points: a bug the differential oracle sees."""
    monkeypatch.setattr(SodiumX25519, "verify_public", lambda self, pk: None)
    yield


def _finding_input(tmp_path: Path) -> Path:
    data = encode("dh", [
        ("generate", {}), ("keypair_publickey", {"kp": 1}),
        ("publickey_import", {"key": LOW_ORDER[1]}), ("publickey_verify", {"pk": 2}),
        ("array_output_pull", {"output": 0, "size": 9}),
    ], "X25519")
    path = tmp_path / "crash-input"
    path.write_bytes(data)
    return path


def test_replay_prints_program_traces_and_verdict(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "seed"
    path.write_bytes(seed_inputs("dh")[0])
    assert main(["replay", str(path)]) == 0
    out = capsys.readouterr().out
    assert "target dh" in out and "cryptography" in out and "libsodium" in out
    assert "kx_dh(" in out and "no finding" in out
    assert main(["replay", "--json", str(path)]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["target"] == "dh" and report["findings"] == []
    assert report["calls"][0]["backends"]["libsodium"]["errno"] == "success"


def test_replay_names_the_oracle_that_fired(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], planted: None
) -> None:
    assert main(["replay", str(_finding_input(tmp_path))]) == EXIT_FINDING
    out = capsys.readouterr().out
    assert "FINDINGS:" in out and "differential: publickey_verify#" in out


@pytest.mark.parametrize("content", [b"", b"\x00garbage", b"#!/bin/sh\n"])
def test_foreign_and_missing_files_get_one_line_errors(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], content: bytes
) -> None:
    path = tmp_path / "foreign"
    path.write_bytes(content)
    for command in ("replay", "minimize", "promote"):
        assert main([command, str(path)]) == EXIT_ERROR
        err = capsys.readouterr().err
        assert err.startswith("kxfuzz: error:") and "not a kxfuzz input" in err
        assert err.count("\n") == 1
    assert main(["replay", str(tmp_path / "missing")]) == EXIT_ERROR
    assert "no such file" in capsys.readouterr().err
    assert main(["replay", str(tmp_path)]) == EXIT_ERROR
    assert "is a directory" in capsys.readouterr().err


def test_minimize_keeps_the_finding_and_never_overwrites(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], planted: None
) -> None:
    path = _finding_input(tmp_path)
    assert main(["minimize", str(path)]) == 0
    first = path.with_name(path.name + ".min")
    assert len(first.read_bytes()) < len(path.read_bytes())
    assert main(["replay", str(first)]) == EXIT_FINDING
    capsys.readouterr()
    assert main(["minimize", str(path)]) == 0
    assert path.with_name(path.name + ".min.1").exists()
    assert first.exists()


def test_minimize_refuses_an_input_without_finding(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "seed"
    path.write_bytes(seed_inputs("dh")[0])
    assert main(["minimize", str(path)]) == EXIT_ERROR
    assert "shows no finding" in capsys.readouterr().err


def test_promote_adds_once(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(corpus, "REGRESSIONS", tmp_path / "regressions")
    path = tmp_path / "input"
    path.write_bytes(seed_inputs("key_import")[0])
    assert main(["promote", str(path)]) == 0
    assert "added" in capsys.readouterr().out
    assert main(["promote", str(path)]) == 0
    assert "already there" in capsys.readouterr().out
    stored = list((tmp_path / "regressions").iterdir())
    assert [p.read_bytes() for p in stored] == [path.read_bytes()]


def test_fuzz_runs_a_target_and_prints_its_summary(tmp_path: Path) -> None:
    env = dict(os.environ, KXFUZZ_WORK=str(tmp_path / "work"),
               KXFUZZ_ARTIFACTS=str(tmp_path / "artifacts"))
    result = subprocess.run(
        # key_import: the fastest corpus to load, so fuzzing proper starts within the budget
        [sys.executable, "-m", "harness", "fuzz", "--target", "key_import", "--seconds", "6"],
        capture_output=True, text=True, env=env, cwd=ROOT, check=False, timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    header, _rule, row = result.stdout.splitlines()[-3:]
    assert header.split()[:5] == ["target", "executions", "exec/s", "corpus", "seconds"]
    assert row.split()[0] == "key_import" and int(row.split()[1]) > 0 and row.endswith("none")
    assert any((tmp_path / "work" / "corpus" / "key_import").iterdir())


def test_the_fuzzing_executor_is_shared() -> None:
    assert fuzzing.executor() is fuzzing.executor()


def test_corpus_merge_minimises_and_replaces_atomically(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from harness import merge

    corpus_dir = tmp_path / "corpus"
    seeds = corpus_dir / "dh"
    seeds.mkdir(parents=True)
    for data in seed_inputs("dh"):
        (seeds / corpus.content_name(data)).write_bytes(data)
    work = tmp_path / "work"
    (work / "corpus" / "dh").mkdir(parents=True)
    duplicate = seed_inputs("dh")[0]
    (work / "corpus" / "dh" / "copy").write_bytes(duplicate)  # adds no coverage
    monkeypatch.setattr(merge, "CORPUS", corpus_dir)
    monkeypatch.setattr(merge, "WORK", work)
    message = merge.merge("dh")
    merged = sorted(p.name for p in seeds.iterdir())
    assert "dh:" in message and "->" in message
    assert 0 < len(merged) <= len(seed_inputs("dh"))
    assert sorted(p.name for p in corpus_dir.iterdir()) == ["dh"]  # no staging or old copy left


def test_replay_shows_what_a_backend_did_until_it_raised(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A PKCS#8 X448 key whose inner key is 32 bytes: cryptography raises (a known library
    bug); its column shows its answers until then."""
    inner = bytes([0x04, 32]) + bytes(32)
    body = bytes.fromhex("020100300506032b656f") + bytes([0x04, len(inner)]) + inner
    path = tmp_path / "known-crash"
    path.write_bytes(encode("dh", [("secretkey_import", {
        "encoding": 1, "key": 0xFF, "blob": bytes([0x30, len(body)]) + body})], "X448"))
    assert main(["replay", "--json", str(path)]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["backends"] == ["pycryptodome", "cryptography"]
    cells = [call["backends"]["cryptography"]["errno"] for call in report["calls"]]
    assert cells == ["success"] * 3 + ["raised cryptography.exceptions.InternalError"]
    assert [d["divergence"] for d in report["known_divergences"]] == [
        "cryptography-internal-error-on-curve-key-length"]
