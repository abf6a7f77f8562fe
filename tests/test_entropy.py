"""Seeded entropy: the documented stream, reproducible whatever was drawn before."""

from __future__ import annotations

import hashlib

from harness.entropy import SeededEntropy


def _reference(seed: bytes, counter: int, n: int) -> bytes:
    return hashlib.shake_256(seed + counter.to_bytes(8, "little")).digest(n)


def test_draw_i_is_shake256_of_seed_and_counter() -> None:
    stream = SeededEntropy(b"kx")
    sizes = [32, 64, 32, 1, 0, 56]
    assert [stream.draw(n) for n in sizes] == [
        _reference(b"kx", i, n) for i, n in enumerate(sizes)]


def test_streams_of_one_seed_repeat_and_of_two_seeds_differ() -> None:
    first, again, other = SeededEntropy(b"a"), SeededEntropy(b"a"), SeededEntropy(b"b")
    drawn = [first.draw(32) for _ in range(4)]
    assert [again.draw(32) for _ in range(4)] == drawn
    assert [other.draw(32) for _ in range(4)] != drawn
    assert len(set(drawn)) == 4  # each draw moves the stream on


def test_a_draw_depends_on_its_length_only_by_truncation() -> None:
    # SHAKE is an XOF: a shorter draw at the same position is a prefix of a longer one
    assert SeededEntropy().draw(64)[:32] == SeededEntropy().draw(32)
