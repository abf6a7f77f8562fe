"""Backend on libsodium, through PyNaCl's low-level bindings."""

from __future__ import annotations

import nacl

from impls.base import Backend
from impls.libsodium.x25519 import X25519

BACKEND = Backend.of("libsodium", f"PyNaCl {nacl.__version__} (libsodium)", X25519())
