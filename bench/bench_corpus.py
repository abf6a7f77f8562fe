#!/usr/bin/env python3
"""Each committed corpus replayed uninstrumented, next to the library work its inputs do.

    make bench          (or: .venv/bin/python bench/bench_corpus.py [--rounds N])

The benchmark inputs of bench_targets.py are small and chosen; the corpus is what fuzzing
actually runs (many operations per input, every algorithm, inputs that split the backends).
Each input is replayed through the fuzz callback's own path (decode, run, every oracle).  Its
"direct" cost is the time of the very library calls it made (every call the host made on a
backend's algorithm object, with the same arguments, recorded in a run of each backend on its
own), called straight; but for the set-up's calls (a key pair generated on every backend) when
the callback continued the state the set-up left, made once per process.  For the inputs
whose library work is all X25519, the table gives the
ratio target / direct over the whole corpus (sum of the times) and its median over inputs:
for all of them, then apart for those where every library call did its X25519 operation and
those where a library refused its input.  Every such input has a refused import among its
refusals (a length, an encoding, a point of small order: often microseconds of library work),
so its ratio leans toward the harness's cost per input, which the validation-only inputs of
bench_targets.py measure; a refused verify or DH of a small-order point does the whole
operation first.  Every time is the best of ``--rounds`` runs in a row.
"""

from __future__ import annotations

import argparse
import functools
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from harness.corpus import CORPUS, committed_inputs
from harness.errors import CryptoError
from harness.execute import Executor
from harness.fuzzing import BACKENDS, FUZZ_HANDLE_LIMIT, run_input, test_one_input
from harness.targets import TARGETS, decode
from impls.recording import LibraryCall, recording


def _replay(calls: list[LibraryCall]) -> None:
    for call in calls:
        method, args = call.method, call.args
        try:  # noqa: SIM105 - contextlib.suppress would add its own cost to the timing
            method(*args)
        except CryptoError:
            pass  # refusing is the library's work too


def _without(calls: list[LibraryCall], done: list[LibraryCall]) -> list[LibraryCall]:
    """``calls`` but for one equal call for each of ``done``."""
    left = list(calls)
    for call in done:
        left.remove(call)
    return left


def _timed(action: Callable[[], object]) -> float:
    start = time.perf_counter()
    action()
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=3, help="replays of each input")
    args = parser.parse_args()
    log: list[LibraryCall] = []
    # Each backend on its own: one run of each, so every library call is recorded once.
    recorder = Executor([recording(b, log) for b in BACKENDS], handle_limit=FUZZ_HANDLE_LIMIT,
                        lockstep=False, share_backend_free_runs=False)
    print(f"command: make bench (bench/bench_corpus.py --rounds {args.rounds})\n")
    print("| target | corpus files | inputs/s | inputs whose library work is X25519 | inputs |"
          " ratio, whole corpus | ratio, median input |")
    print("|---|---:|---:|---|---:|---:|---:|")
    for target in TARGETS:
        callback = test_one_input(target.name)
        total = 0.0
        x25519: list[tuple[float, float, bool]] = []  # measured, direct, a library refused
        files = committed_inputs(CORPUS / target.name)
        set_ups: dict[int, list[LibraryCall]] = {}
        for path in files:
            data = path.read_bytes()
            decoded = decode(data)
            log.clear()
            if decoded.program.calls:
                recorder.run(decoded.program)
            calls = list(log)
            outcome = run_input(data)
            if outcome is not None and outcome.continued and decoded.set_up is not None:
                if id(decoded.set_up) not in set_ups:  # the same object for every input
                    log.clear()
                    recorder.run(decoded.set_up.program)
                    set_ups[id(decoded.set_up)] = list(log)
                calls = _without(calls, set_ups[id(decoded.set_up)])
            # each side's best of several runs in a row, as bench_targets.py times its rounds
            measured = min(_timed(functools.partial(callback, data)) for _ in range(args.rounds))
            direct = min(_timed(functools.partial(_replay, calls)) for _ in range(args.rounds))
            total += measured
            if calls and {c.algorithm for c in calls} == {"X25519"}:
                x25519.append((measured, direct, any(c.refused for c in calls)))
        _row(target.name, len(files), total, x25519)


def _row(target: str, files: int, total: float, x25519: list[tuple[float, float, bool]]) -> None:
    print(f"| {target} | {files} | {files / total:,.0f} |", end="")
    if not x25519:
        print(" none | 0 | | |")
        return
    kinds = [("all", x25519),
             ("every library call did its operation", [x for x in x25519 if not x[2]]),
             ("a library refused its input", [x for x in x25519 if x[2]])]
    for i, (kind, inputs) in enumerate(kinds):
        lead = "" if i == 0 else "| | | |"
        if not inputs:
            print(f"{lead} {kind} | 0 | | |")
            continue
        whole = sum(m for m, _, _ in inputs) / sum(d for _, d, _ in inputs)
        median = statistics.median(m / d for m, d, _ in inputs)
        print(f"{lead} {kind} | {len(inputs)} | {whole:.2f}x | {median:.2f}x |")


if __name__ == "__main__":
    main()
