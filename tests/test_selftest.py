"""The quick self-test: every planted bug, fuzzed once, must be found by its oracle.

One trial per plant, on its first target, from the committed corpus, with a fixed -seed and a
budget counted in inputs (-runs), so the outcome does not depend on the machine's speed; the
time limit is only a safety net.  ``make selftest`` is the full form.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from harness.cli import main
from harness.selftest.plants import PLANTS
from harness.selftest.trial import run_trial

# Every plant fires while the committed corpus is replayed (a few hundred inputs); the rest of
# the budget leaves room for a corpus that has lost its witness.
QUICK_RUNS = 20_000
SAFETY_SECONDS = 300


@pytest.mark.parametrize("name", list(PLANTS))
def test_fuzzing_finds_the_plant_through_its_oracle(name: str) -> None:
    plant = PLANTS[name]
    trial = run_trial(name, plant.targets[0], 1, seconds=SAFETY_SECONDS, runs=QUICK_RUNS)
    assert not trial.error, trial.error
    assert trial.found, f"{name} not found on {trial.target} in {trial.executions} inputs"
    assert trial.oracle == plant.oracle.value, trial.signature


def test_the_selftest_command_writes_its_table_and_results(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    report = tmp_path / "selftest.json"
    assert main(["selftest", "--plant", "sodium-accepts-low-order", "--quick", "--trials", "1",
                 "--runs", str(QUICK_RUNS), "--seconds", str(SAFETY_SECONDS),
                 "--json", str(report)]) == 0
    out = capsys.readouterr().out
    assert "plant" in out and "expected" in out and "1 of 1 rows ok" in out
    (row,) = json.loads(report.read_text())["rows"]
    assert row["plant"] == "sodium-accepts-low-order" and row["ok"]
    assert row["fired"] == ["differential"] and row["found"] == 1
