#!/usr/bin/env python3
"""kxfuzz target `abi_sequence`.

Structure-aware programs over the whole interface: key lifecycles, forged, closed and
wrong-kind handles, wild pointers, zero/huge/wrapping lengths, bad enums, overlapping buffers,
partial pulls.

Every input runs on every backend that declares an algorithm it names; a finding of any
oracle raises with a one-line signature, so libFuzzer saves the input.
Run through `make fuzz TARGET=abi_sequence`, or directly:
`fuzz_targets/abi_sequence.py [libFuzzer flags] [corpus dirs]`.
"""

from harness.coverage import fuzz

if __name__ == "__main__":
    fuzz("abi_sequence")
