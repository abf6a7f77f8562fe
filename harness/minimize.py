"""Shrinking a saved input while it keeps showing the same finding (delta debugging)."""

from __future__ import annotations

from collections.abc import Callable

from harness.fuzzing import run_input

Key = tuple[str, str | None, tuple[str, ...]]


def finding_key(data: bytes) -> Key | None:
    """(oracle, function, backends) of the input's first finding, or None."""
    try:
        outcome = run_input(data)
    except Exception:
        return ("decode-crash", None, ())
    if outcome is None or not outcome.findings:
        return None
    first = outcome.findings[0]
    return (first.oracle.value, first.function, first.backends)


def minimize(data: bytes, *, max_runs: int = 5000,
             progress: Callable[[int, int], None] | None = None) -> bytes:
    """The smallest input found that keeps the finding's key (the magic byte stays).
    ``progress(runs, size)`` is told of every smaller input kept."""
    key = finding_key(data)
    if key is None:
        raise ValueError("the input shows no finding: nothing to keep while shrinking")
    magic, body = data[:1], data[1:]
    runs = 0
    chunk = max(len(body) // 2, 1)
    while chunk >= 1 and runs < max_runs:
        shrunk = False
        start = 0
        while start < len(body) and runs < max_runs:
            candidate = body[:start] + body[start + chunk :]
            runs += 1
            if finding_key(magic + candidate) == key:
                body, shrunk = candidate, True
                if progress is not None:
                    progress(runs, 1 + len(body))
            else:
                start += chunk
        if not shrunk:
            chunk //= 2
    return magic + body
