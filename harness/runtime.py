"""wasmtime plumbing: one engine, the host's functions on a linker, memory binding."""

from __future__ import annotations

import functools

import wasmtime

from harness.abi import FUNCTIONS, CoreType
from harness.dispatch import make_entry
from harness.host import Host

_VALTYPES = {CoreType.I32: wasmtime.ValType.i32(), CoreType.I64: wasmtime.ValType.i64()}


@functools.cache
def engine() -> wasmtime.Engine:
    config = wasmtime.Config()
    config.wasm_multi_memory = True  # the program guest keeps its records apart from `memory`
    return wasmtime.Engine(config)


def define_host(linker: wasmtime.Linker, host: Host) -> None:
    """Every function of the ABI table, served by ``host``."""
    for fn in FUNCTIONS.values():
        ty = wasmtime.FuncType([_VALTYPES[c] for c in fn.core_params], [_VALTYPES[CoreType.I32]])
        linker.define_func(fn.module, fn.name, ty, make_entry(host, fn))
