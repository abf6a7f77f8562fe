"""Runs one program on every backend and applies every oracle."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, replace

from harness.abi import Revision
from harness.findings import Finding, Oracle
from harness.handles import DEFAULT_HANDLE_LIMIT
from harness.oracles import differential, invariants, model
from harness.program import EncodedProgram, Program, encode_program
from harness.runner import ProgramRunner, Trace
from impls import load_all
from impls.base import Backend


@dataclass
class Outcome:
    program: Program
    traces: dict[str, Trace]
    findings: list[Finding] = field(default_factory=list)  # failing
    known: list[Finding] = field(default_factory=list)  # matched a known divergence


class Executor:
    def __init__(
        self,
        backends: Sequence[Backend] | None = None,
        *,
        revision: Revision = Revision.JAN2022,
        seed: bytes = b"",
        handle_limit: int = DEFAULT_HANDLE_LIMIT,
        share_backend_free_runs: bool = True,
        lockstep: bool = True,
    ) -> None:
        self.revision = revision
        self.share_backend_free_runs = share_backend_free_runs
        self.handle_limit = handle_limit
        self._reached_backend = True
        self.runners = [
            ProgramRunner(b, revision=revision, seed=seed, handle_limit=handle_limit)
            for b in (backends if backends is not None else load_all())
        ]
        # the declared capability table, as the differential oracle reads it
        self.capabilities = {r.backend.name: frozenset(r.backend.algorithms)
                             for r in self.runners}
        # every backend in one guest run while they agree (see harness.lockstep)
        self.lockstep = ProgramRunner(
            self.runners[0].backend, revision=revision, seed=seed, handle_limit=handle_limit,
            followers=[r.backend for r in self.runners[1:]],
        ) if lockstep and len(self.runners) > 1 else None

    def run(self, program: Program) -> Outcome:
        encoded = encode_program(program)
        in_step = self._in_lockstep(encoded)
        if in_step is not None:
            traces, departed = in_step
            if not departed:
                return self._judge(program, traces, same=True)
            own, crashes = self._independently(encoded, departed)
            if crashes:
                return self._outcome(program, {**traces, **own}, crashes)
            return self._judge(program, {**traces, **own}, same=False,
                               shared=frozenset(traces))
        traces, crashes = self._independently(encoded)
        if crashes:
            return self._outcome(program, traces, crashes)
        return self._judge(program, traces, same=differential.identical(traces))

    def _in_lockstep(self, encoded: EncodedProgram) -> tuple[dict[str, Trace], list[str]] | None:
        """The traces of the backends that kept in step in one lockstep run, and the names of
        those that departed from it; None if the lockstep broke."""
        if self.lockstep is None:
            return None
        try:
            leader = self.lockstep.run(encoded)
        except Exception:
            return None  # re-run independently, where the crash is attributed
        if not self.lockstep.in_step:
            return None  # a difference: judge complete, independent traces
        departed = self.lockstep.departed
        return {r.backend.name: _renamed(leader, r.backend.name) for r in self.runners
                if r.backend.name not in departed}, departed

    def _independently(self, encoded: EncodedProgram, only: list[str] | None = None
                       ) -> tuple[dict[str, Trace], list[Finding]]:
        """Every backend (or those named) on its own; crashes are findings of the crash
        oracle."""
        traces: dict[str, Trace] = {}
        crashes: list[Finding] = []
        for runner in self.runners:
            if only is not None and runner.backend.name not in only:
                continue
            first = next(iter(traces.values()), None)
            if first is not None and self.share_backend_free_runs and not self._reached_backend:
                # The first run never reached backend code: the host is the same code for every
                # backend up to that point, so this backend's trace is that one.
                traces[runner.backend.name] = _renamed(first, runner.backend.name)
                continue
            try:
                traces[runner.backend.name] = runner.run(encoded)
            except Exception as exc:  # the crash oracle: anything escaping host or backend
                crashes.append(_crash(runner, exc))
            self._reached_backend = runner.host.backend_used
        return traces, crashes

    def _judge(self, program: Program, traces: dict[str, Trace], *, same: bool,
               shared: frozenset[str] = frozenset()) -> Outcome:
        """``same``: every trace is identical; ``shared``: the backends whose traces are."""
        found = differential.check(program, traces, self.capabilities, same=same,
                                   revision=self.revision)
        group = frozenset(traces) if same else shared
        # Identical traces get identical verdicts: judge one of them and name them all.
        judged = {n: t for n, t in traces.items() if n not in group or n == min(group)}
        state = model.check(program, judged, revision=self.revision,
                            handle_limit=self.handle_limit, capabilities=self.capabilities)
        state += invariants.check(program, judged)
        state = [replace(f, backends=tuple(sorted(group))) if group and min(group) in f.backends
                 else f for f in state]
        return self._outcome(program, traces, found + state)

    @staticmethod
    def _outcome(program: Program, traces: dict[str, Trace], found: list[Finding]) -> Outcome:
        outcome = Outcome(program, traces)
        for finding in found:
            (outcome.known if finding.divergence else outcome.findings).append(finding)
        return outcome


def _renamed(trace: Trace, backend: str) -> Trace:
    """The same trace, as another backend's (``dataclasses.replace`` costs several times
    more, on the path of every input)."""
    return Trace(backend, trace.results, trace.initial, trace.memory)


def _crash(runner: ProgramRunner, exc: Exception) -> Finding:
    calls = runner.host.calls
    function = calls[-1][0] if calls else None
    call = len(calls) - 1 if calls else None
    message = str(exc).splitlines()[0] if str(exc) else ""
    return Finding(Oracle.CRASH, call, function, (runner.backend.name,),
                   f"{type(exc).__name__}: {message}"[:200])
