"""Backends: one package per cryptography library, each exposing ``BACKEND``.

``BACKEND_NAMES`` is the capability table's index; each backend's ``algorithms`` mapping says
what it implements.
"""

from __future__ import annotations

import importlib

from impls.base import Backend

BACKEND_NAMES: tuple[str, ...] = ("cryptography", "libsodium", "pycryptodome", "kyber-py")


def load_backend(name: str) -> Backend:
    if name not in BACKEND_NAMES:
        raise KeyError(name)
    backend = importlib.import_module(f"impls.{name.replace('-', '')}").BACKEND
    assert isinstance(backend, Backend)
    return backend


def load_all() -> tuple[Backend, ...]:
    return tuple(load_backend(name) for name in BACKEND_NAMES)
