"""Known divergences: real, understood disagreements between libraries.

Each entry matches narrowly: the function, the backends that differ from the rest, and a
predicate over the call as the guest made it (algorithm, encoding, input bytes) and every
backend's answer; it says why the libraries differ.  A matching difference is still reported,
marked known; the differential oracle then compares those backends (whose state may have
legitimately diverged) only on the calls they made alike with another backend, and goes on
comparing the others call by call.
"""

from __future__ import annotations

import base64
import binascii
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

from asn1crypto import core, keys, pem
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

from harness.abi import Errno
from harness.runner import CallResult
from impls import x448_common, x25519_common, xwing_common

SUCCESS, _INVALID_KEY, _VERIFICATION_FAILED = Errno.SUCCESS, Errno.INVALID_KEY, (
    Errno.VERIFICATION_FAILED)
_UNSUPPORTED_ALGORITHM = Errno.UNSUPPORTED_ALGORITHM


@dataclass(frozen=True)
class Export:
    """The output of a successful ``publickey_export``, as a pull from it sees it."""

    algorithm: str | None  # of the exported key: the name passed by the call that made it
    encoding: str | None  # "raw", "pkcs8", "pem", ...
    pulled: Mapping[str, bytes]  # every byte each backend pulled from it in the whole run
    # the key's publickey_import, when every backend made it: its encoding and input bytes
    imported: tuple[str | None, bytes] | None = None


@dataclass(frozen=True)
class CallContext:
    """A call on which backends disagree, as the guest made it."""

    function: str
    algorithm: str | None  # the algorithm name it passes (upper case), if any
    encoding: str | None  # the encoding it passes ("raw", "pem", ...), if any
    data: bytes  # its input buffer (key bytes, ciphertext), if any
    results: Mapping[str, CallResult]  # every compared backend's answer
    export: Export | None = None  # a pull: the public-key export it pulls from, if it is one
    # A backend that raised at this call instead of answering: "ExceptionType: message"
    crashed: Mapping[str, str] = field(default_factory=dict)

    def errno(self, backend: str) -> int:
        return self.results[backend].errno

    def accepted(self, backend: str) -> bool:
        """Whether the backend took the input: success, or a full handle table once it had
        (the host makes the handle last, so a refusal of the input comes first)."""
        return self.errno(backend) in (SUCCESS, Errno.TOO_MANY_HANDLES)

    def written(self, backend: str) -> bytes:
        """The first buffer a successful call wrote (a pulled chunk, an out-value)."""
        writes = self.results[backend].writes
        return writes[0][1] if writes else b""


@dataclass(frozen=True)
class Divergence:
    name: str
    functions: frozenset[str]
    # the backends that differ from the others; None: any split (``applies`` says which)
    backends: tuple[str, ...] | None
    applies: Callable[[CallContext], bool]
    reason: str
    # An exception the entry's backends' library raises at the call (then exactly they must
    # have raised); otherwise a difference in answers.
    crash: bool = False

    def matches(self, views: Mapping[str, str], context: CallContext) -> bool:
        """``views``: each compared backend's answer, described.  The entry's backends must
        be there and every other backend must agree with the rest."""
        if context.function not in self.functions or self.crash != bool(context.crashed):
            return False
        if self.crash:
            return set(context.crashed) == set(self.backends or ()) and self.applies(context)
        if self.backends is None:
            return self.applies(context)
        others = {v for b, v in views.items() if b not in self.backends}
        return (len(others) == 1 and all(b in views for b in self.backends)
                and self.applies(context))


# --- predicates --------------------------------------------------------------------------------

_MONTGOMERY = {  # algorithm -> (key length, canonical form, small-order u-coordinates)
    "X25519": (x25519_common.KEY_LENGTH, x25519_common.canonical_u, x25519_common.LOW_ORDER),
    "X448": (x448_common.KEY_LENGTH, x448_common.canonical_u, x448_common.LOW_ORDER),
}


def _canonical(algorithm: str, u: bytes) -> bytes:
    return _MONTGOMERY[algorithm][1](u)


def _low_order(algorithm: str, u: bytes) -> bool:
    length, _, points = _MONTGOMERY[algorithm]
    return len(u) == length and _canonical(algorithm, u) in {
        _canonical(algorithm, q) for q in points}


def _spki_key(document: bytes) -> bytes | None:
    """The key a SubjectPublicKeyInfo carries, DER or PEM (parsed by asn1crypto, not by a
    backend's parser)."""
    try:
        der = pem.unarmor(document)[2] if document.lstrip().startswith(b"-----") else document
        point = keys.PublicKeyInfo.load(der)["public_key"].native
    except Exception:  # any malformed document: asn1crypto raises assorted errors
        return None
    return bytes(point) if isinstance(point, bytes) else None


def _public_key(ctx: CallContext, raw_length: int) -> bytes | None:
    """The key or point a public-key import carries, in any encoding; for a raw key pair, its
    public half."""
    if ctx.encoding in ("raw", "sec", "compressed_sec"):
        return ctx.data[:raw_length] if ctx.function == "keypair_import" else ctx.data
    return _spki_key(ctx.data)


def _refused_low_order_point(ctx: CallContext) -> bool:
    """pycryptodome refused an X25519/X448 public key (or raw key pair) of small order."""
    if ctx.algorithm not in _MONTGOMERY:
        return False
    length = _MONTGOMERY[ctx.algorithm][0]
    key = _public_key(ctx, length)
    return (ctx.errno("pycryptodome") == _INVALID_KEY and key is not None
            and _low_order(ctx.algorithm, key))


def _xwing_low_order(ctx: CallContext) -> bool:
    """An X-Wing public key or ciphertext whose X25519 part (the last 32 bytes) has small
    order, refused by pycryptodome only."""
    sizes = {"publickey_import": xwing_common.PUBLIC_LENGTH,
             "kx_decapsulate": xwing_common.CIPHERTEXT_LENGTH}
    expected = _INVALID_KEY if ctx.function == "publickey_import" else _VERIFICATION_FAILED
    return (len(ctx.data) == sizes[ctx.function]
            and (ctx.function != "publickey_import" or ctx.algorithm == "X-WING")
            and ctx.errno("pycryptodome") == expected
            and _low_order("X25519", ctx.data[-32:]))


def _weak_x448_secret(ctx: CallContext) -> bool:
    """pycryptodome refused an X448 secret key (raw, or in a PKCS#8 document; or a key pair)
    whose clamped scalar is 4 times the group order, so that its public key is u = 0."""
    if ctx.algorithm != "X448" or ctx.errno("pycryptodome") != _INVALID_KEY:
        return False
    length = x448_common.KEY_LENGTH
    if ctx.encoding == "raw":
        scalar = ctx.data[length:] if ctx.function == "keypair_import" else ctx.data
    elif ctx.encoding in ("pkcs8", "pem"):
        der = pem.unarmor(ctx.data)[2] if ctx.encoding == "pem" else ctx.data
        info = keys.PrivateKeyInfo.load(der)
        scalar = core.load(info["private_key"].contents).contents
    else:
        return False
    return len(scalar) == length and x448_common.weak_secret(scalar)


# The DER SubjectPublicKeyInfo of each Montgomery algorithm's key, before the key (RFC 8410)
_SPKI_HEADS = {"X25519": bytes.fromhex("302a300506032b656e032100"),
               "X448": bytes.fromhex("3042300506032b656f033900")}


def _armored_der(text: bytes) -> bytes:
    """The DER in a public key PEM document written as every library here writes one (the
    PUBLIC KEY label, base64 in 64-column lines, a final line break); b"" for anything else."""
    try:
        der = pem.unarmor(text)[2]
    except Exception:  # any malformed document: asn1crypto raises assorted errors
        return b""
    return der if pem.armor("PUBLIC KEY", der) == text else b""


def _reduced_export(ctx: CallContext) -> bool:
    """pycryptodome pulled, in one pull or several, an X25519/X448 public-key export (raw,
    DER or PEM) that is the others' but for its key: the reduced form of the non-canonical
    u-coordinate they exported as imported.  Of a key imported in the same run (whose import
    names its u), any part of the export; of another, the whole export."""
    export = ctx.export
    if export is None or export.algorithm not in _SPKI_HEADS or (
            ctx.errno("pycryptodome") != SUCCESS):
        return False
    others = {export.pulled[b] for b in ctx.results if b != "pycryptodome"}
    if len(others) != 1:
        return False
    ours, given = export.pulled["pycryptodome"], others.pop()
    u = None if export.imported is None else _imported_u(export.algorithm, *export.imported)
    if u is not None:  # (a document asn1crypto does not read: judged as a key of unknown u)
        if _canonical(export.algorithm, u) == u:
            return False
        as_imported = _public_export(export.algorithm, export.encoding, u)
        reduced = _public_export(export.algorithm, export.encoding,
                                 _canonical(export.algorithm, u))
        return (len(ours) == len(given) and as_imported.startswith(given)
                and reduced.startswith(ours))
    if export.encoding == "pem":
        ours, given = _armored_der(ours), _armored_der(given)
    elif export.encoding not in ("pkcs8", "raw"):
        return False
    if export.encoding != "raw":  # a SubjectPublicKeyInfo: the same head, then the key
        head = _SPKI_HEADS[export.algorithm]
        if not (given.startswith(head) and ours.startswith(head)):
            return False
        ours, given = ours[len(head):], given[len(head):]
    return (len(given) == _MONTGOMERY[export.algorithm][0]
            and ours == _canonical(export.algorithm, given) != given)


def _imported_u(algorithm: str, encoding: str | None, document: bytes) -> bytes | None:
    """The u-coordinate a public key import of ``document`` names (raw, or an RFC 8410
    SubjectPublicKeyInfo in DER or PEM), read without a backend; None if it names none."""
    if encoding == "raw":
        u: bytes | None = document
    elif encoding in ("pkcs8", "pem"):
        u = _spki_key(document)
    else:
        return None
    return u if u is not None and len(u) == _MONTGOMERY[algorithm][0] else None


def _public_export(algorithm: str, encoding: str | None, u: bytes) -> bytes:
    """A public-key export of ``u`` as every library here writes one."""
    if encoding == "raw":
        return u
    der = _SPKI_HEADS[algorithm] + u
    return pem.armor("PUBLIC KEY", der) if encoding == "pem" else der


# RFC 8410's curve keys: the private key's length, by the algorithm's OID
_CURVE_KEY_LENGTHS = {"1.3.101.110": 32, "1.3.101.111": 56, "1.3.101.112": 32,
                      "1.3.101.113": 57}


def _curve_key_of_another_length(ctx: CallContext) -> bool:
    """cryptography raised its InternalError on a strict DER PKCS#8 v1 private key (or that
    document in canonical PEM) whose algorithm is an RFC 8410 curve and whose CurvePrivateKey
    is a DER OCTET STRING of another length than the curve's; every other backend refused it
    (or lacks the algorithm)."""
    if not ctx.crashed.get("cryptography", "").startswith(
            "cryptography.exceptions.InternalError:") or ctx.encoding not in ("pkcs8", "pem"):
        return False
    answers = {r.errno for r in ctx.results.values()}
    if _INVALID_KEY not in answers or not answers <= {_INVALID_KEY, _UNSUPPORTED_ALGORITHM}:
        return False
    der = ctx.data
    if ctx.encoding == "pem":
        der = pem.unarmor(ctx.data)[2]
        if pem.armor("PRIVATE KEY", der) != ctx.data:
            return False
    info = keys.PrivateKeyInfo.load(der, strict=True)
    inner = core.load(info["private_key"].contents, strict=True)
    length = _CURVE_KEY_LENGTHS.get(info["private_key_algorithm"]["algorithm"].dotted)
    return (info.dump(force=True) == der and info["version"].native == 0
            and isinstance(inner, core.OctetString)
            and inner.dump(force=True) == info["private_key"].contents
            and length is not None and len(inner.contents) != length)


# RFC 7468's stricttextualmsg (section 3): nothing before or after but line breaks, base64 in
# whole lines, the END line on a line of its own and with the BEGIN label.
_STRICT_PEM = re.compile(
    rb"-----BEGIN ([\x21-\x2c\x2e-\x7e -]*)-----\r?\n"
    rb"((?:[A-Za-z0-9+/]+={0,2}\r?\n)*)-----END \1-----[\r\n]*")


def _strict_pem(document: bytes) -> bool:
    """RFC 7468's strict form, with the canonical base64 of RFC 4648 section 3.5 (the unused
    bits of the last group zero)."""
    match = _STRICT_PEM.fullmatch(document)
    if match is None:
        return False
    body = b"".join(match[2].split())
    try:
        return base64.b64encode(base64.b64decode(body, validate=True)) == body
    except binascii.Error:
        return False


def _pem_readers_differ(ctx: CallContext) -> bool:
    """PEM outside RFC 7468's strict, canonical form, which some backends' readers accept and
    others refuse (every refusal invalid_key, every acceptance the same)."""
    refused = {b for b in ctx.results if ctx.errno(b) == _INVALID_KEY}
    accepted = {b for b in ctx.results if ctx.accepted(b)}
    written = {ctx.written(b) for b in accepted if ctx.errno(b) == SUCCESS}
    return (ctx.encoding == "pem" and b"-----BEGIN " in ctx.data
            and bool(refused) and bool(accepted)
            and refused | accepted == set(ctx.results) and len(written) <= 1
            and not _strict_pem(ctx.data))


_CURVES = {"P256-SHA256": ec.SECP256R1(), "P384-SHA384": ec.SECP384R1()}


_CURVE_OIDS = {"P256-SHA256": "1.2.840.10045.3.1.7", "P384-SHA384": "1.3.132.0.34"}


def _elements(contents: bytes, limit: int | None = None) -> list[core.Asn1Value]:
    """The DER elements one after another in ``contents`` (the first ``limit`` of them)."""
    found: list[core.Asn1Value] = []
    position = 0
    while position < len(contents) and (limit is None or len(found) < limit):
        element = core.load(contents[position:], strict=False)
        found.append(element)
        position += len(element.dump())
    return found


def _expected_optional_field(element: core.Asn1Value, algorithm: str, point: bytes) -> bool:
    """RFC 5915's [0] parameters naming this curve, or [1] public key equal to ``point``."""
    if element.class_ != 2 or element.tag not in (0, 1):
        return False
    inner = core.load(element.contents)
    if element.tag == 0:
        return isinstance(inner, core.ObjectIdentifier) and (
            inner.dotted == _CURVE_OIDS[algorithm])
    return isinstance(inner, core.BitString) and inner.contents == b"\x00" + point


def _nonstandard_ec_private_key(ctx: CallContext) -> bool:
    """A P-256/P-384 PKCS#8 whose ECPrivateKey has optional fields other than RFC 5915's
    (malformed, another element, a public key not its scalar's): refused by OpenSSL, ignored
    by pycryptodome."""
    algorithm = str(ctx.algorithm)
    curve = _CURVES.get(algorithm)
    if curve is None or ctx.encoding not in ("pkcs8", "pem") or not (
            ctx.accepted("pycryptodome") and "cryptography" in ctx.results
            and ctx.errno("cryptography") == _INVALID_KEY):
        return False
    try:
        der = pem.unarmor(ctx.data)[2] if ctx.encoding == "pem" else ctx.data
        contents = core.load(keys.PrivateKeyInfo.load(der)["private_key"].contents).contents
        scalar = int.from_bytes(_elements(contents, 2)[1].contents, "big")
        point = ec.derive_private_key(scalar, curve).public_key().public_bytes(
            Encoding.X962, PublicFormat.UncompressedPoint)
    except Exception:  # no readable version and scalar: not this divergence
        return False
    try:
        return not all(_expected_optional_field(f, algorithm, point)
                       for f in _elements(contents)[2:])
    except Exception:  # the optional part does not even parse
        return True


def _one_asymmetric_key_v2(ctx: CallContext) -> bool:
    """An X25519/X448 private key document of a version other than 1 (RFC 5958's v2 or
    beyond), which the libraries read differently (accepting or refusing it)."""
    if ctx.algorithm not in _MONTGOMERY or ctx.encoding not in ("pkcs8", "pem"):
        return False
    refused = {b for b in ctx.results if ctx.errno(b) == _INVALID_KEY}
    if not refused or not any(ctx.accepted(b) for b in ctx.results) or len(refused) + sum(
            ctx.accepted(b) for b in ctx.results) != len(ctx.results):
        return False
    try:
        der = pem.unarmor(ctx.data)[2] if ctx.encoding == "pem" else ctx.data
        version = _elements(core.load(der).contents)[0]
        return isinstance(version, core.Integer) and version.native != 0
    except Exception:  # any malformed document: asn1crypto raises assorted errors
        return False


def _infinity(ctx: CallContext) -> bool:
    """The uncompressed point (0, 0), which pycryptodome takes for the point at infinity."""
    if ctx.algorithm not in ("P256-SHA256", "P384-SHA384"):
        return False
    size = 32 if ctx.algorithm == "P256-SHA256" else 48
    found = _public_key(ctx, 1 + 2 * size) == b"\x04" + bytes(2 * size)
    others = [b for b in ctx.results if b != "pycryptodome"]
    return found and ctx.accepted("pycryptodome") and all(
        ctx.errno(b) == _INVALID_KEY for b in others)


def _der_elements(data: bytes) -> list[tuple[int, bytes]] | None:
    """The (tag, contents) of the elements one after another in ``data``; None unless every
    one has a definite length in DER's minimal form and together they fill ``data``."""
    found: list[tuple[int, bytes]] = []
    position = 0
    while position < len(data):
        if position + 2 > len(data) or data[position] & 0x1F == 0x1F:
            return None  # truncated, or a multi-byte tag (none in these documents)
        tag, first = data[position], data[position + 1]
        position += 2
        length = first
        if first >= 0x80:
            width = first & 0x7F
            length = int.from_bytes(data[position : position + width], "big")
            if not 1 <= width <= 4 or position + width > len(data) or length < 0x80 or (
                    data[position] == 0):
                return None  # indefinite, truncated or not minimal
            position += width
        if position + length > len(data):
            return None
        found.append((tag, data[position : position + length]))
        position += length
    return found


def _integers(contents: bytes) -> list[bytes] | None:
    """The contents of every INTEGER in a DER structure (constructed elements walked into);
    None if any length is not DER."""
    elements = _der_elements(contents)
    if elements is None:
        return None
    found: list[bytes] = []
    for tag, inner in elements:
        if tag == 0x02:
            found.append(inner)
        elif tag & 0x20:
            more = _integers(inner)
            if more is None:
                return None
            found += more
    return found


def _padded_integer(ctx: CallContext) -> bool:
    """A private key document whose lengths are all DER but which holds an INTEGER with no
    content byte or a redundant leading one (in PKCS#8 itself, or in the ECPrivateKey its
    privateKey holds): read by pycryptodome alone."""
    if ctx.encoding not in ("pkcs8", "pem") or not ctx.accepted("pycryptodome") or any(
            ctx.errno(b) != _INVALID_KEY for b in ctx.results if b != "pycryptodome"):
        return False
    try:
        der = pem.unarmor(ctx.data)[2] if ctx.encoding == "pem" else ctx.data
    except Exception:  # no readable PEM: not this divergence
        return False
    top = _der_elements(der)
    if top is None or len(top) != 1 or top[0][0] != 0x30:
        return False
    fields = _der_elements(top[0][1])
    integers = _integers(top[0][1])
    if fields is None or integers is None:
        return False
    key = next((inner for tag, inner in fields if tag == 0x04), b"")
    integers += _integers(key) or []  # an ECPrivateKey, when the key is one
    return any(not n or (len(n) > 1 and (n[0], n[1] >> 7) in ((0x00, 0), (0xFF, 1)))
               for n in integers)


_IMPORTS = frozenset({"publickey_import", "secretkey_import", "keypair_import"})
PYCRYPTODOME = ("pycryptodome",)
CRYPTOGRAPHY = ("cryptography",)

KNOWN_DIVERGENCES: tuple[Divergence, ...] = (
    Divergence(
        "pycryptodome-refuses-low-order-points", frozenset({"publickey_import", "keypair_import"}),
        PYCRYPTODOME, _refused_low_order_point,
        "PyCryptodome refuses X25519/X448 public keys of small order when they are imported; "
        "cryptography and libsodium import them and refuse them in publickey_verify and kx_dh "
        "(the all-zero shared secret), as RFC 7748 section 6 allows either way."),
    Divergence(
        "pycryptodome-refuses-weak-x448-secret",
        frozenset({"secretkey_import", "keypair_import"}), PYCRYPTODOME, _weak_x448_secret,
        "One clamped X448 secret scalar is a multiple of the group order (4 times it; no "
        "clamped X25519 scalar is): its public key is u = 0.  PyCryptodome refuses it on "
        "import; cryptography imports it and refuses its public key in publickey_verify and "
        "every kx_dh with it (the all-zero shared secret).  Found by a review of the spec "
        "model."),
    Divergence(
        "pycryptodome-x-wing-refuses-low-order-points",
        frozenset({"publickey_import", "kx_decapsulate"}), PYCRYPTODOME, _xwing_low_order,
        "PyCryptodome's hybrid KEM refuses a small-order X25519 point in an X-Wing public key "
        "or ciphertext; X-Wing checks no point (its combiner hashes the all-zero ss_X), and "
        "the X-Wing built on cryptography follows it."),
    Divergence(
        "pycryptodome-exports-reduced-u", frozenset({"array_output_pull"}), PYCRYPTODOME,
        _reduced_export,
        "PyCryptodome keeps an X25519/X448 public key reduced modulo p (X25519: bit 255 "
        "cleared first), so a non-canonical u-coordinate exports in canonical form; "
        "cryptography and libsodium export the bytes they imported."),
    Divergence(
        "pem-readers-differ", _IMPORTS, None, _pem_readers_differ,
        "Each library reads PEM outside RFC 7468's strict form its own way: OpenSSL "
        "(cryptography) skips text before the BEGIN line and after the END line but refuses "
        "bytes outside the base64 alphabet and non-canonical base64; asn1crypto (the libsodium "
        "backend) drops such bytes, ignores the END label and the unused bits of the last "
        "group, and refuses binary text before BEGIN; PyCryptodome reads line by line from the "
        "first byte, drops stray bytes, refuses text before BEGIN, after END and padding on "
        "the END line.  Strict PEM must be read alike by all.  Found by every target."),
    Divergence(
        "pycryptodome-ignores-embedded-public-key", _IMPORTS, PYCRYPTODOME,
        _nonstandard_ec_private_key,
        "A P-256/P-384 private key in PKCS#8 may carry its curve and its public key "
        "(RFC 5915); OpenSSL (cryptography) refuses the document when those optional fields "
        "are malformed, replaced by other elements or hold another key, PyCryptodome ignores "
        "them and derives the right key.  Found by the key_import and abi_sequence targets."),
    Divergence(
        "one-asymmetric-key-v2", _IMPORTS, None, _one_asymmetric_key_v2,
        "RFC 5958 gives a private key document version 2 when it carries its public key: "
        "OpenSSL (cryptography) reads X25519/X448 v2 only with that key, PyCryptodome with or "
        "without it, asn1crypto (the libsodium backend) has no field for it and reads v1 "
        "only.  Found by the dh target."),
    Divergence(
        "pycryptodome-reads-padded-integers", _IMPORTS, PYCRYPTODOME, _padded_integer,
        "DER writes an INTEGER in as few bytes as it takes, at least one (X.690 section "
        "8.3.2); PyCryptodome's DER reader also takes an empty one or one with a redundant "
        "leading byte (a private key document's version), where OpenSSL (cryptography) and "
        "the libsodium backend's strict reading refuse the document.  Found by the dh "
        "target."),
    Divergence(
        "pycryptodome-accepts-infinity", frozenset({"publickey_import"}), PYCRYPTODOME,
        _infinity,
        "PyCryptodome decodes the uncompressed point 04 || 0 || 0 as the point at infinity and "
        "imports it as a NIST-curve public key (kx_dh then fails); cryptography refuses it, "
        "as SEC 1 section 2.3.4 requires (the infinity point is the single byte 00)."),
    Divergence(
        "cryptography-internal-error-on-curve-key-length",
        frozenset({"secretkey_import", "keypair_import"}), CRYPTOGRAPHY,
        _curve_key_of_another_length,
        "cryptography 50 raises InternalError (its signal of an OpenSSL error it did not "
        "expect), not ValueError, on a PKCS#8 X25519/X448/Ed25519/Ed448 private key whose "
        "CurvePrivateKey OCTET STRING holds another number of bytes than the curve's "
        "(RFC 8410 section 7), DER or PEM; every other backend refuses the document with "
        "invalid_key.  A crash, reported as known; the host answers nothing for it.  Found "
        "by the dh target.", crash=True),
)
BY_NAME = {d.name: d for d in KNOWN_DIVERGENCES}


def known(views: Mapping[str, str], context: CallContext) -> Divergence | None:
    for divergence in KNOWN_DIVERGENCES:
        try:
            if divergence.matches(views, context):
                return divergence
        except Exception:  # a predicate that cannot read this input does not excuse it:
            continue  # the difference is then reported as a finding, never lost
    return None
