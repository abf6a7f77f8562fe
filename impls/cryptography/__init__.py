"""Backend on pyca/cryptography (OpenSSL)."""

from __future__ import annotations

import cryptography

from impls.base import Backend
from impls.cryptography.mlkem import MlKem768, MlKem1024
from impls.cryptography.nist import P256Sha256, P384Sha384
from impls.cryptography.x448 import X448
from impls.cryptography.x25519 import X25519
from impls.cryptography.xwing import XWing

BACKEND = Backend.of(
    "cryptography",
    f"pyca/cryptography {cryptography.__version__}",
    X25519(), X448(), P256Sha256(), P384Sha384(), MlKem768(), MlKem1024(), XWing(),
)
