"""The state a set-up leaves, made once and continued by every program that starts with it.

A focused fuzz target's inputs all start with the same calls (a key pair generated on every
backend, then taken apart), so each input would repeat the same key generation.  Instead the
set-up runs once, and its state (each host's handles and entropy stream, the memory writes and
the guest's result records) is where every input's run starts.

A program continues that state only when its own run would have reached exactly it: it starts
with the same calls, and its memory image holds the same bytes wherever the set-up's calls read
or wrote (they see nothing else: :func:`made` logs their reads, and a success writes every
out-value the guest then reads).  The state is taken only from a set-up above reproach (every
backend in step, every call a success, judged clean by the caller); otherwise every program
runs from its start, so a problem in the set-up is reported with each input as before.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import NamedTuple

from harness.abi import Revision
from harness.lockstep import RecordingMemory
from harness.memory import RawMemory
from harness.program import Call, EncodedProgram
from harness.runner import ProgramRunner, Resume, Trace
from impls.base import Backend


class SetUpState(NamedTuple):
    calls: tuple[Call, ...]
    # every region the set-up's calls read or wrote, with the bytes its image holds there
    seen: tuple[tuple[int, bytes], ...]
    resume: Resume  # hosts standing after the set-up, in the order of the backends given

    def fits(self, encoded: EncodedProgram) -> bool:
        """Whether ``encoded``'s run would reach this state after its first calls."""
        image = encoded.image
        return encoded.program.calls[: len(self.calls)] == self.calls and all(
            image[address : address + len(data)] == data for address, data in self.seen)


class _ReadLog:
    """Guest memory that remembers every region read through it."""

    def __init__(self, raw: RawMemory) -> None:
        self.raw = raw
        self.reads: list[tuple[int, int]] = []

    def size(self) -> int:
        return self.raw.size()

    def read(self, ptr: int, length: int) -> bytes:
        self.reads.append((ptr, length))
        return self.raw.read(ptr, length)

    def write(self, ptr: int, data: bytes) -> None:
        self.raw.write(ptr, data)


def made(backends: Sequence[Backend], set_up: EncodedProgram, *, revision: Revision,
         seed: bytes, handle_limit: int) -> tuple[SetUpState, Trace] | None:
    """``set_up`` run once on ``backends`` in lockstep: the state it leaves, and the trace
    every backend had (for the caller to judge); None when the backends did not all answer
    alike, a call failed or anything raised."""
    runner = ProgramRunner(backends[0], revision=revision, seed=seed, handle_limit=handle_limit,
                           followers=backends[1:], lockstep=True)
    log = _ReadLog(runner.data)
    runner.host.bind(log)
    for follower in runner.followers:
        follower.bind(RecordingMemory(log))
    try:
        trace = runner.run(set_up)
    except Exception:  # reported when a program runs it from its start
        return None
    if not runner.in_step or runner.departures() or any(r.errno for r in trace.results):
        return None
    regions = [*log.reads, *((address, len(data)) for address, data in runner.host.memory.writes)]
    seen = tuple(sorted({(a, set_up.image[a : a + n]) for a, n in regions}))
    hosts = (runner.host, *runner.followers)  # never run again: continued through copies
    resume = Resume(len(trace.results), None, hosts, list(runner.host.calls),
                    list(runner.host.memory.writes), runner.results, trace.results)
    return SetUpState(set_up.program.calls, seen, resume), trace
