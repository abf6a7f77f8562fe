#!/usr/bin/env python3
"""kxfuzz target `abi_sequence`.

Structure-aware programs over the whole interface: key lifecycles, forged, closed and
wrong-kind handles, wild pointers, zero/huge/wrapping lengths, bad enums, overlapping buffers,
partial pulls.

Every input runs on every backend; a finding of any oracle raises with a one-line signature, so
libFuzzer saves the input.  Run through `make fuzz TARGET=abi_sequence`, or directly:
`fuzz_targets/abi_sequence.py [libFuzzer flags] [corpus dirs]`.
"""

import sys

import atheris

from harness.coverage import EXCLUDE, INCLUDE

with atheris.instrument_imports(include=INCLUDE, exclude=EXCLUDE):
    from harness.fuzzing import test_one_input

TestOneInput = test_one_input("abi_sequence")


def main() -> None:
    atheris.Setup(sys.argv, TestOneInput)
    atheris.Fuzz()


if __name__ == "__main__":
    main()
