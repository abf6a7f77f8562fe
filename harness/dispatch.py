"""From raw core-wasm arguments to host methods and back, derived from the ABI table.

For every call, in this order: each parameter is decoded in declaration order (enum values,
strings, input buffers, ``opt_options`` structs, output regions: a bad one gives ``guest_error``),
every out-pointer is bounds-checked, the host method runs, and only then are the out-values
written.  So an error never writes anything, and a success writes every out-value.
``CryptoError`` becomes its errno; any other exception propagates (it is a finding).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from harness.abi import (
    OPT_NONE,
    OPT_OPTIONS_SIZE,
    OPT_SOME,
    AlgorithmType,
    EnumParam,
    Errno,
    Function,
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
from harness.errors import CryptoError
from harness.host import Host, Region
from harness.memory import U32, GuestMemory

U64 = 0xFFFF_FFFF_FFFF_FFFF

Entry = Callable[..., int]
SUCCESS = Errno.SUCCESS.value  # as the guest receives it
_ALGORITHM_TYPES = {t.value: t for t in AlgorithmType}


def _guest_error(detail: str) -> CryptoError:
    return CryptoError(Errno.GUEST_ERROR, detail)


def decode_enum(kind: EnumParam, raw: int, revision: Revision) -> Any:
    value: Any
    if kind is EnumParam.ALGORITHM_TYPE:
        value = _ALGORITHM_TYPES.get(raw)
    elif kind is EnumParam.KEYPAIR_ENCODING:
        value = decode_keypair_encoding(raw)
    else:
        value = decode_key_encoding(raw, revision)
    if value is None:
        raise _guest_error(f"{kind.value} {raw} out of range")
    return value


def decode_opt_options(memory: GuestMemory, ptr: int) -> int | None:
    struct = memory.read(ptr, OPT_OPTIONS_SIZE)
    if struct[0] == OPT_NONE:
        return None
    if struct[0] != OPT_SOME:
        raise _guest_error(f"opt_options tag {struct[0]}")
    return int.from_bytes(struct[4:8], "little")


Decoder = Callable[[tuple[int, ...], GuestMemory, Revision], Any]


def _decoder(t: Any, k: int) -> Decoder:
    """How to read one parameter that starts at core argument ``k``."""
    if isinstance(t, HandleParam):
        return lambda a, m, r: a[k] & U32
    if isinstance(t, EnumParam):
        return lambda a, m, r: decode_enum(t, a[k] & U32, r)
    if isinstance(t, U64Param):
        return lambda a, m, r: a[k] & U64
    if isinstance(t, StringParam):
        return lambda a, m, r: m.read_string(a[k], a[k + 1])
    if isinstance(t, InBufferParam):
        return lambda a, m, r: m.read(a[k], a[k + 1])
    if isinstance(t, OutBufferParam):
        return lambda a, m, r: Region(*m.check(a[k], a[k + 1]))
    if isinstance(t, OptOptionsParam):
        return lambda a, m, r: decode_opt_options(m, a[k])
    raise TypeError(t)  # pragma: no cover - the ABI table has no other parameter type


def decoders(fn: Function) -> tuple[Decoder, ...]:
    return tuple(_decoder(p.type, k) for p, k in zip(fn.params, fn.param_offsets, strict=True))


Targets = list[tuple[int, int]]  # (checked address, width) of every out-pointer


class Call:
    """One function's two halves, shared by a single host and by hosts in lockstep."""

    def __init__(self, fn: Function) -> None:
        self.fn = fn
        self.name = fn.name
        self.outs = tuple(zip(fn.out_offsets, fn.out_widths, strict=True))
        self.params = decoders(fn)

    def prepare(self, args: tuple[int, ...], memory: GuestMemory,
                revision: Revision) -> tuple[list[Any], Targets]:
        """Decode every parameter and check every out-pointer (raises CryptoError)."""
        values = [decode(args, memory, revision) for decode in self.params]
        return values, [(memory.check(args[i], width)[0], width) for i, width in self.outs]

    def complete(self, host: Host, values: list[Any], targets: Targets) -> int:
        """Run the host's method; on success write every out-value.  Returns the errno."""
        try:
            results = getattr(host, self.name)(*values)
        except CryptoError as error:
            return int(error.errno)
        memory = host.memory
        for (ptr, width), value in zip(targets, results, strict=True):
            memory.write(ptr, value.to_bytes(width, "little"))
        return SUCCESS


def make_entry(host: Host, fn: Function) -> Entry:
    """The Python function wasmtime calls for ``fn``: raw i32/i64 in, errno out."""
    call = Call(fn)

    def entry(*args: int) -> int:
        memory = host.memory
        host.calls.append((fn.name, len(memory.writes)))
        try:
            values, targets = call.prepare(args, memory, host.revision)
        except CryptoError as error:
            return int(error.errno)
        return call.complete(host, values, targets)

    entry.__name__ = fn.name
    return entry
