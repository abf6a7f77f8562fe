#!/usr/bin/env python3
"""kxfuzz target `dh`.

Crafted public keys against generated secret keys, one DH algorithm per input (the byte after
the magic picks it): import in every encoding, publickey_verify, kx_dh and pulls of the shared
secret.

Every input runs on every backend that declares an algorithm it names; a finding of any
oracle raises with a one-line signature, so libFuzzer saves the input.
Run through `make fuzz TARGET=dh`, or directly:
`fuzz_targets/dh.py [libFuzzer flags] [corpus dirs]`.
"""

from harness.coverage import fuzz

if __name__ == "__main__":
    fuzz("dh")
