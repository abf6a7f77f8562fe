#!/usr/bin/env python3
"""kxfuzz target `dh`.

Crafted public keys against generated secret keys, for every DH algorithm: import,
publickey_verify, kx_dh and pulls of the shared secret.

Every input runs on every backend; a finding of any oracle raises with a one-line signature, so
libFuzzer saves the input.  Run through `make fuzz TARGET=dh`, or directly:
`fuzz_targets/dh.py [libFuzzer flags] [corpus dirs]`.
"""

import sys

import atheris

from harness.coverage import EXCLUDE, INCLUDE

with atheris.instrument_imports(include=INCLUDE, exclude=EXCLUDE):
    from harness.fuzzing import test_one_input

TestOneInput = test_one_input("dh")


def main() -> None:
    atheris.Setup(sys.argv, TestOneInput)
    atheris.Fuzz()


if __name__ == "__main__":
    main()
