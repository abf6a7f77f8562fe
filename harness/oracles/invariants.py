"""Invariants oracle: properties every call of every trace must have, whatever the backend.

- every errno is a defined ``crypto_errno``;
- a failing call writes nothing;
- a call writes only inside its declared out-regions (out-pointers, output buffers);
- a successful call writes each of its out-values, and the guest reads back what was written;
- nothing touches guest memory except those writes (the final memory is the program's data
  with every logged write applied);
- a handle returned by a successful call is not one that is still live.
"""

from __future__ import annotations

import functools

from harness.abi import FUNCTIONS, Errno, OutBufferParam, ResultType
from harness.findings import Finding, Oracle
from harness.oracles.memory_image import apply
from harness.program import Arg, OutRef, Program
from harness.runner import CallResult, Trace

U32 = 0xFFFF_FFFF
_CLOSERS = {"options_close", "keypair_close", "publickey_close", "secretkey_close"}


def _value(arg: Arg, results: tuple[CallResult, ...]) -> int:
    if isinstance(arg, OutRef):
        return results[arg.call].outs[arg.index] or 0
    return arg


@functools.cache
def _buffers(function: str) -> tuple[int, ...]:
    """Core-argument index of each output buffer's pointer (its length follows)."""
    fn = FUNCTIONS[function]
    return tuple(k for param, k in zip(fn.params, fn.param_offsets, strict=True)
                 if isinstance(param.type, OutBufferParam))


def _regions(function: str, args: list[int]) -> list[tuple[int, int]]:
    fn = FUNCTIONS[function]
    regions = [(args[k] & U32, args[k + 1] & U32) for k in _buffers(function)]
    for offset, width in zip(fn.out_offsets, fn.out_widths, strict=True):
        regions.append((args[offset] & U32, width))
    return regions


def _inside(address: int, length: int, regions: list[tuple[int, int]]) -> bool:
    return any(start <= address and address + length <= start + size for start, size in regions)


def check_trace(program: Program, trace: Trace) -> Finding | None:
    backend = (trace.backend,)
    live: set[int] = set()
    image = bytearray(trace.initial)
    for index, (call, result) in enumerate(zip(program.calls, trace.results, strict=True)):
        fn = FUNCTIONS[call.function]

        def finding(detail: str, fn_name: str = fn.name, i: int = index) -> Finding:
            return Finding(Oracle.INVARIANTS, i, fn_name, backend, detail)

        if result.errno not in Errno._value2member_map_:
            return finding(f"undefined errno {result.errno}")
        if result.errno != Errno.SUCCESS and result.writes:
            return finding(f"{Errno(result.errno).name.lower()} but wrote {len(result.writes)}x")
        args = [_value(a, trace.results) for a in call.args]
        regions = _regions(call.function, args)
        for address, data in result.writes:
            if not _inside(address, len(data), regions):
                return finding(f"wrote {len(data)} bytes at {address:#x}, outside its out-regions")
        apply(image, result.writes)
        if result.errno != Errno.SUCCESS:
            continue
        written = {(a, len(d)) for a, d in result.writes}
        returned = result.returned(len(fn.results))
        for j, (offset, width, res) in enumerate(
                zip(fn.out_offsets, fn.out_widths, fn.results, strict=True)):
            address = args[offset] & U32
            if (address, width) not in written:
                return finding(f"success without writing out-value {res.name}")
            value = int.from_bytes(image[address : address + width], "little")
            if result.outs[j] != value:
                return finding(f"out-value {res.name} reads back as {result.outs[j]}, not {value}")
            if res.type is ResultType.HANDLE:
                if j >= len(returned):
                    return finding(f"success without writing out-value {res.name}")
                handle = returned[j]
                if handle in live:
                    return finding(f"returned handle {handle:#x}, which is still live")
                live.add(handle)
        if fn.name in _CLOSERS or fn.name == "array_output_pull":
            # a successful pull may have consumed (and so closed) the output
            live.discard(args[0] & U32)
    if bytes(image) != trace.memory:
        first = next(i for i, (a, b) in enumerate(zip(image, trace.memory, strict=True)) if a != b)
        return Finding(Oracle.INVARIANTS, None, None, backend,
                       f"guest memory changed at {first:#x} outside any logged write")
    return None


def check(program: Program, traces: dict[str, Trace]) -> list[Finding]:
    return [f for trace in traces.values() if (f := check_trace(program, trace)) is not None]
