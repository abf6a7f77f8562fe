"""Guest memory, reached only through one bounds-checked accessor.

``GuestMemory`` treats every pointer and length as an unsigned 32-bit guest value and checks the
whole region (``ptr + len`` computed without wrapping) before touching a byte; a region that
leaves memory raises ``CryptoError(GUEST_ERROR)`` and nothing is read or written.
"""

from __future__ import annotations

import ctypes
from typing import Protocol

import wasmtime

from harness.abi import Errno
from harness.errors import CryptoError

U32 = 0xFFFF_FFFF


class RawMemory(Protocol):
    """Unchecked linear memory: what a runtime (or a test) provides."""

    def size(self) -> int: ...
    def read(self, ptr: int, length: int) -> bytes: ...
    def write(self, ptr: int, data: bytes) -> None: ...


class BytearrayMemory:
    """Linear memory backed by a bytearray: for tests and for replay without a runtime."""

    def __init__(self, size: int) -> None:
        self.data = bytearray(size)

    def size(self) -> int:
        return len(self.data)

    def read(self, ptr: int, length: int) -> bytes:
        return bytes(self.data[ptr : ptr + length])

    def write(self, ptr: int, data: bytes) -> None:
        self.data[ptr : ptr + len(data)] = data


class WasmtimeMemory:
    """A wasmtime ``Memory``.

    Its own last line of defence: an access outside memory raises ``IndexError`` (a host bug,
    surfaced as a finding) instead of touching the process's memory.  A memory that cannot
    grow keeps its base address and size, so it is mapped once, as a memoryview (slicing one
    costs a fraction of a ctypes call); one that can grow is mapped again at each access.
    """

    def __init__(self, store: wasmtime.Store, memory: wasmtime.Memory) -> None:
        self._store = store
        self._memory = memory
        limits = memory.type(store).limits
        self._fixed = limits.max is not None and limits.max == limits.min
        self._view = self._mapped()

    def _mapped(self) -> memoryview:
        size = self._memory.data_len(self._store)
        address = ctypes.addressof(self._memory.data_ptr(self._store).contents)
        return memoryview((ctypes.c_ubyte * size).from_address(address)).cast("B")

    def size(self) -> int:
        return len(self._view) if self._fixed else self._memory.data_len(self._store)

    def _region(self, ptr: int, length: int) -> memoryview:
        view = self._view if self._fixed else self._mapped()
        if ptr < 0 or length < 0 or ptr + length > len(view):
            raise IndexError(f"unchecked access {ptr:#x}+{length:#x} outside guest memory")
        return view

    def read(self, ptr: int, length: int) -> bytes:
        return self._region(ptr, length)[ptr : ptr + length].tobytes()

    def write(self, ptr: int, data: bytes) -> None:
        self._region(ptr, len(data))[ptr : ptr + len(data)] = data


class GuestMemory:
    """The bounds-checked accessor every host function goes through.

    Every write is also appended to :attr:`writes`, so oracles can tell what each call touched.
    """

    def __init__(self, raw: RawMemory) -> None:
        self.raw = raw
        self.writes: list[tuple[int, bytes]] = []

    def check(self, ptr: int, length: int) -> tuple[int, int]:
        """Normalise (ptr, len) to unsigned 32-bit and require the region to lie in memory."""
        ptr &= U32
        length &= U32
        if ptr + length > self.raw.size():
            raise CryptoError(Errno.GUEST_ERROR, f"region {ptr:#x}+{length:#x} out of bounds")
        return ptr, length

    def read(self, ptr: int, length: int) -> bytes:
        ptr, length = self.check(ptr, length)
        return self.raw.read(ptr, length)

    def write(self, ptr: int, data: bytes) -> None:
        ptr, _ = self.check(ptr, len(data))
        self.raw.write(ptr, data)
        self.writes.append((ptr, bytes(data)))

    def read_u32(self, ptr: int) -> int:
        return int.from_bytes(self.read(ptr, 4), "little")

    def read_string(self, ptr: int, length: int) -> str:
        try:
            return self.read(ptr, length).decode("utf-8")
        except UnicodeDecodeError as exc:
            raise CryptoError(Errno.GUEST_ERROR, "invalid UTF-8") from exc
