"""The self-test's machinery: plants, the reading of libFuzzer logs, the table and the CLI."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path
from types import ModuleType

import pytest

from harness.cli import EXIT_ERROR, main
from harness.findings import Finding, Oracle
from harness.fuzzing import run_input
from harness.selftest import runner, trial
from harness.selftest.plants import PLANTS, Layer, Plant
from harness.selftest.trial import Trial, read_log
from harness.targets import BY_NAME, encode

ROOT = Path(__file__).resolve().parent.parent


def _findings(plant: Plant) -> list[Finding]:
    outcome = run_input(encode("abi_sequence", plant.witness))
    assert outcome is not None
    return outcome.findings


def _production() -> dict[str, dict[str, object]]:
    """Every attribute of every harness and backend module, and of each class they define."""
    state: dict[str, dict[str, object]] = {}
    for name, module in list(sys.modules.items()):
        if name.split(".")[0] not in ("harness", "impls") or name.startswith("harness.selftest"):
            continue
        assert isinstance(module, ModuleType)
        state[name] = dict(vars(module))
        for attribute, value in vars(module).items():
            if isinstance(value, type) and value.__module__ == name:
                state[f"{name}.{attribute}"] = dict(vars(value))
    return state


def test_the_registry_holds_every_kind_of_plant() -> None:
    assert len(PLANTS) >= 13
    assert {p.layer for p in PLANTS.values()} == set(Layer)
    assert {p.oracle for p in PLANTS.values()} >= {Oracle.MODEL, Oracle.INVARIANTS,
                                                    Oracle.DIFFERENTIAL}
    for plant in PLANTS.values():
        assert re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", plant.name)
        assert plant.description and plant.targets and plant.witness
        assert set(plant.targets) <= set(BY_NAME)


@pytest.mark.parametrize("name", list(PLANTS))
def test_a_plant_changes_behaviour_only_while_applied(name: str) -> None:
    plant = PLANTS[name]
    before = _production()
    assert _findings(plant) == []
    with plant.patch():
        assert _production() != before
        found = _findings(plant)
    assert found and found[0].oracle is plant.oracle, found
    assert _production() == before
    assert _findings(plant) == []


def test_only_the_model_sees_a_plant_shared_by_every_backend() -> None:
    for plant in PLANTS.values():
        with plant.patch():
            oracles = {f.oracle for f in _findings(plant)}
        if plant.layer is Layer.SHARED:
            assert oracles == {Oracle.MODEL}
        elif plant.layer is Layer.BACKEND:
            assert Oracle.DIFFERENTIAL in oracles


def test_registering_a_plant_twice_or_undocumented_is_refused() -> None:
    from harness.selftest.plants import plant

    first = next(iter(PLANTS))
    with pytest.raises(ValueError, match="twice"):
        plant(first, Layer.ABI, Oracle.MODEL, ("dh",), [])(PLANTS[first].patch)
    with pytest.raises(ValueError, match="docstring"):
        plant("undocumented", Layer.ABI, Oracle.MODEL, ("dh",), [])(lambda: PLANTS[first].patch())
    assert "undocumented" not in PLANTS


_LOG = """INFO: Instrumenting harness.abi
kxfuzz-selftest: fuzzing starts at 100.000000
INFO: Seed: 1
 === Uncaught Python exception: ===
FindingError: model: keypair_generate#6 [cryptography,libsodium] model expects guest_error
Traceback (most recent call last):
  File "/x/harness/fuzzing.py", line 46, in one_input
    raise FindingError(outcome.findings[0])
FindingError: model: keypair_generate#6 [cryptography,libsodium] model expects guest_error
==1== ERROR: libFuzzer: fuzz target exited
stat::number_of_executed_units: 51
"""


def test_a_finding_is_read_off_the_log() -> None:
    found = read_log("p", "dh", 3, _LOG, ["crash-abc"], 77, ended=102.5)
    assert found.found and found.oracle == "model" and found.executions == 51
    assert found.signature.startswith("model: keypair_generate#6 [cryptography,libsodium]")
    assert found.seconds == 2.5 and found.seed == 3 and not found.error


def test_other_outcomes_are_read_off_the_log() -> None:
    other = _LOG.replace("FindingError: model", "IndexError: model")
    assert read_log("p", "dh", 1, other, ["crash-abc"], 77, 101.0).oracle == "exception"
    assert read_log("p", "dh", 1, _LOG.split(" ===")[0], ["timeout-abc"], 77, 101.0).oracle == (
        "timeout")
    quiet = read_log("p", "dh", 1, _LOG.split(" ===")[0], [], 0, 160.0)
    assert not quiet.found and quiet.seconds == 60.0 and not quiet.error
    failed = read_log("p", "dh", 1, "Traceback\nImportError: no module\n", [], 1, 1.0)
    assert not failed.found and "did not start" in failed.error and "ImportError" in failed.error


def test_a_finding_counts_only_if_the_unplanted_code_is_clean(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    plant = PLANTS["opt-options-tag"]
    data = encode("abi_sequence", plant.witness)
    assert trial.unplanted_finding(data) == ""
    with plant.patch():  # as if the production code had this bug
        assert trial.unplanted_finding(data).startswith("model: keypair_generate#")
    monkeypatch.setattr(trial, "unplanted_finding", lambda data: "model: a real bug")
    masked = trial.run_trial(plant.name, plant.targets[0], 1, seconds=60, runs=20_000)
    assert not masked.found and masked.oracle == "model" and not masked.error
    assert masked.masked == "model: a real bug"
    row = runner.Row(plant, plant.targets[0], [masked])
    assert row.problem == "masked by a finding without the plant: model: a real bug"
    assert "0/1 (1 masked)" in runner.table([row])


def _fake(oracle: str | None) -> runner.RunTrial:
    def run_trial(plant: str, target: str, seed: int, **_: object) -> Trial:
        return Trial(plant, target, seed, oracle is not None, oracle, f"{oracle}: x", 1.0 * seed,
                     10 * seed)
    return run_trial


@pytest.mark.parametrize(("oracle", "status", "verdict"), [
    ("model", 0, "ok"), ("invariants", 1, "FAIL: found by invariants, not model"),
    (None, 1, "FAIL: not found"),
])
def test_a_row_fails_when_unfound_or_found_by_another_oracle(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], oracle: str | None, status: int,
    verdict: str,
) -> None:
    report = tmp_path / "out" / "selftest.json"
    assert runner.run(["bounds-off-by-one"], trials=3, seconds=5, quick=True, report=report,
                      run_trial=_fake(oracle)) == status
    out = capsys.readouterr().out
    row = next(line for line in out.splitlines() if line.startswith("bounds-off-by-one "))
    assert row.split()[1] == "abi_sequence" and row.endswith(verdict)
    result = json.loads(report.read_text())
    assert result["ok"] is (status == 0) and len(result["rows"]) == 1
    (data,) = result["rows"]
    assert data["expected_oracle"] == "model" and data["trials"] == 3
    assert data["found"] == (0 if oracle is None else 3)
    assert [r["seed"] for r in data["results"]] == [1, 2, 3]
    if oracle is not None:
        assert data["median_seconds"] == 2.0 and data["median_executions"] == 20


def test_the_full_plan_runs_every_target_of_every_plant() -> None:
    rows = runner.plan([], quick=False)
    assert [(r.plant.name, r.target) for r in rows] == [
        (p.name, t) for p in PLANTS.values() for t in p.targets]
    assert [r.target for r in runner.plan(["ptr-len-wraps"], quick=True)] == [
        PLANTS["ptr-len-wraps"].targets[0]]


def test_unknown_plants_get_one_line_errors(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["selftest", "--plant", "no-such-plant"]) == EXIT_ERROR
    err = capsys.readouterr().err
    assert err.startswith("kxfuzz: error: unknown plant 'no-such-plant'") and err.count("\n") == 1
    result = subprocess.run(
        [sys.executable, "-m", "harness.selftest.fuzz_planted", "no-such-plant", "dh"],
        capture_output=True, text=True, cwd=ROOT, check=False, timeout=120)
    assert result.returncode != 0 and "Traceback" not in result.stderr
    assert "fuzz_planted: error: unknown plant 'no-such-plant'" in result.stderr


def test_list_names_every_plant(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["selftest", "--list"]) == 0
    out = capsys.readouterr().out
    assert all(f"{name}  [" in out for name in PLANTS)
