#!/usr/bin/env python3
"""Cost of running a program through the guest, next to calling the same primitives directly.

    make bench            (or: .venv/bin/python bench/bench_programs.py [--repeat N])

Reports medians in microseconds.  The 10-call program imports an X25519 secret and public key,
runs kx_dh, reads the secret's length and pulls it, generates a key pair, takes and exports its
public key, pulls that and verifies it.  "direct" performs the same library operations in
Python without the host (key imports, two scalar multiplications for DH and key generation, one
for verification, the exports).
"""

from __future__ import annotations

import argparse
import functools
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from Crypto.Protocol.DH import import_x25519_public_key, key_agreement
from Crypto.PublicKey import ECC
from cryptography.hazmat.primitives.asymmetric import x25519
from nacl import bindings

from harness.program import OutRef, Program
from harness.runner import ProgramRunner
from impls import load_backend
from impls.x25519_common import PROBE_SCALAR
from tests.kx import ALICE_SK, BOB_PK, Kx

SEED = bytes(range(32))


def ten_call_program() -> Program:
    p = Kx()
    sk = p.import_secret(ALICE_SK)
    pk = p.import_public(BOB_PK)
    dh = p.call("kx_dh", OutRef(pk), OutRef(sk), p.out())
    p.call("array_output_len", OutRef(dh), p.out())
    p.pull(dh, 32)
    kp = p.generate()
    kp_pk = p.call("keypair_publickey", OutRef(kp), p.out())
    export = p.call("publickey_export", OutRef(kp_pk), 0, p.out())
    p.pull(export, 32)
    p.call("publickey_verify", OutRef(kp_pk))
    program = p.build()
    assert len(program.calls) == 10
    return program


def validation_only_program() -> Program:
    """Ten calls that all stop in argument validation (forged handles, wild pointers)."""
    p = Kx()
    for i in range(5):
        p.call("publickey_export", 0x1234 + i, 0, p.out())
        p.call("kx_dh", 0, 0, 0xFFFFFFFF)
    return p.build()


def direct_cryptography() -> None:
    sk = x25519.X25519PrivateKey.from_private_bytes(ALICE_SK)
    pk = x25519.X25519PublicKey.from_public_bytes(BOB_PK)
    sk.exchange(pk)
    generated = x25519.X25519PrivateKey.from_private_bytes(SEED).public_key()
    generated.public_bytes_raw()
    x25519.X25519PrivateKey.from_private_bytes(PROBE_SCALAR).exchange(generated)


def direct_libsodium() -> None:
    bindings.crypto_scalarmult(ALICE_SK, BOB_PK)
    generated = bindings.crypto_scalarmult_base(SEED)
    bindings.crypto_scalarmult(PROBE_SCALAR, generated)


def direct_pycryptodome() -> None:
    sk = ECC.construct(curve="Curve25519", seed=ALICE_SK)
    key_agreement(static_priv=sk, static_pub=import_x25519_public_key(BOB_PK), kdf=bytes)
    ECC.construct(curve="Curve25519", seed=SEED).public_key().export_key(format="raw")
    # publickey_verify: PyCryptodome validated the point when it was made


DIRECT: dict[str, Callable[[], None]] = {
    "cryptography": direct_cryptography,
    "libsodium": direct_libsodium,
    "pycryptodome": direct_pycryptodome,
}


def median_us(action: Callable[[], object], repeat: int) -> float:
    for _ in range(max(3, repeat // 20)):
        action()  # warm up
    samples = []
    for _ in range(repeat):
        start = time.perf_counter_ns()
        action()
        samples.append(time.perf_counter_ns() - start)
    return statistics.median(samples) / 1000


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=2000)
    args = parser.parse_args()
    programs = {
        "empty program": Program(),
        "10 calls, validation only": validation_only_program(),
        "10 calls, X25519": ten_call_program(),
    }
    print(f"median of {args.repeat} runs, microseconds; command: make bench\n")
    print("| backend | case | guest | direct | ratio |")
    print("|---|---|---:|---:|---:|")
    for name in DIRECT:  # every backend with X25519
        runner = ProgramRunner(load_backend(name))
        direct = median_us(DIRECT[name], args.repeat)
        for label, program in programs.items():
            cost = median_us(functools.partial(runner.run, program), args.repeat)
            if label == "10 calls, X25519":
                print(f"| {name} | {label} | {cost:.1f} | {direct:.1f} | {cost / direct:.1f}x |")
            else:
                print(f"| {name} | {label} | {cost:.1f} | | |")


if __name__ == "__main__":
    main()
