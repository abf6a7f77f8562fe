"""Handle tables against a plain model, with Hypothesis driving random operation sequences."""

from __future__ import annotations

from dataclasses import replace

import pytest
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, precondition, rule

from harness.abi import Errno, HandleKind
from harness.errors import CryptoError
from harness.handles import HandleTables
from harness.host import ArrayOutput

LIMIT = 6
kinds = st.sampled_from(list(HandleKind))


def _errno(action: object) -> Errno:
    try:
        action()  # type: ignore[operator]
    except CryptoError as error:
        return error.errno
    return Errno.SUCCESS


class HandleModel(RuleBasedStateMachine):
    def __init__(self) -> None:
        super().__init__()
        self.tables = HandleTables(LIMIT)
        self.live: dict[int, tuple[HandleKind, object]] = {}
        self.closed: dict[int, HandleKind] = {}

    @rule(kind=kinds, count=st.integers(1, 3))
    def insert(self, kind: HandleKind, count: int) -> None:
        objects = [object() for _ in range(count)]
        if len(self.live) + count > LIMIT:
            assert _errno(lambda: self.tables.insert(kind, *objects)) is Errno.TOO_MANY_HANDLES
            return
        handles = self.tables.insert(kind, *objects)
        for handle, obj in zip(handles, objects, strict=True):
            assert handle not in self.live and handle not in self.closed
            self.live[handle] = (kind, obj)

    @precondition(lambda self: self.live or self.closed)
    @rule(data=st.data(), kind=kinds)
    def close(self, data: st.DataObject, kind: HandleKind) -> None:
        handle = data.draw(st.sampled_from(sorted([*self.live, *self.closed])))
        errno = _errno(lambda: self.tables.close(kind, handle))
        if handle in self.live and self.live[handle][0] is kind:
            assert errno is Errno.SUCCESS
            del self.live[handle]
            self.closed[handle] = kind
        elif handle in self.closed and self.closed[handle] is kind:
            assert errno is Errno.CLOSED
        else:
            assert errno is Errno.INVALID_HANDLE

    @rule(kind=kinds, handle=st.integers(0, 2**32 - 1))
    def get_any(self, kind: HandleKind, handle: int) -> None:
        if handle in self.live and self.live[handle][0] is kind:
            assert self.tables.get(kind, handle) is self.live[handle][1]
        else:
            assert _errno(lambda: self.tables.get(kind, handle)) is Errno.INVALID_HANDLE

    @precondition(lambda self: self.live)
    @rule(data=st.data(), kind=kinds)
    def get_live(self, data: st.DataObject, kind: HandleKind) -> None:
        handle = data.draw(st.sampled_from(sorted(self.live)))
        self.get_any(kind, handle)

    @invariant()
    def bounded(self) -> None:
        assert len(self.tables) == len(self.live) <= LIMIT


TestHandleModel = HandleModel.TestCase


def test_counter_exhaustion_is_too_many_handles() -> None:
    tables = HandleTables(limit=4)
    tables._next[HandleKind.OPTIONS] = (1 << 24) - 1
    with pytest.raises(CryptoError) as info:
        tables.insert(HandleKind.OPTIONS, object())
    assert info.value.errno is Errno.TOO_MANY_HANDLES


def test_a_copy_shares_nothing_that_changes() -> None:
    tables = HandleTables(4)
    key = object()
    (output,) = tables.insert(HandleKind.ARRAY_OUTPUT, ArrayOutput(b"abc"))
    (pk,) = tables.insert(HandleKind.PUBLICKEY, key)
    copy = tables.copy(replace)
    copy.get(HandleKind.ARRAY_OUTPUT, output).position = 2
    copy.close(HandleKind.PUBLICKEY, pk)
    assert copy.insert(HandleKind.PUBLICKEY, key) == (pk + 1,)
    assert tables.get(HandleKind.ARRAY_OUTPUT, output).position == 0
    assert tables.get(HandleKind.PUBLICKEY, pk) is key
    assert copy.get(HandleKind.PUBLICKEY, pk + 1) is key  # keys never change: shared
    assert tables.insert(HandleKind.PUBLICKEY, key) == (pk + 1,)
