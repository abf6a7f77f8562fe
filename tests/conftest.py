from __future__ import annotations

from collections.abc import Iterator

import pytest

from harness.fuzzing import executor
from harness.runner import ProgramRunner
from impls import BACKEND_NAMES, load_backend

_RUNNERS: dict[str, ProgramRunner] = {}

# Most hand-written programs use X25519, the algorithm the spec requires of every host.
X25519_BACKENDS = tuple(n for n in BACKEND_NAMES if load_backend(n).find("X25519"))


def shared_runner(name: str) -> ProgramRunner:
    """A program runner per backend, shared by the session (every run starts clean)."""
    if name not in _RUNNERS:
        _RUNNERS[name] = ProgramRunner(load_backend(name))
    return _RUNNERS[name]


@pytest.fixture(autouse=True)
def _fresh_set_ups(request: pytest.FixtureRequest) -> Iterator[None]:
    """A test that patches code makes the shared executor's set-up states again, before and
    after: made under other code, they would be stale."""
    patching = "monkeypatch" in request.fixturenames
    if patching:
        executor().forget_set_ups()
    yield
    if patching:
        executor().forget_set_ups()


@pytest.fixture(params=X25519_BACKENDS)
def runner(request: pytest.FixtureRequest) -> ProgramRunner:
    """A runner for each backend with X25519."""
    return shared_runner(request.param)


@pytest.fixture
def runners() -> list[ProgramRunner]:
    return [ProgramRunner(load_backend(name)) for name in X25519_BACKENDS]
