"""Typed handle tables.

A handle number is ``(kind << 24) | counter``: the kind lives in the number, and counters only
grow, so a closed handle is told apart from a never-issued one without remembering it, and a
handle of one kind can never be mistaken for another.  Live handles are bounded; closed ones
cost nothing.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from harness.abi import Errno, HandleKind
from harness.errors import CryptoError

DEFAULT_HANDLE_LIMIT = 1024
_COUNTER_BITS = 24
_COUNTER_MASK = (1 << _COUNTER_BITS) - 1


_FIRST = dict.fromkeys(HandleKind, 1)
_ARRAY_OUTPUT = int(HandleKind.ARRAY_OUTPUT)


class HandleTables:
    def __init__(self, limit: int = DEFAULT_HANDLE_LIMIT) -> None:
        self.limit = limit
        self._live: dict[int, Any] = {}
        self._next: dict[HandleKind, int] = _FIRST.copy()

    def __len__(self) -> int:
        return len(self._live)

    def live(self) -> dict[int, Any]:
        return dict(self._live)

    def copy(self, copy_output: Callable[[Any], Any]) -> HandleTables:
        """Independent tables in the same state.  Of the objects, only an array_output changes
        once made: ``copy_output`` copies one."""
        tables = HandleTables.__new__(HandleTables)
        tables.limit = self.limit
        tables._live = live = self._live.copy()
        for handle, obj in live.items():
            if handle >> _COUNTER_BITS == _ARRAY_OUTPUT:
                live[handle] = copy_output(obj)
        tables._next = self._next.copy()
        return tables

    def insert(self, kind: HandleKind, *objects: Any) -> tuple[int, ...]:
        """Register objects of one kind atomically: all get handles, or none does."""
        if len(self._live) + len(objects) > self.limit:
            raise CryptoError(Errno.TOO_MANY_HANDLES)
        if self._next[kind] + len(objects) > _COUNTER_MASK:
            raise CryptoError(Errno.TOO_MANY_HANDLES, "handle counter exhausted")
        handles = []
        for obj in objects:
            handle = (kind << _COUNTER_BITS) | self._next[kind]
            self._next[kind] += 1
            self._live[handle] = obj
            handles.append(handle)
        return tuple(handles)

    def get(self, kind: HandleKind, handle: int) -> Any:
        obj = self._live.get(handle) if handle >> _COUNTER_BITS == kind else None
        if obj is None:
            raise CryptoError(Errno.INVALID_HANDLE, "no such live handle")
        return obj

    def was_issued(self, kind: HandleKind, handle: int) -> bool:
        counter = handle & _COUNTER_MASK
        return handle >> _COUNTER_BITS == kind and 0 < counter < self._next[kind]

    def close(self, kind: HandleKind, handle: int) -> None:
        """Close a handle: ``closed`` if it was closed already, ``invalid_handle`` if never ours."""
        if handle >> _COUNTER_BITS == kind and handle in self._live:
            del self._live[handle]
            return
        if self.was_issued(kind, handle):
            raise CryptoError(Errno.CLOSED, f"{kind.name.lower()} {handle:#x}")
        raise CryptoError(Errno.INVALID_HANDLE, f"{kind.name.lower()} {handle:#x}")

    def discard(self, handle: int) -> None:
        """Drop a live handle whose object closes itself (a consumed array_output)."""
        del self._live[handle]
