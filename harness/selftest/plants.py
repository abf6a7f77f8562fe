"""The planted bugs, as data: each a small, documented mutation and who must find it.

A plant is a function returning a context manager (``unittest.mock.patch.object``) that
replaces one function or method with a small wrapper carrying the bug; the plant's docstring
says what the bug is, and a ``# the bug`` comment marks it.  Nothing here runs unless a
self-test applies it: in a fuzzing subprocess (``harness.selftest.fuzz_planted``, which never
undoes it) or in a ``with`` block of a test.
The production code has no trace of any plant.

Adding a plant (e.g. for a new algorithm): write one function below, decorated with
``@plant(...)``, giving

- its name (kebab-case, the ``PLANT=`` of ``make selftest``) and layer (:class:`Layer`);
- the oracle that must report it (one: the self-test fails if another reports it first);
- the fuzz targets that must find it from the committed seeds within the budget (the first is
  the one the quick test in ``make test`` runs);
- a *witness*: ``abi_sequence`` operations whose program shows the bug (the unit tests check
  that it gives no finding without the plant and a finding of that oracle with it);
- a docstring, whose first line is the description in tables.

Plants must stay memory-safe: libsodium must never see a wrongly sized buffer.
"""

from __future__ import annotations

import contextlib
import enum
import functools
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager
from dataclasses import dataclass
from unittest import mock

from harness import dispatch
from harness.abi import OPT_OPTIONS_SIZE, OPT_SOME, Errno, HandleKind, KeyEncoding, KeypairEncoding
from harness.dispatch import Call, Targets
from harness.errors import CryptoError
from harness.findings import Oracle
from harness.handles import HandleTables
from harness.host import Host, Out, Region
from harness.memory import U32, GuestMemory
from harness.ops import BLOB_KEY, SPECIAL
from impls import x25519_common as x25519
from impls.base import KxAlgorithm, Material, invalid_key
from impls.cryptography.x25519 import X25519 as CryptographyX25519
from impls.libsodium import pkcs8 as sodium_pkcs8
from impls.libsodium.x25519 import X25519 as SodiumX25519
from impls.pycryptodome.mlkem import MlKemKx as PycryptodomeMlKem
from impls.pycryptodome.nist import NistKx as PycryptodomeNist

Ops = list[tuple[str, dict[str, int | bytes]]]
Patch = AbstractContextManager[object]


class Layer(enum.Enum):
    ABI = "abi"  # the ABI layer every backend shares (harness/)
    BACKEND = "backend"  # one backend only
    SHARED = "shared"  # every backend, the same way


@dataclass(frozen=True)
class Plant:
    name: str
    layer: Layer
    oracle: Oracle
    targets: tuple[str, ...]
    witness: Ops
    patch: Callable[[], Patch]

    @property
    def description(self) -> str:
        return (self.patch.__doc__ or "").strip().splitlines()[0]


PLANTS: dict[str, Plant] = {}


def plant(name: str, layer: Layer, oracle: Oracle, targets: tuple[str, ...],
          witness: Ops) -> Callable[[Callable[[], Patch]], Callable[[], Patch]]:
    """Register the decorated function as the plant ``name``."""
    def register(patch: Callable[[], Patch]) -> Callable[[], Patch]:
        if name in PLANTS:
            raise ValueError(f"plant {name!r} registered twice")
        if not patch.__doc__:
            raise ValueError(f"plant {name!r} needs a docstring saying what the bug is")
        PLANTS[name] = Plant(name, layer, oracle, targets, witness, _forgetting(patch))
        return patch
    return register


def _forgetting(patch: Callable[[], Patch]) -> Callable[[], Patch]:
    """``patch``, making the shared executor forget the set-up states it keeps when the plant
    is applied and when it is removed: made under other code, they would be stale."""
    @functools.wraps(patch)
    def applied() -> Patch:
        return _forgetting_around(patch())
    return applied


@contextlib.contextmanager
def _forgetting_around(inner: Patch) -> Iterator[object]:
    from harness.fuzzing import executor  # imported when applied: after instrumentation

    executor().forget_set_ups()
    try:
        with inner as value:
            yield value
    finally:
        executor().forget_set_ups()


# Field values of the witnesses (see harness.ops).
AT_END = SPECIAL + 6  # buffer mode: the payload placed flush with the end of memory
WRAPPING = SPECIAL + 8  # buffer mode: a pointer such that ptr + len wraps past 2**32
BAD_TAG = SPECIAL + 2  # opt_options: a tag that is neither some nor none
PUBLICKEY_OF_ANOTHER_KIND = SPECIAL + list(HandleKind).index(HandleKind.PUBLICKEY)  # a ref selector
SEC = 3  # a public-key encoding that X25519 lacks
LOCAL = 3  # a key-pair encoding that X25519 lacks
PKCS8 = 1
P256, ML_KEM_768 = 3, 6  # algorithm selectors (harness.ops.ALGORITHM_NAMES)
# X25519's PKCS#8 for the secret key 0x40 0x41 .. 0x5f (RFC 8410 layout)
X25519_PKCS8 = bytes.fromhex("302e020100300506032b656e04220420") + bytes(range(0x40, 0x60))
# The generator of P-256, compressed (SEC 1, section 2.3.3; its y is odd)
P256_G_COMPRESSED = bytes.fromhex(
    "036b17d1f2e12c4247f8bce6e563a440f277037d812deb33a0f4a13945d898c296")
# Targets: every one whose operations reach the bug (dh neither closes nor exports), fastest
# first (abi_sequence's corpus holds an input that shows each plant, found in a few hundred runs).
_EVERY_TARGET = ("abi_sequence", "key_import", "dh")
_CLOSING = ("abi_sequence",)
_EXPORTING = ("abi_sequence", "key_import")
_MODEL, _INVARIANTS, _DIFFERENTIAL, _CRASH = (
    Oracle.MODEL, Oracle.INVARIANTS, Oracle.DIFFERENTIAL, Oracle.CRASH)


def _import(key: bytes, **fields: int) -> tuple[str, dict[str, int | bytes]]:
    return ("publickey_import", {"key": BLOB_KEY, "blob": key, **fields})


# --- the ABI layer --------------------------------------------------------------------------

@plant("bounds-off-by-one", Layer.ABI, _MODEL, _EVERY_TARGET,
       [_import(x25519.BOB_PK, mode=AT_END)])
def bounds_off_by_one() -> Patch:
    """Bounds check off by one: a region ending exactly at the end of memory is refused."""
    def check(self: GuestMemory, ptr: int, length: int) -> tuple[int, int]:
        ptr &= U32
        length &= U32
        if ptr + length >= self.raw.size():  # the bug: >= for >
            raise CryptoError(Errno.GUEST_ERROR, f"region {ptr:#x}+{length:#x} out of bounds")
        return ptr, length
    return mock.patch.object(GuestMemory, "check", check)


@plant("ptr-len-wraps", Layer.ABI, _CRASH, _EVERY_TARGET,
       [_import(x25519.BOB_PK, mode=WRAPPING)])
def ptr_len_wraps() -> Patch:
    """ptr + len computed modulo 2**32 on reads, so a wrapping region passes the check.

    The raw memory's own last line of defence then refuses the access with an exception
    (without it, the host would read outside guest memory): the crash oracle reports it.
    """
    def read(self: GuestMemory, ptr: int, length: int) -> bytes:
        ptr &= U32
        length &= U32
        if (ptr + length) & U32 > self.raw.size():  # the bug: the end wraps
            raise CryptoError(Errno.GUEST_ERROR, f"region {ptr:#x}+{length:#x} out of bounds")
        return self.raw.read(ptr, length)
    return mock.patch.object(GuestMemory, "read", read)


@plant("opt-options-tag", Layer.ABI, _MODEL, _EVERY_TARGET,
       [("generate", {"options": BAD_TAG})])
def opt_options_tag() -> Patch:
    """opt_options tag misread: any tag but `some` is taken for `none`, not a guest_error."""
    def decode_opt_options(memory: GuestMemory, ptr: int) -> int | None:
        struct = memory.read(ptr, OPT_OPTIONS_SIZE)
        if struct[0] != OPT_SOME:  # the bug: tag 2..255 read as none
            return None
        return int.from_bytes(struct[4:8], "little")
    return mock.patch.object(dispatch, "decode_opt_options", decode_opt_options)


@plant("out-value-on-error", Layer.ABI, _INVARIANTS, _EVERY_TARGET,
       [_import(b"short")])
def out_value_on_error() -> Patch:
    """Out-values written on error: a failing call still stores 0 at each out-pointer."""
    complete = Call.complete

    def written_anyway(self: Call, host: Host, values: list[object], targets: Targets) -> int:
        errno = complete(self, host, values, targets)
        if errno != Errno.SUCCESS:
            for ptr, width in targets:  # the bug
                host.memory.write(ptr, bytes(width))
        return errno
    return mock.patch.object(Call, "complete", written_anyway)


@plant("array-output-never-closes", Layer.ABI, _MODEL, _EVERY_TARGET,
       [("generate", {}), ("keypair_export", {"kp": 0}),
        ("array_output_pull", {"output": 0, "size": 64}),
        ("array_output_pull", {"output": 0, "size": 64})])
def array_output_never_closes() -> Patch:
    """A drained array_output never closes: its handle stays live (and counts to the limit)."""
    def discard(self: HandleTables, handle: int) -> None:
        pass  # the bug: the consumed output is kept
    return mock.patch.object(HandleTables, "discard", discard)


@plant("array-output-len-over-reports", Layer.ABI, _MODEL, _EVERY_TARGET,
       [("generate", {}), ("keypair_export", {"kp": 0}), ("array_output_len", {"output": 0})])
def array_output_len_over_reports() -> Patch:
    """array_output_len reports one byte more than the output holds."""
    length = Host.array_output_len

    def over_reported(self: Host, handle: int) -> Out:
        (n,) = length(self, handle)
        return (n + 1,)  # the bug
    return mock.patch.object(Host, "array_output_len", over_reported)


@plant("array-output-pull-pads", Layer.ABI, _MODEL, _EXPORTING,
       [("generate", {}), ("keypair_export", {"kp": 0}),
        ("array_output_pull", {"output": 0, "size": 100})])
def array_output_pull_pads() -> Patch:
    """array_output_pull fills the whole buffer: zeros after the bytes it reports."""
    pull = Host.array_output_pull

    def padded(self: Host, handle: int, buf: Region) -> Out:
        (n,) = pull(self, handle, buf)
        self.memory.write(buf.ptr + n, bytes(buf.length - n))  # the bug
        return (n,)
    return mock.patch.object(Host, "array_output_pull", padded)


@plant("array-output-pull-from-start", Layer.ABI, _MODEL, _EVERY_TARGET,
       [("generate", {}), ("keypair_publickey", {"kp": 0}), ("keypair_secretkey", {"kp": 0}),
        ("kx_dh", {"pk": 0, "sk": 0}), ("kx_dh", {"pk": 0, "sk": 0}),
        ("array_output_pull", {"output": 0, "size": 32}),
        ("array_output_pull", {"output": 1, "size": 16}),
        ("array_output_pull", {"output": 1, "size": 16})])
def array_output_pull_from_start() -> Patch:
    """array_output_pull copies from the output's start each time (counts and closes right)."""
    def from_start(self: Host, handle: int, buf: Region) -> Out:
        output = self.handles.get(HandleKind.ARRAY_OUTPUT, handle)
        left = len(output.data) - output.position
        chunk = output.data[: min(buf.length, left)]  # the bug: not from output.position
        self.memory.write(buf.ptr, chunk)
        output.position += len(chunk)
        if output.position == len(output.data):
            self.handles.discard(handle)
        return (len(chunk),)
    return mock.patch.object(Host, "array_output_pull", from_start)


@plant("array-output-closes-after-one-pull", Layer.ABI, _MODEL, _EXPORTING,
       [("generate", {}), ("keypair_export", {"kp": 0, "encoding": PKCS8}),
        ("array_output_pull", {"output": 0, "size": 1}),
        ("array_output_pull", {"output": 0, "size": 100})])
def array_output_closes_after_one_pull() -> Patch:
    """An array_output closes after its first pull, even with bytes left (not streamed)."""
    pull = Host.array_output_pull

    def pull_once(self: Host, handle: int, buf: Region) -> Out:
        pulled = pull(self, handle, buf)
        if handle in self.handles.live():
            self.handles.discard(handle)  # the bug: whatever is left
        return pulled
    return mock.patch.object(Host, "array_output_pull", pull_once)


@plant("publickey-verify-refuses-all", Layer.ABI, _MODEL, _EVERY_TARGET,
       [("generate", {}), ("keypair_publickey", {"kp": 0}), ("publickey_verify", {"pk": 0})])
def publickey_verify_refuses_all() -> Patch:
    """publickey_verify refuses every key with invalid_key, valid or not."""
    verify = Host.publickey_verify

    def refusing(self: Host, handle: int) -> Out:
        verify(self, handle)  # its other errors stand
        raise invalid_key("refused")  # the bug
    return mock.patch.object(Host, "publickey_verify", refusing)


@plant("closed-handle-usable", Layer.ABI, _MODEL, _CLOSING,
       [("generate", {}), ("keypair_publickey", {"kp": 0}), ("publickey_close", {"pk": 0}),
        ("publickey_verify", {"pk": 0})])
def closed_handle_usable() -> Patch:
    """A closed handle stays usable: close answers success but never removes the object."""
    close = HandleTables.close

    def close_forgetting(self: HandleTables, kind: HandleKind, handle: int) -> None:
        try:
            self.get(kind, handle)
        except CryptoError:
            close(self, kind, handle)  # not live: the same error as before
        # the bug: a live handle is left in the table

    return mock.patch.object(HandleTables, "close", close_forgetting)


@plant("close-kind-unchecked", Layer.ABI, _MODEL, _CLOSING,
       [("generate", {}), ("keypair_publickey", {"kp": 0}),
        ("keypair_close", {"kp": PUBLICKEY_OF_ANOTHER_KIND})])
def close_kind_unchecked() -> Patch:
    """Handle kinds confused: *_close trusts the kind tagged in the handle, not its own."""
    close = HandleTables.close
    kinds = {k.value: k for k in HandleKind}

    def close_any_kind(self: HandleTables, kind: HandleKind, handle: int) -> None:
        close(self, kinds.get(handle >> 24, kind), handle)  # the bug: kind from the number
    return mock.patch.object(HandleTables, "close", close_any_kind)


@plant("handle-reused-while-live", Layer.ABI, _MODEL, _CLOSING,
       [("generate", {}), ("keypair_publickey", {"kp": 0}), ("keypair_publickey", {"kp": 0}),
        ("publickey_close", {"pk": 0}), ("keypair_publickey", {"kp": 0})])
def handle_reused_while_live() -> Patch:
    """A live handle issued twice: close rewinds its kind's counter, as if freeing the newest."""
    close = HandleTables.close

    def close_rewinding(self: HandleTables, kind: HandleKind, handle: int) -> None:
        close(self, kind, handle)
        self._next[kind] -= 1  # the bug: right only when the newest handle is closed
    return mock.patch.object(HandleTables, "close", close_rewinding)


# --- one backend ----------------------------------------------------------------------------

@plant("sodium-accepts-low-order", Layer.BACKEND, _DIFFERENTIAL, _EVERY_TARGET,
       [_import(x25519.LOW_ORDER[0]), ("publickey_verify", {"pk": 0})])
def sodium_accepts_low_order() -> Patch:
    """libsodium's publickey_verify accepts low-order X25519 points."""
    def verify_public(self: KxAlgorithm, pk: Material) -> None:
        pass  # the bug: no check at all
    return mock.patch.object(SodiumX25519, "verify_public", verify_public)


@plant("cryptography-fits-key-length", Layer.BACKEND, _DIFFERENTIAL, _EVERY_TARGET,
       [_import(x25519.BOB_PK + b"\x00")])
def cryptography_fits_key_length() -> Patch:
    """pyca/cryptography's X25519 raw public-key import truncates or zero-pads a wrong size."""
    import_public = CryptographyX25519.import_public

    def fitted(self: CryptographyX25519, data: bytes, encoding: KeyEncoding) -> Material:
        if encoding is KeyEncoding.RAW:
            size = x25519.KEY_LENGTH
            data = data[:size].ljust(size, b"\x00")  # the bug
        return import_public(self, data, encoding)
    return mock.patch.object(CryptographyX25519, "import_public", fitted)


@plant("sodium-wrong-errno-encoding", Layer.BACKEND, _DIFFERENTIAL, _EVERY_TARGET,
       [_import(x25519.BOB_PK, encoding=SEC)])
def sodium_wrong_errno_encoding() -> Patch:
    """libsodium's X25519 public-key import answers invalid_key for an unsupported encoding."""
    import_public = SodiumX25519.import_public

    def invalid_instead(self: SodiumX25519, data: bytes, encoding: KeyEncoding) -> Material:
        try:
            return import_public(self, data, encoding)
        except CryptoError as error:
            if error.errno is Errno.UNSUPPORTED_ENCODING:
                raise invalid_key(f"{encoding.value} key") from error  # the bug
            raise
    return mock.patch.object(SodiumX25519, "import_public", invalid_instead)


@plant("sodium-pkcs8-trailing-bytes", Layer.BACKEND, _DIFFERENTIAL, _EXPORTING,
       [("secretkey_import", {"key": BLOB_KEY, "blob": X25519_PKCS8 + b"\x00",
                              "encoding": PKCS8})])
def sodium_pkcs8_trailing_bytes() -> Patch:
    """The libsodium backend's PKCS#8 parser ignores bytes after the DER document."""
    load_secret = sodium_pkcs8.load_secret

    def trailing_ignored(data: bytes, encoding: KeyEncoding) -> bytes:
        if encoding is KeyEncoding.PKCS8 and data[:1] == b"\x30" and len(data) > 1 and (
                data[1] < 0x80):
            data = data[: 2 + data[1]]  # the bug: only the first element is read
        return load_secret(data, encoding)
    return mock.patch.object(sodium_pkcs8, "load_secret", trailing_ignored)


@plant("pycryptodome-compressed-point-parity", Layer.BACKEND, _DIFFERENTIAL, _EXPORTING,
       [_import(P256_G_COMPRESSED, alg=P256, encoding=SEC), ("publickey_export",
                                                            {"pk": 0, "encoding": SEC}),
        ("array_output_pull", {"output": 0, "size": 65})])
def pycryptodome_compressed_point_parity() -> Patch:
    """PyCryptodome's backend decodes a compressed P-256/P-384 point with the other y.

    Only exports show it: kx_dh uses the x-coordinate alone, the same for (x, y) and (x, -y).
    """
    import_public = PycryptodomeNist.import_public

    def other_root(self: PycryptodomeNist, data: bytes, encoding: KeyEncoding) -> Material:
        if encoding in (KeyEncoding.SEC, KeyEncoding.COMPRESSED_SEC) and data[:1] in (
                b"\x02", b"\x03"):
            data = bytes([data[0] ^ 1]) + data[1:]  # the bug: the parity bit misread
        return import_public(self, data, encoding)
    return mock.patch.object(PycryptodomeNist, "import_public", other_root)


@plant("pycryptodome-kem-ciphertext-length", Layer.BACKEND, _DIFFERENTIAL, ("kem",),
       [("generate", {"alg": ML_KEM_768}), ("keypair_secretkey", {"kp": 0}),
        ("kx_decapsulate", {"sk": 0, "key": BLOB_KEY, "blob": bytes(1087)})])
def pycryptodome_kem_ciphertext_length() -> Patch:
    """PyCryptodome's ML-KEM backend pads or cuts a ciphertext of the wrong length."""
    decapsulate = PycryptodomeMlKem.decapsulate

    def fitted(self: PycryptodomeMlKem, sk: Material, ciphertext: bytes) -> bytes:
        size = self.level.ciphertext_length
        return decapsulate(self, sk, ciphertext[:size].ljust(size, b"\x00"))  # the bug
    return mock.patch.object(PycryptodomeMlKem, "decapsulate", fitted)


# --- every backend the same way: only the spec model can see it ------------------------------

@plant("shared-export-ignores-encoding", Layer.SHARED, _MODEL, _EXPORTING,
       [("generate", {}), ("keypair_export", {"kp": 0, "encoding": LOCAL})])
def shared_export_ignores_encoding() -> Patch:
    """Shared backend code (impls/base.py) exports every key pair raw, whatever the encoding."""
    export_keypair = KxAlgorithm.export_keypair

    def always_raw(self: KxAlgorithm, pk: Material, sk: Material,
                   encoding: KeypairEncoding) -> bytes:
        return export_keypair(self, pk, sk, KeypairEncoding.RAW)  # the bug
    return mock.patch.object(KxAlgorithm, "export_keypair", always_raw)
