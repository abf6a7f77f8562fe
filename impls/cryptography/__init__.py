"""Backend on pyca/cryptography (OpenSSL)."""

from __future__ import annotations

import cryptography

from impls.base import Backend
from impls.cryptography.x25519 import X25519

BACKEND = Backend.of("cryptography", f"pyca/cryptography {cryptography.__version__}", X25519())
