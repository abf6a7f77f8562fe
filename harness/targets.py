"""The fuzz targets as data: each a magic byte, the operations it uses and its set-up.

An input's first byte names its target, so any saved input (an artifact, a corpus file, a
regression) says by itself how to decode it; a file whose first byte is no target's is
foreign.  The rest is read front to back into operations (:mod:`harness.ops`).
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from harness.fuzzinput import Exhausted, Reader, Writer
from harness.ops import (
    ALGORITHM_NAMES,
    OPS_BY_NAME,
    Op,
    ProgramGen,
    default_op,
    read_op,
    write_op,
)
from harness.program import EncodedProgram, Program, encode_program
from impls import load_all
from impls.base import Mechanism

MAX_OPS = 48


def _names(mechanism: Mechanism) -> Callable[[], tuple[bytes, ...]]:
    """The names of every algorithm of ``mechanism`` that some backend implements."""
    def names() -> tuple[bytes, ...]:
        found = {alg.name for backend in load_all() for alg in backend.algorithms.values()
                 if alg.mechanism is mechanism}
        return tuple(sorted(n.encode() for n in found))
    return names


@dataclass(frozen=True, eq=False)
class Target:
    name: str
    magic: int
    description: str
    ops: frozenset[str]
    algorithms: Callable[[], Sequence[bytes]]
    setup: tuple[str, ...] = ()  # operations (by name, default fields) run before the input's
    # The byte after the magic picks the one algorithm the whole input is about (its set-up
    # and every ``alg`` field), so crafted keys always meet keys of their own algorithm.
    focused: bool = False

    @functools.cached_property
    def op_ids(self) -> frozenset[int]:
        return frozenset(OPS_BY_NAME[name].id for name in self.ops)

    @functools.cached_property
    def names(self) -> tuple[bytes, ...]:
        """The algorithm names its ``alg`` fields choose from."""
        return tuple(self.algorithms())

    def prepared(self, names: tuple[bytes, ...]) -> ProgramGen:
        """A generator that has emitted the set-up: every input starts from a copy."""
        if names not in self._prepared:
            gen = ProgramGen(names)
            for name in self.setup:
                op = default_op(name)
                op.kind.emit(gen, op.values)
            self._prepared[names] = gen
        return self._prepared[names]

    @functools.cached_property
    def _prepared(self) -> dict[tuple[bytes, ...], ProgramGen]:
        return {}

    def set_up(self, names: tuple[bytes, ...]) -> EncodedProgram | None:
        """The set-up's calls and data, as one program every input starts with, encoded (the
        same object each time, for :meth:`harness.execute.Executor.run`)."""
        if not self.setup:
            return None
        if names not in self._set_ups:
            self._set_ups[names] = encode_program(self.prepared(names).build())
        return self._set_ups[names]

    @functools.cached_property
    def _set_ups(self) -> dict[tuple[bytes, ...], EncodedProgram]:
        return {}


_ALL_OPS = frozenset(OPS_BY_NAME)
_KEY_OPS = frozenset({
    "generate", "publickey_import", "secretkey_import", "keypair_import", "keypair_publickey",
    "keypair_secretkey", "publickey_from_secretkey", "keypair_from_pk_and_sk", "keypair_export",
    "publickey_export", "secretkey_export", "array_output_len", "array_output_pull", "kx_dh",
    "publickey_verify",
})
_DH_OPS = frozenset({"crafted_dh", "generate", "publickey_import", "secretkey_import",
                     "keypair_secretkey", "keypair_publickey", "publickey_verify", "kx_dh",
                     "array_output_len", "array_output_pull"})
_KEM_OPS = frozenset({"generate", "keypair_publickey", "keypair_secretkey", "publickey_import",
                      "secretkey_import", "kx_encapsulate", "kx_decapsulate",
                      "array_output_len", "array_output_pull"})

# a generated key pair, taken apart: its secret key and public key are handles 0
_KEY_PAIR_SETUP = ("generate", "keypair_secretkey", "keypair_publickey")

TARGETS: tuple[Target, ...] = (
    Target("abi_sequence", 0xA5, "structure-aware programs over the whole interface",
           _ALL_OPS, lambda: ALGORITHM_NAMES),
    Target("key_import", 0xB6, "crafted key bytes in every encoding, then used",
           _KEY_OPS, lambda: ALGORITHM_NAMES),
    Target("dh", 0xC7, "crafted public keys against generated secret keys",
           _DH_OPS, _names(Mechanism.DH), setup=_KEY_PAIR_SETUP, focused=True),
    Target("kem", 0xD8, "crafted ciphertexts against generated KEM keys",
           _KEM_OPS, _names(Mechanism.KEM), setup=_KEY_PAIR_SETUP, focused=True),
)
BY_NAME = {t.name: t for t in TARGETS}
BY_MAGIC = {t.magic: t for t in TARGETS}


class ForeignInput(ValueError):
    """Bytes that are not a kxfuzz input."""


@dataclass(frozen=True)
class Decoded:
    target: Target
    ops: tuple[Op, ...]
    program: Program
    algorithm: bytes | None = None  # a focused target's algorithm
    set_up: EncodedProgram | None = None  # what ``program`` starts with, shared by many inputs


def decode(data: bytes) -> Decoded:
    """The target, operations and program an input stands for."""
    if not data:
        raise ForeignInput("not a kxfuzz input (empty)")
    if data[0] not in BY_MAGIC:
        raise ForeignInput(f"not a kxfuzz input (first byte {data[0]:#04x} names no target)")
    target = BY_MAGIC[data[0]]
    if not target.names:  # e.g. the kem target before any KEM exists: nothing to do
        return Decoded(target, (), Program())
    reader = Reader(data[1:])
    names = target.names
    if target.focused:
        try:
            names = (names[reader.u8() % len(names)],)
        except Exhausted:
            return Decoded(target, (), Program())
    gen = target.prepared(names).copy()
    ops: list[Op] = []
    allowed = target.op_ids
    while len(ops) < MAX_OPS:
        try:
            op = read_op(reader, allowed)
            op.kind.emit(gen, op.values)
            ops.append(op)
        except Exhausted:
            break
    algorithm = names[0] if target.focused else None
    return Decoded(target, tuple(ops), gen.build(), algorithm, target.set_up(names))


def encode(target: str, ops: Sequence[tuple[str, dict[str, int | bytes]]],
           algorithm: str | None = None) -> bytes:
    """An input for ``target`` made of the named operations (for seeds and tests); a focused
    target's input names its ``algorithm``."""
    chosen = BY_NAME[target]
    writer = Writer()
    writer.u8(chosen.magic)
    if chosen.focused:
        if algorithm is None:
            raise ValueError(f"target {target} needs an algorithm")
        writer.u8(chosen.names.index(algorithm.encode()))
    for name, values in ops:
        write_op(writer, name, **values)
    return writer.getvalue()
