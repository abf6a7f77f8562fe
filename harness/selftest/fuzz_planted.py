"""A fuzz target with one bug planted: ``python -m harness.selftest.fuzz_planted PLANT TARGET
[libFuzzer flags] [corpus dirs]``.

The same body as every script in fuzz_targets/ (:func:`harness.coverage.fuzz`); the plant is
applied once the harness has been imported and instrumented, and stays for the whole process.
Only the self-test runs this module.
"""

from __future__ import annotations

import sys
import time
from contextlib import ExitStack

from harness.coverage import fuzz

# printed to stderr when fuzzing starts, with the wall-clock time, for harness.selftest.trial
STARTED = "kxfuzz-selftest: fuzzing starts at"

_applied = ExitStack()  # never closed: the plant stays until the process ends


def _prepare(plant: str, target: str) -> None:
    # Imported here, after instrumentation: importing the plants earlier would import the
    # modules they patch uninstrumented.
    from harness.selftest.plants import PLANTS
    from harness.targets import BY_NAME

    if plant not in PLANTS:
        sys.exit(f"fuzz_planted: error: unknown plant {plant!r} (known: {', '.join(PLANTS)})")
    if target not in BY_NAME:
        sys.exit(f"fuzz_planted: error: unknown target {target!r} (known: {', '.join(BY_NAME)})")
    _applied.enter_context(PLANTS[plant].patch())
    print(f"{STARTED} {time.time():.6f}", file=sys.stderr, flush=True)


def main(argv: list[str]) -> None:
    if len(argv) < 3 or argv[1].startswith("-") or argv[2].startswith("-"):
        sys.exit("usage: python -m harness.selftest.fuzz_planted PLANT TARGET [libFuzzer args]")
    plant, target = argv[1], argv[2]
    fuzz(target, [argv[0], *argv[3:]], lambda: _prepare(plant, target))


if __name__ == "__main__":
    main(sys.argv)
