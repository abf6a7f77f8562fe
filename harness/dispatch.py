"""From raw core-wasm arguments to host methods and back, derived from the ABI table.

For every call, in this order: each parameter is decoded in declaration order (enum values,
strings, input buffers, ``opt_options`` structs, output regions: a bad one gives ``guest_error``),
every out-pointer is bounds-checked, the host method runs, and only then are the out-values
written.  So an error never writes anything, and a success writes every out-value.
``CryptoError`` becomes its errno; any other exception propagates (it is a finding).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

from harness.abi import (
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
OPT_SOME, OPT_NONE = 0, 1  # note: `some` is 0
OPT_OPTIONS_SIZE = 8

Entry = Callable[..., int]


def _guest_error(detail: str) -> CryptoError:
    return CryptoError(Errno.GUEST_ERROR, detail)


def decode_enum(kind: EnumParam, raw: int, revision: Revision) -> Any:
    value: Any
    if kind is EnumParam.ALGORITHM_TYPE:
        value = AlgorithmType(raw) if raw in AlgorithmType._value2member_map_ else None
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


def decode_params(fn: Function, args: tuple[int, ...], memory: GuestMemory,
                  revision: Revision) -> list[Any]:
    raw: Iterator[int] = iter(args)
    values: list[Any] = []
    for param in fn.params:
        t = param.type
        if isinstance(t, HandleParam):
            values.append(next(raw) & U32)
        elif isinstance(t, EnumParam):
            values.append(decode_enum(t, next(raw) & U32, revision))
        elif isinstance(t, U64Param):
            values.append(next(raw) & U64)
        elif isinstance(t, StringParam):
            values.append(memory.read_string(next(raw), next(raw)))
        elif isinstance(t, InBufferParam):
            values.append(memory.read(next(raw), next(raw)))
        elif isinstance(t, OutBufferParam):
            values.append(Region(*memory.check(next(raw), next(raw))))
        elif isinstance(t, OptOptionsParam):
            values.append(decode_opt_options(memory, next(raw)))
        else:  # pragma: no cover - the ABI table has no other parameter type
            raise TypeError(t)
    return values


def make_entry(host: Host, fn: Function) -> Entry:
    """The Python function wasmtime calls for ``fn``: raw i32/i64 in, errno out."""
    method: Callable[..., tuple[int, ...]] = getattr(host, fn.name)
    outs = tuple(zip(fn.out_offsets, (r.type.width for r in fn.results), strict=True))

    def entry(*args: int) -> int:
        memory = host.memory
        host.calls.append((fn.name, len(memory.writes)))
        try:
            values = decode_params(fn, args, memory, host.revision)
            targets = [(memory.check(args[i], width)[0], width) for i, width in outs]
            results = method(*values)
        except CryptoError as error:
            return int(error.errno)
        for (ptr, width), value in zip(targets, results, strict=True):
            memory.write(ptr, value.to_bytes(width, "little"))
        return int(Errno.SUCCESS)

    entry.__name__ = fn.name
    return entry
