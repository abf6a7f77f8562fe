#!/usr/bin/env python3
"""kxfuzz target `kem`.

Ciphertexts against a generated key of one KEM per input (the byte after the magic picks it):
encapsulated on one backend and decapsulated on every other, and crafted ones of the right and
of wrong lengths (implicit rejection must agree; a wrong length is verification_failed).

Every input runs on every backend that declares an algorithm it names; a finding of any
oracle raises with a one-line signature, so libFuzzer saves the input.
Run through `make fuzz TARGET=kem`, or directly:
`fuzz_targets/kem.py [libFuzzer flags] [corpus dirs]`.
"""

from harness.coverage import fuzz

if __name__ == "__main__":
    fuzz("kem")
