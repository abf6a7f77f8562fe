"""Several backends in one guest run: each call decoded once, then run on every host in step.

The first host (the leader) serves the guest: its answers and writes are what the guest sees.
Every other host (a follower) runs the same method on the same decoded arguments against its
own handle tables, entropy and backend; its writes are only recorded.  As long as a follower
answers exactly like the leader (errno, out-values, bytes written) and holds as many live
handles, its state and memory are the same as in a run of its own, so the leader's trace
stands for it.

At its first different answer (an algorithm one side lacks, a library that refuses what
another accepts) a follower *departs*: it is left out for the rest of the run, and its
:class:`Departure` is kept.  Up to that call it was the leader's twin, so the caller can
continue it from there, in a run of its own (harness.runner.Resume), instead of running it
again from the start.  At any exception the lockstep is *broken*: the caller runs each
backend on its own, so a crash is attributed to its backend.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import NamedTuple

from harness.abi import Function
from harness.dispatch import SUCCESS, Call, Entry
from harness.errors import CryptoError
from harness.host import Host
from harness.memory import RawMemory


class RecordingMemory:
    """A follower's view of guest memory: reads the leader's, keeps its own writes to itself."""

    def __init__(self, leader: RawMemory) -> None:
        self.leader = leader

    def size(self) -> int:
        return self.leader.size()

    def read(self, ptr: int, length: int) -> bytes:
        return self.leader.read(ptr, length)

    def write(self, ptr: int, data: bytes) -> None:
        pass  # logged by the follower's GuestMemory; compared, never applied


class Departure(NamedTuple):
    """A follower's first answer unlike the leader's (errno, a byte it wrote, or the handles
    left live)."""

    call: int  # the call's index in the program
    errno: int
    first_write: int  # the index, in its memory's log, of the call's first write


class Lockstep:
    def __init__(self, hosts: Sequence[Host]) -> None:
        self.hosts = list(hosts)
        self.broken = False
        self.departed: dict[Host, Departure] = {}
        self.followers_used = True  # whether a follower answered a call since the last reset
        # A run continued from a departure starts with the call its hosts answered already:
        # the guest gets that answer again, and no host runs the call twice.
        self.replay: int | None = None

    def reset(self) -> None:
        self.broken = False
        self.departed = {}
        self.followers_used = False
        self.replay = None

    def entry(self, fn: Function) -> Entry:
        """The guest's entry for ``fn``: prepared once, completed on every host, compared.

        Only the leader logs its calls (its trace is the one kept); a follower's writes (out-
        values included: every host runs the same dispatch code) are logged by its memory, to
        be compared with the leader's."""
        leader, followers = self.hosts[0], self.hosts[1:]
        call = Call(fn)
        name = fn.name

        def entry(*args: int) -> int:
            if self.replay is not None:
                errno, self.replay = self.replay, None
                return errno
            memory = leader.memory
            mark = len(memory.writes)
            leader.calls.append((name, mark))
            try:
                values, targets = call.prepare(args, memory, leader.revision)
            except CryptoError as error:  # preparing is the same code for every host
                return int(error.errno)
            contacts = leader.backend_contacts
            errno = call.complete(leader, values, targets)
            if errno != SUCCESS and leader.backend_contacts == contacts:
                # Failed before reaching the backend, changing nothing: the same code would
                # fail the same way on every follower.
                return errno
            writes = memory.writes[mark:]
            live = len(leader.handles)
            index = len(leader.calls) - 1
            self.followers_used = True
            for host in followers:
                if self.broken:
                    break
                if host in self.departed:
                    continue
                log = host.memory.writes
                start = len(log)
                try:
                    answer = call.complete(host, values, targets)
                except Exception:
                    self.broken = True
                    break
                # The same answer can leave other state: a pull of the same bytes drains
                # one side's shorter output only (its handle closes); the live count shows it.
                if answer != errno or log[start:] != writes or len(host.handles) != live:
                    self.departed[host] = Departure(index, answer, start)
            return errno

        return entry
