#!/usr/bin/env python3
"""Inputs per second when replaying each target's committed corpus, uninstrumented.

    make bench          (or: .venv/bin/python bench/bench_corpus.py [--rounds N])

The benchmark inputs of bench_targets.py are small and chosen; the corpus is what fuzzing
actually runs (many operations per input, every algorithm, inputs that split the backends).
Each corpus is replayed through the fuzz callback's own path (decode, run, every oracle), the
best of ``--rounds`` rounds counting.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from harness.corpus import CORPUS
from harness.fuzzing import run_input
from harness.targets import TARGETS


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=2, help="replays of each corpus")
    args = parser.parse_args()
    print(f"command: make bench (bench/bench_corpus.py --rounds {args.rounds})\n")
    print("| target | corpus files | inputs/s |")
    print("|---|---:|---:|")
    for target in TARGETS:
        inputs = [p.read_bytes() for p in sorted((CORPUS / target.name).iterdir())
                  if p.is_file() and not p.name.startswith(".")]
        best = float("inf")
        for _ in range(args.rounds):
            start = time.perf_counter()
            for data in inputs:
                run_input(data)
            best = min(best, time.perf_counter() - start)
        print(f"| {target.name} | {len(inputs)} | {len(inputs) / best:,.0f} |")


if __name__ == "__main__":
    main()
