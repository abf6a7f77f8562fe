"""Facts about X25519 (RFC 7748) that do not depend on a library."""

from __future__ import annotations

KEY_LENGTH = 32

# A fixed scalar for public-key validation.  Clamped scalars are multiples of 8 and below
# 8 * (order of the prime subgroup), so the product is the identity (an all-zero output)
# exactly for points of small order: the points publickey_verify and kx_dh must reject.
PROBE_SCALAR = bytes([0x58] + [0x5A] * 30 + [0x45])
