"""X25519 on pyca/cryptography."""

from __future__ import annotations

from cryptography.hazmat.primitives.asymmetric import x25519

from impls.cryptography.montgomery import MontgomeryKx
from impls.x25519_common import PROBE_SCALAR, X25519Algorithm


class X25519(MontgomeryKx, X25519Algorithm):
    private_type = x25519.X25519PrivateKey
    public_type = x25519.X25519PublicKey
    probe = PROBE_SCALAR
