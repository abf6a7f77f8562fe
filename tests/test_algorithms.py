"""Every algorithm round-trips through the guest on every backend that declares it.

Keys generated from one seed must be the same on every backend, exports must re-import to
the same key in every encoding the algorithm has, DH must agree in both directions, and a
KEM ciphertext encapsulated on one backend must decapsulate to the same secret on every
other.  The few published values are cited where they appear.
"""

from __future__ import annotations

import hashlib

import pytest

from harness.abi import Errno, KeyEncoding, KeypairEncoding, Revision, key_encoding_number
from harness.abi import keypair_encoding_number as pair_number
from harness.encapsulation import reference_encapsulate
from harness.execute import Executor
from harness.program import OutRef
from harness.runner import ProgramRunner, Trace
from impls import BACKEND_NAMES, load_all, load_backend
from impls.base import KxAlgorithm, Mechanism
from impls.x448_common import ALICE_PK, ALICE_SK, BOB_PK, BOB_SK, SHARED
from tests.kx import Kx, errnos, read

S = Errno.SUCCESS
ALGORITHMS = sorted({alg.name for b in load_all() for alg in b.algorithms.values()})
DH = [n for n in ALGORITHMS if any((a := b.find(n)) and a.mechanism is Mechanism.DH
                                   for b in load_all())]
KEM = [n for n in ALGORITHMS if n not in DH]
PULL = 4096  # larger than any key, document or ciphertext


def _backends(name: str) -> list[str]:
    return [b for b in BACKEND_NAMES if load_backend(b).find(name) is not None]


def _pairs(names: list[str]) -> list[tuple[str, str]]:
    return [(n, b) for n in names for b in _backends(n)]


def _alg(backend: str, name: str) -> KxAlgorithm:
    alg = load_backend(backend).find(name)
    assert alg is not None
    return alg


def _key_number(encoding: KeyEncoding) -> int:
    return key_encoding_number(encoding, Revision.JAN2022)


def _forms(name: str) -> dict[str, list[KeyEncoding | KeypairEncoding]]:
    """The encodings the project serves for ``name`` (README "Algorithms and encodings")."""
    documents: list[KeyEncoding] = [KeyEncoding.PKCS8, KeyEncoding.PEM]
    if name.startswith("P"):
        return {"public": [KeyEncoding.SEC, KeyEncoding.COMPRESSED_SEC, *documents],
                "secret": [KeyEncoding.RAW, KeyEncoding.SEC, KeyEncoding.COMPRESSED_SEC,
                           *documents],
                "keypair": [KeypairEncoding.RAW, KeypairEncoding.PKCS8, KeypairEncoding.PEM]}
    if name in ("X25519", "X448"):
        return {"public": [KeyEncoding.RAW, *documents], "secret": [KeyEncoding.RAW, *documents],
                "keypair": [KeypairEncoding.RAW, KeypairEncoding.PKCS8, KeypairEncoding.PEM]}
    return {"public": [KeyEncoding.RAW], "secret": [KeyEncoding.RAW],
            "keypair": [KeypairEncoding.RAW]}


def _number(encoding: KeyEncoding | KeypairEncoding) -> int:
    return pair_number(encoding) if isinstance(encoding, KeypairEncoding) else (
        _key_number(encoding))


def _exports(runner: ProgramRunner, name: str) -> dict[tuple[str, int], bytes]:
    """A generated key pair exported in every form: {(kind, encoding number): bytes}."""
    p = Kx(name)
    kp = p.generate()
    pk = p.call("keypair_publickey", OutRef(kp), p.out())
    sk = p.call("keypair_secretkey", OutRef(kp), p.out())
    pulls = {}
    for kind, handle, function in (("public", pk, "publickey_export"),
                                   ("secret", sk, "secretkey_export"),
                                   ("keypair", kp, "keypair_export")):
        for encoding in _forms(name)[kind]:
            out = p.call(function, OutRef(handle), _number(encoding), p.out())
            pulls[kind, _number(encoding)] = p.pull(out, PULL)
    trace = runner.run(p.build())
    assert set(errnos(trace)) == {S}, errnos(trace)
    return {key: read(trace, buf, trace.results[call].outs[0] or 0)
            for key, (call, buf) in pulls.items()}


@pytest.mark.parametrize("name", ALGORITHMS)
def test_generated_keys_are_equal_on_every_backend(name: str) -> None:
    exports = {b: _exports(ProgramRunner(load_backend(b), seed=b"kx"), name)
               for b in _backends(name)}
    assert len(exports) >= 2, f"{name} needs two independent implementations"
    first = next(iter(exports.values()))
    assert all(e == first for e in exports.values())


@pytest.mark.parametrize(("name", "backend"), _pairs(ALGORITHMS))
def test_every_export_reimports_to_the_same_key(name: str, backend: str) -> None:
    runner = ProgramRunner(load_backend(backend), seed=b"round trip")
    exports = _exports(runner, name)
    p = Kx(name)
    pulls = {}
    for (kind, encoding), data in exports.items():
        imported = {"public": p.import_public, "secret": p.import_secret,
                    "keypair": p.import_keypair}[kind](data, encoding)
        function = {"public": "publickey_export", "secret": "secretkey_export",
                    "keypair": "keypair_export"}[kind]
        out = p.call(function, OutRef(imported), encoding, p.out())
        pulls[kind, encoding] = p.pull(out, PULL)
    trace = runner.run(p.build())
    assert set(errnos(trace)) == {S}, errnos(trace)
    for key, (call, buf) in pulls.items():
        assert read(trace, buf, trace.results[call].outs[0] or 0) == exports[key], key


def test_nist_points_import_in_either_form_and_export_as_asked() -> None:
    for name in ("P256-SHA256", "P384-SHA384"):
        for backend in _backends(name):
            exports = _exports(ProgramRunner(load_backend(backend)), name)
            sec = exports["public", _key_number(KeyEncoding.SEC)]
            compressed = exports["public", _key_number(KeyEncoding.COMPRESSED_SEC)]
            assert sec[0] == 4 and compressed[0] in (2, 3) and sec[1:len(compressed)] == (
                compressed[1:])
            p = Kx(name)
            for data, asked in ((compressed, KeyEncoding.SEC), (sec, KeyEncoding.COMPRESSED_SEC)):
                pk = p.import_public(data, _key_number(asked))
                p.pull(p.call("publickey_export", OutRef(pk), _key_number(asked), p.out()), 200)
            trace = ProgramRunner(load_backend(backend)).run(p.build())
            assert set(errnos(trace)) == {S}
            assert trace.results[2].writes[0][1] == sec
            assert trace.results[5].writes[0][1] == compressed


def _dh_both_ways(runner: ProgramRunner, name: str) -> tuple[bytes, bytes, Trace]:
    p = Kx(name)
    a, b = p.generate(), p.generate()
    outs = []
    for pk_of, sk_of in ((a, b), (b, a)):
        pk = p.call("keypair_publickey", OutRef(pk_of), p.out())
        sk = p.call("keypair_secretkey", OutRef(sk_of), p.out())
        outs.append(p.pull(p.call("kx_dh", OutRef(pk), OutRef(sk), p.out()), PULL))
    trace = runner.run(p.build())
    assert set(errnos(trace)) == {S}
    first, second = (read(trace, buf, trace.results[call].outs[0] or 0) for call, buf in outs)
    return first, second, trace


@pytest.mark.parametrize("name", DH)
def test_dh_agrees_both_ways_and_on_every_backend(name: str) -> None:
    secrets = set()
    for backend in _backends(name):
        first, second, _ = _dh_both_ways(ProgramRunner(load_backend(backend), seed=b"dh"), name)
        assert first == second
        secrets.add(first)
    assert len(secrets) == 1
    size = {"X25519": 32, "X448": 56, "P256-SHA256": 32, "P384-SHA384": 48}[name]
    assert len(secrets.pop()) == size  # P-256/P-384: the raw x-coordinate


@pytest.mark.parametrize("backend", _backends("X448"))
def test_x448_rfc7748_vectors(backend: str) -> None:
    p = Kx("X448")
    pk = p.import_public(BOB_PK)
    sk = p.import_secret(ALICE_SK)
    _, buf = p.pull(p.call("kx_dh", OutRef(pk), OutRef(sk), p.out()), 56)
    derived = p.call("publickey_from_secretkey", OutRef(p.import_secret(BOB_SK)), p.out())
    _, derived_buf = p.pull(p.call("publickey_export", OutRef(derived), 0, p.out()), 56)
    pair = p.import_keypair(ALICE_PK + ALICE_SK)
    trace = ProgramRunner(load_backend(backend)).run(p.build())
    assert set(errnos(trace)) == {S}
    assert read(trace, buf, 56) == SHARED  # RFC 7748 section 6.2
    assert read(trace, derived_buf, 56) == BOB_PK
    assert trace.results[pair].errno == S


def _decapsulated(backend: str, name: str, seed: bytes, ciphertexts: list[bytes]) -> list[
        tuple[Errno, bytes]]:
    """Each ciphertext decapsulated through the guest with the secret key ``seed``."""
    p = Kx(name)
    sk = p.import_secret(seed)
    pulls = []
    for ct in ciphertexts:
        out = p.call("kx_decapsulate", OutRef(sk), p.data(ct), len(ct), p.out())
        pulls.append((out, p.pull(out, 32)[1]))
    trace = ProgramRunner(load_backend(backend)).run(p.build())
    assert trace.results[sk].errno == S
    return [(Errno(trace.results[out].errno), read(trace, buf, 32)) for out, buf in pulls]


@pytest.mark.parametrize(("name", "backend"), _pairs(KEM))
def test_encapsulation_decapsulates_on_every_backend(name: str, backend: str) -> None:
    p = Kx(name)
    kp = p.generate()
    pk = p.call("keypair_publickey", OutRef(kp), p.out())
    sk = p.call("keypair_secretkey", OutRef(kp), p.out())
    encapsulated = p.call("kx_encapsulate", OutRef(pk), p.out(), p.out())
    secret = p.pull(OutRef(encapsulated, 0), 32)
    ciphertext = p.pull(OutRef(encapsulated, 1), PULL)
    exported = p.pull(p.call("secretkey_export", OutRef(sk), 0, p.out()), 64)
    trace = ProgramRunner(load_backend(backend), seed=b"kem").run(p.build())
    assert set(errnos(trace)) == {S}
    ss = read(trace, secret[1], 32)
    ct = read(trace, ciphertext[1], trace.results[ciphertext[0]].outs[0] or 0)
    seed = read(trace, exported[1], trace.results[exported[0]].outs[0] or 0)
    for other in _backends(name):
        assert _decapsulated(other, name, seed, [ct]) == [(S, ss)], other


@pytest.mark.parametrize("name", KEM)
def test_randomized_encapsulation_decapsulates_everywhere(name: str) -> None:
    """A library that encapsulates only with its own randomness is checked here: its
    ciphertexts must decapsulate to its secret on every backend."""
    for backend in _backends(name):
        alg = _alg(backend, name)
        pk, sk = alg.generate(bytes(range(alg.seed_length)))
        for _ in range(3):
            ss, ct = alg.encapsulate(pk, bytes(alg.coins_length))
            seed = alg.export_secret(sk, KeyEncoding.RAW)
            for other in _backends(name):
                assert _decapsulated(other, name, seed, [ct]) == [(S, ss)], (backend, other)


@pytest.mark.parametrize("name", KEM)
def test_malformed_ciphertexts_agree_across_backends(name: str) -> None:
    alg = _alg(_backends(name)[0], name)
    pk, sk = alg.generate(bytes(range(1, alg.seed_length + 1)))
    _, ct = reference_encapsulate(alg, pk, bytes(alg.coins_length))
    flipped = bytes([ct[0] ^ 1]) + ct[1:]
    cases = [flipped, bytes(len(ct) - 32) + ct[-32:], ct[:-1], ct + b"\x00", b""]
    seed = alg.export_secret(sk, KeyEncoding.RAW)
    answers = {b: _decapsulated(b, name, seed, cases) for b in _backends(name)}
    first = next(iter(answers.values()))
    assert all(a == first for a in answers.values()), answers
    assert first[0][0] == S  # implicit rejection: a pseudo-random secret, no error
    assert [errno for errno, _ in first[2:]] == [Errno.VERIFICATION_FAILED] * 3


# draft-connolly-cfrg-xwing-kem, the first of its test vectors (pk and ct given as SHA-256).
XWING_SEED = bytes.fromhex("7f9c2ba4e88f827d616045507605853ed73b8093f6efbc88eb1a6eacfa66ef26")
XWING_ESEED = bytes.fromhex(
    "3cb1eea988004b93103cfb0aeefd2a686e01fa4a58e8a3639ca8a1e3f9ae57e2"
    "35b8cc873c23dc62b8d260169afa2f75ab916a58d974918835d25e6a435085b2")
XWING_SS = bytes.fromhex("d2df0522128f09dd8e2c92b1e905c793d8f57a54c3da25861f10bf4ca613e384")
XWING_PK_SHA256 = "2e816deebcd76c5c80d0cd2d174478871658e8e2ff42bc9d4a6e486372e856bb"
XWING_CT_SHA256 = "17cd532d657e44c897ca6583e548a5424fc70bf54f99515a4d2bcf99e3469f33"


def test_x_wing_vector() -> None:
    derandomized = [b for b in _backends("X-WING") if _alg(b, "X-WING").derandomized_encapsulation]
    assert derandomized
    for backend in derandomized:
        alg = _alg(backend, "X-WING")
        pk = alg.public_from_secret(alg.import_secret(XWING_SEED, KeyEncoding.RAW))
        ss, ct = alg.encapsulate(pk, XWING_ESEED)
        assert hashlib.sha256(ct).hexdigest() == XWING_CT_SHA256
        assert ss == XWING_SS
    for backend in _backends("X-WING"):
        p = Kx("X-WING")
        pk = p.call("publickey_from_secretkey", OutRef(p.import_secret(XWING_SEED)), p.out())
        _, buf = p.pull(p.call("publickey_export", OutRef(pk), 0, p.out()), 1216)
        trace = ProgramRunner(load_backend(backend)).run(p.build())
        assert hashlib.sha256(read(trace, buf, 1216)).hexdigest() == XWING_PK_SHA256
        assert _decapsulated(backend, "X-WING", XWING_SEED, [ct]) == [(S, XWING_SS)]


@pytest.mark.parametrize("name", ALGORITHMS)
def test_a_full_lifecycle_satisfies_every_oracle(name: str) -> None:
    p = Kx(name)
    kp = p.generate()
    pk = p.call("keypair_publickey", OutRef(kp), p.out())
    sk = p.call("keypair_secretkey", OutRef(kp), p.out())
    for kind, handle, function in (("public", pk, "publickey_export"),
                                   ("secret", sk, "secretkey_export"),
                                   ("keypair", kp, "keypair_export")):
        for encoding in _forms(name)[kind]:
            out = p.call(function, OutRef(handle), _number(encoding), p.out())
            p.call("array_output_len", OutRef(out), p.out())
            p.pull(out, PULL)
    p.call("publickey_verify", OutRef(pk))
    if name in KEM:
        both = p.call("kx_encapsulate", OutRef(pk), p.out(), p.out())
        p.pull(OutRef(both, 0), 32)
        p.pull(OutRef(both, 1), PULL)
    else:
        p.pull(p.call("kx_dh", OutRef(pk), OutRef(sk), p.out()), PULL)
    outcome = Executor(handle_limit=64).run(p.build())
    assert outcome.findings == [] and outcome.known == []
    for backend in _backends(name):
        assert set(errnos(outcome.traces[backend])) == {S}, backend
