"""``make fuzz``: run every target under libFuzzer, collect findings, print a summary.

Each target runs as its own libFuzzer process (``fuzz_targets/<target>.py``) over a working
corpus (``.kxfuzz/corpus/<target>``, where new inputs go), the committed seeds and the
regressions.  Findings land in ``artifacts/<target>/`` under libFuzzer's content names, so a
finding is never overwritten; each new one gets a ``.txt`` replay report beside it.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

from harness.corpus import CORPUS, REGRESSIONS, ROOT, SAVED_FINDING
from harness.fuzzing import run_input
from harness.report import render_text
from harness.targets import BY_NAME, TARGETS, ForeignInput

# Where working corpora and logs, and findings, go (overridable, e.g. by tests).
# Absolute: libFuzzer runs in WORK.
WORK = Path(os.environ.get("KXFUZZ_WORK", ROOT / ".kxfuzz")).resolve()
ARTIFACTS = Path(os.environ.get("KXFUZZ_ARTIFACTS", ROOT / "artifacts")).resolve()
# progress lines, plain ("#N ... corp: C/.. exec/s: E") and -fork ("#N: ... corp: C exec/s E")
_STATS = re.compile(r"#(\d+):?\s.*?corp: (\d+)(?:/\S+)?.*?exec/s:? (\d+)")
_DONE = re.compile(r"stat::number_of_executed_units:\s+(\d+)")
_RATE = re.compile(r"stat::average_exec_per_sec:\s+(\d+)")
_WRITTEN = re.compile(r"Test unit written to (.+)$", re.MULTILINE)


@dataclass
class TargetResult:
    target: str
    executions: int = 0
    exec_per_second: int = 0
    corpus: int = 0
    seconds: float = 0.0
    findings: dict[str, list[Path]] = field(default_factory=dict)  # oracle -> files
    found_before: set[Path] = field(default_factory=set)  # found again: saved by an earlier run
    returncode: int = 0
    skipped: str = ""
    log: Path | None = None

    @property
    def failed(self) -> bool:
        """libFuzzer stopped with an error of its own (not a finding)."""
        return self.returncode != 0 and not self.findings


def _findings(directory: Path) -> set[Path]:
    if not directory.is_dir():
        return set()
    return {p for p in directory.iterdir() if SAVED_FINDING.fullmatch(p.name)}


def classify(path: Path) -> str:
    """The oracle that fires on a saved input (or what libFuzzer called it)."""
    if path.name.startswith(("timeout-", "oom-", "leak-", "slow-unit-")):
        return path.name.split("-")[0]
    try:
        outcome = run_input(path.read_bytes())
    except ForeignInput:
        return "foreign"
    except Exception:
        return "crash"
    if outcome is None or not outcome.findings:
        return "flaky"  # did not reproduce
    return outcome.findings[0].oracle.value


def _write_report(path: Path) -> None:
    report = path.with_name(path.name + ".txt")
    if report.exists():
        return
    try:
        text = render_text(path.read_bytes(), str(path))
    except Exception as exc:
        text = f"could not replay {path}: {type(exc).__name__}: {exc}\n"
    report.write_text(text)


def run_target(target: str, seconds: int, jobs: int, extra: list[str]) -> TargetResult:
    if not BY_NAME[target].names:  # e.g. kem before any backend implements a KEM
        return TargetResult(target, skipped="nothing to do: no backend implements its algorithms")
    work = WORK / "corpus" / target
    work.mkdir(parents=True, exist_ok=True)
    REGRESSIONS.mkdir(parents=True, exist_ok=True)
    artifacts = ARTIFACTS / target
    artifacts.mkdir(parents=True, exist_ok=True)
    (WORK / "logs").mkdir(parents=True, exist_ok=True)
    before = {p: p.stat().st_mtime_ns for p in _findings(artifacts)}
    command = [
        str(ROOT / "fuzz_targets" / f"{target}.py"),
        f"-max_total_time={seconds}",
        f"-artifact_prefix={artifacts}/",
        f"-dict={CORPUS / f'{target}.dict'}",
        "-print_final_stats=1",
        "-max_len=8192",
        "-timeout=25",
        "-rss_limit_mb=4096",
    ]
    if jobs > 1:
        command += [f"-fork={jobs}", "-ignore_crashes=1", "-ignore_timeouts=1"]
    command += [*extra, str(work), str(CORPUS / target), str(REGRESSIONS)]
    env = dict(os.environ, PATH=f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}")
    log = WORK / "logs" / f"{target}.log"
    started = time.monotonic()
    with log.open("w") as out:
        process = subprocess.run(command, stdout=out, stderr=subprocess.STDOUT, env=env,
                                 cwd=WORK, check=False)
    result = TargetResult(target, seconds=time.monotonic() - started,
                          returncode=process.returncode, log=log)
    text = log.read_text(errors="replace")
    for match in _STATS.finditer(text):
        result.executions = int(match.group(1))
        result.corpus = int(match.group(2))
        result.exec_per_second = int(match.group(3))
    done = _DONE.search(text)
    if done:
        result.executions = int(done.group(1))
    rate = _RATE.search(text)
    if rate:
        result.exec_per_second = int(rate.group(1))
    elif jobs > 1 and result.seconds > 0:  # -fork reports per job: take the whole run's rate
        result.exec_per_second = int(result.executions / result.seconds)
    result.corpus = max(result.corpus, sum(1 for _ in work.iterdir()))
    # A finding saved by an earlier run keeps its (content) name, and libFuzzer writes it
    # again: its time changes, and with one job the log names it (with -fork, it does not).
    again = {p for p in before if p.exists() and p.stat().st_mtime_ns != before[p]}
    again |= {p for p in map(Path, _WRITTEN.findall(text)) if p in before}
    for path in sorted((_findings(artifacts) - before.keys()) | again):
        result.findings.setdefault(classify(path), []).append(path)
        _write_report(path)
    result.found_before = again
    return result


def summary(results: list[TargetResult]) -> str:
    rows = [("target", "executions", "exec/s", "corpus", "seconds", "findings by oracle")]
    for r in results:
        found = ", ".join(f"{oracle}: {len(paths)}" for oracle, paths in sorted(r.findings.items()))
        rows.append((r.target, str(r.executions), str(r.exec_per_second), str(r.corpus),
                     f"{r.seconds:.1f}",
                     r.skipped or found or (f"error: see {r.log}" if r.failed else "none")))
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    lines = ["  ".join(cell.ljust(w) for cell, w in zip(row, widths, strict=True)).rstrip()
             for row in rows]
    lines.insert(1, "  ".join("-" * w for w in widths))
    for r in results:
        for oracle, paths in sorted(r.findings.items()):
            for path in paths:
                shown = path.relative_to(ROOT) if path.is_relative_to(ROOT) else path
                again = "found before; " if path in r.found_before else ""
                lines.append(f"{r.target}: {oracle}: {shown}  ({again}kxfuzz replay {shown})")
    return "\n".join(lines)


def run(targets: list[str], seconds: int, jobs: int, extra: list[str]) -> int:
    """Fuzz ``targets`` in turn; 1 when anything was found (or libFuzzer failed), else 0."""
    results = []
    for target in targets:
        if BY_NAME[target].names:
            print(f"kxfuzz: fuzzing {target} for {seconds} s on {jobs} job(s)...", flush=True)
        results.append(run_target(target, seconds, jobs, extra))
    print(summary(results))
    return 1 if any(r.findings or r.failed for r in results) else 0


def all_targets() -> list[str]:
    return [t.name for t in TARGETS]
