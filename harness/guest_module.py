"""Any user guest that imports the three modules (and, if it likes, WASI preview1)."""

from __future__ import annotations

import re
from collections.abc import Sequence
from pathlib import Path

import wasmtime

from harness.abi import MODULES, Revision
from harness.entropy import Entropy
from harness.host import Host
from harness.memory import WasmtimeMemory
from harness.runtime import HostLinkage, engine
from impls.base import Backend

Value = int | float


class GuestError(Exception):
    """Something wrong with the user's module or invocation: reported in one line."""


class HostRaised(Exception):
    """An exception escaped the host or a backend during a guest's call: a finding, never
    the user's mistake, whatever its type (it is the ``__cause__``)."""


def _one_line(error: BaseException) -> str:
    """What went wrong, in one line: wasmtime lists the causes of a trap or an error last,
    numbered, under "Caused by:", after a backtrace."""
    lines = [line.strip() for line in str(error).strip().splitlines() if line.strip()]
    if not lines:
        return type(error).__name__
    if "Caused by:" not in lines:
        return lines[0]
    causes = lines[lines.index("Caused by:") + 1 :]
    return "; ".join(re.sub(r"^\d+:\s*", "", cause) for cause in causes) or lines[0]


_BITS = {"i32": 32, "i64": 64}


def load_module(path: Path) -> wasmtime.Module:
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise GuestError(f"{path}: no such file") from None
    except OSError as exc:
        raise GuestError(f"{path}: {exc.strerror}") from None
    if not data.startswith(b"\0asm"):
        try:
            data.decode("utf-8")
        except UnicodeDecodeError:
            raise GuestError(f"{path}: not a WebAssembly module (neither binary nor UTF-8 WAT"
                             " text)") from None
    try:
        return wasmtime.Module(engine(), data)  # binary, or WAT text
    except wasmtime.WasmtimeError as exc:
        raise GuestError(f"{path}: not a valid WebAssembly module: {_one_line(exc)}") from None


def _convert(text: str, valtype: wasmtime.ValType) -> Value:
    try:
        if valtype in (wasmtime.ValType.f32(), wasmtime.ValType.f64()):
            return float(text)
        if valtype in (wasmtime.ValType.i32(), wasmtime.ValType.i64()):
            value = int(text, 0)
            bits = _BITS[str(valtype)]
            # signed or unsigned: both name the same bits
            if not -(1 << (bits - 1)) <= value < 1 << bits:
                raise GuestError(f"argument {text!r} is out of range for {valtype}")
            return value
    except ValueError:
        raise GuestError(f"argument {text!r} is not an {valtype}") from None
    raise GuestError(f"parameters of type {valtype} are not supported")


class GuestInstance:
    def __init__(self, module: wasmtime.Module, backend: Backend, *, revision: Revision,
                 entropy: Entropy) -> None:
        self.host = Host(backend, revision=revision, entropy=entropy)
        self.store = wasmtime.Store(engine())
        wasi = wasmtime.WasiConfig()
        wasi.inherit_stdout()
        wasi.inherit_stderr()
        self.store.set_wasi(wasi)
        linker = wasmtime.Linker(engine())
        linker.define_wasi()
        self.linkage = HostLinkage(linker, self.host)
        uses_crypto = any(i.module in MODULES for i in module.imports)
        memory_export = next((e for e in module.exports if e.name == "memory"), None)
        if uses_crypto and not isinstance(memory_export and memory_export.type,
                                          wasmtime.MemoryType):
            raise GuestError("the module imports WASI-crypto but exports no memory named 'memory'")
        try:
            self.instance = linker.instantiate(self.store, module)
        except wasmtime.Trap as exc:
            self._raise_host_exception()
            raise GuestError(f"trap during instantiation: {_one_line(exc)}") from None
        except wasmtime.WasmtimeError as exc:
            raise GuestError(f"cannot instantiate: {_one_line(exc)}") from None
        if uses_crypto:
            memory = self.instance.exports(self.store)["memory"]
            assert isinstance(memory, wasmtime.Memory)
            self.host.bind(WasmtimeMemory(self.store, memory))

    def invoke(self, name: str, args: Sequence[str]) -> list[Value]:
        exports = self.instance.exports(self.store)
        func = exports.get(name)
        if not isinstance(func, wasmtime.Func):
            functions = sorted(n for n, e in exports.items() if isinstance(e, wasmtime.Func))
            raise GuestError(f"no exported function {name!r} (exported: {', '.join(functions)})")
        ty = func.type(self.store)
        if len(args) != len(ty.params):
            raise GuestError(f"{name} takes {len(ty.params)} arguments, got {len(args)}")
        values = [_convert(a, t) for a, t in zip(args, ty.params, strict=True)]
        try:
            result = func(self.store, *values)
        except wasmtime.ExitTrap:
            raise
        except (wasmtime.Trap, wasmtime.WasmtimeError) as exc:
            self._raise_host_exception()  # a finding, not a trap
            raise GuestError(f"trap: {_one_line(exc)}") from None
        if result is None:
            return []
        return list(result) if isinstance(result, list) else [result]

    def _raise_host_exception(self) -> None:
        try:
            self.linkage.raise_pending()
        except Exception as exc:
            raise HostRaised(f"{type(exc).__name__} escaped the host or a backend") from exc
