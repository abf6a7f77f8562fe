"""Programs: plain data for a whole sequence of calls, and their encoding for the guest.

A program is the bytes to place in guest memory first, then calls.  Each argument of a call is
any integer (forged handles, wild pointers and lengths included; it is truncated to the
parameter's core width by the guest) or an :class:`OutRef` to an out-value of an earlier call.
Arguments are the *core* arguments of :attr:`harness.abi.Function.core_params`, out-pointers
included: the program decides where the host writes.
"""

from __future__ import annotations

import struct
from dataclasses import dataclass, field
from typing import NamedTuple

from harness import layout
from harness.abi import FUNCTION_IDS, FUNCTIONS, MAX_ARITY

U64 = 0xFFFF_FFFF_FFFF_FFFF


class ProgramError(ValueError):
    """A program that cannot be encoded: a user's mistake, reported in one line."""


@dataclass(frozen=True)
class OutRef:
    """Out-value ``index`` of call number ``call`` (as the guest read it after that call)."""

    call: int
    index: int = 0


Arg = int | OutRef


class Call(NamedTuple):  # tuples: programs are built by the thousand per second
    function: str
    args: tuple[Arg, ...]


class Segment(NamedTuple):
    address: int
    data: bytes


@dataclass(frozen=True)
class Program:
    segments: tuple[Segment, ...] = ()
    calls: tuple[Call, ...] = ()


_RECORD_HEADER = struct.Struct("<II")
_SLOT = struct.Struct("<IIQ")
_UNUSED = [bytes(_SLOT.size * (MAX_ARITY - n)) for n in range(MAX_ARITY + 1)]
_IMMEDIATE = [_SLOT.pack(layout.TAG_IMMEDIATE, 0, v) for v in range(256)]  # the commonest
assert _RECORD_HEADER.size + MAX_ARITY * _SLOT.size == layout.CALL_SIZE


def encode_calls(program: Program, start: int = 0) -> bytes:
    """The call records for the guest's ``program`` memory, from call ``start`` on."""
    if len(program.calls) > layout.MAX_CALLS:
        raise ProgramError(f"{len(program.calls)} calls; at most {layout.MAX_CALLS}")
    parts: list[bytes] = []
    calls = program.calls
    for index in range(start, len(calls)):
        call = calls[index]
        fn = FUNCTIONS.get(call.function)
        if fn is None:
            raise ProgramError(f"call {index}: unknown function {call.function!r}")
        if len(call.args) != len(fn.core_params):
            raise ProgramError(
                f"call {index}: {fn.name} takes {fn.arity} core arguments, got {len(call.args)}"
            )
        parts.append(_RECORD_HEADER.pack(FUNCTION_IDS[fn.name], 0))
        for arg in call.args:
            if isinstance(arg, OutRef):
                parts.append(_SLOT.pack(layout.TAG_REFERENCE, 0, _reference(program, index, arg)))
            elif 0 <= arg < 256:
                parts.append(_IMMEDIATE[arg])
            else:
                parts.append(_SLOT.pack(layout.TAG_IMMEDIATE, 0, arg & U64))
        parts.append(_UNUSED[len(call.args)])
    return b"".join(parts)


def _reference(program: Program, index: int, ref: OutRef) -> int:
    if not 0 <= ref.call < index:
        raise ProgramError(f"call {index}: reference to call {ref.call} is not earlier")
    earlier = FUNCTIONS[program.calls[ref.call].function]
    if not 0 <= ref.index < len(earlier.results):
        raise ProgramError(f"call {index}: {earlier.name} has no out-value {ref.index}")
    return layout.out_value_address(ref.call, ref.index)


@dataclass(frozen=True)
class EncodedProgram:
    """A program ready to run: its call records and the memory image it starts from."""

    program: Program
    records: bytes
    image: bytes
    span: tuple[int, int]  # the addresses the segments cover: [low, high)


def encode_program(program: Program, prefix: EncodedProgram | None = None) -> EncodedProgram:
    """Encode once; every backend's run (and every oracle) shares the result.  ``prefix``: an
    encoded program ``program`` may start with (a fuzz target's set-up): if its calls are the
    first ones, their records are reused."""
    records = None
    if prefix is not None:
        first = len(prefix.program.calls)
        if program.calls[:first] == prefix.program.calls:
            records = prefix.records + encode_calls(program, first)
    return EncodedProgram(program, encode_calls(program) if records is None else records,
                          *_image(program.segments))


def _image(segments: tuple[Segment, ...]) -> tuple[bytes, tuple[int, int]]:
    """Guest memory with every segment in place (a later one wins where they overlap), and
    the addresses they cover."""
    parts: list[bytes | memoryview] = []
    end = 0
    for address, data in segments:
        if address < 0 or address + len(data) > layout.DATA_SIZE:
            raise ProgramError(
                f"segment at {address:#x} of {len(data)} bytes does not fit"
                f" in {layout.DATA_SIZE} bytes of guest memory"
            )
        if address < end:
            break  # overlapping or out of order: laid out one by one below
        parts += (_ZEROS[: address - end], data)
        end = address + len(data)
    else:  # the usual layout, in address order: joined at once
        parts.append(_ZEROS[: layout.DATA_SIZE - end])
        return b"".join(parts), (segments[0].address, end) if segments else (0, 0)
    image = bytearray(layout.DATA_SIZE)
    for address, data in segments:
        image[address : address + len(data)] = data
    return bytes(image), (min(s.address for s in segments),
                          max(s.address + len(s.data) for s in segments))


_ZEROS = memoryview(bytes(layout.DATA_SIZE))  # sliced without copying


@dataclass
class ProgramBuilder:
    """Writes programs by hand: lays data out from ``base`` and names calls' out-values."""

    base: int = 0x100
    scratch_size: int = 8
    _segments: list[Segment] = field(default_factory=list)
    _calls: list[Call] = field(default_factory=list)
    cursor: int = -1  # the first free address (``base`` until data is placed)

    def __post_init__(self) -> None:
        if self.cursor < 0:
            self.cursor = self.base

    def data(self, payload: bytes, align: int = 8) -> int:
        """Place ``payload`` in guest memory and return its address."""
        address = -(-self.cursor // align) * align
        payload = bytes(payload)
        self._segments.append(Segment(address, payload))
        self.cursor = address + len(payload)
        return address

    def place(self, address: int, payload: bytes) -> int:
        """Place ``payload`` at a fixed address (it may overlap other data; later wins)."""
        self._segments.append(Segment(address, bytes(payload)))
        return address

    def string(self, text: str) -> tuple[int, int]:
        encoded = text.encode()
        return self.data(encoded, 1), len(encoded)

    def scratch(self, size: int | None = None) -> int:
        """A zeroed region for out-values or pulled output."""
        return self.data(bytes(size if size is not None else self.scratch_size))

    def call(self, function: str, *args: Arg) -> int:
        """Append a call and return its index (use ``OutRef(index, k)`` for its out-values)."""
        self._calls.append(Call(function, tuple(args)))
        return len(self._calls) - 1

    def build(self) -> Program:
        return Program(tuple(self._segments), tuple(self._calls))

    def copy(self) -> ProgramBuilder:
        return ProgramBuilder(self.base, self.scratch_size, list(self._segments),
                              list(self._calls), self.cursor)
