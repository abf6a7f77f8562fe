"""The host: the semantics of every function of the three modules, over decoded arguments.

Each method is named after its ABI function, receives the arguments :mod:`harness.dispatch`
decoded (enums checked, strings and input buffers read, output regions bounds-checked) and
returns its success payload as a tuple, or raises ``CryptoError``.  Methods change state only
once nothing can fail any more, so an error leaves no trace.  The host never knows which
library is behind :attr:`backend`.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass, field, replace
from typing import NamedTuple, NoReturn

from harness.abi import AlgorithmType, Errno, HandleKind, KeyEncoding, KeypairEncoding, Revision
from harness.encapsulation import Encapsulator, reference_encapsulate
from harness.entropy import Entropy, SeededEntropy
from harness.errors import CryptoError
from harness.handles import DEFAULT_HANDLE_LIMIT, HandleTables
from harness.memory import GuestMemory, RawMemory
from impls.base import Backend, KxAlgorithm, Material

Out = tuple[int, ...]
NOTHING: Out = ()


# Tuples, not frozen dataclasses: one or more is made by nearly every call of every run.
class Region(NamedTuple):
    """A guest buffer that has passed the bounds check."""

    ptr: int
    length: int


class Options(NamedTuple):
    algorithm_type: AlgorithmType


class PublicKey(NamedTuple):
    algorithm: KxAlgorithm
    material: Material


class SecretKey(NamedTuple):
    algorithm: KxAlgorithm
    material: Material


class KeyPair(NamedTuple):
    public: PublicKey
    secret: SecretKey


@dataclass
class ArrayOutput:
    data: bytes
    position: int = field(default=0)


def _unsupported_feature(what: str) -> CryptoError:
    return CryptoError(Errno.UNSUPPORTED_FEATURE, f"{what}: managed keys are not supported")


class _Unbound:
    """The memory of a host no guest is bound to yet: any access is the harness's own bug."""

    def _refuse(self, *args: object) -> NoReturn:
        raise RuntimeError("host called before a guest memory was bound")

    size = read = write = _refuse


_UNBOUND = _Unbound()


class Host:
    def __init__(
        self,
        backend: Backend,
        *,
        revision: Revision = Revision.JAN2022,
        entropy: Entropy | None = None,
        handle_limit: int = DEFAULT_HANDLE_LIMIT,
        encapsulator: Encapsulator = reference_encapsulate,
    ) -> None:
        self.backend = backend
        self.encapsulator = encapsulator
        self.revision = revision
        self.handle_limit = handle_limit
        self.entropy: Entropy = entropy if entropy is not None else SeededEntropy()
        self.handles = HandleTables(handle_limit)
        # a plain attribute, not a checking property: it is read on every call of every run
        self.memory = GuestMemory(_UNBOUND)
        # (function, index of its first entry in memory.writes) for every call of this run
        self.calls: list[tuple[str, int]] = []
        # How often this run reached the backend: every way into backend code starts with an
        # algorithm lookup or a key taken from a handle, and both are counted here.  Until then
        # a run is the same on every backend.
        self.backend_contacts = 0

    def bind(self, memory: RawMemory) -> None:
        self.memory = GuestMemory(memory)

    def reset(self, entropy: Entropy) -> None:
        """Forget every handle and start a new entropy stream: a run starts from nothing."""
        self.entropy = entropy
        self.handles = HandleTables(self.handle_limit)
        self.calls = []
        self.backend_contacts = 0
        self.memory.writes = []

    def adopt(self, other: Host, calls: list[tuple[str, int]],
              writes: list[tuple[int, bytes]]) -> None:
        """Continue where ``other`` (a host of the same backend) stands: copies of its handles
        and entropy stream (``other`` stays as it is), with ``calls`` and ``writes`` as the
        logs of the run so far."""
        self.entropy = other.entropy.copy()
        self.handles = other.handles.copy(replace)
        self.backend_contacts = other.backend_contacts
        self.calls = list(calls)
        self.memory.writes = list(writes)

    # --- helpers ----------------------------------------------------------------------------

    def _algorithm(self, algorithm_type: AlgorithmType, name: str) -> KxAlgorithm:
        # The host serves key exchange only: another algorithm type has no algorithm to find
        # (and no backend is asked).
        if algorithm_type is not AlgorithmType.KEY_EXCHANGE:
            raise CryptoError(Errno.UNSUPPORTED_ALGORITHM, f"{name!r} is not key exchange")
        self.backend_contacts += 1
        alg = self.backend.find(name)
        if alg is None:
            raise CryptoError(Errno.UNSUPPORTED_ALGORITHM, repr(name))
        return alg

    def _options(self, handle: int) -> Options:
        options: Options = self.handles.get(HandleKind.OPTIONS, handle)
        return options

    def _public(self, handle: int) -> PublicKey:
        pk: PublicKey = self.handles.get(HandleKind.PUBLICKEY, handle)
        self.backend_contacts += 1
        return pk

    def _secret(self, handle: int) -> SecretKey:
        sk: SecretKey = self.handles.get(HandleKind.SECRETKEY, handle)
        self.backend_contacts += 1
        return sk

    def _keypair(self, handle: int) -> KeyPair:
        kp: KeyPair = self.handles.get(HandleKind.KEYPAIR, handle)
        self.backend_contacts += 1
        return kp

    @property
    def backend_used(self) -> bool:
        return self.backend_contacts > 0

    def _output(self, *chunks: bytes) -> Out:
        return self.handles.insert(HandleKind.ARRAY_OUTPUT, *(ArrayOutput(c) for c in chunks))

    def _new_keypair(self, alg: KxAlgorithm, pk: Material, sk: Material) -> Out:
        return self.handles.insert(
            HandleKind.KEYPAIR, KeyPair(PublicKey(alg, pk), SecretKey(alg, sk))
        )

    def _pair(self, pk: PublicKey, sk: SecretKey) -> KxAlgorithm:
        if pk.algorithm.name != sk.algorithm.name:
            raise CryptoError(Errno.INCOMPATIBLE_KEYS, f"{pk.algorithm.name}/{sk.algorithm.name}")
        return pk.algorithm

    # --- wasi_ephemeral_crypto_common -------------------------------------------------------

    def options_open(self, algorithm_type: AlgorithmType) -> Out:
        return self.handles.insert(HandleKind.OPTIONS, Options(algorithm_type))

    def options_close(self, handle: int) -> Out:
        self.handles.close(HandleKind.OPTIONS, handle)
        return NOTHING

    def _no_option(self, handle: int, name: str) -> Out:
        options = self._options(handle)
        raise CryptoError(
            Errno.UNSUPPORTED_OPTION, f"{name!r} for {options.algorithm_type.name.lower()}"
        )

    def options_set(self, handle: int, name: str, value: bytes) -> Out:
        return self._no_option(handle, name)

    def options_set_u64(self, handle: int, name: str, value: int) -> Out:
        return self._no_option(handle, name)

    def options_set_guest_buffer(self, handle: int, name: str, buffer: Region) -> Out:
        return self._no_option(handle, name)

    def array_output_len(self, handle: int) -> Out:
        output: ArrayOutput = self.handles.get(HandleKind.ARRAY_OUTPUT, handle)
        return (len(output.data),)

    def array_output_pull(self, handle: int, buf: Region) -> Out:
        output: ArrayOutput = self.handles.get(HandleKind.ARRAY_OUTPUT, handle)
        chunk = output.data[output.position : output.position + buf.length]
        self.memory.write(buf.ptr, chunk)
        output.position += len(chunk)
        if output.position == len(output.data):
            self.handles.discard(handle)  # consumed: the handle closes itself
        return (len(chunk),)

    def secrets_manager_open(self, options: int | None) -> Out:
        raise _unsupported_feature("secrets_manager_open")

    def secrets_manager_close(self, secrets_manager: int) -> Out:
        raise _unsupported_feature("secrets_manager_close")

    def secrets_manager_invalidate(self, secrets_manager: int, key_id: bytes, version: int) -> Out:
        raise _unsupported_feature("secrets_manager_invalidate")

    # --- wasi_ephemeral_crypto_asymmetric_common --------------------------------------------

    def keypair_generate(
        self, algorithm_type: AlgorithmType, algorithm: str, options: int | None
    ) -> Out:
        alg = self._algorithm(algorithm_type, algorithm)
        if options is not None and self._options(options).algorithm_type != algorithm_type:
            raise CryptoError(Errno.INVALID_HANDLE, "options of another algorithm type")
        return self._new_keypair(alg, *alg.generate(self.entropy.draw(alg.seed_length)))

    def keypair_import(
        self, algorithm_type: AlgorithmType, algorithm: str, encoded: bytes,
        encoding: KeypairEncoding,
    ) -> Out:
        alg = self._algorithm(algorithm_type, algorithm)
        return self._new_keypair(alg, *alg.import_keypair(encoded, encoding))

    def keypair_generate_managed(
        self, secrets_manager: int, algorithm_type: AlgorithmType, algorithm: str,
        options: int | None,
    ) -> Out:
        raise _unsupported_feature("keypair_generate_managed")

    def keypair_store_managed(self, secrets_manager: int, kp: int, kp_id: Region) -> Out:
        raise _unsupported_feature("keypair_store_managed")

    def keypair_replace_managed(self, secrets_manager: int, kp_old: int, kp_new: int) -> Out:
        raise _unsupported_feature("keypair_replace_managed")

    def keypair_id(self, kp: int, kp_id: Region) -> Out:
        raise _unsupported_feature("keypair_id")

    def keypair_from_id(self, secrets_manager: int, kp_id: bytes, version: int) -> Out:
        raise _unsupported_feature("keypair_from_id")

    def keypair_from_pk_and_sk(self, pk: int, sk: int) -> Out:
        public, secret = self._public(pk), self._secret(sk)
        self._pair(public, secret).check_pair(public.material, secret.material)
        return self.handles.insert(HandleKind.KEYPAIR, KeyPair(public, secret))

    def keypair_export(self, kp: int, encoding: KeypairEncoding) -> Out:
        pair = self._keypair(kp)
        alg = pair.public.algorithm
        return self._output(
            alg.export_keypair(pair.public.material, pair.secret.material, encoding)
        )

    def keypair_publickey(self, kp: int) -> Out:
        return self.handles.insert(HandleKind.PUBLICKEY, self._keypair(kp).public)

    def keypair_secretkey(self, kp: int) -> Out:
        return self.handles.insert(HandleKind.SECRETKEY, self._keypair(kp).secret)

    def keypair_close(self, kp: int) -> Out:
        self.handles.close(HandleKind.KEYPAIR, kp)
        return NOTHING

    def publickey_import(
        self, algorithm_type: AlgorithmType, algorithm: str, encoded: bytes, encoding: KeyEncoding
    ) -> Out:
        alg = self._algorithm(algorithm_type, algorithm)
        return self.handles.insert(
            HandleKind.PUBLICKEY, PublicKey(alg, alg.import_public(encoded, encoding))
        )

    def publickey_export(self, pk: int, encoding: KeyEncoding) -> Out:
        public = self._public(pk)
        return self._output(public.algorithm.export_public(public.material, encoding))

    def publickey_verify(self, pk: int) -> Out:
        public = self._public(pk)
        public.algorithm.verify_public(public.material)
        return NOTHING

    def publickey_from_secretkey(self, sk: int) -> Out:
        secret = self._secret(sk)
        material = secret.algorithm.public_from_secret(secret.material)
        return self.handles.insert(HandleKind.PUBLICKEY, PublicKey(secret.algorithm, material))

    def publickey_close(self, pk: int) -> Out:
        self.handles.close(HandleKind.PUBLICKEY, pk)
        return NOTHING

    def secretkey_import(
        self, algorithm_type: AlgorithmType, algorithm: str, encoded: bytes, encoding: KeyEncoding
    ) -> Out:
        alg = self._algorithm(algorithm_type, algorithm)
        return self.handles.insert(
            HandleKind.SECRETKEY, SecretKey(alg, alg.import_secret(encoded, encoding))
        )

    def secretkey_export(self, sk: int, encoding: KeyEncoding) -> Out:
        secret = self._secret(sk)
        return self._output(secret.algorithm.export_secret(secret.material, encoding))

    def secretkey_close(self, sk: int) -> Out:
        self.handles.close(HandleKind.SECRETKEY, sk)
        return NOTHING

    # --- wasi_ephemeral_crypto_kx -----------------------------------------------------------

    def kx_dh(self, pk: int, sk: int) -> Out:
        public, secret = self._public(pk), self._secret(sk)
        alg = self._pair(public, secret)
        return self._output(alg.dh(public.material, secret.material))

    def kx_encapsulate(self, pk: int) -> Out:
        public = self._public(pk)
        alg = public.algorithm
        coins = self.entropy.draw(alg.coins_length) if alg.coins_length else b""
        encapsulate = alg.encapsulate if alg.derandomized_encapsulation else (
            functools.partial(self.encapsulator, alg))
        secret, ciphertext = encapsulate(public.material, coins)
        return self._output(secret, ciphertext)

    def kx_decapsulate(self, sk: int, encapsulated_secret: bytes) -> Out:
        secret = self._secret(sk)
        return self._output(secret.algorithm.decapsulate(secret.material, encapsulated_secret))
