"""Backend on kyber-py, a pure-Python FIPS 203: the second voice for ML-KEM-512.

It serves ML-KEM-512 only, the one level no other backend here has twice (pyca/cryptography
has no ML-KEM-512); at a few milliseconds per operation it would only slow the other levels.
"""

from __future__ import annotations

from importlib.metadata import version

from impls.base import Backend
from impls.kyberpy.mlkem import MlKem512

BACKEND = Backend.of("kyber-py", f"kyber-py {version('kyber-py')}", MlKem512())
