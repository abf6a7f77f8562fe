"""One trial: fuzz one target with one plant under libFuzzer, and read off what it found.

Each trial runs in a temporary directory of its own: a copy of the committed seed corpus (the
committed one is never written to), the libFuzzer log and any finding, all deleted afterwards.
A finding counts only if it is the plant's: the saved input is replayed here, without the plant,
and one that still shows a finding *masks* the plant (libFuzzer stops at the first finding).
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import asdict, dataclass, replace
from pathlib import Path

from harness.corpus import CORPUS, SAVED_FINDING
from harness.selftest.fuzz_planted import STARTED

_STARTED = re.compile(rf"^{re.escape(STARTED)} (\d+\.\d+)$", re.MULTILINE)
# atheris prints the uncaught exception as "FindingError: <signature>"; a signature starts
# with the oracle's name
_FINDING = re.compile(r"^(?:[\w.]+\.)?FindingError: ((\w+): .*)$", re.MULTILINE)
_OTHER_EXCEPTION = re.compile(r"=== Uncaught Python exception: ===\n(.*)$", re.MULTILINE)
_EXECUTIONS = re.compile(r"stat::number_of_executed_units:\s+(\d+)")
# startup and the replay of the seed corpus come on top of the budget
_GRACE_SECONDS = 300


@dataclass(frozen=True)
class Trial:
    plant: str
    target: str
    seed: int  # libFuzzer's -seed
    found: bool
    oracle: str | None  # what reported it: an oracle, or libFuzzer's timeout/oom/...
    signature: str  # the finding's one line
    seconds: float  # from the start of fuzzing to the finding (or to the end of the budget)
    executions: int | None  # inputs run until then, the seed corpus included
    error: str = ""  # libFuzzer failed without a finding
    masked: str = ""  # the finding the input shows without the plant: not the plant's

    def to_json(self) -> dict[str, object]:
        return asdict(self)


def command(plant: str, target: str, seed: int, seconds: int, runs: int | None,
            directory: Path) -> list[str]:
    """The libFuzzer command line of a trial working in ``directory``."""
    flags = [f"-seed={seed}", f"-max_total_time={seconds}", f"-artifact_prefix={directory}/",
             "-print_final_stats=1", "-max_len=8192", "-timeout=25", "-rss_limit_mb=4096"]
    dictionary = CORPUS / f"{target}.dict"
    if dictionary.is_file():
        flags.append(f"-dict={dictionary}")
    if runs is not None:
        flags.append(f"-runs={runs}")
    return [sys.executable, "-m", "harness.selftest.fuzz_planted", plant, target, *flags,
            str(directory / "corpus")]


def read_log(plant: str, target: str, seed: int, log: str, artifacts: list[str],
             returncode: int, ended: float) -> Trial:
    """What a trial's libFuzzer log (and the files it left) say."""
    started = _STARTED.search(log)
    if started is None:
        last = log.strip().splitlines()[-1:] or ["no output"]
        return Trial(plant, target, seed, False, None, "", 0.0, None,
                     f"the fuzzer did not start (exit {returncode}): {last[0]}")
    seconds = round(max(ended - float(started.group(1)), 0.0), 2)
    executions = _EXECUTIONS.search(log)
    count = int(executions.group(1)) if executions else None
    finding = _FINDING.search(log)
    if finding is not None:
        return Trial(plant, target, seed, True, finding.group(2), finding.group(1), seconds,
                     count)
    if artifacts:  # not an oracle's FindingError: another exception, or libFuzzer's own
        kind = artifacts[0].split("-")[0]
        other = _OTHER_EXCEPTION.search(log)
        if kind == "crash":
            kind = "exception"
        return Trial(plant, target, seed, True, kind, other.group(1) if other else kind,
                     seconds, count)
    error = "" if returncode == 0 else f"libFuzzer exited with {returncode} without a finding"
    return Trial(plant, target, seed, False, None, "", seconds, count, error)


def run_trial(plant: str, target: str, seed: int, *, seconds: int, runs: int | None = None,
              from_scratch: bool = False) -> Trial:
    """Fuzz ``target`` with ``plant`` applied, for one budget, from its committed corpus (or,
    ``from_scratch``, from nothing but the dictionary: that measures the fuzzer, not the
    corpus)."""
    with tempfile.TemporaryDirectory(prefix="kxfuzz-selftest-") as name:
        directory = Path(name)
        seeds = CORPUS / target
        if seeds.is_dir() and not from_scratch:
            shutil.copytree(seeds, directory / "corpus")
        else:
            (directory / "corpus").mkdir()
        log_path = directory / "libfuzzer.log"
        with log_path.open("w") as log:
            try:
                process = subprocess.run(
                    command(plant, target, seed, seconds, runs, directory), stdout=log,
                    stderr=subprocess.STDOUT, cwd=directory, check=False,
                    timeout=seconds + _GRACE_SECONDS)
                returncode = process.returncode
            except subprocess.TimeoutExpired:
                returncode = -9
        ended = time.time()
        artifacts = sorted(p.name for p in directory.iterdir()
                           if SAVED_FINDING.fullmatch(p.name))
        trial = read_log(plant, target, seed, log_path.read_text(errors="replace"), artifacts,
                         returncode, ended)
        if trial.found and artifacts:
            masked = unplanted_finding((directory / artifacts[0]).read_bytes())
            if masked:  # a real bug (or a harness one) stopped the fuzzer before the plant did
                trial = replace(trial, found=False, masked=masked)
        return trial


def unplanted_finding(data: bytes) -> str:
    """The finding ``data`` shows in this (unplanted) process, "" when none."""
    from harness.fuzzing import run_input

    try:
        outcome = run_input(data)
    except Exception as exc:  # the crash oracle's business when fuzzing
        return f"{type(exc).__name__}: {exc}"
    return outcome.findings[0].signature() if outcome is not None and outcome.findings else ""
