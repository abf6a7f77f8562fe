"""The bounds-checked accessor: every region either lies in memory or is a guest error."""

from __future__ import annotations

import pytest
import wasmtime
from hypothesis import given
from hypothesis import strategies as st

from harness.abi import Errno
from harness.errors import CryptoError
from harness.memory import BytearrayMemory, GuestMemory, WasmtimeMemory
from harness.runtime import engine

SIZE = 4096
u32 = st.integers(min_value=0, max_value=2**32 - 1)
signed32 = st.integers(min_value=-(2**31), max_value=2**31 - 1)


def _memory() -> GuestMemory:
    raw = BytearrayMemory(SIZE)
    raw.data[:] = bytes(i % 251 for i in range(SIZE))
    return GuestMemory(raw)


@given(ptr=st.one_of(u32, signed32), length=st.one_of(u32, signed32))
def test_read_is_in_bounds_or_guest_error(ptr: int, length: int) -> None:
    memory = _memory()
    p, n = ptr & 0xFFFFFFFF, length & 0xFFFFFFFF
    if p + n <= SIZE:
        assert memory.read(ptr, length) == bytes(memory.raw.read(p, n))
    else:
        with pytest.raises(CryptoError) as info:
            memory.read(ptr, length)
        assert info.value.errno is Errno.GUEST_ERROR


@given(ptr=st.one_of(u32, signed32), data=st.binary(max_size=64))
def test_write_is_whole_or_nothing(ptr: int, data: bytes) -> None:
    memory = _memory()
    before = bytes(memory.raw.read(0, SIZE))
    p = ptr & 0xFFFFFFFF
    if p + len(data) <= SIZE:
        memory.write(ptr, data)
        after = memory.raw.read(0, SIZE)
        assert after[p : p + len(data)] == data
        assert after[:p] == before[:p] and after[p + len(data) :] == before[p + len(data) :]
    else:
        with pytest.raises(CryptoError):
            memory.write(ptr, data)
        assert memory.raw.read(0, SIZE) == before


def test_wrapping_regions_are_rejected() -> None:
    memory = _memory()
    for ptr, length in [(0xFFFFFFFF, 1), (1, 0xFFFFFFFF), (0x80000000, 0x80000000),
                        (SIZE, 1), (SIZE + 1, 0)]:
        with pytest.raises(CryptoError):
            memory.check(ptr, length)
    assert memory.check(SIZE, 0) == (SIZE, 0)  # the empty region at the very end is inside


def test_strings_must_be_utf8() -> None:
    memory = _memory()
    memory.write(0, "\uff3825519".encode())
    assert memory.read_string(0, len("\uff3825519".encode())) == "\uff3825519"
    memory.write(0, b"\xff\xfe")
    with pytest.raises(CryptoError):
        memory.read_string(0, 2)


@pytest.mark.parametrize("maximum", [1, None], ids=["fixed", "growable"])
def test_wasmtime_memory_is_its_own_last_line_of_defence(maximum: int | None) -> None:
    """An unchecked access outside a wasmtime memory raises instead of touching anything
    else (a fixed memory is mapped once: slicing its view would silently truncate), and a
    growable memory's accesses follow its growth."""
    store = wasmtime.Store(engine())
    memory = wasmtime.Memory(store, wasmtime.MemoryType(wasmtime.Limits(1, maximum)))
    raw = WasmtimeMemory(store, memory)
    page = 65536
    assert raw.size() == page
    raw.write(page - 3, b"abc")
    assert raw.read(page - 4, 4) == b"\x00abc"
    assert raw.read(page, 0) == b""
    for ptr, length in [(page - 2, 3), (page, 1), (-1, 2), (0, page + 1)]:
        with pytest.raises(IndexError):
            raw.read(ptr, length)
        with pytest.raises(IndexError):
            raw.write(ptr, bytes(length))
    with pytest.raises(IndexError):
        raw.read(0, -1)
    assert raw.read(page - 3, 3) == b"abc"  # the refused writes wrote nothing
    if maximum is None:
        memory.grow(store, 1)
        assert raw.size() == 2 * page
        raw.write(2 * page - 1, b"z")
        assert raw.read(page - 3, page + 3)[-1:] == b"z"
