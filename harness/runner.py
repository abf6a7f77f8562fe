"""Runs programs inside the program-running guest, one Python->wasm call per program."""

from __future__ import annotations

import functools
import struct
from collections.abc import Sequence
from typing import NamedTuple

import wasmtime

from harness import layout
from harness.abi import FUNCTIONS, MAX_RESULTS, Revision
from harness.entropy import SeededEntropy
from harness.guest_wat import guest_wat
from harness.handles import DEFAULT_HANDLE_LIMIT
from harness.host import Host
from harness.lockstep import Lockstep, RecordingMemory
from harness.memory import WasmtimeMemory
from harness.program import EncodedProgram, Program, encode_program
from harness.runtime import FastCall, HostLinkage, engine
from impls.base import Backend

Write = tuple[int, bytes]  # (guest address, bytes written)


class CallResult(NamedTuple):  # tuples: made for every call of every run
    errno: int
    outs: tuple[int | None, ...]  # what the guest read at each out-pointer (None: outside memory)
    writes: tuple[Write, ...]  # every write the host made to guest memory during the call

    def returned(self, count: int) -> tuple[int, ...]:
        """The ``count`` out-values the host wrote on success, in order: its last writes.
        They differ from ``outs`` when out-pointers alias (the guest reads the last one)."""
        return tuple([int.from_bytes(data, "little") for _, data in self.writes[-count:]]) if (
            count and len(self.writes) >= count) else ()


class Trace(NamedTuple):
    backend: str
    results: tuple[CallResult, ...]
    initial: bytes  # the host-visible memory the run started from
    memory: bytes  # the host-visible memory after the run


class Resume(NamedTuple):
    """How a run continues hosts that departed from a lockstep at call ``call``: they had
    answered every call before like the leader, and that one in their own way.  Or, with no
    ``errno``, hosts that answered every call before ``call`` (a program's set-up, run once
    for every program that starts with it: see harness.setup)."""

    call: int
    errno: int | None  # their answer to it (the guest is given it again), or None
    hosts: tuple[Host, ...]  # in their state after it, in the order of the runner's backends
    calls: list[tuple[str, int]]  # the call log up to it, included
    writes: list[Write]  # every write a run of their own would have made until then
    results: bytes  # the guest's result records of the calls before it
    parsed: tuple[CallResult, ...] = ()  # the first of those calls' results, if known already


_RESULT = struct.Struct(f"<iI{MAX_RESULTS}Q")
assert _RESULT.size == layout.RESULT_SIZE
_N_OUTS = {name: len(fn.results) for name, fn in FUNCTIONS.items()}
_ALL_READ = [(1 << n) - 1 for n in range(MAX_RESULTS + 1)]  # the mask when every out is read


@functools.cache
def guest_module() -> wasmtime.Module:
    return wasmtime.Module(engine(), guest_wat())


class ProgramRunner:
    """One guest instance serving one backend; every run starts from a clean state."""

    def __init__(
        self,
        backend: Backend,
        *,
        revision: Revision = Revision.JAN2022,
        seed: bytes = b"",
        handle_limit: int = DEFAULT_HANDLE_LIMIT,
        followers: Sequence[Backend] = (),
        lockstep: bool = False,
    ) -> None:
        """``followers``: backends run in lockstep with ``backend`` (see harness.lockstep);
        ``lockstep``: serve the guest through a lockstep even without followers (a run of a
        lockstep can be continued: see :class:`Resume`)."""
        self.seed = seed
        self.host = Host(backend, revision=revision, handle_limit=handle_limit)
        self.followers = [Host(b, revision=revision, handle_limit=handle_limit)
                          for b in followers]
        self.lockstep = Lockstep([self.host, *self.followers]) if (
            followers or lockstep) else None
        self._results = b""  # the last run's result records
        self.store = wasmtime.Store(engine())
        linker = wasmtime.Linker(engine())
        self.linkage = HostLinkage(linker, self.lockstep.entry if self.lockstep else self.host)
        instance = linker.instantiate(self.store, guest_module())
        exports = instance.exports(self.store)
        data, program, run = exports["memory"], exports["program"], exports["run"]
        assert isinstance(data, wasmtime.Memory) and isinstance(program, wasmtime.Memory)
        assert isinstance(run, wasmtime.Func)
        self.data = WasmtimeMemory(self.store, data)
        self.program = WasmtimeMemory(self.store, program)
        self._run = FastCall(self.store, run, self.linkage)
        self.host.bind(self.data)
        for follower in self.followers:
            follower.bind(RecordingMemory(self.data))

    @property
    def backend(self) -> Backend:
        return self.host.backend

    @property
    def results(self) -> bytes:
        """The guest's result records of the last run."""
        return self._results

    @property
    def in_step(self) -> bool:
        """After a run: whether every follower that stayed answered every call exactly like
        the leader."""
        return self.lockstep is None or not self.lockstep.broken

    def departures(self) -> list[tuple[list[str], Resume]]:
        """After a run: the followers that departed from it, grouped by their answer (same
        call, same errno and writes), each group with how to continue it."""
        if self.lockstep is None:
            return []
        groups: dict[tuple[int, int, tuple[Write, ...]], list[Host]] = {}
        for host, d in self.lockstep.departed.items():
            own = tuple(host.memory.writes[d.first_write:])
            groups.setdefault((d.call, d.errno, own), []).append(host)
        continued = []
        for (call, errno, own), hosts in groups.items():
            # the leader's writes until that call stand for theirs (they wrote alike)
            writes = [*self.host.memory.writes[: self.host.calls[call][1]], *own]
            continued.append(([h.backend.name for h in hosts], Resume(
                call, errno, tuple(hosts), self.host.calls[: call + 1], writes,
                self._results[: call * layout.RESULT_SIZE])))
        return continued

    def run(self, program: Program | EncodedProgram, resume: Resume | None = None) -> Trace:
        """Run ``program`` from a clean state, or continue hosts (``resume``: from
        :meth:`departures` of another runner, or a set-up's state, whose backends these are,
        in order; the hosts it holds are copied, never changed)."""
        encoded = program if isinstance(program, EncodedProgram) else encode_program(program)
        program = encoded.program
        if resume is None:
            self._reset()
        else:
            self._adopt(resume)
        self.data.write(0, encoded.image)
        self.program.write(layout.CALLS_BASE, encoded.records)
        start = 0
        if resume is not None:
            for address, data in resume.writes:
                self.data.write(address, data)
            self.program.write(layout.RESULTS_BASE, resume.results)
            start = resume.call
        count = len(program.calls)
        executed = self._run(start, count)
        assert executed == count
        raw = self._results = self.program.read(layout.RESULTS_BASE,
                                                count * layout.RESULT_SIZE)
        writes = self.host.memory.writes
        ends = [mark for _, mark in self.host.calls[1:]] + [len(writes)] if count else []
        known = () if resume is None else resume.parsed  # a set-up's: parsed once
        first = len(known)
        results = list(known)
        start = ends[first - 1] if first else 0
        for call, end, (errno, mask, *values) in zip(
                program.calls[first:], ends[first:],
                _RESULT.iter_unpack(raw[first * layout.RESULT_SIZE:]), strict=True):
            n_outs = _N_OUTS[call.function]
            outs = tuple(values[:n_outs]) if mask == _ALL_READ[n_outs] else tuple(
                values[j] if mask >> j & 1 else None for j in range(n_outs))
            results.append(CallResult(errno, outs, tuple(writes[start:end])))
            start = end
        return Trace(self.backend.name, tuple(results), encoded.image,
                     self.data.read(0, self.data.size()))

    def _reset(self) -> None:
        self.host.reset(SeededEntropy(self.seed))
        if self.lockstep is not None:
            if self.lockstep.followers_used:  # else they are as clean as their last reset
                for host in self.followers:
                    host.reset(SeededEntropy(self.seed))
            self.lockstep.reset()

    def _adopt(self, resume: Resume) -> None:
        assert self.lockstep is not None
        self.lockstep.reset()
        for mine, theirs in zip(self.lockstep.hosts, resume.hosts, strict=True):
            assert mine.backend is theirs.backend
            mine.adopt(theirs, resume.calls, resume.writes)
        self.lockstep.followers_used = True  # the next run from scratch must reset them
        self.lockstep.replay = resume.errno
