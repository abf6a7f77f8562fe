#!/usr/bin/env python3
"""Regenerate the seed corpus and the dictionaries: `make seeds`.

Seeds are written as operations in ``harness/seeds.py``; each lands in ``corpus/<target>/``
under the SHA-1 of its bytes (an existing file is left alone), and ``corpus/<target>.dict`` is
rewritten.  Running it twice changes nothing.
"""

from __future__ import annotations

from harness.corpus import CORPUS, add, dictionary, write_atomically
from harness.seeds import seed_inputs
from harness.targets import TARGETS


def main() -> None:
    for target in TARGETS:
        added = sum(add(CORPUS / target.name, data)[1] for data in seed_inputs(target.name))
        write_atomically(CORPUS / f"{target.name}.dict", dictionary(target.magic).encode())
        print(f"{target.name}: {added} new seed(s)")


if __name__ == "__main__":
    main()
