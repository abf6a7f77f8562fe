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

from collections.abc import Mapping
from dataclasses import dataclass
from typing import NamedTuple

from harness.abi import FUNCTIONS, Errno, Function, OutBufferParam, ResultType
from harness.findings import Finding, Oracle
from harness.oracles.memory_image import applied
from harness.program import Call, OutRef, Program
from harness.runner import CallResult, Trace, Write

U32 = 0xFFFF_FFFF
_CLOSERS = {"options_close", "keypair_close", "publickey_close", "secretkey_close"}


@dataclass(frozen=True)
class _Plan:
    """What the oracle needs of one function, derived once from the ABI table."""

    buffers: tuple[int, ...]  # core-argument index of each output buffer's pointer
    outs: tuple[tuple[int, int, str, bool], ...]  # out-pointer index, width, name, is a handle
    closes: bool  # a success may close its first argument's handle


def _plan(fn: Function) -> _Plan:
    return _Plan(
        tuple(k for param, k in zip(fn.params, fn.param_offsets, strict=True)
              if isinstance(param.type, OutBufferParam)),
        tuple((offset, width, res.name, res.type is ResultType.HANDLE) for offset, width, res
              in zip(fn.out_offsets, fn.out_widths, fn.results, strict=True)),
        fn.name in _CLOSERS or fn.name == "array_output_pull",
    )


_PLANS = {name: _plan(fn) for name, fn in FUNCTIONS.items()}
_DEFINED = frozenset(Errno._value2member_map_)
_SUCCESS = Errno.SUCCESS.value


def _outside(writes: tuple[Write, ...], regions: list[tuple[int, int]]) -> Write | None:
    """The first write that lies in none of the regions."""
    for address, data in writes:
        end = address + len(data)
        for start, size in regions:
            if start <= address and end <= start + size:
                break
        else:
            return address, data
    return None


def _problem(call: Call, result: CallResult, results: tuple[CallResult, ...],
             image: bytes | bytearray, live: set[int]) -> str | None:
    """What is wrong with one call that wrote something or succeeded (``image``: memory after
    it; ``live``: the handles live before it, updated)."""
    errno, writes = result.errno, result.writes
    if errno not in _DEFINED:
        return f"undefined errno {errno}"
    if errno != _SUCCESS:
        return f"{Errno(errno).name.lower()} but wrote {len(writes)}x"
    plan = _PLANS[call.function]
    args = [(results[a.call].outs[a.index] or 0) if isinstance(a, OutRef) else a
            for a in call.args]
    regions = [(args[k] & U32, args[k + 1] & U32) for k in plan.buffers]
    regions += [(args[offset] & U32, width) for offset, width, _, _ in plan.outs]
    stray = _outside(writes, regions)
    if stray is not None:
        return f"wrote {len(stray[1])} bytes at {stray[0]:#x}, outside its out-regions"
    written = {(a, len(d)) for a, d in writes}
    for j, (offset, width, name, is_handle) in enumerate(plan.outs):
        address = args[offset] & U32
        if (address, width) not in written:
            return f"success without writing out-value {name}"
        value = int.from_bytes(image[address : address + width], "little")
        if result.outs[j] != value:
            return f"out-value {name} reads back as {result.outs[j]}, not {value}"
        if is_handle:
            returned = result.returned(len(plan.outs))
            if j >= len(returned):
                return f"success without writing out-value {name}"
            if returned[j] in live:
                return f"returned handle {returned[j]:#x}, which is still live"
            live.add(returned[j])
    if plan.closes:
        # a successful pull may have consumed (and so closed) the output
        live.discard(args[0] & U32)
    return None


class Judged(NamedTuple):
    """The handles live after the first ``calls`` calls of a trace, in which this oracle found
    nothing (a fuzz target's set-up, judged once for every input that starts with it)."""

    calls: int
    live: frozenset[int]


def check_trace(program: Program, trace: Trace, after: Judged | None = None) -> Finding | None:
    """What breaks an invariant first in ``trace``; ``after``: its first calls' state."""
    return _walk(program, trace, after)[0]


def judged(program: Program, trace: Trace) -> Judged | None:
    """The state after the whole of ``trace``, or None when this oracle finds something."""
    finding, live = _walk(program, trace, None)
    return Judged(len(trace.results), frozenset(live)) if finding is None else None


def _walk(program: Program, trace: Trace, after: Judged | None
          ) -> tuple[Finding | None, set[int]]:
    live = set() if after is None else set(after.live)
    image: bytes | bytearray = trace.initial  # copied on its first write
    results = trace.results
    start = 0 if after is None else after.calls
    for result in results[:start]:
        image = applied(image, result.writes)  # what the judged calls wrote
    for index in range(start, len(results)):
        call, result = program.calls[index], results[index]
        # A failure that wrote nothing has nothing to check (the commonest call).
        if result.errno != _SUCCESS and result.errno in _DEFINED and not result.writes:
            continue
        if result.errno == _SUCCESS:
            image = applied(image, result.writes)  # the out-values are read back from it
        problem = _problem(call, result, results, image, live)
        if problem is not None:
            return Finding(Oracle.INVARIANTS, index, call.function, (trace.backend,),
                           problem), live
    if image != trace.memory:
        first = next(i for i, (a, b) in enumerate(zip(image, trace.memory, strict=True)) if a != b)
        return Finding(Oracle.INVARIANTS, None, None, (trace.backend,),
                       f"guest memory changed at {first:#x} outside any logged write"), live
    return None, live


def check(program: Program, traces: dict[str, Trace],
          after: Mapping[str, Judged] | None = None) -> list[Finding]:
    """``after``: the state the first calls of a backend's trace left, where they were
    judged already."""
    return [f for trace in traces.values() if (f := check_trace(
        program, trace, after.get(trace.backend) if after else None)) is not None]
