"""Seed inputs for every target, written as operations (``corpus/generate.py`` saves them).

Besides hand-written programs, every algorithm gets seeds made of its own keys in each
encoding it has (a key pair generated from a fixed seed by the first backend that has the
algorithm, exported in every form) and, for the dh and kem targets, a sample of the
Wycheproof vectors of its files.
"""

from __future__ import annotations

import contextlib
import functools
from collections.abc import Iterator

from harness import wycheproof
from harness.abi import (
    KeyEncoding,
    KeypairEncoding,
    Revision,
    key_encoding_number,
    keypair_encoding_number,
)
from harness.encapsulation import reference_encapsulate
from harness.entropy import SeededEntropy
from harness.errors import CryptoError
from harness.ops import ALGORITHM_NAMES, BLOB_KEY, KEY_POOL, SPECIAL
from harness.targets import BY_NAME, encode
from impls import load_all, x448_common
from impls.base import KxAlgorithm, Mechanism

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
        _same_bytes_twice(),
    ]
    return seeds


def _same_bytes_twice() -> Ops:
    """Outputs the model knows to hold the same bytes (a shared secret either way round, two
    exports of one public key), pulled whole and in pieces."""
    return [
        ("generate", {}), ("generate", {}),
        ("keypair_publickey", {"kp": 0}), ("keypair_secretkey", {"kp": 0}),
        ("keypair_publickey", {"kp": 1}), ("keypair_secretkey", {"kp": 1}),
        ("kx_dh", {"pk": 0, "sk": 1}), ("kx_dh", {"pk": 1, "sk": 0}),
        ("publickey_from_secretkey", {"sk": 0}),
        ("publickey_export", {"pk": 0}), ("publickey_export", {"pk": 2}),
        ("array_output_pull", {"output": 0, "size": 32}), *_in_pieces(1),
        ("array_output_pull", {"output": 2, "size": 32}), *_in_pieces(3),
    ]


def _in_pieces(output: int, size: int = 32, piece: int = 8) -> Ops:
    """Output ``output`` (of ``size`` bytes) pulled ``piece`` bytes at a time."""
    return [("array_output_pull", {"output": output, "size": piece})
            for _ in range(0, size, piece)]


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
    seeds.append(_same_bytes_twice())
    # X448's weak secret scalar (4 times the group order: its public key is u = 0), raw and
    # in a PKCS#8 document, then its public key verified and used against a generated one
    x448 = ALGORITHM_NAMES.index(b"X448")
    weak = x448_common.WEAK_SECRET
    for encoding, blob in ((RAW, weak), (PKCS8, _X448_PKCS8_HEAD + weak)):
        seeds.append([("secretkey_import", {"alg": x448, "encoding": encoding,
                                            "key": BLOB_KEY, "blob": blob}),
                      ("publickey_from_secretkey", {"sk": 0}), ("publickey_verify", {"pk": 0}),
                      ("generate", {"alg": x448}), ("keypair_publickey", {"kp": 0}),
                      ("kx_dh", {"pk": 1, "sk": 0}), ("array_output_pull", {"size": 56})])
    return seeds


# RFC 8410's PrivateKeyInfo (version 1) of an X448 key, up to the 56 key bytes
_X448_PKCS8_HEAD = bytes.fromhex("3046020100300506032b656f043a0438")


def dh() -> list[Ops]:
    seeds = [[("publickey_import", {"key": k}), ("publickey_verify", {"pk": 1}),
              ("kx_dh", {"pk": 1, "sk": 0}), ("array_output_pull", {"output": 0, "size": 32})]
             for k in (ALICE_PK, BOB_PK, *LOW_ORDER)]
    seeds.append([("publickey_import", {"key": BLOB_KEY, "blob": bytes([0xFF] * 32)}),
                  ("kx_dh", {"pk": 1, "sk": 0}), ("array_output_pull", {"size": 32})])
    seeds.append([("crafted_dh", {"key": k}) for k in (ALICE_PK, BOB_PK, *LOW_ORDER)])
    seeds.append([("kx_dh", {"pk": 0, "sk": 0}), ("kx_dh", {"pk": 0, "sk": 0}),
                  ("array_output_pull", {"output": 0, "size": 32}), *_in_pieces(1)])
    seeds.append([("crafted_dh", {"key": BLOB_KEY, "blob": blob}) for blob in (
        bytes([0xFF] * 32), bytes([0xFF] * 31 + [0x7F]), bytes(31) + b"\x80", bytes(33))])
    return seeds




SEEDS = {"abi_sequence": abi_sequence, "key_import": key_import}


# --- every algorithm: its own keys in each encoding, and Wycheproof vectors -------------------

_FIXED_SEED = bytes(range(0x40, 0x40 + 64))
_SAMPLES_PER_FILE = 24  # Wycheproof vectors per file: one per distinct verdict and flags first


@functools.cache
def _algorithm(name: str) -> KxAlgorithm:
    """The algorithm as the first backend that has it implements it."""
    found = [alg for b in load_all() if (alg := b.find(name)) is not None]
    return found[0]


def _exports(name: str) -> dict[str, dict[int, bytes]]:
    """``{"public"|"secret"|"keypair": {encoding number: bytes}}`` of a fixed key pair."""
    alg = _algorithm(name)
    pk, sk = alg.generate(_FIXED_SEED[: alg.seed_length])
    forms: dict[str, dict[int, bytes]] = {"public": {}, "secret": {}, "keypair": {}}
    for encoding in KeyEncoding:
        number = key_encoding_number(encoding, Revision.JAN2022)
        for kind, export in (("public", alg.export_public), ("secret", alg.export_secret)):
            with contextlib.suppress(CryptoError):
                forms[kind][number] = export(pk if kind == "public" else sk, encoding)
    for pair_encoding in KeypairEncoding:
        with contextlib.suppress(CryptoError):
            forms["keypair"][keypair_encoding_number(pair_encoding)] = alg.export_keypair(
                pk, sk, pair_encoding)
    return forms


def _names(mechanism: Mechanism | None = None) -> list[str]:
    names = [n.decode("latin-1") for n in ALGORITHM_NAMES]
    return [n for n in names if n in _declared()
            and (mechanism is None or _algorithm(n).mechanism is mechanism)]


@functools.cache
def _declared() -> frozenset[str]:
    return frozenset(alg.name for b in load_all() for alg in b.algorithms.values())


def _variants(data: bytes) -> list[bytes]:
    """Near misses of a valid encoding: trailing bytes, a truncation, the other point form."""
    variants = [data + b"\x00", data[:-1]]
    if data[:1] in (b"\x02", b"\x03"):
        variants.append(bytes([data[0] ^ 1]) + data[1:])
    return variants


def key_import_by_algorithm() -> list[Ops]:
    seeds: list[Ops] = []
    for name in _names():
        alg = ALGORITHM_NAMES.index(name.encode())
        forms = _exports(name)
        for kind, op, export in (("public", "publickey_import", "publickey_export"),
                                 ("secret", "secretkey_import", "secretkey_export"),
                                 ("keypair", "keypair_import", "keypair_export")):
            handle = {"public": "pk", "secret": "sk", "keypair": "kp"}[kind]
            for encoding, data in forms[kind].items():
                ops: Ops = [
                    (op, {"alg": alg, "encoding": encoding, "key": BLOB_KEY, "blob": data}),
                    (export, {handle: 0, "encoding": encoding}),
                    ("array_output_len", {"output": 0}),
                    ("array_output_pull", {"output": 0, "size": 255}),
                ]
                ops += [(op, {"alg": alg, "encoding": encoding, "key": BLOB_KEY, "blob": v})
                        for v in _variants(data)]
                seeds.append(ops)
        if _algorithm(name).mechanism is Mechanism.DH:
            public, secret = forms["public"], forms["secret"]
            pk_encoding = min(public)
            seeds.append([
                ("publickey_import", {"alg": alg, "encoding": pk_encoding, "key": BLOB_KEY,
                                      "blob": public[pk_encoding]}),
                ("secretkey_import", {"alg": alg, "encoding": min(secret), "key": BLOB_KEY,
                                      "blob": secret[min(secret)]}),
                ("publickey_verify", {"pk": 0}),
                ("keypair_from_pk_and_sk", {"pk": 0, "sk": 0}),
                ("kx_dh", {"pk": 0, "sk": 0}),
                ("array_output_pull", {"output": 0, "size": 255}),
            ])
    return seeds


def _sample(file: str) -> list[wycheproof.Vector]:
    """Vectors of ``file``: one of each (verdict, flags) first, then in order, up to a cap."""
    tests = [t for _, t in wycheproof.vectors(file)]
    seen: set[tuple[str, ...]] = set()
    first: list[wycheproof.Vector] = []
    rest: list[wycheproof.Vector] = []
    for test in tests:
        key = (test["result"], *sorted(test.get("flags", [])))
        (rest if key in seen else first).append(test)
        seen.add(key)
    return (first + rest)[:_SAMPLES_PER_FILE]


def _scalar(name: str, private: str) -> bytes:
    """A Wycheproof ECDH private integer as the raw scalar: padded to the field size (a larger
    value keeps its own length and stays invalid)."""
    size = {"P256-SHA256": 32, "P384-SHA384": 48}[name]
    value = int(private, 16)
    return value.to_bytes(max(size, (value.bit_length() + 7) // 8), "big")


R, D, P, S = KeyEncoding.RAW, KeyEncoding.PKCS8, KeyEncoding.PEM, KeyEncoding.SEC
# algorithm -> (file, public key encoding, secret key encoding)
_DH_FILES = {
    "X25519": (("x25519_test.json", R, R), ("x25519_asn_test.json", D, D),
               ("x25519_pem_test.json", P, P)),
    "X448": (("x448_test.json", R, R), ("x448_asn_test.json", D, D), ("x448_pem_test.json", P, P)),
    "P256-SHA256": (("ecdh_secp256r1_test.json", D, R), ("ecdh_secp256r1_ecpoint_test.json", S, R),
                    ("ecdh_secp256r1_pem_test.json", P, P)),
    "P384-SHA384": (("ecdh_secp384r1_test.json", D, R), ("ecdh_secp384r1_ecpoint_test.json", S, R),
                    ("ecdh_secp384r1_pem_test.json", P, P)),
}
_KEM_FILES = {"ML-KEM-512": "mlkem_512_test.json", "ML-KEM-768": "mlkem_768_test.json",
              "ML-KEM-1024": "mlkem_1024_test.json"}


def _encoded(name: str, value: str, encoding: KeyEncoding) -> bytes:
    if encoding is KeyEncoding.PEM:
        return value.encode()
    if encoding is KeyEncoding.RAW and name.startswith("P"):
        return _scalar(name, value)
    return bytes.fromhex(value)


def _number(encoding: KeyEncoding) -> int:
    return key_encoding_number(encoding, Revision.JAN2022)


def _dh_vectors(name: str) -> Iterator[Ops]:
    """The vector's secret key imported, its public key crafted against it."""
    for file, pk_encoding, sk_encoding in _DH_FILES.get(name, ()):
        for test in _sample(file):
            yield [("secretkey_import", {"encoding": _number(sk_encoding), "key": BLOB_KEY,
                                         "blob": _encoded(name, test["private"], sk_encoding)}),
                   ("crafted_dh", {"key": BLOB_KEY, "encoding": _number(pk_encoding), "sk": 1,
                                   "blob": _encoded(name, test["public"], pk_encoding)})]


def dh_by_algorithm() -> Iterator[tuple[str, Ops]]:
    for ops in dh():
        yield "X25519", ops
    for name in _names(Mechanism.DH):
        forms = _exports(name)["public"]
        yield name, [("crafted_dh", {"key": BLOB_KEY, "blob": data, "encoding": encoding})
                     for encoding, data in forms.items()]
        yield name, [("crafted_dh", {"key": BLOB_KEY, "blob": v, "encoding": encoding})
                     for encoding, data in forms.items() for v in _variants(data)]
        for ops in _dh_vectors(name):
            yield name, ops


def kem_by_algorithm() -> Iterator[tuple[str, Ops]]:
    for name in _names(Mechanism.KEM):
        alg = _algorithm(name)
        # the target's set-up generates sk 0 from the run's first entropy draw
        entropy = SeededEntropy()
        pk, _ = alg.generate(entropy.draw(alg.seed_length))
        _, ciphertext = reference_encapsulate(alg, pk, bytes(alg.coins_length))
        yield name, [("kx_encapsulate", {"pk": 0}), ("array_output_len", {"output": 1}),
                     ("array_output_pull", {"output": 1, "size": 255}),
                     ("kx_decapsulate", {"sk": 0, "key": BLOB_KEY, "blob": ciphertext}),
                     ("array_output_pull", {"output": 2, "size": 32})]
        yield name, [("kx_decapsulate", {"sk": 0, "key": BLOB_KEY, "blob": v})
                     for v in (ciphertext[:-1], ciphertext + b"\x00", bytes(len(ciphertext)),
                               b"\xff" * len(ciphertext), b"")]
        # the program's own encapsulation (the run's second draw), its ciphertext pulled whole
        # and decapsulated: the model knows the secret that must come out
        _, ours = reference_encapsulate(alg, pk, entropy.draw(alg.coins_length))
        yield name, [("kx_encapsulate", {"pk": 0}),
                     *_in_pieces(1, len(ours), 255),
                     ("array_output_pull", {"output": 0, "size": 32}),
                     ("kx_decapsulate", {"sk": 0, "key": BLOB_KEY, "blob": ours}),
                     ("array_output_pull", {"output": 2, "size": 32})]
        if name in _KEM_FILES:
            for test in _sample(_KEM_FILES[name]):
                yield name, [("secretkey_import", {"key": BLOB_KEY,
                                                   "blob": bytes.fromhex(test["seed"])}),
                             ("kx_decapsulate", {"sk": 1, "key": BLOB_KEY,
                                                 "blob": bytes.fromhex(test["c"])}),
                             ("array_output_pull", {"output": 0, "size": 32})]


_FOCUSED = {"dh": dh_by_algorithm, "kem": kem_by_algorithm}


def seed_inputs(target: str) -> list[bytes]:
    if BY_NAME[target].focused:
        return [encode(target, ops, name) for name, ops in _FOCUSED[target]()]
    extra = key_import_by_algorithm() if target in ("key_import", "abi_sequence") else []
    return [encode(target, ops) for ops in SEEDS[target]() + extra]
