"""The one exception that carries a ``crypto_errno`` back to the guest.

Anything else raised by a backend or by the host is a bug (of the harness or of a library) and
is deliberately left to propagate: wasmtime turns it into a trap and re-raises it to the caller.
"""

from __future__ import annotations

from harness.abi import Errno


class CryptoError(Exception):
    """An error the interface defines; the host returns ``errno`` to the guest."""

    def __init__(self, errno: Errno, detail: str = "") -> None:
        # no super().__init__: BaseException.__new__ has set ``args`` already
        self.errno = errno
        self.detail = detail

    def __str__(self) -> str:  # formatted only when shown: errors are on the hot path
        return f"{self.errno.name.lower()}{': ' + self.detail if self.detail else ''}"
