"""wasmtime plumbing: one engine, the host's functions on a linker, and a cheap call path.

wasmtime-py's public ``Linker.define_func``/``Func.__call__`` convert every value through
``Val`` objects (about 9 us per guest->host call and 18 us per Python->wasm call here).  The
host is registered through wasmtime's *unchecked* C API instead, reading raw i32/i64 slots,
which costs well under a microsecond.  A Python exception raised by the host or a backend
becomes a trap that stops the guest, and is re-raised to whoever called into wasm.
"""

from __future__ import annotations

import ctypes
import functools
import struct
from collections.abc import Callable
from typing import Any

import wasmtime
from wasmtime import _ffi as ffi

from harness.abi import FUNCTIONS, CoreType, Function
from harness.dispatch import Entry, make_entry
from harness.host import Host

_VALTYPES = {CoreType.I32: wasmtime.ValType.i32(), CoreType.I64: wasmtime.ValType.i64()}
_NO_FINALIZER = ctypes.CFUNCTYPE(None, ctypes.c_void_p)()  # a NULL function pointer
# wasmtime's unchecked host callback, with its pointers as plain addresses (cheaper to read)
_UNCHECKED_CALLBACK = ctypes.CFUNCTYPE(
    ctypes.c_void_p, ctypes.c_void_p, ctypes.c_void_p, ctypes.c_void_p, ctypes.c_size_t)
_SLOT_SIZE = ctypes.sizeof(ffi.wasmtime_val_raw_t)
_Errno = ctypes.c_int32  # the result slot: the errno, an i32


@functools.cache
def engine() -> wasmtime.Engine:
    config = wasmtime.Config()
    config.wasm_multi_memory = True  # the program guest keeps its records apart from `memory`
    return wasmtime.Engine(config)


def _entry_for(host: Host, fn: Function) -> Entry:
    return make_entry(host, fn)


class HostLinkage:
    """The host's functions on a linker; holds the exception a call raised, if any."""

    def __init__(self, linker: wasmtime.Linker, host: Host | Callable[[Function], Entry]) -> None:
        """``host``: the host to serve, or what makes each function's entry."""
        self.pending: BaseException | None = None
        self._callbacks: list[Any] = []  # keep the C callbacks alive
        entry_for = host if callable(host) else functools.partial(_entry_for, host)
        for fn in FUNCTIONS.values():
            ty = wasmtime.FuncType(
                [_VALTYPES[c] for c in fn.core_params], [_VALTYPES[CoreType.I32]]
            )
            callback = self._callback(entry_for(fn), fn.core_params)
            module, name = fn.module.encode(), fn.name.encode()
            error = ffi.wasmtime_linker_define_func_unchecked(
                linker.ptr(), module, len(module), name, len(name), ty.ptr(),
                ctypes.cast(callback, ffi.wasmtime_func_unchecked_callback_t), None,
                _NO_FINALIZER,
            )
            if error:
                raise wasmtime.WasmtimeError._from_ptr(error)
            self._callbacks.append(callback)

    def _callback(
        self, entry: Callable[..., int], core: tuple[CoreType, ...]
    ) -> Any:  # a ctypes function pointer
        # The slots are 16-byte unions; one unpack reads every argument (i32 or i64) at once.
        slots_of = struct.Struct("<" + "".join("q8x" if c is CoreType.I64 else "i12x"
                                               for c in core)).unpack_from
        # the slots as a buffer in place (no copy, and cheaper than a ctypes call)
        slots_at = (ctypes.c_char * (_SLOT_SIZE * len(core))).from_address

        @_UNCHECKED_CALLBACK  # type: ignore[untyped-decorator]
        def callback(env: int | None, caller: int | None, slots: int, n: int) -> int:
            try:
                _Errno.from_address(slots).value = entry(*slots_of(slots_at(slots)))
                return 0
            except BaseException as exc:  # re-raised by raise_pending
                self.pending = exc
                message = f"host exception: {type(exc).__name__}".encode()
                trap = ffi.wasmtime_trap_new(message, len(message))
                return ctypes.cast(trap, ctypes.c_void_p).value or 0

        return callback

    def raise_pending(self) -> None:
        if self.pending is not None:
            exc, self.pending = self.pending, None
            raise exc


class FastCall:
    """Calls an exported ``(i32, i32) -> i32`` function without wasmtime-py's conversions."""

    def __init__(self, store: wasmtime.Store, func: wasmtime.Func, linkage: HostLinkage) -> None:
        self._store = store
        self._func = func._func
        self._linkage = linkage
        self._slots = (ffi.wasmtime_val_raw_t * 2)()
        self._trap = ctypes.POINTER(ffi.wasm_trap_t)()

    def __call__(self, first: int, second: int) -> int:
        self._slots[0].i32 = first
        self._slots[1].i32 = second
        error = ffi.wasmtime_func_call_unchecked(
            self._store._context(), ctypes.byref(self._func), self._slots, 2,
            ctypes.byref(self._trap),
        )
        if self._trap:
            trap = wasmtime.Trap._from_ptr(self._trap)
            self._trap = ctypes.POINTER(ffi.wasm_trap_t)()
            self._linkage.raise_pending()
            raise trap
        if error:
            self._linkage.raise_pending()
            raise wasmtime.WasmtimeError._from_ptr(error)
        return int(self._slots[0].i32)
