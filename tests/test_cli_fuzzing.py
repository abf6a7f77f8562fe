"""replay, minimize, promote and fuzz from the command line."""

from __future__ import annotations

import json
import os
import shutil
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


def test_replay_runs_the_input_once(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch,
    planted: None
) -> None:
    from harness import report

    runs: list[bytes] = []

    def counted(data: bytes) -> object:
        runs.append(data)
        return fuzzing.run_input(data)

    monkeypatch.setattr(report, "run_input", counted)
    path = _finding_input(tmp_path)
    assert main(["replay", str(path)]) == EXIT_FINDING  # the status is the report's verdict
    assert runs == [path.read_bytes()]
    capsys.readouterr()
    empty = tmp_path / "magic-only"
    empty.write_bytes(encode("abi_sequence", []))
    assert main(["replay", str(empty)]) == 0
    assert "#  call" not in capsys.readouterr().out  # no table of no calls


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
    steps = capsys.readouterr().err.splitlines()  # progress: each smaller input kept
    assert steps[0].endswith(f"{len(path.read_bytes())} bytes; shrinking while it shows the"
                             " same finding")
    assert steps[-1].startswith(f"kxfuzz: minimize: {len(first.read_bytes())} bytes after ")
    assert len(steps) > 2
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


def _merge_setup(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[Path, set[str]]:
    """A dh corpus of the seeds and a copy of one (it adds no coverage), and a working corpus
    of another copy: the corpus directory, and the seeds' names."""
    from harness import merge

    corpus_dir = tmp_path / "corpus"
    committed = corpus_dir / "dh"
    committed.mkdir(parents=True)
    names = {corpus.add(committed, data)[0].name for data in seed_inputs("dh")}
    (committed / "copy").write_bytes(seed_inputs("dh")[1])
    work = tmp_path / "work"
    (work / "corpus" / "dh").mkdir(parents=True)
    (work / "corpus" / "dh" / "copy").write_bytes(seed_inputs("dh")[0])
    monkeypatch.setattr(merge, "CORPUS", corpus_dir)
    monkeypatch.setattr(merge, "WORK", work)
    return corpus_dir, names


def test_corpus_merge_keeps_the_seeds_drops_the_rest_and_replaces_atomically(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    corpus_dir, seeds = _merge_setup(tmp_path, monkeypatch)
    assert main(["merge", "--target", "dh"]) == 0
    message = capsys.readouterr().out
    assert f"dh: {len(seeds) + 1} committed + 1 new -> {len(seeds)} files" in message
    assert {p.name for p in (corpus_dir / "dh").iterdir()} == seeds
    assert sorted(p.name for p in corpus_dir.iterdir()) == ["dh"]  # no staging or old copy left


def test_a_failed_corpus_merge_leaves_the_corpus_and_exits_non_zero(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:

    corpus_dir, _ = _merge_setup(tmp_path, monkeypatch)
    before = sorted(p.name for p in (corpus_dir / "dh").iterdir())
    monkeypatch.setattr(subprocess, "run",
                        lambda *a, **k: subprocess.CompletedProcess(a, 1))
    assert main(["merge", "--target", "dh"]) == EXIT_ERROR
    assert "merge failed" in capsys.readouterr().out
    assert sorted(p.name for p in (corpus_dir / "dh").iterdir()) == before
    assert sorted(p.name for p in corpus_dir.iterdir()) == ["dh"]


def test_promote_refuses_an_input_that_still_shows_a_finding(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch,
    planted: None
) -> None:
    monkeypatch.setattr(corpus, "REGRESSIONS", tmp_path / "regressions")
    path = _finding_input(tmp_path)
    assert main(["promote", str(path)]) == EXIT_ERROR
    err = capsys.readouterr().err
    assert "still shows a finding (differential: publickey_verify#" in err and "--force" in err
    assert err.count("\n") == 1 and not (tmp_path / "regressions").exists()
    assert main(["promote", "--force", str(path)]) == 0
    assert [p.read_bytes() for p in (tmp_path / "regressions").iterdir()] == [path.read_bytes()]


def test_a_place_that_cannot_be_written_gets_a_one_line_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    from harness.selftest import runner

    blocker = tmp_path / "a-file"
    blocker.write_bytes(b"")
    monkeypatch.setattr(corpus, "REGRESSIONS", blocker / "regressions")
    path = tmp_path / "input"
    path.write_bytes(seed_inputs("key_import")[0])
    assert main(["promote", str(path)]) == EXIT_ERROR
    err = capsys.readouterr().err
    stored = blocker / "regressions" / corpus.content_name(path.read_bytes())
    assert err == f"kxfuzz: error: {stored}: Not a directory\n"
    # selftest checks where its results go before any trial
    monkeypatch.setattr(runner, "run", lambda *a, **k: pytest.fail("selftest ran"))
    assert main(["selftest", "--plant", "out-value-on-error", "--json", str(tmp_path)]) == (
        EXIT_ERROR)
    assert "is a directory" in capsys.readouterr().err
    assert main(["selftest", "--json", str(blocker / "results.json")]) == EXIT_ERROR
    assert f"{blocker}: cannot create" in capsys.readouterr().err
    # a directory no one can add a file to, root included (os.access says root can)
    assert main(["selftest", "--json", "/proc/kxfuzz-results.json"]) == EXIT_ERROR
    assert capsys.readouterr().err.startswith("kxfuzz: error: /proc: cannot write there: ")


def test_a_closed_pipe_ends_the_output_quietly() -> None:
    read, write = os.pipe()
    os.close(read)  # nobody will read: the first write fails
    try:
        result = subprocess.run([sys.executable, "-m", "harness", "selftest", "--list"],
                                stdout=write, stderr=subprocess.PIPE, text=True, cwd=ROOT,
                                check=False, timeout=120)
    finally:
        os.close(write)
    assert (result.returncode, result.stderr) == (EXIT_ERROR, "")


def test_fuzz_passes_on_only_what_follows_the_double_dash(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    from harness import campaign

    with pytest.raises(SystemExit) as stopped:
        main(["fuzz", "dh"])  # meant --target dh: not a corpus directory for libFuzzer
    assert stopped.value.code == 2 and "unrecognized arguments: dh" in capsys.readouterr().err
    with pytest.raises(SystemExit):
        main(["fuzz", "--target", "dh", "-runs=9"])
    assert "-runs=9 (libFuzzer's flags go after --)" in capsys.readouterr().err
    passed: list[object] = []

    def run(*args: object) -> int:
        passed.append(args)
        return 0

    monkeypatch.setattr(campaign, "run", run)
    assert main(["fuzz", "--target", "dh", "--seconds", "5", "--", "-runs=9", "--x"]) == 0
    assert passed == [(["dh"], 5, 1, ["-runs=9", "--x"])]


def test_corpus_merge_restores_a_corpus_an_interrupted_merge_left_aside(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    corpus_dir, seeds = _merge_setup(tmp_path, monkeypatch)
    os.rename(corpus_dir / "dh", corpus_dir / ".dh.old")  # stopped between its two renames
    assert main(["merge", "--target", "dh"]) == 0
    assert f"dh: {len(seeds) + 1} committed" in capsys.readouterr().out
    assert {p.name for p in (corpus_dir / "dh").iterdir()} == seeds
    shutil.rmtree(corpus_dir / "dh")  # and a target with no corpus at all: its seeds
    assert main(["merge", "--target", "dh"]) == 0
    assert {p.name for p in (corpus_dir / "dh").iterdir()} == seeds
    assert sorted(p.name for p in corpus_dir.iterdir()) == ["dh"]


@pytest.mark.parametrize("jobs", [1, 2])
def test_a_finding_found_again_is_a_finding(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, planted: None, jobs: int
) -> None:
    """libFuzzer saves a finding under its content name: found again by a later run, it is
    no new file, but libFuzzer writes it again, and with one job its log names it (with
    -fork the parent's log does not)."""
    from harness import campaign

    artifacts = tmp_path / "the artifacts"  # a space in the path, as in a log line
    (artifacts / "dh").mkdir(parents=True)
    data = _finding_input(tmp_path).read_bytes()
    saved = artifacts / "dh" / f"crash-{corpus.content_name(data)}"
    saved.write_bytes(data)
    os.utime(saved, ns=(0, 0))  # saved long ago
    monkeypatch.setattr(campaign, "WORK", tmp_path / "work")
    monkeypatch.setattr(campaign, "ARTIFACTS", artifacts)

    def libfuzzer(command: list[str], stdout: object, **kwargs: object) -> object:
        assert hasattr(stdout, "write")
        # meanwhile, the user minimises it beside it: a copy, not a finding of this run
        (artifacts / "dh" / f"{saved.name}.min").write_bytes(data)
        stdout.write("==1== ERROR: libFuzzer: deadly signal\n")
        if jobs == 1:  # named in the log (its time, on a coarse clock, may not change)
            stdout.write(f"artifact_prefix='{artifacts}/dh/'; Test unit written to {saved}\n")
        else:  # -fork: written again, and only its time tells
            saved.write_bytes(data)
            os.utime(saved, ns=(10**18, 10**18))
        return subprocess.CompletedProcess(command, 1)

    monkeypatch.setattr(subprocess, "run", libfuzzer)
    result = campaign.run_target("dh", 5, jobs, [])
    assert result.findings == {"differential": [saved]} and not result.failed
    assert f"dh: differential: {saved}  (found before; kxfuzz replay {saved})" in (
        campaign.summary([result]))


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
