"""What every fuzz target does with one input: decode, run on every backend, judge."""

from __future__ import annotations

import functools
from collections.abc import Callable

from harness.execute import Executor, Outcome
from harness.findings import FindingError
from harness.targets import BY_MAGIC, BY_NAME, ForeignInput, decode
from impls import load_all

# Small enough that fuzz inputs reach too_many_handles; the model is told the same number.
FUZZ_HANDLE_LIMIT = 32


BACKENDS = load_all()  # loaded at import, so a fuzz target instruments them too


@functools.cache
def executor() -> Executor:
    """The one configuration used by fuzzing, replay and the corpus regression tests."""
    return Executor(BACKENDS, handle_limit=FUZZ_HANDLE_LIMIT)


def run_input(data: bytes) -> Outcome | None:
    """The outcome of an input; None when it stands for no calls (nothing to run)."""
    decoded = decode(data)
    if not decoded.program.calls:
        return None
    return executor().run(decoded.program, decoded.set_up)


def test_one_input(target: str) -> Callable[[bytes], None]:
    """libFuzzer's callback for ``target``: raises FindingError on the first finding."""
    magic = BY_NAME[target].magic

    def one_input(data: bytes) -> None:
        if not data or data[0] != magic or data[0] not in BY_MAGIC:
            return  # another target's input (or a mutated magic byte): not ours
        try:
            outcome = run_input(data)
        except ForeignInput:
            return
        if outcome is not None and outcome.findings:
            raise FindingError(outcome.findings[0])

    return one_input
