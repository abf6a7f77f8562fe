"""Which modules' coverage guides libFuzzer.

Imports nothing of the harness, so a fuzz target can read it before anything else is imported
(and so before instrumentation starts).  Coverage of the host side, the backends and the input
decoder guides the search; the oracles and the runner do the same work for every input, and
instrumenting them would only slow it down.  (atheris includes whole top-level packages and
excludes exact module names.)
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Callable, Sequence

INCLUDE = ["harness", "impls"]
EXCLUDE = [
    "harness.fuzzing", "harness.execute", "harness.runner", "harness.runtime",
    "harness.program", "harness.findings", "harness.divergences", "harness.guest_wat",
    "harness.layout", "harness.oracles", "harness.oracles.differential",
    "harness.oracles.model", "harness.oracles.invariants", "harness.oracles.memory_image",
    "harness.entropy", "harness.errors",
]


def _nothing() -> None:
    pass


def fuzz(target: str, argv: Sequence[str] | None = None,
         prepare: Callable[[], None] = _nothing) -> None:
    """Run ``target`` under libFuzzer: the one body every script in fuzz_targets/ shares.

    ``argv``: libFuzzer's command line (default ``sys.argv``).  ``prepare`` runs once the
    harness is imported and instrumented, just before fuzzing: the self-test plants its bug
    there (``harness.selftest``), late enough that every module it touches is instrumented.
    """
    import sys

    import atheris

    with atheris.instrument_imports(include=INCLUDE, exclude=EXCLUDE):
        from harness.fuzzing import test_one_input

    prepare()
    atheris.Setup(list(sys.argv if argv is None else argv), test_one_input(target))
    atheris.Fuzz()
