"""Differential oracle: every backend's trace must agree, call by call.

Errnos, out-values (handle numbers and sizes) and every byte written to guest memory (derived
public keys, shared secrets, exports) are compared; with three or more backends the one that
differs from the majority is named.  Key generation and encapsulation draw their randomness
from the same seeded stream on every backend, so their outputs are compared like the rest.

Capabilities come from the one declared table (each backend's ``algorithms``): a backend that
answers ``unsupported_algorithm`` for an algorithm it does not declare, while another declares
it, is left out of the comparison from that call on; a backend answering it for an algorithm
it declares is a finding.  A backend named by a known divergence is left out of the
call-by-call comparison, but still compared on every later call it made alike with another
backend (:func:`unlike_answer`).  (Comparing a backend that lacked an algorithm the same way
would cost a sixth of key_import's and a fifth of abi_sequence's throughput, where most
inputs name an algorithm libsodium lacks.)
"""

from __future__ import annotations

import hashlib
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import replace

from harness.abi import (
    FUNCTIONS,
    OPT_OPTIONS_SIZE,
    OPT_SOME,
    EnumParam,
    Errno,
    HandleParam,
    InBufferParam,
    OptOptionsParam,
    ResultType,
    Revision,
    StringParam,
    decode_key_encoding,
    decode_keypair_encoding,
)
from harness.divergences import CallContext, Export, known
from harness.findings import Finding, Oracle
from harness.oracles.memory_image import apply
from harness.program import Call, OutRef, Program
from harness.runner import CallResult, Trace

Capabilities = Mapping[str, frozenset[str]]  # backend -> upper-case algorithm names
_KEY_EXCHANGE = 2
_UNSUPPORTED = Errno.UNSUPPORTED_ALGORITHM
_FULL_OR_MADE = {Errno.TOO_MANY_HANDLES, Errno.SUCCESS}


def _describe(result: CallResult, shown: int | None = None) -> str:
    """A call's answer: the errno, and on success the out-values and every byte written (the
    first ``shown`` bytes in hex, then their count and a digest, when it is shortened)."""
    if result.errno != Errno.SUCCESS:
        return Errno(result.errno).name.lower() if 0 <= result.errno <= 30 else str(result.errno)
    written = b"".join(data for _, data in result.writes)
    text = written.hex() if shown is None or len(written) <= shown else (
        f"{written[:shown].hex()}...({len(written)} bytes,"
        f" sha256 {hashlib.sha256(written).hexdigest()[:12]})")
    return f"success outs={list(result.outs)} wrote={text}"


def _difference(results: Mapping[str, CallResult]) -> str:
    """Every backend's answer, shortened, for a finding's detail."""
    return " vs ".join(f"{n}={_describe(results[n], 48)}" for n in sorted(results))


def _blame(views: Mapping[str, str]) -> tuple[str, ...]:
    counts = Counter(views.values())
    if len(views) >= 3 and len(counts) == 2:
        majority, _ = counts.most_common(1)[0]
        return tuple(sorted(b for b, v in views.items() if v != majority))
    return tuple(sorted(views))


class _Memory:
    """Guest memory as one trace saw it before each call, rebuilt only as far as asked."""

    def __init__(self, trace: Trace) -> None:
        self.trace = trace
        self.image: bytearray | None = None
        self.upto = 0

    def before(self, index: int) -> bytearray:
        if self.image is None:
            self.image = bytearray(self.trace.initial)
        for result in self.trace.results[self.upto : index]:
            apply(self.image, result.writes)
        self.upto = index
        return self.image


def _args(call: Call, trace: Trace) -> list[int]:
    """The call's core arguments as the guest passed them in ``trace`` (an out-value it
    refers to, as the guest read it)."""
    return [(trace.results[a.call].outs[a.index] or 0) if isinstance(a, OutRef) else a
            for a in call.args]


def algorithm_named(program: Program, trace: Trace, index: int,
                    memory: _Memory | None = None) -> str | None:
    """The key-exchange algorithm name call ``index`` passes, as the guest memory held it."""
    call = program.calls[index]
    fn = FUNCTIONS[call.function]
    strings = [k for p, k in zip(fn.params, fn.param_offsets, strict=True)
               if isinstance(p.type, StringParam)]
    if not strings or fn.params[0].name != "algorithm_type":
        return None
    args = _args(call, trace)
    if args[0] & 0xFFFF_FFFF != _KEY_EXCHANGE:
        return None
    image = (memory or _Memory(trace)).before(index)
    ptr, length = args[strings[0]] & 0xFFFF_FFFF, args[strings[0] + 1] & 0xFFFF_FFFF
    if ptr + length > len(image):
        return None
    try:
        name = bytes(image[ptr : ptr + length]).decode()
    except UnicodeDecodeError:
        return None
    return name.upper() if name.isascii() else None


def _refusals(program: Program, trace: Trace, capabilities: Capabilities,
              backends: list[str]) -> list[Finding]:
    """With identical traces: a refusal of a declared algorithm is the only thing to find."""
    memory = _Memory(trace)
    for index, result in enumerate(trace.results):
        if result.errno != _UNSUPPORTED:
            continue
        algorithm = algorithm_named(program, trace, index, memory)
        declared = [n for n in backends if algorithm in capabilities.get(n, frozenset())]
        if algorithm is not None and declared:
            return [Finding(Oracle.DIFFERENTIAL, index, program.calls[index].function,
                            tuple(declared),
                            f"declares {algorithm} but answered unsupported_algorithm")]
    return []


def identical(traces: Mapping[str, Trace]) -> bool:
    """Whether every backend's trace is the same, call for call and byte for byte."""
    values = list(traces.values())
    return all(t.results == values[0].results and t.memory == values[0].memory
               for t in values[1:])


def _pulled(program: Program, traces: Mapping[str, Trace], output: OutRef,
            backends: Iterable[str]) -> dict[str, bytes]:
    """Every byte each backend pulled from ``output`` (an earlier call's out-value) in the
    whole run: the buffers of its successful pulls, in order."""
    pulls = [j for j, call in enumerate(program.calls)
             if call.function == "array_output_pull" and call.args[0] == output]
    return {b: b"".join(r.writes[0][1] for r in (traces[b].results[j] for j in pulls)
                        if r.errno == Errno.SUCCESS and r.writes)
            for b in backends}


def _context(program: Program, traces: Mapping[str, Trace], leader: str, index: int,
             memory: _Memory, results: Mapping[str, CallResult],
             revision: Revision) -> CallContext:
    """Call ``index`` as the guest made it, read from the memory before it (every compared
    trace holds the same memory up to a first difference)."""
    trace = traces[leader]
    call = program.calls[index]
    encoding, data = _encoding_and_data(call, trace, memory.before(index), revision)
    algorithm = algorithm_named(program, trace, index, memory)
    export = _export(program, traces, leader, index, results, revision) if (
        call.function == "array_output_pull") else None
    return CallContext(call.function, algorithm, encoding, data, results, export)


def _encoding_and_data(call: Call, trace: Trace, image: bytearray, revision: Revision
                       ) -> tuple[str | None, bytes]:
    """The encoding a call passes ("raw", "pem", ...), if any, and its input buffer."""
    fn = FUNCTIONS[call.function]
    args = _args(call, trace)
    encoding: str | None = None
    data = b""
    for param, k in zip(fn.params, fn.param_offsets, strict=True):
        if param.type is EnumParam.KEYPAIR_ENCODING:
            pair = decode_keypair_encoding(args[k] & 0xFFFF_FFFF)
            encoding = None if pair is None else pair.value
        elif param.type in (EnumParam.PUBLICKEY_ENCODING, EnumParam.SECRETKEY_ENCODING):
            key = decode_key_encoding(args[k] & 0xFFFF_FFFF, revision)
            encoding = None if key is None else key.value
        elif isinstance(param.type, InBufferParam) and not data:
            ptr, length = args[k] & 0xFFFF_FFFF, args[k + 1] & 0xFFFF_FFFF
            data = bytes(image[ptr : ptr + length]) if ptr + length <= len(image) else b""
    return encoding, data


def _export(program: Program, traces: Mapping[str, Trace], leader: str, index: int,
            results: Mapping[str, CallResult], revision: Revision) -> Export | None:
    """The export pull ``index`` reads from: the output of a ``publickey_export`` that
    succeeded on every compared backend, named by its out-value."""
    output = program.calls[index].args[0]
    if not isinstance(output, OutRef):
        return None
    made = program.calls[output.call]
    if made.function != "publickey_export" or any(
            traces[b].results[output.call].errno != Errno.SUCCESS for b in results):
        return None
    trace = traces[leader]
    args = _args(made, trace)
    encoding = decode_key_encoding(args[1] & 0xFFFF_FFFF, revision)
    key = made.args[0]
    imported = None  # the exported key's import, when it was one every backend made
    if isinstance(key, OutRef) and program.calls[key.call].function == "publickey_import" and (
            all(traces[b].results[key.call].errno == Errno.SUCCESS for b in results)):
        imported = _encoding_and_data(program.calls[key.call], trace,
                                      _Memory(trace).before(key.call), revision)
    return Export(_key_algorithm(program, trace, output.call),
                  None if encoding is None else encoding.value,
                  _pulled(program, traces, output, results), imported)


def _key_algorithm(program: Program, trace: Trace, index: int) -> str | None:
    """The algorithm of the key call ``index`` takes first: the name passed by the call that
    made it, traced back through calls that took it from another (a key pair's public key),
    every one of them successful."""
    while True:
        handles = [a for a in program.calls[index].args if isinstance(a, OutRef)]
        if not handles or handles[0].call >= index:
            return None
        index = handles[0].call
        if trace.results[index].errno != Errno.SUCCESS:
            return None
        name = algorithm_named(program, trace, index)
        if name is not None:
            return name


def crash_context(program: Program, traces: Mapping[str, Trace], leader: str, index: int,
                  crashed: Mapping[str, str], revision: Revision = Revision.JAN2022
                  ) -> tuple[dict[str, str], CallContext]:
    """Call ``index``, at which the ``crashed`` backends raised ("Type: message"), as every
    other backend answered it, read from the memory of ``leader`` (the run of a crashed one
    until then, or one whose calls before it they answered alike): each backend's view and
    the call's context, for :func:`harness.divergences.known`."""
    results = {n: t.results[index] for n, t in traces.items() if n not in crashed}
    context = _context(program, traces, leader, index, _Memory(traces[leader]), results,
                       revision)
    views = {n: _describe(r) for n, r in results.items()}
    views.update({n: f"raised {detail}" for n, detail in crashed.items()})
    return views, replace(context, crashed=crashed)


def unlike_answer(program: Program, traces: Mapping[str, Trace], name: str, own: Trace,
                  capabilities: Capabilities, revision: Revision = Revision.JAN2022
                  ) -> tuple[int, dict[str, CallResult]] | None:
    """The first call backend ``name``'s run of ``program`` (``own``) answers unlike the
    other ``traces`` that made the very same call, with their answers; None if there is
    none.

    The very same call takes the same argument values and the same bytes in what it reads.
    Its handles (the one in an ``opt_options`` struct too) name the same out-value of the
    same earlier call, which both runs answered alike, and were closed or pulled from by the
    same calls since.  A call that may draw from the seeded entropy stream also needs every
    earlier such call to have drawn alike: answered alike, or meeting the handle limit where
    the other run succeeded (the host draws before it checks the limit).

    Answers are compared but for the numbers of new handles (a known divergence that left
    one run a handle more shifts the numbers of the next).  Where those runs do not all
    answer alike, the difference must be a known divergence in which ``name`` differs or
    sides with the rest.  A call no other run made alike has nothing to be compared with:
    as in :func:`check`, only the model and invariants oracles judge it.  An algorithm a
    backend does not declare leaves it out of a call that names it, as :func:`check` does,
    and so does reaching the handle limit where the other created its handle.

    For excusing a known crash, and for :func:`check` to go on comparing a backend after a
    known divergence: every call another run made alike is compared, so a wrong answer
    after a known divergence is not missed; never less than :func:`check` compares in its
    pass over every backend (while it still compares two runs, they made every call
    alike)."""
    everyone = {**traces, name: own}
    memories = {n: _Memory(t) for n, t in everyone.items()}
    made: dict[str, dict[int, Maker]] = {n: {} for n in everyone}  # handle -> what made it
    # an object -> every later call that closed it or pulled from it
    changed: dict[str, dict[Maker, tuple[int, ...]]] = {n: {} for n in everyone}
    agreed: dict[str, set[int]] = {n: set() for n in traces}  # calls answered like ``own``
    draws: tuple[int, ...] = ()  # the calls so far that may have drawn from the stream
    drew: dict[str, set[int]] = {n: set() for n in traces}  # of those, drawn like ``own``

    def remember(index: int, call: Call, agreeing: list[str], drawing: list[str],
                 taken: Mapping[str, list[Object]]) -> None:
        """What call ``index`` leaves for later calls: the runs that answered it alike and
        drew alike (for a call that may draw), and in every run the handles it made and the
        objects it changed (``taken``: those each run's call took, if it closes or pulls)."""
        for n in agreeing:
            agreed[n].add(index)
        for n in drawing if call.function in _DRAWS else ():
            drew[n].add(index)
        changes = call.function in _CHANGES
        for n, trace in everyone.items() if changes or call.function in _MAKES else ():
            objects = taken.get(n, []) if changes else []
            _note(call, index, trace.results[index], objects, made[n], changed[n])

    # Until the first call some run answered otherwise, every run is ``own``'s twin: the same
    # state, nothing to compare, so only what later calls take is noted.
    differing = [i for i, r in enumerate(own.results)
                 if any(t.results[i] != r for t in traces.values())]
    if not differing:
        return None
    twins = differing[0]
    # (after the last call some run answered otherwise, there is nothing left to compare)
    for index, (call, result) in enumerate(zip(program.calls[: differing[-1] + 1],
                                               own.results, strict=False)):
        changes = call.function in _CHANGES
        if index >= twins and not changes and call.function not in _DRAWS and (
                result.errno != Errno.SUCCESS or call.function not in _MAKES) and all(
                t.results[index] == result for t in traces.values()):
            continue  # answered exactly alike, and nothing later can take what it left
        if index < twins:  # every run its twin: the same call, answered exactly alike
            objects = _inputs(call, own, made[name], changed[name],
                              memories[name].before(index))[1] if changes else []
            remember(index, call, list(traces), list(traces),
                     dict.fromkeys(everyone, objects))
            draws += (index,) if call.function in _DRAWS else ()
            continue
        mine, objects = _inputs(call, own, made[name], changed[name],
                                memories[name].before(index))
        makers = {c for (maker, _), history in objects for c in (maker, *history)}
        before = draws if call.function in _DRAWS else ()
        inputs = {n: _inputs(call, traces[n], made[n], changed[n], memories[n].before(index))
                  for n in traces if changes or agreed[n].issuperset(makers)}
        same = [n for n, (taken, _) in inputs.items() if taken == mine
                and agreed[n].issuperset(makers) and drew[n].issuperset(before)]
        alike = {n: traces[n].results[index] for n in same}
        algorithm = algorithm_named(program, own, index, memories[name]) if any(
            r.errno == _UNSUPPORTED for r in (result, *alike.values())) else None
        if algorithm is not None:  # (a call naming none is compared as any other)
            if result.errno == _UNSUPPORTED and algorithm not in capabilities.get(name, ()):
                alike = {}  # it lacks the algorithm: nothing to compare
            alike = {n: r for n, r in alike.items() if r.errno != _UNSUPPORTED
                     or algorithm in capabilities.get(n, ())}
        # Runs left with other numbers of live handles meet the limit at other calls (the
        # model checks each run's count).  The limit is checked once the backend has
        # accepted, so too_many_handles against success is agreement, against any other
        # answer a difference.
        alike = {n: r for n, r in alike.items() if {r.errno, result.errno} != _FULL_OR_MADE}
        if any(r.errno == Errno.SUCCESS for r in alike.values()):  # the same, among the others
            alike = {n: r for n, r in alike.items() if r.errno != Errno.TOO_MANY_HANDLES}
        # (with no run alike, nothing to compare it with: the model and invariants judge it)
        shape = _shape_of(call, result)
        shapes = {n: _shape_of(call, traces[n].results[index]) for n in same}
        if any(shapes[n] != shape for n in alike):
            # (the divergences see the answers as compared: handle numbers do not count)
            shaped = {**{n: shapes[n] for n in alike}, name: shape}
            views = {n: _describe(s) for n, s in shaped.items()}
            divergence = known(views, _context(program, everyone, name, index, memories[name],
                                               shaped, revision))
            if divergence is None:
                return index, {**alike, name: result}
        # Compared or not, the same call answered alike leaves both runs alike (a refusal
        # of an algorithm one lacks, for one, draws nothing in either); the host draws
        # before it checks the handle limit, so either answer drew.
        remember(index, call, [n for n in same if shapes[n] == shape],
                 [n for n in same if shapes[n] == shape
                  or {shapes[n].errno, result.errno} == _FULL_OR_MADE],
                 {name: objects, **{n: taken[1] for n, taken in inputs.items()}})
        draws += (index,) if call.function in _DRAWS else ()
    return None


def _note(call: Call, index: int, result: CallResult, objects: list[Object],
          made: dict[int, Maker], changed: dict[Maker, tuple[int, ...]]) -> None:
    """What call ``index`` left for later calls in one run: the handles it made, and the
    objects it changed (``objects``: those it took, when it closes or pulls)."""
    returns = _HANDLE_RESULTS[call.function]
    if result.errno == Errno.SUCCESS and any(returns):
        made.update((v, (index, j)) for j, (v, is_handle) in enumerate(
            zip(result.returned(len(returns)), returns, strict=False)) if is_handle)
    for maker, history in objects:
        changed[maker] = (*history, index)


def _shape_of(call: Call, result: CallResult) -> CallResult:
    """What ``result`` answered, whatever the numbering of handles and the memory around:
    the number of every handle it returns replaced by 0, and no out-values on an error (the
    guest then reads what its out-slots held before, which known divergences may have left
    different)."""
    returns = _HANDLE_RESULTS[call.function]
    if result.errno != Errno.SUCCESS:
        return CallResult(result.errno, (), result.writes)
    if not any(returns):
        return result
    first = len(result.writes) - len(returns)  # the out-values are its last writes
    writes = tuple((address, bytes(len(data)) if j >= first and returns[j - first] else data)
                   for j, (address, data) in enumerate(result.writes))
    outs = tuple(0 if j < len(returns) and returns[j] else v for j, v in enumerate(result.outs))
    return CallResult(result.errno, outs, writes)


Maker = tuple[int, int]  # the call that made an object, and which of its out-values it is
Object = tuple[Maker, tuple[int, ...]]  # what made it, and every call that changed it since


def _inputs(call: Call, trace: Trace, made: Mapping[int, Maker],
            changed: Mapping[Maker, tuple[int, ...]], image: bytearray
            ) -> tuple[tuple[object, ...], list[Object]]:
    """What the call takes in ``trace``: each core argument (a handle as the object it names,
    when a call made one), and the bytes of every region it reads; and those objects."""
    args = _args(call, trace)
    taken: list[object] = list(args)
    objects = []
    for k in _HANDLE_ARGS[call.function]:
        maker = made.get(args[k] & 0xFFFF_FFFF)
        if maker is not None:
            taken[k] = obj = (maker, changed.get(maker, ()))
            objects.append(obj)
    for k, size in _READS[call.function]:
        ptr = args[k] & 0xFFFF_FFFF
        length = args[k + 1] & 0xFFFF_FFFF if size is None else size
        read = bytes(image[ptr : ptr + length])
        # some(options): the handle in the struct, as the object it names
        maker = made.get(int.from_bytes(read[4:8], "little")) if (
            size == OPT_OPTIONS_SIZE and read[:1] == bytes([OPT_SOME])) else None
        if maker is None:
            taken.append(read)
        else:
            taken.append(obj := (maker, changed.get(maker, ())))
            objects.append(obj)
    return tuple(taken), objects


# For each function: the core arguments that are handles; the regions it reads (the core
# argument of the pointer, and the size, or None when the next argument is the length); and
# whether each result is a handle.
_HANDLE_ARGS = {name: tuple(k for p, k in zip(fn.params, fn.param_offsets, strict=True)
                            if isinstance(p.type, HandleParam))
                for name, fn in FUNCTIONS.items()}
_READS = {name: tuple((k, OPT_OPTIONS_SIZE if isinstance(p.type, OptOptionsParam) else None)
                      for p, k in zip(fn.params, fn.param_offsets, strict=True)
                      if isinstance(p.type, StringParam | InBufferParam | OptOptionsParam))
          for name, fn in FUNCTIONS.items()}
_HANDLE_RESULTS = {name: tuple(r.type is ResultType.HANDLE for r in fn.results)
                   for name, fn in FUNCTIONS.items()}
# Calls that change the object their handle names (closing it; pulling from an output, which
# moves on and may drain it), and calls that may draw from the run's seeded entropy stream.
_CHANGES = frozenset({*(n for n in FUNCTIONS if n.endswith("_close")), "array_output_pull"})
_MAKES = frozenset(n for n, returns in _HANDLE_RESULTS.items() if any(returns))
_DRAWS = frozenset({"keypair_generate", "kx_encapsulate"})


def check(program: Program, traces: Mapping[str, Trace],
          capabilities: Capabilities | None = None, *, same: bool | None = None,
          revision: Revision = Revision.JAN2022) -> list[Finding]:
    """``same``: the caller's :func:`identical` verdict, if it has one.  Differences that are
    known divergences come back marked as such; the call-by-call comparison goes on without
    the backends they name, which are then compared on the calls they made alike."""
    names = sorted(traces)
    if len(names) < 2 and not capabilities:
        return []
    first = traces[names[0]]
    if same is None:
        same = identical(traces)
    if same:
        return _refusals(program, first, capabilities, names) if capabilities else []
    active = list(names)
    diverged: list[str] = []
    memory = _Memory(first)
    found: list[Finding] = []
    for index, call in enumerate(program.calls):
        if len(active) < 2:
            break
        results = {n: traces[n].results[index] for n in active}
        if any(r.errno == _UNSUPPORTED for r in results.values()) and capabilities:
            algorithm = algorithm_named(program, traces[active[0]], index,
                                        memory if active[0] == names[0] else None)
            if algorithm is not None:
                refusing = [n for n, r in results.items() if r.errno == _UNSUPPORTED]
                declared = [n for n in refusing if algorithm in capabilities.get(n, frozenset())]
                if declared:
                    return [Finding(Oracle.DIFFERENTIAL, index, call.function, tuple(declared),
                                    f"declares {algorithm} but answered unsupported_algorithm")]
                if any(algorithm in capabilities.get(n, frozenset()) for n in active):
                    active = [n for n in active if n not in refusing]  # skipped for them
                    results = {n: results[n] for n in active}
        first_result = results[active[0]]
        if all(r == first_result for r in results.values()):
            continue  # identical answers: nothing to describe (the commonest case)
        views = {n: _describe(r) for n, r in results.items()}
        if len(set(views.values())) > 1:
            detail = _difference(results)
            context = _context(program, traces, active[0], index,
                               memory if active[0] == names[0] else _Memory(traces[active[0]]),
                               results, revision)
            divergence = known(views, context)
            if divergence is None:
                return [*found, Finding(Oracle.DIFFERENTIAL, index, call.function,
                                        _blame(views), detail)]
            differing = divergence.backends or _blame(views)
            found.append(Finding(Oracle.DIFFERENTIAL, index, call.function, differing,
                                 detail, divergence.name))
            active = [n for n in active if n not in differing]
            diverged += [n for n in differing if n not in diverged]
    if len(active) == len(names) and not same:
        return [Finding(Oracle.DIFFERENTIAL, None, None, tuple(names), "final memory differs")]
    for name in names:
        if name in diverged:  # left out after a known divergence
            unlike = _unlike_after(program, traces, name, capabilities or {}, revision)
            if unlike is not None:
                return [*found, unlike]
    return found


def _unlike_after(program: Program, traces: Mapping[str, Trace], name: str,
                  capabilities: Capabilities, revision: Revision) -> Finding | None:
    """A backend left out of the comparison, answering a later call unlike another run that
    made the very same call (:func:`unlike_answer`)."""
    others = {n: t for n, t in traces.items() if n != name}
    return unlike_finding(program, others, name, traces[name], capabilities, revision,
                          f"made alike after {name} was left out")


def unlike_finding(program: Program, traces: Mapping[str, Trace], name: str, own: Trace,
                   capabilities: Capabilities, revision: Revision, why: str) -> Finding | None:
    """:func:`unlike_answer` as a finding, its detail ending with ``why``."""
    unlike = unlike_answer(program, traces, name, own, capabilities, revision)
    if unlike is None:
        return None
    index, results = unlike
    views = {n: _describe(r) for n, r in results.items()}
    return Finding(Oracle.DIFFERENTIAL, index, program.calls[index].function, _blame(views),
                   f"{_difference(results)} ({why})")
