"""Backend on PyCryptodome."""

from __future__ import annotations

import Crypto

from impls.base import Backend
from impls.pycryptodome.mlkem import MlKem512, MlKem768, MlKem1024
from impls.pycryptodome.montgomery import X448, X25519
from impls.pycryptodome.nist import P256Sha256, P384Sha384
from impls.pycryptodome.xwing import XWing

BACKEND = Backend.of(
    "pycryptodome",
    f"PyCryptodome {Crypto.__version__}",
    X25519(), X448(), P256Sha256(), P384Sha384(), MlKem512(), MlKem768(), MlKem1024(), XWing(),
)
