#!/usr/bin/env python3
"""Every algorithm on every backend: a program through the guest next to the same operations
called directly.

    make bench            (or: .venv/bin/python bench/bench_algorithms.py [--repeat N])

The program generates a key pair, takes its public and secret keys, exports the public key
raw (SEC-1 for the NIST curves) and pulls it; then for a DH algorithm it runs kx_dh on the
pair and pulls the secret, for a KEM it encapsulates to the pair, pulls the secret and the
ciphertext, decapsulates the ciphertext and pulls that secret.  "direct" calls the same
backend operations in Python, without host or guest (for a library that encapsulates only
with its own randomness, through the same derandomized encapsulation the host uses).
Medians in microseconds; the ratio is guest / direct.
"""

from __future__ import annotations

import argparse
import functools
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.bench_programs import median_us
from harness.abi import KeyEncoding, Revision, key_encoding_number
from harness.encapsulation import reference_encapsulate
from harness.program import OutRef, Program
from harness.runner import ProgramRunner
from impls import load_all
from impls.base import KxAlgorithm, Mechanism
from tests.kx import Kx


def _public_form(alg: KxAlgorithm) -> KeyEncoding:
    return KeyEncoding.RAW if alg.raw_public_length is not None else KeyEncoding.SEC


def program(alg: KxAlgorithm) -> Program:
    p = Kx(alg.name)
    kp = p.generate()
    pk = p.call("keypair_publickey", OutRef(kp), p.out())
    sk = p.call("keypair_secretkey", OutRef(kp), p.out())
    form = key_encoding_number(_public_form(alg), Revision.JAN2022)
    p.pull(p.call("publickey_export", OutRef(pk), form, p.out()), 2048)
    if alg.mechanism is Mechanism.DH:
        p.pull(p.call("kx_dh", OutRef(pk), OutRef(sk), p.out()), 64)
    else:
        both = p.call("kx_encapsulate", OutRef(pk), p.out(), p.out())
        p.pull(OutRef(both, 0), 32)
        _, ciphertext = p.pull(OutRef(both, 1), 2048)
        decapsulated = p.call("kx_decapsulate", OutRef(sk), ciphertext,
                              _ciphertext_length(alg), p.out())
        p.pull(decapsulated, 32)
    return p.build()


@functools.cache
def _ciphertext_length(alg: KxAlgorithm) -> int:
    pk, _ = alg.generate(bytes(alg.seed_length))
    return len(_encapsulate(alg, pk)[1])


def _encapsulate(alg: KxAlgorithm, pk: object) -> tuple[bytes, bytes]:
    coins = bytes(alg.coins_length)
    if alg.derandomized_encapsulation:
        return alg.encapsulate(pk, coins)
    return reference_encapsulate(alg, pk, coins)


def direct(alg: KxAlgorithm, seed: bytes) -> bytes:
    pk, sk = alg.generate(seed)
    alg.export_public(pk, _public_form(alg))
    if alg.mechanism is Mechanism.DH:
        return alg.dh(pk, sk)
    _, ciphertext = _encapsulate(alg, pk)
    return alg.decapsulate(sk, ciphertext)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=200)
    args = parser.parse_args()
    print(f"median of {args.repeat} runs, microseconds; command: make bench\n")
    print("| algorithm | backend | guest | direct | ratio |")
    print("|---|---|---:|---:|---:|")
    rows = sorted((alg.name, backend.name, alg) for backend in load_all()
                  for alg in backend.algorithms.values())
    for name, backend_name, alg in rows:
        backend = next(b for b in load_all() if b.name == backend_name)
        runner = ProgramRunner(backend)
        built = program(alg)
        trace = runner.run(built)
        assert all(r.errno == 0 for r in trace.results), (name, backend_name)
        repeat = max(5, args.repeat // 20) if backend_name == "kyber-py" else args.repeat
        guest = median_us(functools.partial(runner.run, built), repeat)
        alone = median_us(functools.partial(direct, alg, bytes(alg.seed_length)), repeat)
        print(f"| {name} | {backend_name} | {guest:.1f} | {alone:.1f} | {guest / alone:.2f}x |")


if __name__ == "__main__":
    main()
