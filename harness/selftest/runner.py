"""``make selftest``: every plant, on every target that must find it, over several trials.

Trials run one after the other (one fuzzing process at a time).  The result is a table, one
row per (plant, target), and a JSON file; a row fails when no trial found the plant, or when a
trial found it through another oracle than the one the plant names.
"""

from __future__ import annotations

import json
import statistics
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from harness.selftest.plants import PLANTS, Plant
from harness.selftest.trial import Trial, run_trial

RunTrial = Callable[..., Trial]


@dataclass
class Row:
    plant: Plant
    target: str
    trials: list[Trial] = field(default_factory=list)

    @property
    def found(self) -> list[Trial]:
        return [t for t in self.trials if t.found]

    @property
    def fired(self) -> list[str]:
        """Every oracle that reported the plant, most frequent first."""
        oracles = [t.oracle or "?" for t in self.found]
        return sorted(set(oracles), key=lambda o: (-oracles.count(o), o))

    @property
    def median_seconds(self) -> float | None:
        found = self.found
        return round(statistics.median(t.seconds for t in found), 2) if found else None

    @property
    def median_executions(self) -> int | None:
        counts = [t.executions for t in self.found if t.executions is not None]
        return int(statistics.median(counts)) if counts else None

    @property
    def masked(self) -> list[Trial]:
        return [t for t in self.trials if t.masked]

    @property
    def problem(self) -> str:
        """Why this row fails the self-test ("" when it passes)."""
        if not self.found:
            errors = [t.error for t in self.trials if t.error]
            masked = [f"masked by a finding without the plant: {t.masked}" for t in self.masked]
            return (errors + masked + ["not found"])[0]
        wrong = [o for o in self.fired if o != self.plant.oracle.value]
        return f"found by {', '.join(wrong)}, not {self.plant.oracle.value}" if wrong else ""

    def to_json(self) -> dict[str, object]:
        return {
            "plant": self.plant.name, "layer": self.plant.layer.value,
            "description": self.plant.description, "target": self.target,
            "expected_oracle": self.plant.oracle.value, "fired": self.fired,
            "found": len(self.found), "masked": len(self.masked), "trials": len(self.trials),
            "median_seconds": self.median_seconds, "median_executions": self.median_executions,
            "ok": not self.problem, "problem": self.problem,
            "results": [t.to_json() for t in self.trials],
        }


def plan(names: Sequence[str], *, quick: bool) -> list[Row]:
    """Rows for the named plants (all when none): every target of each, or its first."""
    plants = [PLANTS[n] for n in names] if names else list(PLANTS.values())
    return [Row(p, target) for p in plants for target in (p.targets[:1] if quick else p.targets)]


def table(rows: Sequence[Row]) -> str:
    header = ("plant", "target", "expected", "fired", "found", "median s", "median execs",
              "verdict")
    lines = [header]
    for row in rows:
        seconds, executions = row.median_seconds, row.median_executions
        lines.append((row.plant.name, row.target, row.plant.oracle.value,
                      ",".join(row.fired) or "-", _found(row),
                      "-" if seconds is None else f"{seconds:.1f}",
                      "-" if executions is None else str(executions),
                      f"FAIL: {row.problem}" if row.problem else "ok"))
    widths = [max(len(line[i]) for line in lines) for i in range(len(header))]
    text = ["  ".join(c.ljust(w) for c, w in zip(line, widths, strict=True)).rstrip()
            for line in lines]
    text.insert(1, "  ".join("-" * w for w in widths))
    return "\n".join(text)


def _found(row: Row) -> str:
    masked = f" ({len(row.masked)} masked)" if row.masked else ""
    return f"{len(row.found)}/{len(row.trials)}{masked}"


def _progress(trial: Trial) -> str:
    where = f"selftest: {trial.plant} on {trial.target} (seed {trial.seed}):"
    if trial.found:
        return (f"{where} found by {trial.oracle} after {trial.seconds:.1f} s, "
                f"{trial.executions} executions")
    if trial.masked:
        return (f"{where} masked after {trial.seconds:.1f} s: the input shows without the plant"
                f" {trial.masked}")
    return f"{where} {trial.error or 'not found'} in {trial.seconds:.1f} s"


def run(names: Sequence[str], *, trials: int, seconds: int, runs: int | None = None,
        quick: bool = False, from_scratch: bool = False, report: Path | None = None,
        run_trial: RunTrial = run_trial) -> int:
    """Run the self-test, print progress and the table; 1 if any row fails, else 0."""
    started = time.monotonic()
    rows = plan(names, quick=quick)
    for row in rows:
        for seed in range(1, trials + 1):
            trial = run_trial(row.plant.name, row.target, seed, seconds=seconds, runs=runs,
                              from_scratch=from_scratch)
            row.trials.append(trial)
            print(_progress(trial), flush=True)
    total = time.monotonic() - started
    failed = [row for row in rows if row.problem]
    print(table(rows))
    print(f"{len(rows) - len(failed)} of {len(rows)} rows ok; {len(rows) * trials} trials in "
          f"{total:.0f} s (budget {seconds} s{f', {runs} runs' if runs else ''} per trial)")
    if report is not None:
        report.parent.mkdir(parents=True, exist_ok=True)
        report.write_text(json.dumps({
            "trials": trials, "seconds": seconds, "runs": runs, "quick": quick,
            "corpus": "empty" if from_scratch else "committed",
            "total_seconds": round(total, 1), "ok": not failed,
            "rows": [row.to_json() for row in rows],
        }, indent=2) + "\n")
        print(f"selftest: results in {report}")
    return 1 if failed else 0
