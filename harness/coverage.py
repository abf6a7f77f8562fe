"""Which modules' coverage guides libFuzzer.

Imports nothing, so a fuzz target can read it before anything else is imported (and so
before instrumentation starts).  Coverage of the host side, the backends and the input
decoder guides the search; the oracles and the runner do the same work for every input, and
instrumenting them would only slow it down.  (atheris includes whole top-level packages and
excludes exact module names.)
"""

INCLUDE = ["harness", "impls"]
EXCLUDE = [
    "harness.fuzzing", "harness.execute", "harness.runner", "harness.runtime",
    "harness.program", "harness.findings", "harness.divergences", "harness.guest_wat",
    "harness.layout", "harness.oracles", "harness.oracles.differential",
    "harness.oracles.model", "harness.oracles.invariants", "harness.oracles.memory_image",
    "harness.entropy", "harness.errors",
]


def fuzz(target: str) -> None:
    """Run ``target`` under libFuzzer: the one body every script in fuzz_targets/ shares."""
    import sys

    import atheris

    with atheris.instrument_imports(include=INCLUDE, exclude=EXCLUDE):
        from harness.fuzzing import test_one_input

    atheris.Setup(sys.argv, test_one_input(target))
    atheris.Fuzz()
