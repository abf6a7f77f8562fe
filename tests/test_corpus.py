"""Corpus regression: every committed input replays through every oracle without a finding."""

from __future__ import annotations

from pathlib import Path

import pytest

from harness.corpus import CORPUS, committed_inputs, dictionary
from harness.execute import Executor
from harness.fuzzing import BACKENDS, FUZZ_HANDLE_LIMIT, executor, run_input
from harness.report import render_text
from harness.seeds import seed_inputs
from harness.targets import BY_NAME, ForeignInput, decode

FILES = committed_inputs()


def test_what_a_merge_or_a_write_leaves_behind_is_no_input(tmp_path: Path) -> None:
    for path in ("dh/a", "dh/.tmp-1", ".dh.merging/b", ".dh.old/c", "dh.dict", "generate.py"):
        (tmp_path / path).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / path).write_bytes(b"\xa5")
    assert committed_inputs(tmp_path) == [tmp_path / "dh" / "a"]


def test_there_is_a_corpus() -> None:
    for target in BY_NAME:
        assert any(p.parent.name == target for p in FILES), target


@pytest.mark.parametrize("path", FILES, ids=lambda p: f"{p.parent.name}/{p.name[:12]}")
def test_corpus_input_has_no_finding(path: Path) -> None:
    data = path.read_bytes()
    try:
        outcome = run_input(data)
    except ForeignInput:
        return  # libFuzzer may keep bytes that are no kxfuzz input: nothing to replay
    if outcome is not None and outcome.findings:
        pytest.fail(render_text(data, str(path.relative_to(CORPUS.parent))), pytrace=False)


@pytest.fixture(scope="module")
def plain() -> tuple[Executor, Executor]:
    """Every backend on its own: with and without sharing runs that never reach a backend."""
    return (Executor(BACKENDS, handle_limit=FUZZ_HANDLE_LIMIT, lockstep=False),
            Executor(BACKENDS, handle_limit=FUZZ_HANDLE_LIMIT, lockstep=False,
                     share_backend_free_runs=False))


@pytest.mark.parametrize("path", FILES, ids=lambda p: f"{p.parent.name}/{p.name[:12]}")
def test_shortcuts_change_nothing(path: Path, plain: tuple[Executor, Executor]) -> None:
    """Lockstep runs, shared backend-free runs and runs continuing a target's set-up give
    what separate full runs give."""
    try:
        decoded = decode(path.read_bytes())
    except ForeignInput:
        return
    program = decoded.program
    fast = executor().run(program, decoded.set_up)
    for other in plain:
        full = other.run(program)
        assert fast.traces == full.traces
        assert fast.findings == full.findings
        assert fast.known == full.known


def test_seeds_are_reproducible_and_dictionaries_current() -> None:
    for target in BY_NAME:
        assert seed_inputs(target) == seed_inputs(target)
        assert all(s[0] == BY_NAME[target].magic for s in seed_inputs(target))
        expected = dictionary(BY_NAME[target].magic)
        assert (CORPUS / f"{target}.dict").read_text() == expected, "run `make seeds`"
