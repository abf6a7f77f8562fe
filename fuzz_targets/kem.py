#!/usr/bin/env python3
"""kxfuzz target `kem`.

Crafted ciphertexts against generated keys of every KEM (encapsulate on one backend,
decapsulate on every other); with no KEM among the backends it has nothing to do.

Every input runs on every backend; a finding of any oracle raises with a one-line signature, so
libFuzzer saves the input.  Run through `make fuzz TARGET=kem`, or directly:
`fuzz_targets/kem.py [libFuzzer flags] [corpus dirs]`.
"""

from harness.coverage import fuzz

if __name__ == "__main__":
    fuzz("kem")
