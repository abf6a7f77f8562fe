"""A backend whose algorithms log every operation the host calls on them.

For measuring and testing what a run asks of the libraries: ``bench/bench_corpus.py`` replays
the logged calls straight on the libraries, tests count them.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, NamedTuple

from harness.errors import CryptoError
from impls.base import Backend, KxAlgorithm

# Every operation of the backend interface (impls.base.KxAlgorithm) that the host calls.
OPERATIONS = frozenset({
    "generate", "public_from_secret", "verify_public", "import_public", "import_secret",
    "export_public", "export_secret", "import_keypair", "export_keypair", "check_pair", "dh",
    "encapsulate", "decapsulate"})


class LibraryCall(NamedTuple):
    algorithm: str
    operation: str
    method: Callable[..., Any]  # the algorithm's own, bound
    args: tuple[Any, ...]
    refused: bool  # it raised CryptoError: the library refused its input


class Recording:
    """An algorithm that logs every operation the host calls on it, then performs it."""

    def __init__(self, algorithm: KxAlgorithm, log: list[LibraryCall]) -> None:
        self._algorithm = algorithm
        self._log = log

    def __getattr__(self, name: str) -> Any:
        value = getattr(self._algorithm, name)
        if name not in OPERATIONS:
            return value

        def operation(*args: Any) -> Any:
            # logged once it returns: whether the library refused is part of the record
            try:
                result = value(*args)
            except CryptoError:
                self._log.append(LibraryCall(self._algorithm.name, name, value, args, True))
                raise
            self._log.append(LibraryCall(self._algorithm.name, name, value, args, False))
            return result
        return operation


def recording(backend: Backend, log: list[LibraryCall]) -> Backend:
    """``backend``, its algorithms logging to ``log``."""
    algorithms: Any = {key: Recording(alg, log) for key, alg in backend.algorithms.items()}
    return Backend(backend.name, backend.library, algorithms)
