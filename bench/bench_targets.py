#!/usr/bin/env python3
"""Executions per second of each fuzz target, next to calling the same primitives directly.

    make bench          (or: .venv/bin/python bench/bench_targets.py [--seconds S])

For every target, two inputs: one whose calls all stop in argument validation, one whose calls
reach X25519 on both backends.  "target" is the time of the fuzz target's callback (decode, run
on every backend, every oracle), uninstrumented; libFuzzer's coverage instrumentation adds to
it (``make fuzz`` reports that rate).  "direct" is the time of the X25519 operations the input
performs, called straight on both libraries; the ratio is target / direct.
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from cryptography.hazmat.primitives.asymmetric import x25519
from nacl import bindings

from harness.fuzzing import run_input, test_one_input
from harness.ops import KEY_POOL, SPECIAL
from harness.targets import decode, encode
from impls.x25519_common import PROBE_SCALAR

SEED = bytes(range(32))
ALICE_SK, ALICE_PK, BOB_PK, PAIR = KEY_POOL[0], KEY_POOL[1], KEY_POOL[3], KEY_POOL[11]

VALIDATION = {
    "abi_sequence": [("publickey_export", {"pk": SPECIAL + 9}),
                     ("kx_dh", {"pk": SPECIAL + 10, "sk": SPECIAL + 11}),
                     ("array_output_len", {"output": SPECIAL + 8})],
    "key_import": [("publickey_import", {"alg_type": SPECIAL + 2}),
                   ("secretkey_import", {"mode": SPECIAL + 4}),
                   ("keypair_import", {"encoding": 0xC0})],
    "dh": [("kx_dh", {"pk": SPECIAL + 9, "sk": SPECIAL + 9}),
           ("publickey_verify", {"pk": SPECIAL + 7}),
           ("array_output_pull", {"output": SPECIAL + 8, "size": 32})],
}
CRYPTO = {
    "abi_sequence": [("generate", {}), ("keypair_publickey", {"kp": 0}),
                     ("keypair_secretkey", {"kp": 0}), ("kx_dh", {"pk": 0, "sk": 0}),
                     ("array_output_pull", {"output": 0, "size": 32})],
    "key_import": [("keypair_import", {"key": 11}), ("keypair_export", {"kp": 0}),
                   ("array_output_pull", {"output": 0, "size": 64})],
    "dh": [("publickey_import", {"key": 3}), ("publickey_verify", {"pk": 1}),
           ("kx_dh", {"pk": 1, "sk": 0}), ("array_output_pull", {"output": 0, "size": 32})],
}
# The dh target's typical inputs after a while: several shared secrets per input.
DENSE = [op for _ in range(4) for op in (("publickey_import", {"key": 3}),
                                         ("kx_dh", {"pk": 1, "sk": 0}))]
# Its own structure-aware operation: import a crafted key, verify it, DH, pull (8 keys).
CRAFTED: list[tuple[str, dict[str, int | bytes]]] = [("crafted_dh", {"key": 3})] * 8


def _generate_cryptography() -> None:
    x25519.X25519PrivateKey.from_private_bytes(SEED).public_key().public_bytes_raw()


def _direct_cost(target: str, validation: bool) -> Callable[[], None]:
    """The X25519 work the input does, on both libraries."""

    def abi_sequence() -> None:
        sk = x25519.X25519PrivateKey.from_private_bytes(SEED)
        sk.exchange(sk.public_key())
        pk = bindings.crypto_scalarmult_base(SEED)
        bindings.crypto_scalarmult(SEED, pk)

    def key_import() -> None:
        x25519.X25519PublicKey.from_public_bytes(ALICE_PK).public_bytes_raw()
        x25519.X25519PrivateKey.from_private_bytes(ALICE_SK).public_key().public_bytes_raw()
        bindings.crypto_scalarmult_base(ALICE_SK)

    def dh_setup() -> None:  # the dh target generates a key pair before every input
        _generate_cryptography()
        bindings.crypto_scalarmult_base(SEED)

    def dh() -> None:
        dh_setup()
        pk = x25519.X25519PublicKey.from_public_bytes(BOB_PK)
        x25519.X25519PrivateKey.from_private_bytes(PROBE_SCALAR).exchange(pk)
        x25519.X25519PrivateKey.from_private_bytes(SEED).exchange(pk)
        bindings.crypto_scalarmult(PROBE_SCALAR, BOB_PK)
        bindings.crypto_scalarmult(SEED, BOB_PK)

    def dense() -> None:
        dh_setup()
        sk = x25519.X25519PrivateKey.from_private_bytes(SEED)
        for _ in range(4):
            sk.exchange(x25519.X25519PublicKey.from_public_bytes(BOB_PK))
            bindings.crypto_scalarmult(SEED, BOB_PK)

    def crafted() -> None:
        dh_setup()
        sk = x25519.X25519PrivateKey.from_private_bytes(SEED)
        probe = x25519.X25519PrivateKey.from_private_bytes(PROBE_SCALAR)
        for _ in range(8):
            pk = x25519.X25519PublicKey.from_public_bytes(BOB_PK)
            probe.exchange(pk)
            sk.exchange(pk)
            bindings.crypto_scalarmult(PROBE_SCALAR, BOB_PK)
            bindings.crypto_scalarmult(SEED, BOB_PK)

    if validation:
        return dh_setup if target == "dh" else (lambda: None)
    return {"abi_sequence": abi_sequence, "key_import": key_import, "dh": dh,
            "dense": dense, "crafted": crafted}[target]


def rate(action: Callable[[], object], seconds: float) -> float:
    """Executions per second over about ``seconds``."""
    action()
    count, start = 0, time.perf_counter()
    deadline = start + seconds
    while time.perf_counter() < deadline:
        for _ in range(50):
            action()
        count += 50
    return count / (time.perf_counter() - start)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=2.0, help="per measurement")
    args = parser.parse_args()
    print(f"command: make bench (bench/bench_targets.py --seconds {args.seconds})\n")
    print("| target | input | calls | target exec/s | direct exec/s | ratio |")
    print("|---|---|---:|---:|---:|---:|")
    for target in ("abi_sequence", "key_import", "dh"):
        for label, ops, validation in (("validation only", VALIDATION[target], True),
                                       ("reaches X25519", CRYPTO[target], False)):
            data = encode(target, ops)
            outcome = run_input(data)
            assert outcome is not None and not outcome.findings
            calls = len(outcome.program.calls)
            callback = test_one_input(target)
            measured = rate(lambda data=data, cb=callback: cb(data), args.seconds)
            direct_action = _direct_cost(target, validation)
            if validation and target != "dh":
                print(f"| {target} | {label} | {calls} | {measured:,.0f} | (no crypto) | |")
                continue
            direct = rate(direct_action, args.seconds)
            print(f"| {target} | {label} | {calls} | {measured:,.0f} | {direct:,.0f} |"
                  f" {direct / measured:.1f}x |")
    for label, ops, cost in (("4 shared secrets", DENSE, "dense"),
                             ("8 crafted keys (crafted_dh)", CRAFTED, "crafted")):
        data = encode("dh", ops)
        calls = len(decode(data).program.calls)
        callback = test_one_input("dh")
        measured = rate(lambda data=data, cb=callback: cb(data), args.seconds)
        direct = rate(_direct_cost(cost, False), args.seconds)
        print(f"| dh | {label} | {calls} | {measured:,.0f} | {direct:,.0f} |"
              f" {direct / measured:.1f}x |")
    kem = encode("kem", [("kx_encapsulate", {"pk": 0})])
    callback = test_one_input("kem")
    print(f"| kem | (no KEM yet: returns at once) | 0 | "
          f"{rate(lambda: callback(kem), args.seconds):,.0f} | | |")


if __name__ == "__main__":
    main()
