"""Spec-model oracle: an independent model of the interface's state predicts every call.

The model knows which handles exist, their kind and algorithm, which are closed, what each
array_output has left (a DER document's header gives its size, a PEM document's END line its
end) and that a pull copies exactly its count to the buffer's start, which keys were made from
one secret key (so must be valid, and match) and which outputs must hold the same bytes (a
shared secret either way round, exports of one key, an encapsulated secret and the one its
ciphertext decapsulates to), which guest memory is valid and what it holds, and what the spec
(and the project's documented choices, README "How the host answers") says each call returns.
It shares no code with ``harness.host`` or ``harness.dispatch``: it reads only the ABI table
(the spec as data) and the trace.  Where an answer depends on the cryptography (a key may be
invalid), it allows the set of errnos the spec permits; everything else it predicts exactly.
This is the only oracle that sees bugs of the shared ABI layer, on which every backend agrees.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from typing import NamedTuple

from harness.abi import (
    FUNCTIONS,
    EnumParam,
    Errno,
    Function,
    HandleKind,
    HandleParam,
    InBufferParam,
    OptOptionsParam,
    OutBufferParam,
    Revision,
    StringParam,
    U64Param,
    decode_key_encoding,
    decode_keypair_encoding,
)
from harness.findings import Finding, Oracle, merged
from harness.handles import DEFAULT_HANDLE_LIMIT
from harness.oracles.facts import FACTS, AlgorithmFacts, Form
from harness.oracles.memory_image import SIZE
from harness.program import OutRef, Program
from harness.runner import CallResult, Trace, Write

U32 = 0xFFFF_FFFF
E = Errno
_SUCCESS = E.SUCCESS.value  # a plain int: cheaper to hash and compare than the member
_KNOWN = frozenset(FACTS)
KX = 2

# Enumeration ranges, from the witx of each revision.
_ENUM_SIZES = {
    Revision.JAN2022: {EnumParam.ALGORITHM_TYPE: 3, EnumParam.KEYPAIR_ENCODING: 4,
                       EnumParam.PUBLICKEY_ENCODING: 6, EnumParam.SECRETKEY_ENCODING: 6},
    Revision.WITX_0_9: {EnumParam.ALGORITHM_TYPE: 3, EnumParam.KEYPAIR_ENCODING: 4,
                        EnumParam.PUBLICKEY_ENCODING: 5, EnumParam.SECRETKEY_ENCODING: 5},
}


# What an array_output holds, named so that outputs of one name hold the same bytes in one
# trace: ("dh", a, b): the shared secret of the secret keys a <= b (either way round);
# (function, a, encoding): an export of the key made from secret key a; ("kem", e, 0): the
# secret of encapsulation e (and of decapsulating its ciphertext); ("ciphertext", e, a): the
# ciphertext of encapsulation e, to the public key made from secret key a.
Holds = tuple[str, int, int]


@dataclass(slots=True)
class Obj:
    """A live object.  Its first six fields are a ``New``'s, in order (made for most calls)."""

    kind: HandleKind
    algorithm: str | None  # keys
    length: int | None  # array_output: total, when known
    document: str | None  # array_output of a size not predicted: "der" or "pem"
    # keys: which secret key it is (a secret key), or is known to match (a public key, made
    # from it; a key pair, whose halves match); None: not known
    secret: int | None
    holds: Holds | None  # array_output: what it holds, when the model can name it (``Holds``)
    options_type: int | None = None  # options
    pulled: int = 0
    head: bytes = b""  # array_output: what was pulled of it, if it holds a named thing or its
    # size is not known yet


class New(NamedTuple):
    """An object a call creates on success (``Obj``'s first fields, in its order)."""

    kind: HandleKind
    algorithm: str | None = None
    length: int | None = None  # array_output: its size, when predicted
    document: str | None = None
    secret: int | None = None
    holds: Holds | None = None


class Prediction(NamedTuple):  # a tuple: made for most calls of every trace
    allowed: frozenset[Errno]
    creates: tuple[New, ...] = ()
    why: str = ""


@functools.lru_cache(maxsize=512)  # a few hundred distinct refusals; predictions are frozen
def _only(errno: Errno, why: str = "") -> Prediction:
    return Prediction(frozenset({errno}), why=why)


# The commonest sets of allowed answers, built once (an Errno hashes in Python code).
_OK = frozenset({E.SUCCESS})
_OK_OR_INVALID_KEY = frozenset({E.SUCCESS, E.INVALID_KEY})
_OK_OR_INVALID_HANDLE = frozenset({E.SUCCESS, E.INVALID_HANDLE})


# How the spec reads each parameter: (what it is, its first core argument).
_ANY, _ENUM, _STRING, _BUFFER, _OPTIONS = range(5)


def _reading(t: object) -> int:
    if isinstance(t, HandleParam | U64Param):
        return _ANY  # any value is one
    if isinstance(t, EnumParam):
        return _ENUM
    if isinstance(t, StringParam):
        return _STRING
    if isinstance(t, InBufferParam | OutBufferParam):
        return _BUFFER
    assert isinstance(t, OptOptionsParam)
    return _OPTIONS


_INVALID_GUEST_VALUE = _only(E.GUEST_ERROR, "invalid guest value")

# Per revision and function: (what each parameter is, the enum's size or 0, first core argument)
_PLANS = {
    revision: {
        fn.name: tuple((_reading(p.type), sizes[p.type] if isinstance(p.type, EnumParam) else 0,
                        k) for p, k in zip(fn.params, fn.param_offsets, strict=True))
        for fn in FUNCTIONS.values()
    }
    for revision, sizes in _ENUM_SIZES.items()
}
_OUTS = {fn.name: tuple(zip(fn.out_offsets, fn.out_widths, strict=True))
         for fn in FUNCTIONS.values()}


@dataclass
class SpecModel:
    revision: Revision = Revision.JAN2022
    handle_limit: int = DEFAULT_HANDLE_LIMIT
    algorithms: frozenset[str] = frozenset(FACTS)  # what the backend declares (upper case)
    live: dict[int, Obj] = field(default_factory=dict)
    closed: dict[int, HandleKind] = field(default_factory=dict)
    image: bytes = field(default_factory=lambda: bytes(SIZE))  # the program's
    written: list[Write] = field(default_factory=list)  # every write since, in order
    ids: int = 0  # the secret keys and encapsulations told apart so far
    contents: dict[Holds, bytes] = field(default_factory=dict)  # of drained outputs, by name
    # every ciphertext pulled whole: (the secret key it is for, its bytes) -> its encapsulation
    ciphertexts: dict[tuple[int, bytes], int] = field(default_factory=dict)

    def fresh_id(self) -> int:
        self.ids += 1
        return self.ids

    def continued(self, image: bytes) -> SpecModel:
        """An independent model in this state, over another program's ``image`` (one that
        starts with the same calls and data: a fuzz target's set-up)."""
        model = SpecModel.__new__(SpecModel)  # a shallow copy, without copy.copy's dispatch
        model.__dict__.update(self.__dict__)
        model.image = image
        # of the live objects, only an array_output changes once made (what was pulled)
        model.live = {h: replace(o) if o.kind is HandleKind.ARRAY_OUTPUT else o
                      for h, o in self.live.items()}
        model.closed, model.written = dict(self.closed), list(self.written)
        model.contents, model.ciphertexts = dict(self.contents), dict(self.ciphertexts)
        return model

    def __post_init__(self) -> None:
        self.plans = _PLANS[self.revision]

    # --- guest memory ----------------------------------------------------------------------

    def bytes_at(self, ptr: int, length: int) -> bytes:
        """Guest memory as a call finds it: the program's image under every earlier write
        (patched into the few bytes read, rather than copying the image at each write)."""
        start = ptr & U32
        end = start + (length & U32)
        chunk = self.image[start:end]
        overlapping = [(a, d) for a, d in self.written if a < end and a + len(d) > start]
        if not overlapping:
            return chunk
        patched = bytearray(chunk)
        for address, data in overlapping:
            low, high = max(address, start), min(address + len(data), end)
            patched[low - start : high - start] = data[low - address : high - address]
        return bytes(patched)

    def decode(self, fn: Function, args: list[int]) -> list[object] | None:
        """The arguments as the spec reads them, or None when one is not a valid guest value."""
        values: list[object] = []
        for reading, size, k in self.plans[fn.name]:
            a = args[k]
            if reading == _ANY:
                values.append(a)
            elif reading == _ENUM:
                if a & U32 >= size:
                    return None
                values.append(a & U32)
            elif reading == _OPTIONS:
                if (a & U32) + 8 > SIZE:
                    return None
                struct = self.bytes_at(a, 8)
                if struct[0] not in (0, 1):
                    return None
                values.append(int.from_bytes(struct[4:], "little") if struct[0] == 0 else None)
            else:  # a (ptr, len) pair: a string or a buffer
                length = args[k + 1] & U32
                if (a & U32) + length > SIZE:
                    return None
                if reading == _BUFFER:
                    values.append((a & U32, length))
                    continue
                try:
                    values.append(self.bytes_at(a, length).decode("utf-8"))
                except UnicodeDecodeError:
                    return None
        for offset, width in _OUTS[fn.name]:
            if (args[offset] & U32) + width > SIZE:
                return None
        return values

    # --- handles ---------------------------------------------------------------------------

    def get(self, kind: HandleKind, handle: object) -> Obj | None:
        obj = self.live.get(int(handle) & U32)  # type: ignore[call-overload]
        return obj if obj is not None and obj.kind is kind else None

    def close(self, kind: HandleKind, handle: int) -> Prediction:
        handle &= U32
        if self.get(kind, handle) is not None:
            return Prediction(_OK)
        if self.closed.get(handle) is kind:
            return _only(E.CLOSED, "closed twice")
        return _only(E.INVALID_HANDLE, f"no live {kind.name.lower()} {handle:#x}")

    # --- predictions -----------------------------------------------------------------------

    def algorithm(self, algorithm_type: object, name: object) -> str | None:
        text = str(name)
        if algorithm_type != KX or not text.isascii():
            return None
        upper = text.upper()
        return upper if upper in self.algorithms else None

    def predict(self, fn: Function, values: list[object]) -> Prediction:
        return _PREDICTORS[fn.name](self, fn.name, values)

    def predict_unsupported(self, name: str, values: list[object]) -> Prediction:
        return _ONLY_UNSUPPORTED_FEATURE

    def predict_options_open(self, name: str, values: list[object]) -> Prediction:
        return Prediction(_OK, (New(HandleKind.OPTIONS),))

    def predict_close(self, name: str, values: list[object]) -> Prediction:
        return self.close(_CLOSED_KINDS[name], int(values[0]))  # type: ignore[call-overload]

    def predict_options_set(self, name: str, values: list[object]) -> Prediction:
        if self.get(HandleKind.OPTIONS, values[0]) is None:
            return _only(E.INVALID_HANDLE)
        return _only(E.UNSUPPORTED_OPTION)

    def predict_array_output(self, name: str, values: list[object]) -> Prediction:
        output = self.get(HandleKind.ARRAY_OUTPUT, values[0])
        if output is None:
            return _only(E.INVALID_HANDLE)
        if _may_be_drained(output):
            # A document of a size the model does not know, pulled in full-sized chunks:
            # the last one may have drained it, which closed the handle.
            return Prediction(_OK_OR_INVALID_HANDLE)
        return Prediction(_OK)

    def predict_from_pk_and_sk(self, name: str, values: list[object]) -> Prediction:
        pair = self.key_pair(values)
        if isinstance(pair, Prediction):
            return pair
        pk, sk = pair
        if pk.secret is not None and pk.secret == sk.secret:  # the halves of one pair
            return Prediction(_OK, (New(HandleKind.KEYPAIR, sk.algorithm, secret=sk.secret),))
        return Prediction(_OK_OR_INVALID_KEY, (New(HandleKind.KEYPAIR, sk.algorithm),))

    def predict_keypair_part(self, name: str, values: list[object]) -> Prediction:
        K = HandleKind
        kp = self.get(K.KEYPAIR, values[0])
        if kp is None:
            return _only(E.INVALID_HANDLE)
        kind = K.PUBLICKEY if name == "keypair_publickey" else K.SECRETKEY
        return Prediction(_OK, (New(kind, kp.algorithm, secret=kp.secret),))

    def predict_verify(self, name: str, values: list[object]) -> Prediction:
        pk = self.get(HandleKind.PUBLICKEY, values[0])
        if pk is None:
            return _only(E.INVALID_HANDLE)
        # a public key made from a secret key is a valid one: verifying it must succeed
        return Prediction(_OK if pk.secret is not None else _OK_OR_INVALID_KEY)

    def predict_public_from_secret(self, name: str, values: list[object]) -> Prediction:
        sk = self.get(HandleKind.SECRETKEY, values[0])
        if sk is None:
            return _only(E.INVALID_HANDLE)
        return Prediction(_OK, (New(HandleKind.PUBLICKEY, sk.algorithm, secret=sk.secret),))

    def predict_new_key(self, name: str, values: list[object]) -> Prediction:
        K = HandleKind
        alg = self.algorithm(values[0], values[1])
        if alg is None:
            return _only(E.UNSUPPORTED_ALGORITHM)
        facts = FACTS[alg]
        if name == "keypair_generate":
            options = values[2]
            if options is not None:
                obj = self.get(K.OPTIONS, options)
                if obj is None or obj.options_type != KX:
                    return _only(E.INVALID_HANDLE, "options")
            return Prediction(_OK, (New(K.KEYPAIR, alg, secret=self.fresh_id()),))
        buffer, encoding = values[2], values[3]
        assert isinstance(buffer, tuple)
        length = buffer[1]
        kind = _KEY_KINDS[name]
        form = self.form(facts, kind, encoding)
        if form is None:
            return _only(E.UNSUPPORTED_ENCODING)
        if form.import_sizes is not None and length not in form.import_sizes:
            return _only(E.INVALID_KEY, f"{length}-byte key")
        allowed = _OK if form.always_imports else _OK_OR_INVALID_KEY
        # An imported secret key is a key of its own, unless it may be a weak one (whose public
        # key is not valid; read only in raw form); an imported pair's halves may not match.
        secret = self.fresh_id() if kind is K.SECRETKEY else None
        if secret is not None and facts.weak_secret is not None and (
                form.document is not None or facts.weak_secret(self.bytes_at(*buffer))):
            secret = None
            allowed = _OK_OR_INVALID_KEY
        return Prediction(allowed, (New(kind, alg, secret=secret),))

    def form(self, facts: AlgorithmFacts, kind: HandleKind, encoding: object) -> Form | None:
        """How ``encoding`` (a wire value) encodes this kind of key; None if it does not."""
        number = int(encoding)  # type: ignore[call-overload]
        if kind is HandleKind.KEYPAIR:
            pair_encoding = decode_keypair_encoding(number)
            return None if pair_encoding is None else facts.keypair.get(pair_encoding.value)
        key_encoding = decode_key_encoding(number, self.revision)
        forms = facts.public if kind is HandleKind.PUBLICKEY else facts.secret
        return None if key_encoding is None else forms.get(key_encoding.value)

    def predict_export(self, name: str, values: list[object]) -> Prediction:
        K = HandleKind
        kind = _KEY_KINDS[name]
        obj = self.get(kind, values[0])
        if obj is None:
            return _only(E.INVALID_HANDLE)
        form = self.form(FACTS[str(obj.algorithm)], kind, values[1])
        if form is None:
            return _only(E.UNSUPPORTED_ENCODING)
        holds = None if obj.secret is None else (name, obj.secret, int(values[1]))  # type: ignore[call-overload]
        return Prediction(_OK, (New(K.ARRAY_OUTPUT, None, form.export_size, form.document,
                                    holds=holds),))

    def key_pair(self, values: list[object]) -> tuple[Obj, Obj] | Prediction:
        """A (public key, secret key) argument pair of one algorithm, or the error it gives."""
        pk = self.get(HandleKind.PUBLICKEY, values[0])
        sk = self.get(HandleKind.SECRETKEY, values[1])
        if pk is None or sk is None:
            return _only(E.INVALID_HANDLE)
        if pk.algorithm != sk.algorithm:
            return _only(E.INCOMPATIBLE_KEYS)
        return pk, sk

    def predict_kx(self, name: str, values: list[object]) -> Prediction:
        K = HandleKind
        if name == "kx_dh":
            pair = self.key_pair(values)
            if isinstance(pair, Prediction):
                return pair
            pk, sk = pair
            facts = FACTS[str(pk.algorithm)]
            if facts.kem:
                return _only(E.INVALID_OPERATION)
            # A public key made from a secret key lies in the prime-order group, and no secret
            # scalar with an id takes it to the identity (clamped X25519 scalars are below
            # 8 times the order; X448's weak one, 4 times it, is given none).
            if pk.secret is None or sk.secret is None:
                return Prediction(_OK_OR_INVALID_KEY,
                                  (New(K.ARRAY_OUTPUT, None, facts.shared_secret),))
            holds = ("dh", min(pk.secret, sk.secret), max(pk.secret, sk.secret))
            return Prediction(_OK, (New(K.ARRAY_OUTPUT, None, facts.shared_secret, holds=holds),))
        kind = K.PUBLICKEY if name == "kx_encapsulate" else K.SECRETKEY
        key = self.get(kind, values[0])
        if key is None:
            return _only(E.INVALID_HANDLE)
        facts = FACTS[str(key.algorithm)]
        if not facts.kem:
            return _only(E.INVALID_OPERATION)
        if name == "kx_encapsulate":
            secret = ciphertext = None
            if key.secret is not None:  # its ciphertext decapsulates with that secret key
                encapsulation = self.fresh_id()
                secret = ("kem", encapsulation, 0)
                ciphertext = ("ciphertext", encapsulation, key.secret)
            outs = (New(K.ARRAY_OUTPUT, None, facts.shared_secret, holds=secret),
                    New(K.ARRAY_OUTPUT, None, facts.ciphertext, holds=ciphertext))
            # only a key not made from a secret key may be refused
            may_refuse = facts.decapsulation_may_fail and key.secret is None
            refusal = {E.INVALID_KEY} if may_refuse else set()
            return Prediction(frozenset({E.SUCCESS} | refusal), outs)
        buffer = values[1]
        assert isinstance(buffer, tuple)
        if buffer[1] != facts.ciphertext:
            return _only(E.VERIFICATION_FAILED, f"{buffer[1]}-byte ciphertext")
        made = None if key.secret is None else self.ciphertexts.get(
            (key.secret, self.bytes_at(*buffer)))
        if made is not None:  # pulled whole from an encapsulation to this key: its secret
            return Prediction(_OK, (New(K.ARRAY_OUTPUT, None, facts.shared_secret,
                                        holds=("kem", made, 0)),))
        allowed = {E.SUCCESS, E.VERIFICATION_FAILED} if facts.decapsulation_may_fail else {
            E.SUCCESS}
        return Prediction(frozenset(allowed), (New(K.ARRAY_OUTPUT, None, facts.shared_secret),))

    # --- checking a trace ------------------------------------------------------------------

    def step(self, fn: Function, args: list[int], result: CallResult) -> str | None:
        """Check one call against the model and advance; returns what contradicts the model."""
        values = self.decode(fn, args)
        prediction = _INVALID_GUEST_VALUE if values is None else self.predict(fn, values)
        allowed = prediction.allowed
        if _SUCCESS in allowed and len(self.live) + len(prediction.creates) > self.handle_limit:
            # An output of unknown size pulled in full-sized chunks may have been drained
            # (and closed): the limit is then certain only without those.
            drained = sum(1 for obj in self.live.values() if _may_be_drained(obj))
            if len(self.live) - drained + len(prediction.creates) > self.handle_limit:
                allowed = (allowed - {E.SUCCESS}) | {E.TOO_MANY_HANDLES}
            else:
                allowed = allowed | {E.TOO_MANY_HANDLES}
        if result.errno not in allowed:
            names = "|".join(sorted(e.name.lower() for e in allowed))
            got = Errno(result.errno).name.lower() if result.errno in E._value2member_map_ else (
                str(result.errno))
            return f"model expects {names}{' (' + prediction.why + ')' if prediction.why else ''}"\
                   f", host answered {got}"
        if values is not None and result.errno == E.INVALID_HANDLE and fn.name in (
                "array_output_len", "array_output_pull"):
            handle = int(values[0]) & U32  # type: ignore[call-overload]
            output = self.get(HandleKind.ARRAY_OUTPUT, handle)
            if output is not None:  # the uncertain case above: it had been drained
                self.closed[handle] = self.live.pop(handle).kind
        if result.errno != _SUCCESS or values is None:
            return None
        return self.advance(fn, values, prediction, result)

    def advance(self, fn: Function, values: list[object], prediction: Prediction,
                result: CallResult) -> str | None:
        K = HandleKind
        if fn.name.endswith("_close"):
            handle = int(values[0]) & U32  # type: ignore[call-overload]
            self.closed[handle] = self.live.pop(handle).kind
        elif fn.name == "array_output_len":
            obj = self.live[int(values[0]) & U32]  # type: ignore[call-overload]
            length = result.outs[0]
            if obj.length is not None and length != obj.length:
                return f"array_output_len is {length}, model knows {obj.length}"
            if length is not None and obj.pulled and length <= obj.pulled:
                return (f"array_output_len is {length} after {obj.pulled} bytes were pulled,"
                        " yet the output is open")
            obj.length = length
            return None
        elif fn.name == "array_output_pull":
            return self.pull(int(values[0]) & U32, values[1], result)  # type: ignore[call-overload, arg-type]
        returned = result.returned(len(fn.results))
        if len(returned) != len(prediction.creates):
            return "success, but an out-value was not written"
        for new, out in zip(prediction.creates, returned, strict=True):
            if out in self.live:
                return f"new {new.kind.name.lower()} handle {out:#x} is already live"
            options_type = values[0] if new.kind is K.OPTIONS else None
            self.live[out] = Obj(*new, options_type)  # type: ignore[arg-type]
            self.closed.pop(out, None)
        return None

    def pull(self, handle: int, buffer: tuple[int, int], result: CallResult) -> str | None:
        obj = self.live[handle]
        start, requested = buffer
        count = result.outs[0]
        if count is None:
            return "pull succeeded without writing its count"
        # The copy: bytes written one after another from the buffer's start (the last write
        # is the count), exactly as many as the count says.
        copied = b""
        for address, data in result.writes[:-1]:
            if data and address != start + len(copied):
                return (f"pull wrote {len(data)} bytes at {address:#x},"
                        f" expected at {start + len(copied):#x}")
            copied += data
        if len(copied) != count:
            return f"pull says {count} bytes, copied {len(copied)} to the buffer"
        if obj.length is not None:
            expected = min(requested, obj.length - obj.pulled)
            if count != expected:
                return f"pulled {count} bytes, model expects {expected}"
        elif count > requested:
            return f"pulled {count} bytes into a {requested}-byte buffer"
        elif obj.pulled and requested and not count:
            return f"pulled nothing after {obj.pulled} bytes: a drained output stays open"
        obj.pulled += count
        if obj.length is None or obj.holds is not None:
            obj.head += copied
        if obj.length is None:
            if obj.document == "der":
                obj.length = _der_size(obj.head)
                if obj.length is not None and obj.pulled > obj.length:
                    return f"pulled {obj.pulled} bytes of a {obj.length}-byte DER document"
            if obj.length is None and count < requested:
                obj.length = obj.pulled  # a short pull drained the output
        if obj.length is not None and obj.pulled == obj.length:
            self.closed[handle] = self.live.pop(handle).kind
            if obj.holds is not None:
                kind, made, secret = obj.holds
                if kind == "ciphertext":
                    self.ciphertexts[(secret, obj.head)] = made
                held = self.contents.setdefault(obj.holds, obj.head)
                if held != obj.head:
                    return (f"pulled {_shown(obj.head)}, where an output of the same {kind}"
                            f" held {_shown(held)}")
        return None


# the kind of key each import or export is about
_KEY_KINDS = {f"{prefix}_{verb}": kind for prefix, kind in (
    ("keypair", HandleKind.KEYPAIR), ("publickey", HandleKind.PUBLICKEY),
    ("secretkey", HandleKind.SECRETKEY)) for verb in ("import", "export")}
_CLOSED_KINDS = {"options_close": HandleKind.OPTIONS, "keypair_close": HandleKind.KEYPAIR,
                 "publickey_close": HandleKind.PUBLICKEY,
                 "secretkey_close": HandleKind.SECRETKEY}
_ONLY_UNSUPPORTED_FEATURE = _only(E.UNSUPPORTED_FEATURE)
_M = SpecModel
# Which prediction answers each function (every function of the ABI table has one).
_PREDICTORS: dict[str, Callable[[SpecModel, str, list[object]], Prediction]] = {
    **dict.fromkeys(("secrets_manager_open", "secrets_manager_close",
                     "secrets_manager_invalidate", "keypair_generate_managed",
                     "keypair_store_managed", "keypair_replace_managed", "keypair_id",
                     "keypair_from_id"), _M.predict_unsupported),
    "options_open": _M.predict_options_open,
    **dict.fromkeys(_CLOSED_KINDS, _M.predict_close),
    **dict.fromkeys(("options_set", "options_set_u64", "options_set_guest_buffer"),
                    _M.predict_options_set),
    **dict.fromkeys(("array_output_len", "array_output_pull"), _M.predict_array_output),
    **dict.fromkeys(("keypair_generate", "keypair_import", "publickey_import",
                     "secretkey_import"), _M.predict_new_key),
    "keypair_from_pk_and_sk": _M.predict_from_pk_and_sk,
    **dict.fromkeys(("keypair_publickey", "keypair_secretkey"), _M.predict_keypair_part),
    **dict.fromkeys(("keypair_export", "publickey_export", "secretkey_export"),
                    _M.predict_export),
    "publickey_verify": _M.predict_verify,
    "publickey_from_secretkey": _M.predict_public_from_secret,
    **dict.fromkeys(("kx_dh", "kx_encapsulate", "kx_decapsulate"), _M.predict_kx),
}
assert _PREDICTORS.keys() == FUNCTIONS.keys()


def _der_size(head: bytes) -> int | None:
    """The size of a DER SEQUENCE (a PKCS#8 or SPKI document) from its first bytes, when they
    hold its header; None for anything else (too few bytes, another header)."""
    if len(head) < 2 or head[0] != 0x30:
        return None
    if head[1] < 0x80:
        return 2 + head[1]
    width = head[1] & 0x7F
    if not 1 <= width <= 2 or len(head) < 2 + width:
        return None
    return 2 + width + int.from_bytes(head[2 : 2 + width], "big")


def _der_header_cut(head: bytes) -> bool:
    """Whether ``head`` is a proper prefix of a DER SEQUENCE header (the document goes on)."""
    if len(head) < 2:
        return not head or head[0] == 0x30
    return head[0] == 0x30 and 0x81 <= head[1] <= 0x82 and len(head) < 2 + (head[1] & 0x7F)


def _shown(data: bytes) -> str:
    """Bytes in a finding's one line: their start, in hex."""
    return data[:24].hex() + ("..." if len(data) > 24 else "")


# A PEM document ends with its END line (whitespace may follow).
_PEM_END = re.compile(rb"-----END [^\n]*-----\s*\Z")


def _may_be_drained(obj: Obj) -> bool:
    """Whether the pulls so far may have drained an array_output of a size the model does not
    know (each took a full buffer), closing it: only if its end can have been reached."""
    if obj.length is not None or not obj.pulled:
        return False
    if obj.document == "pem":
        return _PEM_END.search(obj.head) is not None
    return not (obj.document == "der" and _der_header_cut(obj.head))


class Judged(NamedTuple):
    """The model after the first ``calls`` calls of a trace, in which it found nothing (a
    fuzz target's set-up, judged once for every input that starts with it)."""

    calls: int
    model: SpecModel


def check_trace(program: Program, trace: Trace, *, revision: Revision,
                handle_limit: int, algorithms: frozenset[str] = frozenset(FACTS),
                after: Judged | None = None) -> Finding | None:
    """What contradicts the model first in ``trace``; ``after``: its first calls' state."""
    return _walk(program, trace, revision, handle_limit, algorithms, after)[0]


def judged(program: Program, trace: Trace, *, revision: Revision, handle_limit: int,
           algorithms: frozenset[str] = frozenset(FACTS)) -> Judged | None:
    """The model after the whole of ``trace``, or None when it finds something in it."""
    finding, model = _walk(program, trace, revision, handle_limit, algorithms, None)
    return Judged(len(trace.results), model) if finding is None else None


def _walk(program: Program, trace: Trace, revision: Revision, handle_limit: int,
          algorithms: frozenset[str], after: Judged | None) -> tuple[Finding | None, SpecModel]:
    if not algorithms <= _KNOWN:
        raise ValueError(f"the spec model has no facts about {sorted(algorithms - _KNOWN)}")
    model = SpecModel(revision, handle_limit, algorithms, image=trace.initial) if (
        after is None) else after.model.continued(trace.initial)
    results = trace.results
    start = 0 if after is None else after.calls
    for index in range(start, len(results)):
        call, result = program.calls[index], results[index]
        args = [
            (results[a.call].outs[a.index] or 0) if isinstance(a, OutRef) else a
            for a in call.args
        ]
        problem = model.step(FUNCTIONS[call.function], args, result)
        if problem is not None:
            return Finding(Oracle.MODEL, index, call.function, (trace.backend,), problem), model
        model.written += result.writes
    return None, model


def check(program: Program, traces: dict[str, Trace], *, revision: Revision = Revision.JAN2022,
          handle_limit: int = DEFAULT_HANDLE_LIMIT,
          capabilities: Mapping[str, frozenset[str]] | None = None,
          after: Mapping[str, Judged] | None = None) -> list[Finding]:
    """One finding per distinct problem, naming every backend that shows it.  ``after``: the
    state the first calls of a backend's trace left, where they were judged already."""
    found = []
    for trace in traces.values():
        declared = capabilities[trace.backend] if capabilities else frozenset(FACTS)
        finding = check_trace(program, trace, revision=revision, handle_limit=handle_limit,
                              algorithms=declared,
                              after=after.get(trace.backend) if after else None)
        if finding is not None:
            found.append(finding)
    return merged(found)
