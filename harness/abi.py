"""The WASI-crypto key-exchange ABI, declared once as data.

Every function of ``wasi_ephemeral_crypto_common``, ``wasi_ephemeral_crypto_asymmetric_common``
and ``wasi_ephemeral_crypto_kx`` (January 2022 revision) with its typed parameters and
results.  The host's linker registration, the program-running guest, the program encoder and
``docs/ABI.md`` are all derived from :data:`FUNCTIONS`; nothing else spells a signature.
"""

from __future__ import annotations

import enum
from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType

COMMON = "wasi_ephemeral_crypto_common"
ASYMMETRIC_COMMON = "wasi_ephemeral_crypto_asymmetric_common"
KX = "wasi_ephemeral_crypto_kx"
MODULES = (COMMON, ASYMMETRIC_COMMON, KX)


class Errno(enum.IntEnum):
    """``crypto_errno``, in declaration order."""

    SUCCESS = 0
    GUEST_ERROR = 1
    NOT_IMPLEMENTED = 2
    UNSUPPORTED_FEATURE = 3
    PROHIBITED_OPERATION = 4
    UNSUPPORTED_ENCODING = 5
    UNSUPPORTED_ALGORITHM = 6
    UNSUPPORTED_OPTION = 7
    INVALID_KEY = 8
    INVALID_LENGTH = 9
    VERIFICATION_FAILED = 10
    RNG_ERROR = 11
    ALGORITHM_FAILURE = 12
    INVALID_SIGNATURE = 13
    CLOSED = 14
    INVALID_HANDLE = 15
    OVERFLOW = 16
    INTERNAL_ERROR = 17
    TOO_MANY_HANDLES = 18
    KEY_NOT_SUPPORTED = 19
    KEY_REQUIRED = 20
    INVALID_TAG = 21
    INVALID_OPERATION = 22
    NONCE_REQUIRED = 23
    INVALID_NONCE = 24
    OPTION_NOT_SET = 25
    NOT_FOUND = 26
    PARAMETERS_MISSING = 27
    IN_PROGRESS = 28
    INCOMPATIBLE_KEYS = 29
    EXPIRED = 30


class AlgorithmType(enum.IntEnum):
    SIGNATURES = 0
    SYMMETRIC = 1
    KEY_EXCHANGE = 2


class KeypairEncoding(enum.Enum):
    RAW = "raw"
    PKCS8 = "pkcs8"
    PEM = "pem"
    LOCAL = "local"


class KeyEncoding(enum.Enum):
    """``publickey_encoding`` and ``secretkey_encoding`` share their members."""

    RAW = "raw"
    PKCS8 = "pkcs8"
    PEM = "pem"
    SEC = "sec"
    COMPRESSED_SEC = "compressed_sec"
    LOCAL = "local"


class Revision(enum.Enum):
    """ABI revisions a host can speak; they differ only in key-encoding numbering."""

    JAN2022 = "jan2022"  # the project's spec: compressed_sec = 4, local = 5
    WITX_0_9 = "witx-0.9"  # July 2022 on (today's guest bindings): local = 4


_KEY_ENCODING_NUMBERS: Mapping[Revision, Mapping[KeyEncoding, int]] = MappingProxyType(
    {
        Revision.JAN2022: MappingProxyType(
            {
                KeyEncoding.RAW: 0,
                KeyEncoding.PKCS8: 1,
                KeyEncoding.PEM: 2,
                KeyEncoding.SEC: 3,
                KeyEncoding.COMPRESSED_SEC: 4,
                KeyEncoding.LOCAL: 5,
            }
        ),
        Revision.WITX_0_9: MappingProxyType(
            {
                KeyEncoding.RAW: 0,
                KeyEncoding.PKCS8: 1,
                KeyEncoding.PEM: 2,
                KeyEncoding.SEC: 3,
                KeyEncoding.LOCAL: 4,
            }
        ),
    }
)
_KEYPAIR_ENCODING_NUMBERS: Mapping[KeypairEncoding, int] = MappingProxyType(
    {KeypairEncoding.RAW: 0, KeypairEncoding.PKCS8: 1, KeypairEncoding.PEM: 2,
     KeypairEncoding.LOCAL: 3}
)


def key_encoding_number(encoding: KeyEncoding, revision: Revision) -> int:
    """The wire value of a public/secret key encoding in ``revision``."""
    return _KEY_ENCODING_NUMBERS[revision][encoding]


def decode_key_encoding(value: int, revision: Revision) -> KeyEncoding | None:
    return _KEY_ENCODINGS_BY_NUMBER[revision].get(value)


# the same tables, read the other way (on the path of every call)
_KEY_ENCODINGS_BY_NUMBER = {revision: {n: e for e, n in numbers.items()}
                            for revision, numbers in _KEY_ENCODING_NUMBERS.items()}
_KEYPAIR_ENCODINGS_BY_NUMBER = {n: e for e, n in _KEYPAIR_ENCODING_NUMBERS.items()}


def keypair_encoding_number(encoding: KeypairEncoding) -> int:
    return _KEYPAIR_ENCODING_NUMBERS[encoding]


def decode_keypair_encoding(value: int) -> KeypairEncoding | None:
    return _KEYPAIR_ENCODINGS_BY_NUMBER.get(value)


class HandleKind(enum.IntEnum):
    """Object kinds that live in handle tables; the value tags handle numbers."""

    OPTIONS = 1
    ARRAY_OUTPUT = 2
    KEYPAIR = 3
    PUBLICKEY = 4
    SECRETKEY = 5
    SECRETS_MANAGER = 6


class CoreType(enum.Enum):
    I32 = "i32"
    I64 = "i64"


# --- parameter and result types --------------------------------------------------------------


@dataclass(frozen=True)
class HandleParam:
    kind: HandleKind


class EnumParam(enum.Enum):
    ALGORITHM_TYPE = "algorithm_type"
    KEYPAIR_ENCODING = "keypair_encoding"
    PUBLICKEY_ENCODING = "publickey_encoding"
    SECRETKEY_ENCODING = "secretkey_encoding"


@dataclass(frozen=True)
class U64Param:
    """``u64`` and ``version``: one i64."""

    witx: str


@dataclass(frozen=True)
class StringParam:
    """UTF-8 ``string``: (ptr, len)."""


@dataclass(frozen=True)
class InBufferParam:
    """``const_pointer u8`` + ``size``: (ptr, len) read by the host."""


@dataclass(frozen=True)
class OutBufferParam:
    """``pointer u8`` + ``size``: (ptr, len) written by the host."""


@dataclass(frozen=True)
class OptOptionsParam:
    """``opt_options``: one i32, the address of an 8-byte {tag u8; pad; handle u32} struct."""


OPT_SOME, OPT_NONE = 0, 1  # the struct's tag (note: `some` is 0)
OPT_OPTIONS_SIZE = 8


ParamType = HandleParam | EnumParam | U64Param | StringParam | InBufferParam | OutBufferParam | (
    OptOptionsParam
)


class ResultType(enum.Enum):
    """Success payloads, each written through a trailing out-pointer."""

    HANDLE = ("handle", 4)
    SIZE = ("size", 4)
    VERSION = ("version", 8)

    @property
    def width(self) -> int:
        return self.value[1]


@dataclass(frozen=True)
class Param:
    name: str
    type: ParamType
    core: tuple[CoreType, ...] = field(init=False)  # its core-wasm lowering

    def __post_init__(self) -> None:
        if isinstance(self.type, U64Param):
            core: tuple[CoreType, ...] = (CoreType.I64,)
        elif isinstance(self.type, StringParam | InBufferParam | OutBufferParam):
            core = (CoreType.I32, CoreType.I32)
        else:
            core = (CoreType.I32,)
        object.__setattr__(self, "core", core)

    @property
    def witx(self) -> str:
        t = self.type
        if isinstance(t, HandleParam):
            return t.kind.name.lower()
        if isinstance(t, EnumParam):
            return t.value
        if isinstance(t, U64Param):
            return t.witx
        if isinstance(t, StringParam):
            return "string"
        if isinstance(t, InBufferParam):
            return "const_pointer u8, size"
        if isinstance(t, OutBufferParam):
            return "pointer u8, size"
        return "opt_options"


@dataclass(frozen=True)
class Result:
    name: str
    type: ResultType
    kind: HandleKind | None = None  # for HANDLE results


@dataclass(frozen=True)
class Function:
    module: str
    name: str
    params: tuple[Param, ...]
    results: tuple[Result, ...]
    # Derived once (they sit on the hot path of every call):
    core_params: tuple[CoreType, ...] = field(init=False)
    """Lowered parameter list: the params, then one i32 out-pointer per result."""
    out_offsets: tuple[int, ...] = field(init=False)
    """Core-argument index of each result's out-pointer."""
    param_offsets: tuple[int, ...] = field(init=False)
    """Core-argument index where each parameter starts."""
    out_widths: tuple[int, ...] = field(init=False)
    """Bytes written through each out-pointer."""

    def __post_init__(self) -> None:
        offsets, k = [], 0
        for param in self.params:
            offsets.append(k)
            k += len(param.core)
        object.__setattr__(self, "param_offsets", tuple(offsets))
        object.__setattr__(self, "out_widths", tuple(r.type.width for r in self.results))
        lowered = tuple(c for p in self.params for c in p.core)
        core = lowered + (CoreType.I32,) * len(self.results)
        object.__setattr__(self, "core_params", core)
        object.__setattr__(self, "out_offsets", tuple(range(len(lowered), len(core))))

    @property
    def arity(self) -> int:
        return len(self.core_params)



# --- the table -------------------------------------------------------------------------------


def _h(name: str, kind: HandleKind) -> Param:
    return Param(name, HandleParam(kind))


def _out(name: str, kind: HandleKind) -> Result:
    return Result(name, ResultType.HANDLE, kind)


_ALG_TYPE = Param("algorithm_type", EnumParam.ALGORITHM_TYPE)
_ALG = Param("algorithm", StringParam())
_OPTS = Param("options", OptOptionsParam())
_SM = _h("secrets_manager", HandleKind.SECRETS_MANAGER)
_KP = _h("kp", HandleKind.KEYPAIR)
_PK = _h("pk", HandleKind.PUBLICKEY)
_SK = _h("sk", HandleKind.SECRETKEY)
_OPTIONS = _h("handle", HandleKind.OPTIONS)
_NAME = Param("name", StringParam())
_ENCODED = Param("encoded", InBufferParam())
_ARRAY = _out("array_output", HandleKind.ARRAY_OUTPUT)

_TABLE: tuple[Function, ...] = (
    # wasi_ephemeral_crypto_common
    Function(COMMON, "options_open", (_ALG_TYPE,), (_out("options", HandleKind.OPTIONS),)),
    Function(COMMON, "options_close", (_OPTIONS,), ()),
    Function(COMMON, "options_set", (_OPTIONS, _NAME, Param("value", InBufferParam())), ()),
    Function(COMMON, "options_set_u64", (_OPTIONS, _NAME, Param("value", U64Param("u64"))), ()),
    Function(COMMON, "options_set_guest_buffer",
             (_OPTIONS, _NAME, Param("buffer", OutBufferParam())), ()),
    Function(COMMON, "array_output_len", (_h("array_output", HandleKind.ARRAY_OUTPUT),),
             (Result("len", ResultType.SIZE),)),
    Function(COMMON, "array_output_pull",
             (_h("array_output", HandleKind.ARRAY_OUTPUT), Param("buf", OutBufferParam())),
             (Result("len", ResultType.SIZE),)),
    Function(COMMON, "secrets_manager_open", (_OPTS,),
             (_out("secrets_manager", HandleKind.SECRETS_MANAGER),)),
    Function(COMMON, "secrets_manager_close", (_SM,), ()),
    Function(COMMON, "secrets_manager_invalidate",
             (_SM, Param("key_id", InBufferParam()), Param("key_version", U64Param("version"))),
             ()),
    # wasi_ephemeral_crypto_asymmetric_common
    Function(ASYMMETRIC_COMMON, "keypair_generate", (_ALG_TYPE, _ALG, _OPTS),
             (_out("kp", HandleKind.KEYPAIR),)),
    Function(ASYMMETRIC_COMMON, "keypair_import",
             (_ALG_TYPE, _ALG, _ENCODED, Param("encoding", EnumParam.KEYPAIR_ENCODING)),
             (_out("kp", HandleKind.KEYPAIR),)),
    Function(ASYMMETRIC_COMMON, "keypair_generate_managed", (_SM, _ALG_TYPE, _ALG, _OPTS),
             (_out("kp", HandleKind.KEYPAIR),)),
    Function(ASYMMETRIC_COMMON, "keypair_store_managed",
             (_SM, _KP, Param("kp_id", OutBufferParam())), ()),
    Function(ASYMMETRIC_COMMON, "keypair_replace_managed",
             (_SM, _h("kp_old", HandleKind.KEYPAIR), _h("kp_new", HandleKind.KEYPAIR)),
             (Result("version", ResultType.VERSION),)),
    Function(ASYMMETRIC_COMMON, "keypair_id", (_KP, Param("kp_id", OutBufferParam())),
             (Result("len", ResultType.SIZE), Result("version", ResultType.VERSION))),
    Function(ASYMMETRIC_COMMON, "keypair_from_id",
             (_SM, Param("kp_id", InBufferParam()), Param("kp_version", U64Param("version"))),
             (_out("kp", HandleKind.KEYPAIR),)),
    Function(ASYMMETRIC_COMMON, "keypair_from_pk_and_sk", (_PK, _SK),
             (_out("kp", HandleKind.KEYPAIR),)),
    Function(ASYMMETRIC_COMMON, "keypair_export",
             (_KP, Param("encoding", EnumParam.KEYPAIR_ENCODING)), (_ARRAY,)),
    Function(ASYMMETRIC_COMMON, "keypair_publickey", (_KP,),
             (_out("pk", HandleKind.PUBLICKEY),)),
    Function(ASYMMETRIC_COMMON, "keypair_secretkey", (_KP,),
             (_out("sk", HandleKind.SECRETKEY),)),
    Function(ASYMMETRIC_COMMON, "keypair_close", (_KP,), ()),
    Function(ASYMMETRIC_COMMON, "publickey_import",
             (_ALG_TYPE, _ALG, _ENCODED, Param("encoding", EnumParam.PUBLICKEY_ENCODING)),
             (_out("pk", HandleKind.PUBLICKEY),)),
    Function(ASYMMETRIC_COMMON, "publickey_export",
             (_PK, Param("encoding", EnumParam.PUBLICKEY_ENCODING)), (_ARRAY,)),
    Function(ASYMMETRIC_COMMON, "publickey_verify", (_PK,), ()),
    Function(ASYMMETRIC_COMMON, "publickey_from_secretkey", (_SK,),
             (_out("pk", HandleKind.PUBLICKEY),)),
    Function(ASYMMETRIC_COMMON, "publickey_close", (_PK,), ()),
    Function(ASYMMETRIC_COMMON, "secretkey_import",
             (_ALG_TYPE, _ALG, _ENCODED, Param("encoding", EnumParam.SECRETKEY_ENCODING)),
             (_out("sk", HandleKind.SECRETKEY),)),
    Function(ASYMMETRIC_COMMON, "secretkey_export",
             (_SK, Param("encoding", EnumParam.SECRETKEY_ENCODING)), (_ARRAY,)),
    Function(ASYMMETRIC_COMMON, "secretkey_close", (_SK,), ()),
    # wasi_ephemeral_crypto_kx
    Function(KX, "kx_dh", (_PK, _SK), (_ARRAY,)),
    Function(KX, "kx_encapsulate", (_PK,),
             (_out("secret", HandleKind.ARRAY_OUTPUT),
              _out("encapsulated_secret", HandleKind.ARRAY_OUTPUT))),
    Function(KX, "kx_decapsulate", (_SK, Param("encapsulated_secret", InBufferParam())),
             (_ARRAY,)),
)

FUNCTIONS: Mapping[str, Function] = MappingProxyType({f.name: f for f in _TABLE})
"""Every function by name, in declaration order (which is also its id in the guest)."""

FUNCTION_IDS: Mapping[str, int] = MappingProxyType({f.name: i for i, f in enumerate(_TABLE)})

MAX_ARITY = max(f.arity for f in _TABLE)
MAX_RESULTS = max(len(f.results) for f in _TABLE)
