"""Seed inputs for every target, written as operations (``corpus/generate.py`` saves them)."""

from __future__ import annotations

from harness.ops import BLOB_KEY, KEY_POOL, SPECIAL
from harness.targets import encode

Ops = list[tuple[str, dict[str, int | bytes]]]

ALICE_SK, ALICE_PK, BOB_SK, BOB_PK = 0, 1, 2, 3
LOW_ORDER = range(4, 11)
ALICE_PAIR = 11
RAW, PKCS8, PEM, SEC, COMPRESSED_SEC, LOCAL = range(6)


def _each(op: str, field: str, values: range) -> Ops:
    return [(op, {field: v}) for v in values]


def _dh_flow(pk: int, sk: int) -> Ops:
    return [
        ("publickey_import", {"key": pk}),
        ("secretkey_import", {"key": sk}),
        ("kx_dh", {"pk": 0, "sk": 0}),
        ("array_output_len", {"output": 0}),
        ("array_output_pull", {"output": 0, "size": 32}),
    ]


def abi_sequence() -> list[Ops]:
    seeds: list[Ops] = [
        [("generate", {}), ("keypair_publickey", {"kp": 0}), ("keypair_secretkey", {"kp": 0}),
         ("kx_dh", {"pk": 0, "sk": 0}), ("array_output_pull", {"output": 0, "size": 32})],
        _dh_flow(BOB_PK, ALICE_SK),
        [("keypair_import", {"key": ALICE_PAIR}), ("keypair_export", {"kp": 0}),
         ("array_output_pull", {"output": 0, "size": 20}),
         ("array_output_pull", {"output": 0, "size": 20}),
         ("array_output_pull", {"output": 0, "size": 40}),
         ("array_output_pull", {"output": 0, "size": 1})],
        [("generate", {}), ("keypair_publickey", {"kp": 0}), ("publickey_close", {"pk": 0}),
         ("publickey_close", {"pk": 0}), ("publickey_export", {"pk": 0}),
         ("keypair_close", {"kp": 0}), ("keypair_secretkey", {"kp": 0}),
         ("secretkey_close", {"sk": SPECIAL + 2})],
        [("options_open", {}), ("options_set", {"name": b"context", "which": 1}),
         ("generate", {"options": SPECIAL}), ("generate", {"options": SPECIAL + 5}),
         ("generate", {"options": SPECIAL + 2}), ("options_close", {}), ("options_close", {})],
        _each("publickey_import", "key", LOW_ORDER)
        + _each("publickey_verify", "pk", range(len(LOW_ORDER))),
        [("publickey_import", {"key": BOB_PK, "out": SPECIAL + 4}),
         ("publickey_import", {"key": BOB_PK, "out": SPECIAL}),
         ("publickey_import", {"key": BOB_PK, "mode": SPECIAL + 6}),
         ("publickey_import", {"key": BOB_PK, "mode": SPECIAL + 5}),
         ("publickey_import", {"key": BOB_PK, "mode": SPECIAL + 8}),
         ("publickey_export", {"pk": 0}),
         ("array_output_pull", {"output": 0, "size": 32, "mode": SPECIAL + 6})],
        [("raw", {"function": f, "arg0": 1, "arg1": 0x100, "arg2": 8, "arg3": 0x200,
                  "arg4": 0xFFFFFFFF, "arg5": 1, "arg6": 0x300}) for f in range(33)],
        [("crafted_dh", {"key": ALICE_PK}), ("crafted_dh", {"key": LOW_ORDER[0]})],
        [("generate", {"alg": 9}), ("generate", {"alg": 11}), ("generate", {"alg": 12}),
         ("generate", {"alg_type": SPECIAL}), ("generate", {"alg_type": SPECIAL + 2}),
         ("publickey_import", {"key": BOB_PK, "encoding": 0xC0 + 1})],
        [("publickey_import", {"key": BOB_PK}), ("kx_encapsulate", {"pk": 0}),
         ("secretkey_import", {"key": ALICE_SK}),
         ("kx_decapsulate", {"sk": 0, "key": BLOB_KEY, "blob": bytes(32)})],
    ]
    return seeds


def key_import() -> list[Ops]:
    seeds: list[Ops] = []
    for encoding in range(6):
        seeds.append([
            ("publickey_import", {"key": BOB_PK, "encoding": encoding}),
            ("secretkey_import", {"key": ALICE_SK, "encoding": encoding}),
            ("keypair_import", {"key": ALICE_PAIR, "encoding": encoding}),
            ("publickey_export", {"pk": 0, "encoding": encoding}),
            ("secretkey_export", {"sk": 0, "encoding": encoding}),
            ("keypair_export", {"kp": 0, "encoding": encoding}),
            ("array_output_pull", {"output": 0, "size": 64}),
        ])
    mismatched = KEY_POOL[BOB_PK] + KEY_POOL[ALICE_SK]
    seeds.append([("keypair_import", {"key": BLOB_KEY, "blob": mismatched}),
                  ("publickey_import", {"key": ALICE_PK}), ("secretkey_import", {"key": BOB_SK}),
                  ("keypair_from_pk_and_sk", {"pk": 0, "sk": 0}),
                  ("publickey_from_secretkey", {"sk": 0}),
                  ("publickey_export", {"pk": 1}), ("array_output_pull", {"size": 32})])
    for length in (0, 31, 33, 63, 65):
        seeds.append([("publickey_import", {"key": BLOB_KEY, "blob": bytes(range(length))}),
                      ("secretkey_import", {"key": BLOB_KEY, "blob": bytes(range(length))}),
                      ("keypair_import", {"key": BLOB_KEY, "blob": bytes(range(length))})])
    return seeds


def dh() -> list[Ops]:
    seeds = [[("publickey_import", {"key": k}), ("publickey_verify", {"pk": 1}),
              ("kx_dh", {"pk": 1, "sk": 0}), ("array_output_pull", {"output": 0, "size": 32})]
             for k in (ALICE_PK, BOB_PK, *LOW_ORDER)]
    seeds.append([("publickey_import", {"key": BLOB_KEY, "blob": bytes([0xFF] * 32)}),
                  ("kx_dh", {"pk": 1, "sk": 0}), ("array_output_pull", {"size": 32})])
    seeds.append([("crafted_dh", {"key": k}) for k in (ALICE_PK, BOB_PK, *LOW_ORDER)])
    seeds.append([("crafted_dh", {"key": BLOB_KEY, "blob": blob}) for blob in (
        bytes([0xFF] * 32), bytes([0xFF] * 31 + [0x7F]), bytes(31) + b"\x80", bytes(33))])
    return seeds


def kem() -> list[Ops]:
    return [[("kx_encapsulate", {"pk": 0}), ("array_output_pull", {"output": 1, "size": 255}),
             ("kx_decapsulate", {"sk": 0, "key": BLOB_KEY, "blob": bytes(1088)}),
             ("array_output_pull", {"output": 2, "size": 32})]]


SEEDS = {"abi_sequence": abi_sequence, "key_import": key_import, "dh": dh, "kem": kem}


def seed_inputs(target: str) -> list[bytes]:
    return [encode(target, ops) for ops in SEEDS[target]()]
