from __future__ import annotations

import pytest

from harness.runner import ProgramRunner
from impls import BACKEND_NAMES, load_backend

_RUNNERS: dict[str, ProgramRunner] = {}


@pytest.fixture(params=BACKEND_NAMES)
def runner(request: pytest.FixtureRequest) -> ProgramRunner:
    """A program runner per backend, shared by the session (every run starts clean)."""
    name: str = request.param
    if name not in _RUNNERS:
        _RUNNERS[name] = ProgramRunner(load_backend(name))
    return _RUNNERS[name]


@pytest.fixture
def runners() -> list[ProgramRunner]:
    return [ProgramRunner(load_backend(name)) for name in BACKEND_NAMES]
