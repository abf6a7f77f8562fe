"""X25519 keys in PKCS#8 / SubjectPublicKeyInfo (RFC 8410) and PEM, parsed with asn1crypto.

asn1crypto reports malformed DER with ValueError or TypeError, and with IndexError for some
(an empty BIT STRING, found by fuzzing): all three mean "not a valid document" here.

libsodium has no parser; asn1crypto is an independent one, so the import paths of this backend
and of the others can disagree, which is what makes fuzzing them worth it.  Documents must be
strict DER with nothing after them; the algorithm identifier must be id-X25519 without
parameters (RFC 8410, section 3).
"""

from __future__ import annotations

from asn1crypto import core, keys, pem

from harness.abi import KeyEncoding
from impls.base import invalid_key, require_length, unsupported_encoding

_OID = "x25519"
_PARSE_ERRORS = (ValueError, TypeError, KeyError, IndexError)
_LABEL = {False: "PUBLIC KEY", True: "PRIVATE KEY"}


def _der(data: bytes, encoding: KeyEncoding, private: bool) -> bytes:
    if encoding is KeyEncoding.PKCS8:
        return data
    if encoding is not KeyEncoding.PEM:
        raise unsupported_encoding(encoding)
    if not pem.detect(data):
        raise invalid_key("X25519 PEM: no PEM armour")
    try:
        label, _, der = pem.unarmor(data)
    except ValueError as exc:
        raise invalid_key(f"X25519 PEM: {exc}") from exc
    if label != _LABEL[private]:
        raise invalid_key(f"X25519 PEM: label {label!r}")
    return bytes(der)


def _require_der(parsed: core.Asn1Value, encoded: bytes, what: str) -> None:
    """asn1crypto reads BER (long-form lengths, empty or padded INTEGERs, ...); a document
    must be DER, which is what re-encoding the parsed value gives back."""
    if parsed.dump(force=True) != encoded:
        raise invalid_key(f"X25519 {what}: not DER")


def _checked_algorithm(algorithm: keys.PrivateKeyAlgorithm | keys.PublicKeyAlgorithm) -> None:
    if algorithm["algorithm"].native != _OID or algorithm["parameters"].native is not None:
        raise invalid_key("not an X25519 key")


def load_public(data: bytes, encoding: KeyEncoding) -> bytes:
    der = _der(data, encoding, private=False)
    try:
        info = keys.PublicKeyInfo.load(der, strict=True)
        if info.native is None:  # parses every field (asn1crypto parses lazily)
            raise invalid_key("X25519 SubjectPublicKeyInfo: empty")
        _require_der(info, der, "SubjectPublicKeyInfo")
        _checked_algorithm(info["algorithm"])
        if info["public_key"].unused_bits:  # asn1crypto would clear them from the key
            raise invalid_key("X25519 SubjectPublicKeyInfo: the key is not whole bytes")
        raw = info["public_key"].native
    except _PARSE_ERRORS as exc:
        raise invalid_key(f"X25519 SubjectPublicKeyInfo: {exc}") from exc
    require_length(raw, 32, "X25519 public key")
    return bytes(raw)


def load_secret(data: bytes, encoding: KeyEncoding) -> bytes:
    der = _der(data, encoding, private=True)
    try:
        info = keys.PrivateKeyInfo.load(der, strict=True)
        # .native parses every field (asn1crypto parses lazily).  asn1crypto's structure has
        # no public key field, so only RFC 5958's v1 (0), the one without it, can be read.
        version = info.native["version"]
        _require_der(info, der, "PKCS#8")
        if version != 0:
            raise invalid_key(f"X25519 PKCS#8: version {version}")
        _checked_algorithm(info["private_key_algorithm"])
        curve_key = core.OctetString.load(info["private_key"].contents, strict=True)
        raw = curve_key.native
        _require_der(curve_key, info["private_key"].contents, "CurvePrivateKey")
    except _PARSE_ERRORS as exc:
        raise invalid_key(f"X25519 PKCS#8: {exc}") from exc
    require_length(raw, 32, "X25519 secret key")
    return bytes(raw)


def _armoured(der: bytes, encoding: KeyEncoding, private: bool) -> bytes:
    if encoding is KeyEncoding.PKCS8:
        return der
    if encoding is not KeyEncoding.PEM:
        raise unsupported_encoding(encoding)
    return bytes(pem.armor(_LABEL[private], der))


def dump_public(raw: bytes, encoding: KeyEncoding) -> bytes:
    info = keys.PublicKeyInfo({"algorithm": {"algorithm": _OID}, "public_key": raw})
    return _armoured(info.dump(), encoding, private=False)


def dump_secret(raw: bytes, encoding: KeyEncoding) -> bytes:
    info = keys.PrivateKeyInfo({
        "version": 0,
        "private_key_algorithm": {"algorithm": _OID},
        "private_key": core.OctetString(raw),  # asn1crypto wraps it in the outer OCTET STRING
    })
    return _armoured(info.dump(), encoding, private=True)
