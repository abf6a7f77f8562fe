#!/usr/bin/env python3
"""kxfuzz target `key_import`.

Crafted key bytes in every encoding (raw, PKCS#8, PEM, SEC-1, local), imported as public
keys, secret keys and key pairs, then exported, verified and used.

Every input runs on every backend that declares an algorithm it names; a finding of any
oracle raises with a one-line signature, so libFuzzer saves the input.
Run through `make fuzz TARGET=key_import`, or directly:
`fuzz_targets/key_import.py [libFuzzer flags] [corpus dirs]`.
"""

from harness.coverage import fuzz

if __name__ == "__main__":
    fuzz("key_import")
