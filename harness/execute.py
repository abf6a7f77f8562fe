"""Runs one program on every backend and applies every oracle.

In as few guest runs as the backends allow: a backend whose algorithms the program cannot
name is left out (harness.nameable); the others share one lockstep run while they answer
alike, and those that depart from it are continued from the call where they did, those that
answered it alike together, in another (harness.lockstep).  Traces that one run served are
identical, and are judged once.  A program that starts with a set-up shared by many (a fuzz
target's) continues the state that set-up left, made once (harness.setup_state).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from typing import NamedTuple

from harness.abi import Revision
from harness.divergences import known
from harness.findings import Finding, Oracle, merged
from harness.handles import DEFAULT_HANDLE_LIMIT
from harness.nameable import Names
from harness.oracles import differential, invariants, model
from harness.program import EncodedProgram, Program, encode_program
from harness.runner import ProgramRunner, Resume, Trace
from harness.setup_state import SetUpState, made
from impls import load_all
from impls.base import Backend


@dataclass
class Outcome:
    program: Program
    traces: dict[str, Trace]
    findings: list[Finding] = field(default_factory=list)  # failing
    known: list[Finding] = field(default_factory=list)  # matched a known divergence
    # a backend that raised: its answers to the calls before, run again on their own
    crashed: dict[str, Trace] = field(default_factory=dict)
    continued: bool = False  # the run continued the state its set-up left (made once)


Group = frozenset[str]  # backends whose traces are identical (one run served them all)


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
        self.seed = seed
        self.share_backend_free_runs = share_backend_free_runs
        self.handle_limit = handle_limit
        self.use_lockstep = lockstep
        self.runners = [
            ProgramRunner(b, revision=revision, seed=seed, handle_limit=handle_limit)
            for b in (backends if backends is not None else load_all())
        ]
        # the declared capability table, as the differential oracle reads it
        self.capabilities = {r.backend.name: frozenset(r.backend.algorithms)
                             for r in self.runners}
        self._names = Names(frozenset().union(*self.capabilities.values()))
        # one lockstep runner per group of backends that has needed one (made when first used)
        self._locksteps: dict[tuple[str, ...], ProgramRunner] = {}
        # what each set-up left on each group of backends, None where it cannot be continued;
        # by the set-up's identity (it is kept alive here)
        self._set_ups: dict[tuple[int, tuple[str, ...]],
                            tuple[EncodedProgram, _SetUp | None]] = {}

    def run(self, program: Program, set_up: EncodedProgram | None = None) -> Outcome:
        """Run ``program`` on every backend that declares an algorithm it can name (the
        capability table: a backend whose algorithms the program cannot name has nothing to
        compare; see harness.nameable), or on every backend if none does, and judge it.

        ``set_up``: calls ``program`` starts with, shared by many programs (pass the same
        object each time); its state is made once, and ``program`` continues it where it can."""
        encoded = encode_program(program, set_up)
        named = self._names.nameable(program, encoded.image, encoded.span)
        names = [n for n, declared in self.capabilities.items() if declared & named] or list(
            self.capabilities)
        done = self._set_up(set_up, tuple(names)) if set_up is not None else None
        if done is not None and not done.state.fits(encoded):
            done = None
        traces, crashes, groups, resumed = self._run_group(encoded, names,
                                                           done.state.resume if done else None)
        if not crashes:
            outcome = self._judge(program, traces, groups, done)
            outcome.continued = done is not None and resumed
            return outcome
        before = {c.backends[0]: t for c in crashes if (t := self._before(program, c))}
        excused: list[Finding] = []  # known library bugs, after a run above reproach
        unexcused: list[Finding] = []
        for crash in crashes:
            known_crash, doubts = self._known_crash(program, traces, crash, before)
            (excused if known_crash else unexcused).append(known_crash or crash)
            unexcused += doubts  # what the backend did wrong before it raised
        # The backends that did not raise are judged as usual, and the crashes that are
        # findings, with what their backends did wrong before, join theirs: one finding per
        # problem, in call order, so the earliest problem leads (a host bug before a known
        # library crash is what the input shows first).
        outcome = self._judge(program, traces, groups, done) if traces else Outcome(program, {})
        outcome.findings = sorted(merged(outcome.findings + unexcused), key=lambda f: (
            len(program.calls) if f.call is None else f.call))
        outcome.known += excused
        outcome.crashed = before
        outcome.continued = done is not None and resumed and not before  # ran from the start
        return outcome

    def _before(self, program: Program, crash: Finding) -> Trace | None:
        """What the backend that raised answered to the calls before, run on their own."""
        if crash.call is None or len(crash.backends) != 1:
            return None
        runner = next(r for r in self.runners if r.backend.name == crash.backends[0])
        try:
            return runner.run(Program(program.segments, program.calls[: crash.call]))
        except Exception:
            return None

    def _known_crash(self, program: Program, traces: dict[str, Trace], crash: Finding,
                     before: dict[str, Trace]) -> tuple[Finding | None, list[Finding]]:
        """The crash, marked as the known divergence it is, or None; and what makes the run
        of the backend that raised open to doubt before it (then the crash is never excused:
        excusing it must not hide that)."""
        name = crash.backends[0]
        own = before.get(name)
        if own is None or crash.call is None:
            return None, []
        doubts = self._doubts(Program(program.segments, program.calls[: crash.call]), traces,
                              name, own)
        if doubts:
            return None, doubts
        seen = differential.crash_context(program, {**traces, name: own}, name, crash.call,
                                          {name: crash.detail}, self.revision)
        divergence = known(*seen)
        return (None if divergence is None else replace(crash, divergence=divergence.name)), []

    def _doubts(self, prefix: Program, traces: dict[str, Trace], name: str,
                own: Trace) -> list[Finding]:
        """What is wrong with backend ``name``'s run of ``prefix`` (``own``), as findings: its
        first answer unlike another backend's to the very same call, but for known
        divergences (:func:`harness.oracles.differential.unlike_answer`), and what the other
        oracles find in it.  None: it is above reproach."""
        unlike = differential.unlike_finding(prefix, traces, name, own, self.capabilities,
                                             self.revision, f"before {name} raised")
        judged = self._judge(prefix, {name: own}, [frozenset({name})])
        # its answer is the one in question, whatever a majority would blame
        return [*([replace(unlike, backends=(name,))] if unlike else []), *judged.findings]

    def _set_up(self, set_up: EncodedProgram, names: tuple[str, ...]) -> _SetUp | None:
        """What ``set_up`` leaves on these backends, if it is above reproach: every backend
        answered alike, every call succeeded, and no oracle finds anything in it.  Made once
        (a lockstep run serves them all, so continuing it needs lockstep runs)."""
        key = (id(set_up), names)
        if key not in self._set_ups:
            self._set_ups[key] = (set_up, self._make_set_up(set_up, names))
        return self._set_ups[key][1]

    def forget_set_ups(self) -> None:
        """Make every set-up's state again when next needed: after the code it ran changed
        (a planted bug applied or removed, a test's monkeypatch)."""
        self._set_ups.clear()

    def _make_set_up(self, set_up: EncodedProgram, names: tuple[str, ...]) -> _SetUp | None:
        if not self.use_lockstep:
            return None
        backends = [r.backend for r in self.runners if r.backend.name in names]
        made_ = made(backends, set_up, revision=self.revision, seed=self.seed,
                     handle_limit=self.handle_limit)
        if made_ is None:
            return None
        state, trace = made_
        # judged as any run is, keeping each oracle's state: none may find anything, not even
        # a known divergence
        memory = invariants.judged(set_up.program, trace)
        if memory is None or differential.check(
                set_up.program, {n: _renamed(trace, n) for n in names}, self.capabilities,
                same=True, revision=self.revision):
            return None
        models = {}
        for name in names:  # each backend's model knows the algorithms it declares
            judged = model.judged(set_up.program, trace, revision=self.revision,
                                  handle_limit=self.handle_limit,
                                  algorithms=self.capabilities[name])
            if judged is None:
                return None
            models[name] = judged
        return _SetUp(state, models, memory)

    def _run_group(self, encoded: EncodedProgram, names: list[str],
                   resume: Resume | None = None
                   ) -> tuple[dict[str, Trace], list[Finding], list[Group], bool]:
        """Every named backend's trace, in as few guest runs as they allow: one lockstep run
        while they agree; those that depart from it (a different answer) are continued from
        there, those that answered alike together, in another (``resume``).  Returns the
        traces, any crashes, the groups of backends whose traces are identical, and whether
        no backend ran again from the start (after an exception, every one does)."""
        if resume is None and (len(names) < 2 or not self.use_lockstep):
            return *self._independently(encoded, names), True
        runner = self._lockstep(names)
        try:
            leader = runner.run(encoded, resume)
            departures = runner.departures()
        except Exception:
            return *self._independently(encoded, names), False  # attributes the crash
        if not runner.in_step:
            return *self._independently(encoded, names), False  # a follower raised
        departed = {n for group, _ in departures for n in group}
        stayed = [n for n in names if n not in departed]
        traces = {n: _renamed(leader, n) for n in stayed}
        groups = [frozenset(stayed)]
        found: list[Finding] = []
        resumed = True
        for group, continued in departures:  # every group, even after one crashed
            own, crashes, more, went_on = self._run_group(encoded, group, continued)
            traces.update(own)
            groups += more
            found += crashes
            resumed = resumed and went_on
        return traces, found, groups, resumed

    def _lockstep(self, names: list[str]) -> ProgramRunner:
        """The runner serving these backends in lockstep (see harness.lockstep), the first
        one leading."""
        key = tuple(names)
        if key not in self._locksteps:
            backends = [r.backend for r in self.runners if r.backend.name in names]
            self._locksteps[key] = ProgramRunner(
                backends[0], revision=self.revision, seed=self.seed,
                handle_limit=self.handle_limit, followers=backends[1:], lockstep=True)
        return self._locksteps[key]

    def _independently(self, encoded: EncodedProgram, names: list[str]
                       ) -> tuple[dict[str, Trace], list[Finding], list[Group]]:
        """Each named backend on its own; crashes are findings of the crash oracle."""
        traces: dict[str, Trace] = {}
        crashes: list[Finding] = []
        reached_backend = True
        for runner in self.runners:
            if runner.backend.name not in names:
                continue
            first = next(iter(traces.values()), None)
            if first is not None and self.share_backend_free_runs and not reached_backend:
                # The first run never reached backend code: the host is the same code for every
                # backend up to that point, so this backend's trace is that one.
                traces[runner.backend.name] = _renamed(first, runner.backend.name)
                continue
            try:
                traces[runner.backend.name] = runner.run(encoded)
            except Exception as exc:  # the crash oracle: anything escaping host or backend
                crashes.append(_crash(runner, exc))
            reached_backend = runner.host.backend_used
        return traces, crashes, [frozenset({n}) for n in traces]

    def _judge(self, program: Program, traces: dict[str, Trace], groups: list[Group],
               set_up: _SetUp | None = None) -> Outcome:
        """``groups``: a partition of the traces' backends into groups of identical traces;
        ``set_up``: what the set-up ``program`` starts with left (a trace whose first results
        are the set-up's is judged from there)."""
        same = len(groups) == 1 or differential.identical(traces)
        if same:
            groups = [frozenset(traces)]
        found = differential.check(program, traces, self.capabilities, same=same,
                                   revision=self.revision)
        # Identical traces get identical verdicts: judge one of each group and name them all.
        judges = {min(group): group for group in groups}
        judged = {n: traces[n] for n in judges}
        done = () if set_up is None else set_up.state.resume.parsed  # the set-up's results
        after = [] if set_up is None else [n for n, t in judged.items() if n in set_up.models
                                            and t.results[: len(done)] == done]
        state = model.check(program, judged, revision=self.revision,
                            handle_limit=self.handle_limit, capabilities=self.capabilities,
                            after={n: set_up.models[n] for n in after} if set_up else None)
        state += invariants.check(program, judged, dict.fromkeys(after, set_up.memory)
                                  if set_up else None)
        state = [replace(f, backends=tuple(sorted(
            {b for n in f.backends for b in judges.get(n, (n,))}))) for f in state]
        return self._outcome(program, traces, found + state)

    @staticmethod
    def _outcome(program: Program, traces: dict[str, Trace], found: list[Finding]) -> Outcome:
        outcome = Outcome(program, traces)
        for finding in found:
            (outcome.known if finding.divergence else outcome.findings).append(finding)
        return outcome

class _SetUp(NamedTuple):
    """A set-up's state (harness.setup_state), and what judging it left: the model's state
    for each backend (each knows its own algorithms), the invariants oracle's."""

    state: SetUpState
    models: dict[str, model.Judged]
    memory: invariants.Judged


def _renamed(trace: Trace, backend: str) -> Trace:
    """The same trace, as another backend's."""
    return Trace(backend, trace.results, trace.initial, trace.memory)


def _crash(runner: ProgramRunner, exc: Exception) -> Finding:
    calls = runner.host.calls
    function = calls[-1][0] if calls else None
    call = len(calls) - 1 if calls else None
    message = str(exc).splitlines()[0] if str(exc) else ""
    kind = type(exc)
    name = kind.__name__ if kind.__module__ == "builtins" else f"{kind.__module__}.{kind.__name__}"
    return Finding(Oracle.CRASH, call, function, (runner.backend.name,),
                   f"{name}: {message}"[:200])
