"""Operations as data: the structure-aware vocabulary of fuzz inputs.

An input is a list of operations.  Each :class:`OpKind` has a stable id (a saved input keeps
its meaning when kinds are added), a list of fields (each one byte, four bytes or a
length-prefixed blob, read front to back) and an ``emit`` function that turns the decoded
values into calls on a :class:`ProgramGen`.  Field values steer towards malformed input:
references resolve to earlier handles, to handles of the wrong kind or to forged numbers;
pointers and lengths become wild, zero, huge, wrapping or one off the end of memory.
"""

from __future__ import annotations

import enum
import struct
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any, NamedTuple

from harness import layout
from harness.abi import FUNCTIONS, MAX_ARITY, HandleKind
from harness.fuzzinput import Exhausted, Reader, Writer
from harness.program import Arg, OutRef, Program, ProgramBuilder
from impls import x25519_common as x25519

END = layout.DATA_PAGES * layout.PAGE
U32 = 0xFFFF_FFFF
SPECIAL = 0xF0  # selector bytes from here on choose a malformed value


class Field(enum.Enum):
    U8 = "u8"
    U32 = "u32"
    BLOB = "blob"


Value = int | bytes


# --- the pools that selectors index (append only: saved inputs index them) -------------------

KEY_POOL: tuple[bytes, ...] = (
    x25519.ALICE_SK, x25519.ALICE_PK, x25519.BOB_SK, x25519.BOB_PK,  # RFC 7748 section 6.1
    *x25519.LOW_ORDER,
    x25519.ALICE_PK + x25519.ALICE_SK,  # a raw key pair
)
BLOB_KEY = 0xFF  # key selector: use the blob itself

ALGORITHM_NAMES: tuple[bytes, ...] = (
    b"X25519", b"x25519", b"X448", b"P256-SHA256", b"P384-SHA384", b"ML-KEM-512",
    b"ML-KEM-768", b"ML-KEM-1024", b"X-WING", b"", b"X25519\x00", b"X2551\xff",
    "\uff3825519".encode(), b"KYBER768",
)


# --- the program being generated ------------------------------------------------------------

# (out-value index, handle kind) of every handle a function returns
_HANDLE_RESULTS = {
    name: tuple((j, r.kind) for j, r in enumerate(fn.results) if r.kind is not None)
    for name, fn in FUNCTIONS.items()
}


_FRESH_SLOT = b"\xaa" * 8


@dataclass
class ProgramGen:
    """Builds a program while remembering which calls produced which kind of handle."""

    algorithms: Sequence[bytes] = ALGORITHM_NAMES
    builder: ProgramBuilder = field(default_factory=ProgramBuilder)
    produced: dict[HandleKind, list[OutRef]] = field(default_factory=dict)
    last_data: int = 0x100

    def call(self, function: str, *args: Arg) -> int:
        index = self.builder.call(function, *args)
        for j, kind in _HANDLE_RESULTS[function]:
            refs = self.produced.get(kind)
            if refs is None:
                refs = self.produced[kind] = []
            refs.append(OutRef(index, j))
        return index

    def data(self, payload: bytes) -> int:
        if self.builder.cursor + len(payload) + 8 > END:
            raise Exhausted  # guest memory is full: the input ends here
        self.last_data = address = self.builder.data(payload)
        return address

    def ref(self, kind: HandleKind, selector: int) -> Arg:
        """A handle argument: an earlier handle of ``kind``, or a malformed one."""
        if selector < SPECIAL:
            earlier = self.produced.get(kind)
            return earlier[selector % len(earlier)] if earlier else (kind << 24) | 1
        special = selector - SPECIAL
        if special < len(HandleKind):
            other = list(HandleKind)[special]
            earlier = self.produced.get(other)
            return earlier[-1] if earlier else (other << 24) | 1
        return (0, U32, 0x7FFF_FFFF, (kind << 24) | 0xFFFFFF, kind, 1 << 24,
                (kind << 24) | 2, 0xDEADBEEF, 0x1_0000_0000 | (kind << 24) | 1, U32)[
            (special - len(HandleKind)) % 10]

    def out(self, selector: int) -> int:
        """An out-pointer: a fresh 8-byte slot, or one at/over the end, wild, or overlapping."""
        if selector < SPECIAL:
            return self.data(_FRESH_SLOT)
        return (END - 2, END, U32, self.last_data, END - 4, 0x8000_0000, END - 8, 1, U32 - 2,
                0, END + 4, 0x7FFF_FFFF, END - 1, END - 3, 0xFFFF_0000, 3)[selector - SPECIAL]

    def buffer(self, payload: bytes, mode: int) -> tuple[int, int]:
        """(ptr, len) of ``payload`` placed in memory, or a malformed pair around it."""
        n = len(payload)
        if mode == SPECIAL + 6 and n <= END:  # exactly at the end of memory: still valid
            return self.builder.place(END - n, payload), n
        ptr = self.data(payload)
        if mode < SPECIAL:
            return ptr, n
        return {
            SPECIAL: (ptr, 0), SPECIAL + 1: (ptr, n + 1), SPECIAL + 2: (ptr, max(n - 1, 0)),
            SPECIAL + 3: (ptr, 0x7FFF_FFFF), SPECIAL + 4: (ptr, U32),
            SPECIAL + 5: (END - n + 1, n), SPECIAL + 7: (U32, n),
            SPECIAL + 8: ((U32 - n + 2) & U32, n), SPECIAL + 9: (END, n),
            SPECIAL + 10: (0, END + 1), SPECIAL + 11: (ptr, END - ptr),
            SPECIAL + 12: (ptr, END - ptr + 1),
        }.get(mode, (ptr, n))

    def algorithm(self, selector: int, mode: int) -> tuple[int, int]:
        return self.buffer(self.algorithms[selector % len(self.algorithms)], mode)

    def build(self) -> Program:
        return self.builder.build()

    def copy(self) -> ProgramGen:
        """An independent generator in the same state (for reusing a target's set-up)."""
        return ProgramGen(self.algorithms, self.builder.copy(),
                          {kind: list(refs) for kind, refs in self.produced.items()},
                          self.last_data)


def algorithm_type(selector: int) -> int:
    """Mostly key_exchange (2); sometimes another type or an out-of-range value."""
    if selector < SPECIAL:
        return 2
    return (0, 1, 3, U32, 0xFFFF, 0x10002)[(selector - SPECIAL) % 6]


def encoding(selector: int) -> int:
    """Mostly a valid encoding number (0..5); sometimes one out of range."""
    if selector < 0xC0:
        return selector % 6
    return (6, 7, 0xFF, 0xFFFF, 0x10000, U32)[selector % 6]


def key(pool_selector: int, blob: bytes) -> bytes:
    return KEY_POOL[pool_selector] if pool_selector < len(KEY_POOL) else blob


def opt_options(gen: ProgramGen, selector: int) -> int:
    """Address of an ``opt_options`` struct: none, some(live), some(forged), bad tag, wild."""
    if selector < SPECIAL:
        return gen.data(bytes([1, 0, 0, 0, 0, 0, 0, 0]))
    special = selector - SPECIAL
    if special in (0, 5):
        struct = gen.data(bytes(8))  # some(options opened right here, of a given type)
        gen.call("options_open", 2 if special == 0 else 0, struct + 4)
        return struct
    placed = {
        1: bytes([0, 0, 0, 0, 0xEF, 0xBE, 0xAD, 0xDE]),  # some(forged handle)
        2: bytes([2] + [0] * 7),  # a tag that is neither some nor none
        7: bytes([0, 0, 0, 0, 1, 0, 0, 1]),  # some(a handle of another kind)
    }.get(special % 8)
    if placed is not None:
        return gen.data(placed)
    return (0, 0, 0, END - 4, U32, 0, END, 0)[special % 8]  # wild struct addresses


# --- operation kinds ------------------------------------------------------------------------

# The values arrive in the order and types of the kind's fields (read by read_op).
Emit = Callable[[ProgramGen, Sequence[Any]], None]


@dataclass(frozen=True)
class OpKind:
    id: int
    name: str
    fields: tuple[tuple[str, Field], ...]
    emit: Emit


class Op(NamedTuple):  # a tuple: made for every operation of every input
    kind: OpKind
    values: tuple[Value, ...]

    def read(self) -> str:
        shown = []
        for (name, _), value in zip(self.kind.fields, self.values, strict=True):
            shown.append(f"{name}={value.hex() if isinstance(value, bytes) else value}")
        return f"{self.kind.name}({', '.join(shown)})"


U8, U32F, BLOB = Field.U8, Field.U32, Field.BLOB
_IMPORT_FIELDS = (("alg_type", U8), ("alg", U8), ("alg_mode", U8), ("encoding", U8),
                  ("key", U8), ("blob", BLOB), ("mode", U8), ("out", U8))


def _import(function: str) -> Emit:
    def emit(gen: ProgramGen, v: Sequence[Any]) -> None:
        ptr, length = gen.buffer(key(v[4], v[5]), v[6])
        gen.call(function, algorithm_type(v[0]), *gen.algorithm(v[1], v[2]),
                 ptr, length, encoding(v[3]), gen.out(v[7]))
    return emit


def _ref_out(function: str, kind: HandleKind) -> Emit:
    def emit(gen: ProgramGen, v: Sequence[Any]) -> None:
        gen.call(function, gen.ref(kind, v[0]), gen.out(v[1]))
    return emit


def _export(function: str, kind: HandleKind) -> Emit:
    def emit(gen: ProgramGen, v: Sequence[Any]) -> None:
        gen.call(function, gen.ref(kind, v[0]), encoding(v[1]), gen.out(v[2]))
    return emit


def _ref_only(function: str, kind: HandleKind) -> Emit:
    def emit(gen: ProgramGen, v: Sequence[Any]) -> None:
        gen.call(function, gen.ref(kind, v[0]))
    return emit


def _generate(gen: ProgramGen, v: Sequence[Any]) -> None:
    options = opt_options(gen, v[3])
    gen.call("keypair_generate", algorithm_type(v[0]), *gen.algorithm(v[1], v[2]),
             options, gen.out(v[4]))


def _pull(gen: ProgramGen, v: Sequence[Any]) -> None:
    ptr, length = gen.buffer(b"\xcc" * v[1], v[2])
    gen.call("array_output_pull", gen.ref(HandleKind.ARRAY_OUTPUT, v[0]), ptr, length,
             gen.out(v[3]))


def _from_pk_and_sk(gen: ProgramGen, v: Sequence[Any]) -> None:
    gen.call("keypair_from_pk_and_sk", gen.ref(HandleKind.PUBLICKEY, v[0]),
             gen.ref(HandleKind.SECRETKEY, v[1]), gen.out(v[2]))


def _dh(gen: ProgramGen, v: Sequence[Any]) -> None:
    gen.call("kx_dh", gen.ref(HandleKind.PUBLICKEY, v[0]),
             gen.ref(HandleKind.SECRETKEY, v[1]), gen.out(v[2]))


def _encapsulate(gen: ProgramGen, v: Sequence[Any]) -> None:
    gen.call("kx_encapsulate", gen.ref(HandleKind.PUBLICKEY, v[0]), gen.out(v[1]),
             gen.out(v[2]))


def _decapsulate(gen: ProgramGen, v: Sequence[Any]) -> None:
    ptr, length = gen.buffer(key(v[1], v[2]), v[3])
    gen.call("kx_decapsulate", gen.ref(HandleKind.SECRETKEY, v[0]), ptr, length,
             gen.out(v[4]))


def _options_open(gen: ProgramGen, v: Sequence[Any]) -> None:
    gen.call("options_open", algorithm_type(v[0]), gen.out(v[1]))


def _options_set(gen: ProgramGen, v: Sequence[Any]) -> None:
    handle = gen.ref(HandleKind.OPTIONS, v[0])
    name = gen.buffer(v[2], v[3])
    which = v[1] % 3
    if which == 0:
        gen.call("options_set", handle, *name, *gen.buffer(b"value", 0))
    elif which == 1:
        gen.call("options_set_u64", handle, *name, v[4] | (v[4] << 32))
    else:
        gen.call("options_set_guest_buffer", handle, *name, *gen.buffer(bytes(16), v[3]))


def _crafted_dh(gen: ProgramGen, v: Sequence[Any]) -> None:
    """A crafted public key, validated and used against a secret key, its secret pulled."""
    ptr, length = gen.buffer(key(v[0], v[1]), v[3])
    pk = gen.call("publickey_import", 2, *gen.algorithm(v[4], 0), ptr, length,
                  encoding(v[2]), gen.out(0))
    gen.call("publickey_verify", OutRef(pk))
    dh = gen.call("kx_dh", OutRef(pk), gen.ref(HandleKind.SECRETKEY, v[5]), gen.out(0))
    gen.call("array_output_pull", OutRef(dh), gen.data(bytes(64)), 64, gen.out(0))


_FUNCTION_LIST = tuple(FUNCTIONS)


def _raw(gen: ProgramGen, v: Sequence[Any]) -> None:
    """Any function with every core argument chosen freely (or a live handle)."""
    fn = FUNCTIONS[_FUNCTION_LIST[v[0] % len(_FUNCTION_LIST)]]
    args: list[Arg] = []
    for k in range(fn.arity):
        value = v[1 + k]
        if value >> 24 == 0xFE and gen.produced:  # a live handle of some kind
            handles = [r for refs in gen.produced.values() for r in refs]
            args.append(handles[value % len(handles)])
        else:
            args.append(value)
    gen.call(fn.name, *args)


K = HandleKind
OUT = ("out", U8)
OP_KINDS: tuple[OpKind, ...] = (
    OpKind(0, "generate", (("alg_type", U8), ("alg", U8), ("alg_mode", U8), ("options", U8),
                           OUT), _generate),
    OpKind(1, "publickey_import", _IMPORT_FIELDS, _import("publickey_import")),
    OpKind(2, "secretkey_import", _IMPORT_FIELDS, _import("secretkey_import")),
    OpKind(3, "keypair_import", _IMPORT_FIELDS, _import("keypair_import")),
    OpKind(4, "keypair_publickey", (("kp", U8), OUT), _ref_out("keypair_publickey", K.KEYPAIR)),
    OpKind(5, "keypair_secretkey", (("kp", U8), OUT), _ref_out("keypair_secretkey", K.KEYPAIR)),
    OpKind(6, "publickey_from_secretkey", (("sk", U8), OUT),
           _ref_out("publickey_from_secretkey", K.SECRETKEY)),
    OpKind(7, "keypair_from_pk_and_sk", (("pk", U8), ("sk", U8), OUT), _from_pk_and_sk),
    OpKind(8, "keypair_export", (("kp", U8), ("encoding", U8), OUT),
           _export("keypair_export", K.KEYPAIR)),
    OpKind(9, "publickey_export", (("pk", U8), ("encoding", U8), OUT),
           _export("publickey_export", K.PUBLICKEY)),
    OpKind(10, "secretkey_export", (("sk", U8), ("encoding", U8), OUT),
           _export("secretkey_export", K.SECRETKEY)),
    OpKind(11, "array_output_len", (("output", U8), OUT),
           _ref_out("array_output_len", K.ARRAY_OUTPUT)),
    OpKind(12, "array_output_pull", (("output", U8), ("size", U8), ("mode", U8), OUT), _pull),
    OpKind(13, "kx_dh", (("pk", U8), ("sk", U8), OUT), _dh),
    OpKind(14, "kx_encapsulate", (("pk", U8), OUT, ("out2", U8)), _encapsulate),
    OpKind(15, "kx_decapsulate", (("sk", U8), ("key", U8), ("blob", BLOB), ("mode", U8), OUT),
           _decapsulate),
    OpKind(16, "publickey_verify", (("pk", U8),), _ref_only("publickey_verify", K.PUBLICKEY)),
    OpKind(17, "options_close", (("options", U8),), _ref_only("options_close", K.OPTIONS)),
    OpKind(18, "keypair_close", (("kp", U8),), _ref_only("keypair_close", K.KEYPAIR)),
    OpKind(19, "publickey_close", (("pk", U8),), _ref_only("publickey_close", K.PUBLICKEY)),
    OpKind(20, "secretkey_close", (("sk", U8),), _ref_only("secretkey_close", K.SECRETKEY)),
    OpKind(21, "options_open", (("alg_type", U8), OUT), _options_open),
    OpKind(22, "options_set", (("options", U8), ("which", U8), ("name", BLOB), ("mode", U8),
                               ("value", U32F)), _options_set),
    OpKind(23, "raw", (("function", U8), *tuple((f"arg{k}", U32F) for k in range(MAX_ARITY))),
           _raw),
    OpKind(24, "crafted_dh", (("key", U8), ("blob", BLOB), ("encoding", U8), ("mode", U8),
                              ("alg", U8), ("sk", U8)), _crafted_dh),
)
OPS_BY_ID = {op.id: op for op in OP_KINDS}
OPS_BY_NAME = {op.name: op for op in OP_KINDS}


def _runs(kind: OpKind) -> tuple[struct.Struct | None, ...]:
    """How to read a kind's fields: a struct per run of fixed-size fields, None for a blob."""
    runs: list[struct.Struct | None] = []
    fmt = ""
    for _, f in kind.fields:
        if f is BLOB:
            runs += [struct.Struct("<" + fmt)] if fmt else []
            runs.append(None)
            fmt = ""
        else:
            fmt += "B" if f is U8 else "I"
    return tuple(runs + ([struct.Struct("<" + fmt)] if fmt else []))


_RUNS = {op.id: _runs(op) for op in OP_KINDS}


def read_op(reader: Reader, allowed: frozenset[int]) -> Op:
    """The next operation of a kind in ``allowed`` (a byte naming another kind is skipped)."""
    kind_id = reader.next_of(allowed)
    values: list[Value] = []
    for run in _RUNS[kind_id]:
        if run is None:
            values.append(reader.blob())
        else:
            values += reader.unpack(run)
    return Op(OPS_BY_ID[kind_id], tuple(values))


def default_op(name: str) -> Op:
    """An operation with every field 0 (and every blob empty)."""
    kind = OPS_BY_NAME[name]
    return Op(kind, tuple(b"" if f is BLOB else 0 for _, f in kind.fields))


def write_op(writer: Writer, op_name: str, /, **values: Value) -> None:
    """Encode an operation; unnamed fields default to 0 (an empty blob)."""
    kind = OPS_BY_NAME[op_name]
    unknown = set(values) - {n for n, _ in kind.fields}
    if unknown:
        raise ValueError(f"{op_name} has no field {sorted(unknown)}")
    writer.u8(kind.id)
    for field_name, f in kind.fields:
        value = values.get(field_name, b"" if f is BLOB else 0)
        if isinstance(value, bytes) != (f is BLOB):
            raise ValueError(f"{op_name}.{field_name} takes {f.value}, not {value!r}")
        if isinstance(value, bytes):
            writer.blob(value)
        elif f is U32F:
            writer.u32(value)
        else:
            writer.u8(value)
