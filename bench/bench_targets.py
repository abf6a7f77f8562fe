#!/usr/bin/env python3
"""Executions per second of each fuzz target, next to calling the same primitives directly.

    make bench          (or: .venv/bin/python bench/bench_targets.py [--seconds S])

For every target, two inputs: one whose calls all stop in argument validation, one whose calls
reach X25519 on every backend that has it (cryptography, libsodium, PyCryptodome); then two
denser dh inputs and a kem input on ML-KEM-768.  "target" is the time of the fuzz target's
callback (decode, run on every backend, every oracle), uninstrumented; libFuzzer's coverage
instrumentation adds to it (``make fuzz`` reports that rate).  "direct" is the time of the
same key-exchange operations called straight on each backend's algorithm object (the library
calls, without host, guest or oracles); the ratio is target / direct.  The dh and kem targets'
set-up (a key pair generated on every backend) runs once per process, not per input
(harness.setup_state), so it is no part of either side.
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from harness.abi import KeyEncoding, KeypairEncoding
from harness.encapsulation import reference_encapsulate
from harness.fuzzing import run_input, test_one_input
from harness.ops import KEY_POOL, SPECIAL
from harness.targets import decode, encode
from impls import load_all
from impls.base import KxAlgorithm

SEED = bytes(range(32))
ALICE_SK, ALICE_PK, BOB_PK, PAIR = KEY_POOL[0], KEY_POOL[1], KEY_POOL[3], KEY_POOL[11]
_PAIR_RAW = KeypairEncoding.RAW

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


def _algorithms(name: str) -> list[KxAlgorithm]:
    return [alg for backend in load_all() if (alg := backend.find(name)) is not None]


X25519 = _algorithms("X25519")
RAW = KeyEncoding.RAW


def _each(operation: Callable[[KxAlgorithm], object]) -> Callable[[], None]:
    def run() -> None:
        for alg in X25519:
            operation(alg)
    return run


def _abi_sequence(alg: KxAlgorithm) -> None:
    pk, sk = alg.generate(SEED)
    alg.dh(pk, sk)


def _key_import(alg: KxAlgorithm) -> None:
    pk, sk = alg.import_keypair(PAIR, _PAIR_RAW)
    alg.export_keypair(pk, sk, _PAIR_RAW)


def _crafted(count: int, verify: bool) -> Callable[[KxAlgorithm], None]:
    secret = {alg: alg.generate(SEED)[1] for alg in X25519}  # the set-up's, made once

    def operation(alg: KxAlgorithm) -> None:
        sk = secret[alg]
        for _ in range(count):
            pk = alg.import_public(BOB_PK, RAW)
            if verify:
                alg.verify_public(pk)
            alg.dh(pk, sk)
    return operation


def _direct_cost(target: str) -> Callable[[], None]:
    """The key-exchange work the input does, on every backend with X25519."""
    return _each({"abi_sequence": _abi_sequence, "key_import": _key_import,
                  "dh": _crafted(1, True), "dense": _crafted(4, False),
                  "crafted": _crafted(8, True)}[target])


ML_KEM_768 = [(alg, *alg.generate(bytes(64))) for alg in _algorithms("ML-KEM-768")]


def _kem_direct() -> None:
    """The kem input: the set-up's key pair encapsulated to, its ciphertext decapsulated."""
    for alg, pk, sk in ML_KEM_768:
        _, ciphertext = (alg.encapsulate(pk, bytes(32)) if alg.derandomized_encapsulation
                         else reference_encapsulate(alg, pk, bytes(32)))
        alg.decapsulate(sk, ciphertext)


def _round(action: Callable[[], object], count: int) -> float:
    start = time.perf_counter()
    for _ in range(count):
        action()
    return (time.perf_counter() - start) / count


def rates(target: Callable[[], object], direct: Callable[[], object] | None,
          seconds: float) -> tuple[float, float | None]:
    """Executions per second of ``target`` and of ``direct``, measured in alternating rounds
    over about ``seconds`` (so a busy moment of the machine falls on both alike); each side's
    best round counts (as timeit advises: slower rounds are other processes' doing)."""
    sides = [target] if direct is None else [target, direct]
    for action in sides:
        action()  # warm up
    count = max(1, int(0.05 / min(_round(action, 1) for action in sides)))
    best = [float("inf")] * len(sides)
    deadline = time.perf_counter() + seconds
    while time.perf_counter() < deadline:
        for k, action in enumerate(sides):
            best[k] = min(best[k], _round(action, count))
    return 1 / best[0], (1 / best[1] if direct is not None else None)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=3.0, help="per row, both sides")
    args = parser.parse_args()
    print(f"command: make bench (bench/bench_targets.py --seconds {args.seconds})\n")
    print("| target | input | calls | target exec/s | direct exec/s | ratio |")
    print("|---|---|---:|---:|---:|---:|")
    for target in ("abi_sequence", "key_import", "dh"):
        for label, ops, validation in (("validation only", VALIDATION[target], True),
                                       ("reaches X25519", CRYPTO[target], False)):
            data = encode(target, ops, "X25519" if target == "dh" else None)
            outcome = run_input(data)
            assert outcome is not None and not outcome.findings
            calls = len(outcome.program.calls)
            callback = test_one_input(target)
            measured, direct = rates(lambda data=data, cb=callback: cb(data),
                                     None if validation else _direct_cost(target),
                                     args.seconds)
            _row(target, label, calls, measured, direct)
    for label, ops, cost in (("4 shared secrets", DENSE, "dense"),
                             ("8 crafted keys (crafted_dh)", CRAFTED, "crafted")):
        data = encode("dh", ops, "X25519")
        callback = test_one_input("dh")
        measured, direct = rates(lambda data=data, cb=callback: cb(data),
                                 _direct_cost(cost), args.seconds)
        _row("dh", label, len(decode(data).program.calls), measured, direct)
    kem = encode("kem", [("kx_encapsulate", {"pk": 0}),
                         ("kx_decapsulate", {"sk": 0, "key": 0xFF, "blob": bytes(1088)})],
                 "ML-KEM-768")
    callback = test_one_input("kem")
    measured, direct = rates(lambda: callback(kem), _kem_direct, args.seconds)
    _row("kem", "ML-KEM-768: encapsulate, decapsulate", len(decode(kem).program.calls),
         measured, direct)


def _row(target: str, label: str, calls: int, measured: float, direct: float | None) -> None:
    if direct is None:
        print(f"| {target} | {label} | {calls} | {measured:,.0f} | (no crypto) | |")
    else:
        print(f"| {target} | {label} | {calls} | {measured:,.0f} | {direct:,.0f} |"
              f" {direct / measured:.2f}x |")


if __name__ == "__main__":
    main()
