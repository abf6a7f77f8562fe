"""Differential oracle: every backend's trace must agree, call by call.

Errnos, out-values (handle numbers and sizes) and every byte written to guest memory (derived
public keys, shared secrets, exports) are compared; with three or more backends the one that
differs from the majority is named.  Key generation and encapsulation draw their randomness
from the same seeded stream on every backend, so their outputs are compared like the rest.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping

from harness.abi import Errno
from harness.findings import Finding, Oracle
from harness.program import Program
from harness.runner import CallResult, Trace


def _describe(result: CallResult) -> str:
    if result.errno != Errno.SUCCESS:
        return Errno(result.errno).name.lower() if 0 <= result.errno <= 30 else str(result.errno)
    written = b"".join(data for _, data in result.writes)
    return f"success outs={list(result.outs)} wrote={written.hex()[:96]}"


def _blame(views: Mapping[str, str]) -> tuple[str, ...]:
    counts = Counter(views.values())
    if len(views) >= 3 and len(counts) == 2:
        majority, _ = counts.most_common(1)[0]
        return tuple(sorted(b for b, v in views.items() if v != majority))
    return tuple(sorted(views))


def check(program: Program, traces: Mapping[str, Trace]) -> list[Finding]:
    names = sorted(traces)
    if len(names) < 2:
        return []
    first = traces[names[0]]
    if all(traces[n].results == first.results and traces[n].memory == first.memory
           for n in names[1:]):
        return []
    for index, call in enumerate(program.calls):
        views = {n: _describe(traces[n].results[index]) for n in names}
        if len(set(views.values())) > 1:
            detail = " vs ".join(f"{n}={views[n]}" for n in names)
            return [Finding(Oracle.DIFFERENTIAL, index, call.function, _blame(views), detail)]
    return [Finding(Oracle.DIFFERENTIAL, None, None, tuple(names), "final memory differs")]
