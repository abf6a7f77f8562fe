"""X448 on pyca/cryptography."""

from __future__ import annotations

from cryptography.hazmat.primitives.asymmetric import x448

from impls.cryptography.montgomery import MontgomeryKx
from impls.x448_common import PROBE_SCALAR, X448Algorithm


class X448(MontgomeryKx, X448Algorithm):
    private_type = x448.X448PrivateKey
    public_type = x448.X448PublicKey
    probe = PROBE_SCALAR
