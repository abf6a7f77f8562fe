"""The modules whose coverage guides libFuzzer.

Imports nothing, so a fuzz target can read it before anything else is imported (and so
before instrumentation starts).  Coverage of the host side and of the input decoder guides
the search; the oracles and the runner are the same for every input and only slow it down.
"""

INSTRUMENTED = ["harness.host", "harness.dispatch", "harness.memory", "harness.handles",
                "harness.ops", "harness.targets", "impls"]
